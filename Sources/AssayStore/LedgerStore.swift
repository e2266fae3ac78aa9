internal import CAssaySQLite
public import AssayCrypto
public import AssayLog
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A record as stored: the record fields plus the derived columns kept for queries.
/// Nothing derived is trusted by the verifier; it recomputes hashes from the envelope.
public struct StoredRecord: Sendable, Equatable {
    public let seq: UInt64
    public let appendedAtMillis: Int64
    /// Statement kind (`type` of the payload), for listing and indexing.
    public let kind: String
    /// The first signature's key reference (`name+keyid`).
    public let signer: String
    public let envelope: [UInt8]
    public let leafHash: Digest
    public let chainHash: Digest

    public init(seq: UInt64, appendedAtMillis: Int64, kind: String, signer: String, envelope: [UInt8], leafHash: Digest, chainHash: Digest) {
        self.seq = seq
        self.appendedAtMillis = appendedAtMillis
        self.kind = kind
        self.signer = signer
        self.envelope = envelope
        self.leafHash = leafHash
        self.chainHash = chainHash
    }

    /// The record whose hashes these are.
    public var record: LedgerRecord { LedgerRecord(seq: seq, appendedAtMillis: appendedAtMillis, envelope: envelope) }
}

/// A signed checkpoint as stored.
public struct StoredCheckpoint: Sendable, Equatable {
    public let size: UInt64
    public let createdAtMillis: Int64
    public let note: [UInt8]
}

/// The SQLite ledger file: schema, append-only triggers, transactions, queries.
///
/// One `LedgerStore` is one connection; use it from one thread at a time. Several
/// processes may open the same file: writers serialise on SQLite's write lock
/// (`BEGIN IMMEDIATE`, waiting up to `busyTimeout`).
public final class LedgerStore {
    /// `PRAGMA application_id` of an Assay ledger: ASCII "ASSY".
    public static let applicationID: Int64 = 0x4153_5359
    /// Current schema version (`PRAGMA user_version`).
    public static let schemaVersion: Int64 = 1
    /// Kinds whose records the signer registry is built from (a partial index covers them).
    public static let registryKinds = ["LedgerGenesis", "PartyRegistration", "KeyRevocation", "AuthorityDelegation"]

    /// The partial index over the registry kinds (`registryKinds`, the one list of them).
    static let registryIndexSQL = "CREATE INDEX IF NOT EXISTS records_registry_v2 ON records(seq) WHERE kind IN ("
        + registryKinds.map { "'\($0)'" }.joined(separator: ", ") + ")"
    /// How long a writer waits for another process's write lock before giving up.
    public static let defaultBusyTimeoutMillis: Int32 = 30_000

    let db: SQLiteConnection
    public let path: String
    /// Whether appends maintain the Merkle tree nodes. Always true in real use; the benchmark
    /// turns it off to measure what tree maintenance costs. A ledger written without it
    /// does not verify.
    public var maintainsTree = true

    private init(db: SQLiteConnection, path: String) {
        self.db = db
        self.path = path
    }

    /// Creates a new, empty ledger file. Refuses to overwrite an existing file.
    public static func create(at path: String) throws(StoreError) -> LedgerStore {
        if path != ":memory:" && FileManager.default.fileExists(atPath: path) {
            throw StoreError(.alreadyExists, "\(path) already exists; refusing to overwrite it")
        }
        let db = try SQLiteConnection(path: path, flags: SQLiteFlags.create)
        let store = LedgerStore(db: db, path: path)
        try store.configure()
        do {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(Self.schemaSQL)
            try db.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(schemaVersion);")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return store
    }

    /// Opens an existing ledger and checks it is one.
    ///
    /// A symbolic link is resolved first (`realpath`), so SQLite's `-wal` and `-shm` files are
    /// always those beside the real file, whatever name a process uses. For writing, a file
    /// with more than one hard link is refused: SQLite names the WAL after the name it was
    /// opened by, so writers using two names would each get their own WAL and lose each
    /// other's acknowledged appends.
    public static func open(at path: String, readOnly: Bool = false) throws(StoreError) -> LedgerStore {
        var isDir: ObjCBool = false
        guard path == ":memory:" || FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw StoreError(.notFound, "ledger \(path) does not exist")
        }
        guard !isDir.boolValue else { throw StoreError(.notALedger, "\(path) is a directory, not an Assay ledger") }
        guard path == ":memory:" || FileManager.default.isReadableFile(atPath: path) else {
            throw StoreError(.io, "ledger \(path) is not readable")
        }
        let file = path == ":memory:" ? path : try realFile(path, forWriting: !readOnly)
        let db = try SQLiteConnection(path: file, flags: readOnly ? SQLiteFlags.readOnly : SQLiteFlags.readWrite)
        // Wait for other processes' locks from the very first read.
        db.busyTimeout(milliseconds: Self.defaultBusyTimeoutMillis)
        let store = LedgerStore(db: db, path: path)
        let appID: Int64?
        do {
            appID = try db.scalarInt("PRAGMA application_id")
        } catch where error.code == .busy {
            throw StoreError(.busy, "\(path) is locked by another process (waited \(Self.defaultBusyTimeoutMillis / 1000) s); try again")
        } catch where [.readOnly, .diskFull, .notFound].contains(error.code) {
            throw error // the file system's answer (read-only directory, disk full …), not the file's content
        } catch {
            throw StoreError(.notALedger, "\(path) is not an Assay ledger (not an SQLite database)")
        }
        guard appID == applicationID else {
            throw StoreError(.notALedger, "\(path) is not an Assay ledger (SQLite application_id \(appID ?? 0))")
        }
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        guard version == schemaVersion else {
            throw StoreError(.unsupportedVersion, "\(path) has ledger schema version \(version); this assay reads version \(schemaVersion)")
        }
        try store.configure(readOnly: readOnly)
        // Ledgers made before delegations existed carry a narrower registry index: add the
        // current one (an index, not data: nothing signed or hashed changes).
        if !readOnly { try db.execute(Self.registryIndexSQL) }
        return store
    }

    /// The real path of an existing ledger file (symbolic links resolved); for writing, refuses
    /// a file with several hard links.
    static func realFile(_ path: String, forWriting: Bool) throws(StoreError) -> String {
        guard let resolved = realpath(path, nil) else {
            throw StoreError(.io, "cannot resolve \(path): \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        let real = String(cString: resolved)
        var st = stat()
        guard stat(real, &st) == 0 else { throw StoreError(.io, "cannot stat \(path): \(String(cString: strerror(errno)))") }
        if forWriting && st.st_nlink > 1 {
            throw StoreError(.unsafeFile, "refusing to write \(path): the file has \(st.st_nlink) hard links, and SQLite keeps a separate write-ahead log beside each name, so writers using different names would lose each other's appends; keep one name (remove the other links) or copy the file")
        }
        return real
    }

    private func configure(readOnly: Bool = false) throws(StoreError) {
        db.busyTimeout(milliseconds: Self.defaultBusyTimeoutMillis)
        if !readOnly && path != ":memory:" {
            try db.execute("PRAGMA journal_mode = WAL")
        }
        // Durable commits: in WAL mode FULL syncs the WAL on every commit.
        try db.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16000;")
    }

    /// Sets how long to wait for another writer's lock.
    public func setBusyTimeout(milliseconds: Int32) { db.busyTimeout(milliseconds: milliseconds) }

    /// Trades durability for speed (`synchronous = NORMAL`): for benchmarks and bulk loads only.
    public func setDurable(_ durable: Bool) throws(StoreError) {
        try db.execute("PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")")
    }

    static let schemaSQL = """
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

    """ + registryIndexSQL + ";\n" + triggerSQL.map { $0.sql + ";\n" }.joined()

    /// The one trigger that is not a plain append-only guard: records only at the next sequence number.
    static let contiguousTriggerSQL = """
    CREATE TRIGGER records_contiguous BEFORE INSERT ON records
        WHEN NEW.seq != (SELECT COALESCE(MAX(seq) + 1, 0) FROM records)
        BEGIN SELECT RAISE(ABORT, 'assay: records must be appended at the next sequence number'); END
    """

    /// Every trigger a ledger must have, by name, with its exact definition.
    static let triggerSQL: [(name: String, sql: String)] = [("records_contiguous", contiguousTriggerSQL)]
        + appendOnlyTables.flatMap { table, what in
            ["UPDATE", "DELETE"].map { op in
                ("\(table)_append_only_\(op.lowercased())",
                 "CREATE TRIGGER \(table)_append_only_\(op.lowercased()) BEFORE \(op) ON \(table) BEGIN SELECT RAISE(ABORT, 'assay: \(what)'); END")
            }
        }

    /// Every table refuses UPDATE and DELETE, with this message.
    static let appendOnlyTables: [(String, String)] = [
        ("records", "records are append-only"), ("nodes", "tree nodes are append-only"),
        ("checkpoints", "checkpoints are append-only"), ("subjects", "the subject index is append-only"),
        ("meta", "ledger metadata is write-once"),
    ]

    /// The names of the append-only triggers every ledger must have.
    public static let requiredTriggers = triggerSQL.map(\.name)

    /// Required triggers that are missing (a sign someone edited the file with SQLite directly).
    public func missingTriggers() throws(StoreError) -> [String] {
        try triggerProblems().filter { $0.definition == nil }.map(\.name)
    }

    /// A required trigger that is missing or whose definition is not the one Assay creates.
    public struct TriggerProblem: Sendable, Equatable {
        /// The trigger's name.
        public let name: String
        /// The stored definition when the trigger exists but differs; nil when it is missing.
        public let definition: String?
    }

    /// Every required trigger that is missing or defined differently from what `create` writes
    /// (compared with runs of white space collapsed, so a ledger created by an earlier layout of
    /// the same statements still matches). A trigger re-created with the same name but a body
    /// that lets edits through is as good as a missing one.
    public func triggerProblems() throws(StoreError) -> [TriggerProblem] {
        let s = try db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        defer { s.reset() }
        var present: [String: String] = [:]
        while try s.step() { present[s.text(0)] = s.text(1) }
        return Self.triggerSQL.compactMap { name, sql in
            guard let stored = present[name] else { return TriggerProblem(name: name, definition: nil) }
            return Self.normalisedSQL(stored) == Self.normalisedSQL(sql) ? nil : TriggerProblem(name: name, definition: stored)
        }
    }

    /// SQL text with every run of white space collapsed to one space and a final `;` dropped.
    static func normalisedSQL(_ sql: String) -> String {
        var t = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        while t.hasSuffix(";") || t.hasSuffix(" ") { t.removeLast() }
        return t
    }

    // MARK: - Metadata

    /// A metadata value (`origin`, `format`).
    public func meta(_ key: String) throws(StoreError) -> String? {
        let s = try db.prepare("SELECT value FROM meta WHERE key = ?1")
        defer { s.reset() }
        s.bind(1, key)
        return try s.step() ? s.text(0) : nil
    }

    /// The log origin recorded at creation.
    public func origin() throws(StoreError) -> String? { try meta("origin") }

    /// The metadata keys a ledger holds, exactly: `format` (always `formatName`) and `origin`.
    public static let metadataKeys = ["format", "origin"]
    /// The value of `meta.format`.
    public static let formatName = "assay-ledger"

    /// Every metadata row, by key, as stored. A key or value stored as anything but text
    /// (SQLite does not enforce column types) is rendered `<type> <value>`, so it can never
    /// equal an expected text value.
    public func allMetadata() throws(StoreError) -> [(key: String, value: String)] {
        let s = try db.prepare("SELECT typeof(key), key, typeof(value), value FROM meta ORDER BY key")
        defer { s.reset() }
        var out: [(String, String)] = []
        while try s.step() {
            let k = s.text(0) == "text" ? s.text(1) : "<\(s.text(0))> \(s.text(1))"
            let v = s.text(2) == "text" ? s.text(3) : "<\(s.text(2))> \(s.text(3))"
            out.append((k, v))
        }
        return out
    }

    // MARK: - Reading records

    /// Number of records (one more than the largest sequence number).
    /// - Throws: `.corrupt` when the largest stored sequence number is out of range.
    public func size() throws(StoreError) -> UInt64 {
        guard let last = try db.scalarInt("SELECT MAX(seq) FROM records WHERE seq >= 0") else { return 0 }
        return try Self.storedCount(last, "the last record's sequence number")
    }

    /// Exact count of rows (differs from `size()` only when rows were deleted behind the triggers).
    public func rowCount() throws(StoreError) -> UInt64 {
        UInt64(clamping: try db.scalarInt("SELECT count(*) FROM records") ?? 0)
    }

    /// `value + 1` for a stored last sequence number, refusing what no ledger can hold
    /// (negative, or the largest 64-bit integer, after which nothing could be appended).
    static func storedCount(_ value: Int64, _ what: String) throws(StoreError) -> UInt64 {
        guard value >= 0, value < Int64.max else {
            throw StoreError(.corrupt, "\(what) is \(value), out of range; run assay verify")
        }
        return UInt64(value) + 1
    }

    /// A stored sequence number or tree size as an unsigned number; a negative one is corrupt.
    static func storedUnsigned(_ value: Int64, _ what: @autoclosure () -> String) throws(StoreError) -> UInt64 {
        guard value >= 0 else { throw StoreError(.corrupt, "\(what()) is \(value), which is negative; run assay verify") }
        return UInt64(value)
    }

    static let recordColumns = "seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash"

    static func readRecord(_ s: SQLiteStatement) throws(StoreError) -> StoredRecord {
        guard let l = s.digest(5), let c = s.digest(6) else {
            throw StoreError(.corrupt, "record \(s.int64(0)) has a hash that is not 32 bytes")
        }
        return StoredRecord(seq: try storedUnsigned(s.int64(0), "a stored record's sequence number"), appendedAtMillis: s.int64(1),
                            kind: s.text(2), signer: s.text(3), envelope: s.blob(4), leafHash: l, chainHash: c)
    }

    /// The smallest sequence number stored below 0, if any: such a row is outside the ledger
    /// (`forEachRecord` never reads it) and can only come from editing the file directly.
    public func firstRecordOutsideSequence() throws(StoreError) -> Int64? {
        try db.scalarInt("SELECT MIN(seq) FROM records WHERE seq < 0")
    }

    /// The record at `seq`, or nil.
    public func record(at seq: UInt64) throws(StoreError) -> StoredRecord? {
        guard seq <= UInt64(Int64.max) else { return nil }
        let s = try db.prepare("SELECT \(Self.recordColumns) FROM records WHERE seq = ?1")
        defer { s.reset() }
        s.bind(1, Int64(bitPattern: seq))
        return try s.step() ? try Self.readRecord(s) : nil
    }

    /// Calls `body` for every record in `seq` order from `start`, streaming (constant memory).
    /// Stops early when `body` returns false.
    public func forEachRecord(from start: UInt64 = 0, through end: UInt64? = nil, _ body: (StoredRecord) throws -> Bool) throws {
        guard start <= UInt64(Int64.max) else { return } // beyond any sequence number
        let s = try db.prepareUncached("SELECT \(Self.recordColumns) FROM records WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq")
        s.bind(1, Int64(bitPattern: start))
        s.bind(2, end.map { Int64(clamping: $0) } ?? Int64.max)
        while try s.step() {
            guard try body(try Self.readRecord(s)) else { break }
        }
    }

    /// The registry records (genesis, registrations, revocations) after `seq`, in order.
    public func registryRecords(after seq: Int64 = -1) throws(StoreError) -> [StoredRecord] {
        let s = try db.prepare("""
            SELECT \(Self.recordColumns) FROM records
            WHERE kind IN (\(Self.registryKinds.map { "'\($0)'" }.joined(separator: ", "))) AND seq > ?1 ORDER BY seq
            """)
        defer { s.reset() }
        s.bind(1, seq)
        var out: [StoredRecord] = []
        while try s.step() { out.append(try Self.readRecord(s)) }
        return out
    }

    /// Sequence numbers of the records indexed under `subject`.
    public func sequences(forSubject subject: String) throws(StoreError) -> [UInt64] {
        let s = try db.prepare("SELECT seq FROM subjects WHERE subject = ?1 ORDER BY seq")
        defer { s.reset() }
        s.bind(1, subject)
        var out: [UInt64] = []
        while try s.step() {
            out.append(try Self.storedUnsigned(s.int64(0), "the subject index row for \(subject.prefix(200))'s sequence number"))
        }
        return out
    }

    /// Streams the subject index ordered by sequence number, then subject (for `verify`).
    public func subjectCursor() throws(StoreError) -> SubjectCursor {
        // Column types are not enforced by SQLite: a subject stored as a blob would never be
        // found by a text lookup, and a sequence number stored as text names no record.
        let s = try db.prepareUncached("""
            SELECT seq, subject, typeof(seq) = 'integer' AND typeof(subject) = 'text' FROM subjects ORDER BY seq, subject
            """)
        return SubjectCursor(statement: s)
    }

    // MARK: - Checkpoints

    static func readCheckpoint(_ s: SQLiteStatement) throws(StoreError) -> StoredCheckpoint {
        StoredCheckpoint(size: try storedUnsigned(s.int64(0), "a stored checkpoint's tree size"), createdAtMillis: s.int64(1), note: s.blob(2))
    }

    /// All stored checkpoints, smallest size first.
    /// - Throws: `.corrupt` for a row whose size is negative.
    public func checkpoints() throws(StoreError) -> [StoredCheckpoint] {
        let s = try db.prepare("SELECT size, created_at, note FROM checkpoints ORDER BY size")
        defer { s.reset() }
        var out: [StoredCheckpoint] = []
        while try s.step() { out.append(try Self.readCheckpoint(s)) }
        return out
    }

    /// Every checkpoint row as stored, the size not interpreted (for `verify`, which reports a
    /// negative size as a finding instead of failing to read).
    public func checkpointRows() throws(StoreError) -> [(size: Int64, note: [UInt8])] {
        let s = try db.prepare("SELECT size, note FROM checkpoints ORDER BY size")
        defer { s.reset() }
        var out: [(Int64, [UInt8])] = []
        while try s.step() { out.append((s.int64(0), s.blob(1))) }
        return out
    }

    /// The checkpoint with the largest tree size, if any.
    public func latestCheckpoint() throws(StoreError) -> StoredCheckpoint? {
        let s = try db.prepare("SELECT size, created_at, note FROM checkpoints ORDER BY size DESC LIMIT 1")
        defer { s.reset() }
        return try s.step() ? try Self.readCheckpoint(s) : nil
    }

    /// The stored checkpoint for exactly `size`, if any.
    public func checkpoint(size: UInt64) throws(StoreError) -> StoredCheckpoint? {
        guard size <= UInt64(Int64.max) else { return nil }
        let s = try db.prepare("SELECT size, created_at, note FROM checkpoints WHERE size = ?1")
        defer { s.reset() }
        s.bind(1, Int64(bitPattern: size))
        return try s.step() ? try Self.readCheckpoint(s) : nil
    }

    // MARK: - Tree nodes

    static func nodeKey(_ id: NodeID) -> Int64 { Int64(id.level) << 56 | Int64(id.index) }

    /// Reads one complete-subtree hash: level 0 from the records, above from `nodes`.
    public func nodeHash(_ id: NodeID) throws(StoreError) -> Digest {
        // A complete subtree's hash never changes once written, so hashes read outside a
        // write transaction (committed ones) are cached: proofs then read only the few
        // lowest levels from SQLite.
        let cacheable = id.level >= Self.cachedLevels
        if cacheable {
            if let d = cachedNode(id) { return d }
            cachedReads += 1
            if !upperLevelsLoaded { try loadLevels(from: Self.preloadedLevel) }
            // A process serving many proofs gets every level from 1 up in memory, once.
            if cachedReads == Self.busyThreshold { try loadLevels(from: Self.cachedLevels) }
            if let d = cachedNode(id) { return d }
        }
        let s: SQLiteStatement
        if id.level == 0 {
            if leafStatement == nil { leafStatement = try db.prepareUncached("SELECT leaf_hash FROM records WHERE seq = ?1") }
            s = leafStatement!
            s.bind(1, Int64(bitPattern: id.index))
        } else {
            if nodeStatement == nil { nodeStatement = try db.prepareUncached("SELECT hash FROM nodes WHERE id = ?1") }
            s = nodeStatement!
            s.bind(1, Self.nodeKey(id))
        }
        defer { sqlite3_reset(s.handle) }
        guard try s.step(), let d = s.digest(0) else {
            throw StoreError(.corrupt, "tree node \(id) is missing from the ledger")
        }
        if cacheable && sqlite3_get_autocommit(db.handle) != 0 { cache(id, d) }
        return d
    }

    /// The cached hash of `id`, if its level's cache reaches that far.
    private func cachedNode(_ id: NodeID) -> Digest? {
        let level = Int(id.level)
        guard level < levelCache.count else { return nil }
        let lo = Int(id.index) &* 32
        guard id.index < UInt64(Int.max / 64), lo + 32 <= levelCache[level].count else { return nil }
        return levelCache[level].withUnsafeBytes { Digest(raw: UnsafeRawBufferPointer(rebasing: $0[lo..<(lo + 32)])) }
    }

    /// Adds a committed hash to its level's cache when it is the next one there (each level
    /// is cached densely, from index 0, 32 bytes a node).
    private func cache(_ id: NodeID, _ hash: Digest) {
        let level = Int(id.level)
        guard cachedNodeCount < Self.maxCachedNodes else { return }
        while levelCache.count <= level { levelCache.append([]) }
        guard UInt64(levelCache[level].count / 32) == id.index else { return }
        hash.withUnsafeBytes { levelCache[level].append(contentsOf: $0) }
        cachedNodeCount += 1
    }

    /// Reads every committed node at `level` and above in one sequential scan (at level 4,
    /// 1/16 of the nodes), so that a proof's cold reads are only its few lowest levels.
    private func loadLevels(from level: UInt8) throws(StoreError) {
        guard sqlite3_get_autocommit(db.handle) != 0 else { return }
        upperLevelsLoaded = true
        let s = try db.prepareUncached("SELECT id, hash FROM nodes WHERE id >= ?1 ORDER BY id")
        s.bind(1, Int64(level) << 56)
        while try s.step(), cachedNodeCount < Self.maxCachedNodes {
            let key = s.int64(0)
            guard let hash = s.digest(1) else { continue }
            cache(NodeID(level: UInt8(key >> 56), index: UInt64(key & ((1 << 56) - 1))), hash)
        }
    }

    /// Levels loaded in bulk on the first cached read.
    static let preloadedLevel: UInt8 = 4
    /// After this many cached-level reads (about a thousand proofs), all levels from 1 up are loaded.
    static let busyThreshold = 20_000
    private var cachedReads = 0
    private var upperLevelsLoaded = false

    /// Tree levels at and above which node hashes are cached in memory.
    static let cachedLevels: UInt8 = 1
    /// At most this many cached node hashes (32 bytes each: 64 MiB), enough for every
    /// interior node of a two-million-entry ledger.
    static let maxCachedNodes = 1 << 21
    /// Per level, the hashes of nodes 0, 1, 2 … concatenated.
    private var levelCache: [[UInt8]] = []
    private var cachedNodeCount = 0
    private var leafStatement: SQLiteStatement?
    private var nodeStatement: SQLiteStatement?

    /// Streams the stored hashes of one tree level in index order (for `verify`).
    public func nodeCursor(level: UInt8) throws(StoreError) -> NodeCursor {
        let s = try db.prepareUncached("SELECT id, hash FROM nodes WHERE id >= ?1 AND id < ?2 ORDER BY id")
        s.bind(1, Int64(level) << 56)
        s.bind(2, (Int64(level) + 1) << 56)
        return NodeCursor(statement: s, level: level)
    }

    /// The number of stored interior nodes.
    public func nodeCount() throws(StoreError) -> UInt64 {
        UInt64(clamping: try db.scalarInt("SELECT count(*) FROM nodes") ?? 0)
    }

    /// The stored node id (`level << 56 | index`, as stored) with the smallest id whose level
    /// is not in `levels`, or nil when every stored node lies in those levels. With `levels`
    /// nil, the first stored node of all. Negative ids and level 0 (leaves are never stored
    /// here) are outside every range of levels ≥ 1.
    public func firstNode(outside levels: ClosedRange<UInt8>?) throws(StoreError) -> Int64? {
        guard let levels else { return try db.scalarInt("SELECT id FROM nodes ORDER BY id LIMIT 1") }
        let s = try db.prepare("SELECT id FROM nodes WHERE id < ?1 OR id >= ?2 ORDER BY id LIMIT 1")
        defer { s.reset() }
        s.bind(1, Int64(levels.lowerBound) << 56)
        s.bind(2, levels.upperBound >= 127 ? Int64.max : (Int64(levels.upperBound) + 1) << 56)
        return try s.step() ? s.int64(0) : nil
    }

    // MARK: - Writing

    /// Runs `body` in one read transaction: every read inside sees the same snapshot of the
    /// ledger, whatever other processes commit meanwhile (WAL readers never block writers).
    public func read<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN DEFERRED")
        do {
            let result = try body()
            try? db.execute("COMMIT")
            return result
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE` … `COMMIT`): everything it
    /// appends becomes visible and durable together, or not at all.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        if let e = Self.failure(of: { () throws(StoreError) in try db.execute("BEGIN IMMEDIATE") }) {
            if e.code == .busy {
                throw StoreError(.busy, "the ledger is locked by another writer (waited \(Self.defaultBusyTimeoutMillis / 1000) s); try again")
            }
            throw e
        }
        do {
            let tx = try WriteTransaction(store: self)
            let result = try body(tx)
            try db.execute("COMMIT")
            return result
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }
}

extension LedgerStore {
    static func failure(of body: () throws(StoreError) -> Void) -> StoreError? {
        do { try body() } catch { return error }
        return nil
    }
}

extension LedgerStore: MerkleNodeSource {
    public func hash(of id: NodeID) throws -> Digest { try nodeHash(id) }
}

/// A forward cursor over the subject index, ordered by sequence number then subject.
public final class SubjectCursor {
    let statement: SQLiteStatement

    init(statement: SQLiteStatement) { self.statement = statement }

    /// The next row: its sequence number as stored (possibly negative), its subject, and
    /// whether both columns have the types the schema declares; nil at the end.
    public func next() throws(StoreError) -> (seq: Int64, subject: String, welltyped: Bool)? {
        guard try statement.step() else { return nil }
        return (statement.int64(0), statement.text(1), statement.int64(2) != 0)
    }
}

/// A forward cursor over one level of stored tree nodes.
public final class NodeCursor {
    let statement: SQLiteStatement
    public let level: UInt8

    init(statement: SQLiteStatement, level: UInt8) {
        self.statement = statement
        self.level = level
    }

    /// The next stored node at this level: its index and hash, or nil at the end.
    public func next() throws(StoreError) -> (index: UInt64, hash: [UInt8])? {
        guard try statement.step() else { return nil }
        let id = statement.int64(0)
        return (UInt64(id & ((1 << 56) - 1)), statement.blob(1))
    }
}
