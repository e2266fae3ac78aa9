import AssayStore

/// The SQLite ledger file's schema, in one place (FORMAT.md §7): tables, the registry index,
/// the append-only triggers, and what a writable open adds to files made before a table or
/// index existed.
enum SQLiteSchema {
    /// `PRAGMA application_id` of an Assay ledger: ASCII "ASSY".
    static let applicationID: Int64 = 0x4153_5359
    /// Current schema version (`PRAGMA user_version`). Additive changes (a new table or index
    /// created on a writable open) keep it.
    static let version: Int64 = 1

    /// The partial index over the registry kinds (`LedgerSchema.registryKinds`, the one list of them).
    static let registryIndexSQL = "CREATE INDEX IF NOT EXISTS records_registry_v2 ON records(seq) WHERE kind IN ("
        + registryKindList + ")"

    /// The subject rows by sequence number: how the subject index (FORMAT.md §13) is brought up
    /// to date from a given record on, and how `verify` streams the rows in record order.
    static let subjectsBySeqSQL = "CREATE INDEX IF NOT EXISTS subjects_by_seq ON subjects(seq)"

    /// `'LedgerGenesis', 'PartyRegistration', …`: the registry kinds as an SQL list.
    static let registryKindList = LedgerSchema.registryKinds.map { "'\($0)'" }.joined(separator: ", ")

    /// Witness cosignature lines beside their checkpoint: at most one per (size, witness, key id).
    static let cosignatureTableSQL = """
    CREATE TABLE IF NOT EXISTS cosignatures(
        size       INTEGER NOT NULL REFERENCES checkpoints(size),
        witness    TEXT NOT NULL,
        key_id     TEXT NOT NULL,
        body       BLOB NOT NULL,
        line       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (size, witness, key_id)
    ) WITHOUT ROWID
    """

    /// The EPCIS event index: each supply-chain record's `eventID` (when it has one) and its CBV 2.0
    /// event hash ID, by id: how an import finds an event the ledger already holds without
    /// scanning it. Derived from the records, like `subjects`; append-only.
    static let eventIDTableSQL = """
    CREATE TABLE IF NOT EXISTS event_ids(
        id  TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (id, seq)
    ) WITHOUT ROWID
    """

    /// What a writable open of a file without the `event_ids` table runs: the table and its triggers.
    static let eventIDUpgradeSQL = eventIDTableSQL + ";\n"
        + triggers.filter { $0.table == "event_ids" }.map { $0.sql + ";\n" }.joined()

    /// The stored kinds of EPCIS records: the records the event index holds rows for.
    static let epcisKinds = ["ComponentOrigin", "ManufacturingStep", "ProductAssembly", "EndOfLife", "Correction", "SupplyChainEvent"]

    /// Tables a file made by an earlier version may lack (their triggers are required only where they exist).
    static let optionalTables: Set<String> = ["cosignatures", "event_ids"]

    /// Everything `create` writes.
    static let createSQL = """
    CREATE TABLE meta(
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE records(
        seq         INTEGER PRIMARY KEY CHECK (seq >= 0),
        appended_at INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        signer      TEXT NOT NULL,
        envelope    BLOB NOT NULL,
        leaf_hash   BLOB NOT NULL CHECK (length(leaf_hash) = 32),
        chain_hash  BLOB NOT NULL CHECK (length(chain_hash) = 32)
    );
    CREATE TABLE nodes(
        id   INTEGER PRIMARY KEY,
        hash BLOB NOT NULL CHECK (length(hash) = 32)
    );
    CREATE TABLE checkpoints(
        size       INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        note       BLOB NOT NULL
    );
    CREATE TABLE subjects(
        subject TEXT NOT NULL,
        seq     INTEGER NOT NULL,
        PRIMARY KEY (subject, seq)
    ) WITHOUT ROWID;

    """ + cosignatureTableSQL + ";\n" + eventIDTableSQL + ";\n" + registryIndexSQL + ";\n" + subjectsBySeqSQL + ";\n" + triggers.map { $0.sql + ";\n" }.joined()

    /// What a writable open of a file without the `cosignatures` table (made before it existed)
    /// runs: the table and its two triggers, exactly as `create` writes them.
    static let cosignatureUpgradeSQL = cosignatureTableSQL + ";\n"
        + triggers.filter { $0.table == "cosignatures" }.map { $0.sql + ";\n" }.joined()

    /// The one trigger that is not a plain append-only guard: records only at the next sequence number.
    static let contiguousTriggerSQL = """
    CREATE TRIGGER records_contiguous BEFORE INSERT ON records
        WHEN NEW.seq != (SELECT COALESCE(MAX(seq) + 1, 0) FROM records)
        BEGIN SELECT RAISE(ABORT, 'assay: records must be appended at the next sequence number'); END
    """

    /// Every table refuses UPDATE and DELETE, with this message.
    static let appendOnlyTables: [(table: String, message: String)] = [
        ("records", "records are append-only"), ("nodes", "tree nodes are append-only"),
        ("checkpoints", "checkpoints are append-only"), ("subjects", "the subject index is append-only"),
        ("meta", "ledger metadata is write-once"), ("cosignatures", "witness cosignatures are append-only"),
        ("event_ids", "the event index is append-only"),
    ]

    /// Every trigger a ledger must have, by name, with its table and exact definition. The
    /// cosignature triggers are required only where the `cosignatures` table exists (a file made
    /// before it and never opened for writing since has no cosignatures to protect).
    static let triggers: [(name: String, table: String, sql: String)] = [("records_contiguous", "records", contiguousTriggerSQL)]
        + appendOnlyTables.flatMap { table, what in
            ["UPDATE", "DELETE"].map { op in
                ("\(table)_append_only_\(op.lowercased())", table,
                 "CREATE TRIGGER \(table)_append_only_\(op.lowercased()) BEFORE \(op) ON \(table) BEGIN SELECT RAISE(ABORT, 'assay: \(what)'); END")
            }
        }

    /// SQL text with every run of white space collapsed to one space and a final `;` dropped.
    static func normalised(_ sql: String) -> String {
        var t = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        while t.hasSuffix(";") || t.hasSuffix(" ") { t.removeLast() }
        return t
    }
}
