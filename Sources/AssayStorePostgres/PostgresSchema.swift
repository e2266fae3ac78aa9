import AssayStore

/// The PostgreSQL ledger's schema, in one place (FORMAT.md §7 in PostgreSQL types): the schema
/// `assay`, its tables, the registry index, the append-only triggers and the grants to the role
/// Assay connects as. `Schemas/postgres/setup.sql` is `setupFile` byte for byte (a test checks).
///
/// Who runs what: a superuser (or a role with CREATEROLE and CREATEDB) creates the two roles and
/// the database; the **owner** role runs the setup (it owns the schema, tables, functions and
/// triggers); Assay connects as the **writer** role, which holds `USAGE` on the schema and
/// `SELECT`, `INSERT` on the tables, and nothing else (no `UPDATE`, `DELETE`, `TRUNCATE`,
/// `TRIGGER`, `REFERENCES`; it owns nothing, so it cannot drop or alter a trigger).
public enum PostgresSchema {
    /// The schema every table lives in.
    public static let schema = "assay"
    /// The advisory lock every writer takes first in its transaction (`pg_advisory_xact_lock`),
    /// so that one writer at a time sequences appends, across processes and servers: ASCII "ASSY".
    public static let sequencerLock: Int64 = 0x4153_5359
    /// The value `assay.version()` returns: the schema version this build reads and writes.
    public static let version: Int64 = 1

    /// `'LedgerGenesis', 'PartyRegistration', …`: the registry kinds as an SQL list.
    static let registryKindList = LedgerSchema.registryKinds.map { "'\($0)'" }.joined(separator: ", ")

    /// The stored kinds of EPCIS records: the records the event index holds rows for.
    static let epcisKinds = ["ComponentOrigin", "ManufacturingStep", "ProductAssembly", "EndOfLife", "Correction", "SupplyChainEvent"]

    /// Every table, in creation order, with what its append-only guards say.
    public static let tables: [(table: String, message: String)] = [
        ("meta", "ledger metadata is write-once"), ("records", "records are append-only"),
        ("nodes", "tree nodes are append-only"), ("checkpoints", "checkpoints are append-only"),
        ("subjects", "the subject index is append-only"), ("event_ids", "the event index is append-only"),
        ("cosignatures", "witness cosignatures are append-only"),
    ]

    /// The table definitions (FORMAT.md §7), schema-qualified.
    static let tableSQL: [String] = [
        """
        CREATE TABLE assay.meta (
            key   text PRIMARY KEY,
            value text NOT NULL
        )
        """,
        """
        CREATE TABLE assay.records (
            seq         bigint PRIMARY KEY CHECK (seq >= 0),
            appended_at bigint NOT NULL,
            kind        text   NOT NULL,
            signer      text   NOT NULL,
            envelope    bytea  NOT NULL,
            leaf_hash   bytea  NOT NULL CHECK (length(leaf_hash) = 32),
            chain_hash  bytea  NOT NULL CHECK (length(chain_hash) = 32)
        )
        """,
        """
        CREATE TABLE assay.nodes (
            id   bigint PRIMARY KEY,
            hash bytea  NOT NULL CHECK (length(hash) = 32)
        )
        """,
        """
        CREATE TABLE assay.checkpoints (
            size       bigint PRIMARY KEY,
            created_at bigint NOT NULL,
            note       bytea  NOT NULL
        )
        """,
        """
        CREATE TABLE assay.subjects (
            subject text   NOT NULL,
            seq     bigint NOT NULL,
            PRIMARY KEY (subject, seq)
        )
        """,
        """
        CREATE TABLE assay.event_ids (
            id  text   NOT NULL,
            seq bigint NOT NULL,
            PRIMARY KEY (id, seq)
        )
        """,
        """
        CREATE TABLE assay.cosignatures (
            size       bigint NOT NULL REFERENCES assay.checkpoints(size),
            witness    text   NOT NULL,
            key_id     text   NOT NULL,
            body       bytea  NOT NULL,
            line       text   NOT NULL,
            created_at bigint NOT NULL,
            PRIMARY KEY (size, witness, key_id)
        )
        """,
    ]

    /// Indexes: hold no data, not checked by `verify`.
    static let indexSQL: [String] = [
        "CREATE INDEX records_registry ON assay.records(seq) WHERE kind IN (\(registryKindList))",
        "CREATE INDEX subjects_by_seq ON assay.subjects(seq)",
    ]

    /// The body of `assay.refuse_edit()`: every UPDATE, DELETE and TRUNCATE guard calls it with
    /// its message.
    static let refuseEditBody = """
    BEGIN
        RAISE EXCEPTION 'assay: %', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
    END
    """

    /// The body of `assay.records_contiguous()`: takes the sequencer lock (so that even a client
    /// that bypasses Assay waits for the current writer), then refuses a record anywhere but at
    /// the next sequence number. Under READ COMMITTED each query in it sees every committed row.
    static let contiguousBody = """
    BEGIN
        PERFORM pg_advisory_xact_lock(\(sequencerLock));
        IF NEW.seq IS DISTINCT FROM (SELECT COALESCE(MAX(seq) + 1, 0) FROM assay.records) THEN
            RAISE EXCEPTION 'assay: records must be appended at the next sequence number (got %)', NEW.seq
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END
    """

    /// The two guard functions: name and body (plpgsql, returning trigger).
    public static let functions: [(name: String, body: String)] = [
        ("refuse_edit", refuseEditBody), ("records_contiguous", contiguousBody),
    ]

    /// One append-only guard: a statement-level BEFORE trigger.
    public struct Trigger: Sendable, Equatable {
        /// The trigger's name (unique per table; Assay's names are unique in the schema).
        public let name: String
        /// Its table.
        public let table: String
        /// `INSERT`, `UPDATE`, `DELETE` or `TRUNCATE`.
        public let event: String
        /// The function it runs.
        public let function: String
        /// The function's argument (the refusal's message), if any.
        public let argument: String?
        /// Whether it fires for each row (only `records_contiguous`) rather than once per statement.
        public let forEachRow: Bool

        /// `CREATE TRIGGER …`, schema-qualified.
        public var sql: String {
            "CREATE TRIGGER \(name) BEFORE \(event) ON assay.\(table) FOR EACH \(forEachRow ? "ROW" : "STATEMENT") "
                + "EXECUTE FUNCTION assay.\(function)(\(argument.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? ""))"
        }
    }

    /// Every trigger a ledger must have: `records_contiguous`, and for every table
    /// `<table>_append_only_update`, `_delete` and `_truncate`.
    public static let triggers: [Trigger] = [
        Trigger(name: "records_contiguous", table: "records", event: "INSERT", function: "records_contiguous", argument: nil, forEachRow: true),
    ] + tables.flatMap { table, message in
        ["UPDATE", "DELETE", "TRUNCATE"].map { op in
            Trigger(name: "\(table)_append_only_\(op.lowercased())", table: table, event: op, function: "refuse_edit",
                    argument: message, forEachRow: false)
        }
    }

    /// The setup statements, in order, granting to `writerRole` (an SQL identifier as it must
    /// appear in the statement: quoted, or a psql variable reference such as `:"assay_role"`).
    public static func setupStatements(writerRole: String) -> [String] {
        var s = ["CREATE SCHEMA assay"]
        s += tableSQL
        s += indexSQL
        s.append("CREATE FUNCTION assay.version() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT \(version)::bigint $$")
        for f in functions {
            s.append("CREATE FUNCTION assay.\(f.name)() RETURNS trigger LANGUAGE plpgsql AS $$\n\(f.body)\n$$")
        }
        s += triggers.map(\.sql)
        s.append("REVOKE ALL ON SCHEMA assay FROM PUBLIC")
        s.append("REVOKE ALL ON ALL TABLES IN SCHEMA assay FROM PUBLIC")
        s.append("GRANT USAGE ON SCHEMA assay TO \(writerRole)")
        s.append("GRANT SELECT, INSERT ON " + tables.map { "assay.\($0.table)" }.joined(separator: ", ") + " TO \(writerRole)")
        s.append("GRANT EXECUTE ON FUNCTION assay.version() TO \(writerRole)")
        return s
    }

    /// `Schemas/postgres/setup.sql`: a header saying who runs what, then the statements for the
    /// writer role named by psql's `assay_role` variable, in one transaction.
    public static var setupFile: String {
        """
        -- Assay ledger on PostgreSQL: schema, append-only triggers and grants (FORMAT.md §7; generated
        -- from Sources/AssayStorePostgres/PostgresSchema.swift, a test checks the two agree).
        --
        -- Who runs what:
        --   1. A superuser creates the roles and the database (once per ledger):
        --        CREATE ROLE assay_owner LOGIN;   -- owns the schema; never used by Assay
        --        CREATE ROLE assay LOGIN;         -- Assay connects as this role (add PASSWORD '…' for TCP)
        --        CREATE DATABASE assay OWNER assay_owner;
        --   2. The owner role runs this file in that database:
        --        psql "postgres://assay_owner@HOST/assay" -v ON_ERROR_STOP=1 -v assay_role=assay -f setup.sql
        --   3. Assay connects as the writer role: assay init --ledger postgres://assay@HOST/assay …
        --
        -- The writer role gets USAGE on the schema and SELECT, INSERT on its tables: no UPDATE, DELETE,
        -- TRUNCATE, TRIGGER or ownership, so it can neither edit nor remove a row, nor drop a guard.
        -- Triggers refuse UPDATE, DELETE and TRUNCATE on every table for every role (the owner too), and a
        -- record anywhere but at the next sequence number. Only a superuser or the owner can drop them,
        -- and `assay verify` reports any missing or altered trigger or function.

        \\set ON_ERROR_STOP on
        BEGIN;

        """ + setupStatements(writerRole: ":\"assay_role\"").map { $0 + ";\n\n" }.joined() + "COMMIT;\n"
    }
}
