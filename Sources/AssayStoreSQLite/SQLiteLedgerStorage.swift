internal import CAssaySQLite
public import AssayCrypto
public import AssayLog
public import AssayStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SQLite ledger file (FORMAT.md §7): one connection, WAL, durable commits, append-only
/// triggers. Several processes may open the same file: writers serialise on SQLite's write
/// lock (`BEGIN IMMEDIATE`, waiting up to `defaultBusyTimeoutMillis`).
///
/// Thread safety: one SQLite connection (opened `SQLITE_OPEN_NOMUTEX`) serves every call, so
/// every entry point holds `lock` (a recursive lock: a `read` or `write` body calls back in on
/// the same thread) for as long as it touches the connection, its statements or the node
/// cache. Calls from several threads therefore run one at a time, each whole.
public final class SQLiteLedgerStorage: LedgerStorage, @unchecked Sendable {
    // @unchecked Sendable: every mutable member below (`db`, its statement cache, the node
    // cache, `leafStatement`, `nodeStatement`, `treeMaintained`) is read or written only inside
    // `locked { }`, which holds `lock`; cursors handed out take the same lock on every step.
    let lock = NSRecursiveLock()
    let db: SQLiteConnection
    /// The path as given.
    public let path: String
    /// How long a writer waits for another process's write lock before giving up.
    public static let defaultBusyTimeoutMillis: Int32 = 30_000

    private var treeMaintained = true
    /// Whether appends maintain the Merkle tree nodes. Always true in real use; the benchmark
    /// turns it off to measure what tree maintenance costs. A ledger written without it does
    /// not verify. SQLite only: not part of `LedgerStorage`.
    public var maintainsTree: Bool {
        get { lockedAny { treeMaintained } }
        set { lockedAny { treeMaintained = newValue } }
    }

    /// The location for messages: the path as given.
    public var location: String { path }

    private init(db: SQLiteConnection, path: String) {
        self.db = db
        self.path = path
    }

    /// Runs `body` holding the connection lock.
    func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs `body` holding the connection lock (any error).
    func lockedAny<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: - Opening

    /// Creates a new, empty ledger file (or an in-memory one for `:memory:`). Refuses to
    /// overwrite an existing file.
    public static func create(at path: String) throws(StoreError) -> SQLiteLedgerStorage {
        if path != ":memory:" && FileManager.default.fileExists(atPath: path) {
            throw StoreError(.alreadyExists, "\(path) already exists; refusing to overwrite it")
        }
        let db = try SQLiteConnection(path: path, flags: SQLiteFlags.create)
        let store = SQLiteLedgerStorage(db: db, path: path)
        try store.configure()
        do {
            try db.execute("BEGIN IMMEDIATE")
            try db.execute(SQLiteSchema.createSQL)
            try db.execute("PRAGMA application_id = \(SQLiteSchema.applicationID); PRAGMA user_version = \(SQLiteSchema.version);")
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return store
    }

    /// Removes a ledger file that a failed creation left behind, with SQLite's `-wal` and
    /// `-shm` files beside it. Nothing to do for `:memory:`.
    public static func removeFiles(at path: String) {
        guard path != ":memory:" else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Opens an existing ledger and checks it is one.
    ///
    /// A symbolic link is resolved first (`realpath`), so SQLite's `-wal` and `-shm` files are
    /// always those beside the real file, whatever name a process uses. For writing, a file
    /// with more than one hard link is refused: SQLite names the WAL after the name it was
    /// opened by, so writers using two names would each get their own WAL and lose each
    /// other's acknowledged appends. A writable open adds what files made by earlier versions
    /// lack (the current registry index, the cosignature table and its triggers).
    public static func open(at path: String, readOnly: Bool = false) throws(StoreError) -> SQLiteLedgerStorage {
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
        let store = SQLiteLedgerStorage(db: db, path: path)
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
        guard appID == SQLiteSchema.applicationID else {
            throw StoreError(.notALedger, "\(path) is not an Assay ledger (SQLite application_id \(appID ?? 0))")
        }
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        guard version == SQLiteSchema.version else {
            throw StoreError(.unsupportedVersion, "\(path) has ledger schema version \(version); this assay reads version \(SQLiteSchema.version)")
        }
        try store.configure(readOnly: readOnly)
        if !readOnly { try store.upgrade() }
        return store
    }

    /// Adds to a file made by an earlier version what this one writes at creation (indexes and
    /// tables only: nothing signed or hashed changes), in one transaction.
    private func upgrade() throws(StoreError) {
        try db.execute(SQLiteSchema.registryIndexSQL)
        try db.execute(SQLiteSchema.subjectsBySeqSQL)
        try addTableIfMissing("event_ids", SQLiteSchema.eventIDUpgradeSQL)
        try addTableIfMissing("cosignatures", SQLiteSchema.cosignatureUpgradeSQL)
    }

    /// Runs `sql` (a table and its triggers) in one write transaction when `table` does not
    /// exist, checked again under the write lock: another process may have added it meanwhile.
    private func addTableIfMissing(_ table: String, _ sql: String) throws(StoreError) {
        let exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(table)'"
        guard try db.scalarInt(exists) == 0 else { return }
        try db.execute("BEGIN IMMEDIATE")
        do {
            if try db.scalarInt(exists) == 0 { try db.execute(sql) }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
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
    public func setBusyTimeout(milliseconds: Int32) { lockedAny { db.busyTimeout(milliseconds: milliseconds) } }

    /// Trades durability for speed (`synchronous = NORMAL`): for benchmarks and bulk loads only.
    public func setDurable(_ durable: Bool) throws(StoreError) {
        try locked { () throws(StoreError) in try db.execute("PRAGMA synchronous = \(durable ? "FULL" : "NORMAL")") }
    }

    // MARK: - Triggers

    /// The names of the append-only triggers every ledger must have.
    public static let requiredTriggers = SQLiteSchema.triggers.map(\.name)

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
    /// that lets edits through is as good as a missing one. The cosignature triggers are
    /// required where the `cosignatures` table exists.
    public func triggerProblems() throws(StoreError) -> [TriggerProblem] {
        try locked { () throws(StoreError) -> [TriggerProblem] in
            let s = try db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table')")
            defer { s.reset() }
            var present: [String: String] = [:]
            var tables = Set<String>()
            while try s.step() {
                if s.text(0) == "trigger" { present[s.text(1)] = s.text(2) } else { tables.insert(s.text(1)) }
            }
            return SQLiteSchema.triggers.compactMap { name, table, sql in
                guard !SQLiteSchema.optionalTables.contains(table) || tables.contains(table) else { return nil }
                guard let stored = present[name] else { return TriggerProblem(name: name, definition: nil) }
                return SQLiteSchema.normalised(stored) == SQLiteSchema.normalised(sql) ? nil : TriggerProblem(name: name, definition: stored)
            }
        }
    }

    /// Missing or altered triggers and record rows outside the sequence, one line each.
    public func containerProblems() throws(StoreError) -> [String] {
        var problems = try triggerProblems().map { p in
            p.definition == nil ? "append-only trigger \(p.name) is missing: the file was edited outside assay"
                                : "append-only trigger \(p.name) is not the one assay creates: the file was edited outside assay"
        }
        if let seq = try firstRecordOutsideSequence() {
            problems.append("a record row is stored under sequence number \(seq), which is negative")
        }
        return problems
    }

    // MARK: - Metadata

    /// A metadata value (`origin`, `format`).
    public func meta(_ key: String) throws(StoreError) -> String? {
        try locked { () throws(StoreError) -> String? in
            let s = try db.prepare("SELECT value FROM meta WHERE key = ?1")
            defer { s.reset() }
            s.bind(1, key)
            return try s.step() ? s.text(0) : nil
        }
    }

    /// Every metadata row, by key, as stored. A key or value stored as anything but text
    /// (SQLite does not enforce column types) is rendered `<type> <value>`.
    public func allMetadata() throws(StoreError) -> [(key: String, value: String)] {
        try locked { () throws(StoreError) -> [(key: String, value: String)] in
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
    }

    // MARK: - Records

    /// Number of records (one more than the largest sequence number).
    public func size() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in
            guard let last = try db.scalarInt("SELECT MAX(seq) FROM records WHERE seq >= 0") else { return 0 }
            return try Self.storedCount(last, "the last record's sequence number")
        }
    }

    /// Exact count of record rows.
    public func rowCount() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in UInt64(clamping: try db.scalarInt("SELECT count(*) FROM records") ?? 0) }
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

    /// The smallest sequence number stored below 0, if any.
    public func firstRecordOutsideSequence() throws(StoreError) -> Int64? {
        try locked { () throws(StoreError) -> Int64? in try db.scalarInt("SELECT MIN(seq) FROM records WHERE seq < 0") }
    }

    /// The record at `seq`, or nil.
    public func record(at seq: UInt64) throws(StoreError) -> StoredRecord? {
        guard seq <= UInt64(Int64.max) else { return nil }
        return try locked { () throws(StoreError) -> StoredRecord? in
            let s = try db.prepare("SELECT \(Self.recordColumns) FROM records WHERE seq = ?1")
            defer { s.reset() }
            s.bind(1, Int64(bitPattern: seq))
            return try s.step() ? try Self.readRecord(s) : nil
        }
    }

    /// Streams records in `seq` order from `start` through `end` (constant memory).
    public func forEachRecord(from start: UInt64, through end: UInt64?, _ body: (StoredRecord) throws -> Bool) throws {
        guard start <= UInt64(Int64.max) else { return } // beyond any sequence number
        try lockedAny {
            let s = try db.prepareUncached("SELECT \(Self.recordColumns) FROM records WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq")
            s.bind(1, Int64(bitPattern: start))
            s.bind(2, end.map { Int64(clamping: $0) } ?? Int64.max)
            while try s.step() {
                guard try body(try Self.readRecord(s)) else { break }
            }
        }
    }

    /// The registry records after `seq`, in order (through the partial registry index).
    public func registryRecords(after seq: Int64) throws(StoreError) -> [StoredRecord] {
        try locked { () throws(StoreError) -> [StoredRecord] in
            let s = try db.prepare("""
                SELECT \(Self.recordColumns) FROM records
                WHERE kind IN (\(SQLiteSchema.registryKindList)) AND seq > ?1 ORDER BY seq
                """)
            defer { s.reset() }
            s.bind(1, seq)
            var out: [StoredRecord] = []
            while try s.step() { out.append(try Self.readRecord(s)) }
            return out
        }
    }

    static let registryEnvelopeSQL = """
        SELECT \(recordColumns) FROM records
        WHERE kind IN (\(SQLiteSchema.registryKindList)) AND envelope = ?1 ORDER BY seq LIMIT 1
        """

    /// The registry record whose envelope is exactly `envelope` (through the registry index).
    public func registryRecord(withEnvelope envelope: [UInt8]) throws(StoreError) -> StoredRecord? {
        try locked { () throws(StoreError) -> StoredRecord? in
            let s = try db.prepare(Self.registryEnvelopeSQL)
            defer { s.reset() }
            s.bind(1, envelope)
            return try s.step() ? try Self.readRecord(s) : nil
        }
    }

    // MARK: - Subjects

    static let subjectEnvelopeSQL = """
        SELECT r.seq, r.appended_at, r.kind, r.signer, r.envelope, r.leaf_hash, r.chain_hash
        FROM subjects s JOIN records r ON r.seq = s.seq
        WHERE s.subject = ?1 AND r.envelope = ?2 ORDER BY s.seq LIMIT 1
        """

    /// The first record indexed under `subject` whose envelope is exactly `envelope` (through
    /// the subjects primary key, then the record by seq; the envelope is bound without a copy).
    public func record(withEnvelope envelope: [UInt8], subject: String) throws(StoreError) -> StoredRecord? {
        try locked { () throws(StoreError) -> StoredRecord? in
            let s = try db.prepare(Self.subjectEnvelopeSQL)
            defer { s.reset() }
            s.bind(1, subject)
            let found: Result<StoredRecord?, StoreError> = envelope.withUnsafeBytes { bytes in
                s.bindNoCopy(2, bytes)
                do throws(StoreError) { return .success(try s.step() ? try Self.readRecord(s) : nil) } catch { return .failure(error) }
            }
            return try found.get()
        }
    }

    /// The records indexed under one of the candidates' subjects whose envelope is one of the
    /// candidates' envelopes, in one query (the subjects primary key, then each record by seq).
    public func records(matching candidates: [(subject: String, envelope: [UInt8])]) throws(StoreError) -> [StoredRecord] {
        guard !candidates.isEmpty else { return [] }
        return try locked { () throws(StoreError) -> [StoredRecord] in
            let n = candidates.count
            let subjects = (1...n).map { "?\($0)" }.joined(separator: ",")
            let envelopes = ((n + 1)...(2 * n)).map { "?\($0)" }.joined(separator: ",")
            let s = try db.prepare("""
                SELECT DISTINCT r.seq, r.appended_at, r.kind, r.signer, r.envelope, r.leaf_hash, r.chain_hash
                FROM subjects s JOIN records r ON r.seq = s.seq
                WHERE s.subject IN (\(subjects)) AND r.envelope IN (\(envelopes)) ORDER BY r.seq
                """)
            defer { s.reset() }
            for (i, c) in candidates.enumerated() {
                s.bind(Int32(i + 1), c.subject)
                s.bind(Int32(n + i + 1), c.envelope)
            }
            var out: [StoredRecord] = []
            while try s.step() { out.append(try Self.readRecord(s)) }
            return out
        }
    }

    /// Sequence numbers of the records whose event ID or hash ID is `id` (the `event_ids`
    /// primary key; a ledger file without the table holds none).
    public func sequences(forEventID id: String) throws(StoreError) -> [UInt64] {
        try locked { () throws(StoreError) -> [UInt64] in
            guard try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_ids'") == 1 else { return [] }
            let s = try db.prepare("SELECT seq FROM event_ids WHERE id = ?1 ORDER BY seq")
            defer { s.reset() }
            s.bind(1, id)
            var out: [UInt64] = []
            while try s.step() { out.append(try Self.storedUnsigned(s.int64(0), "the event index row for \(id.prefix(200))'s sequence number")) }
            return out
        }
    }

    public func eventIndexRows(forIDs ids: [String]) throws(StoreError) -> [(id: String, seq: UInt64)] {
        guard !ids.isEmpty else { return [] }
        return try locked { () throws(StoreError) -> [(id: String, seq: UInt64)] in
            guard try hasTable("event_ids") else { return [] }
            let s = try db.prepare("SELECT id, seq FROM event_ids WHERE id IN (\((1...ids.count).map { "?\($0)" }.joined(separator: ","))) ORDER BY seq, id")
            defer { s.reset() }
            for (i, id) in ids.enumerated() { s.bind(Int32(i + 1), id) }
            var out: [(id: String, seq: UInt64)] = []
            while try s.step() {
                let id = s.text(0)
                out.append((id, try Self.storedUnsigned(s.int64(1), "the event index row for \(id.prefix(200))'s sequence number")))
            }
            return out
        }
    }

    public func eventIndexNeedsBackfill() throws(StoreError) -> Bool {
        try locked { () throws(StoreError) -> Bool in
            guard try hasTable("event_ids"), try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM event_ids LIMIT 1)") == 0 else { return false }
            let kinds = SQLiteSchema.epcisKinds.map { "'\($0)'" }.joined(separator: ",")
            return try db.scalarInt("SELECT count(*) FROM (SELECT 1 FROM records WHERE kind IN (\(kinds)) LIMIT 1)") == 1
        }
    }

    public func eventIndexCursor() throws(StoreError) -> (any SubjectCursor)? {
        try locked { () throws(StoreError) -> (any SubjectCursor)? in
            guard try hasTable("event_ids") else { return nil }
            let s = try db.prepareUncached(
                "SELECT seq, id, typeof(seq) = 'integer' AND typeof(id) = 'text' FROM event_ids ORDER BY seq, id")
            return SQLiteSubjectCursor(statement: s, lock: lock)
        }
    }

    private func hasTable(_ name: String) throws(StoreError) -> Bool {
        try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(name)'") == 1
    }

    /// Sequence numbers of the records indexed under `subject`.
    public func sequences(forSubject subject: String) throws(StoreError) -> [UInt64] {
        try sequences(subject, sql: "SELECT seq FROM subjects WHERE subject = ?1 ORDER BY seq")
    }

    /// `sql` (one parameter, the subject; one column, a sequence number) run for `subject`.
    private func sequences(_ subject: String, sql: String) throws(StoreError) -> [UInt64] {
        try locked { () throws(StoreError) -> [UInt64] in
            let s = try db.prepare(sql)
            defer { s.reset() }
            s.bind(1, subject)
            var out: [UInt64] = []
            while try s.step() {
                out.append(try Self.storedUnsigned(s.int64(0), "the subject index row for \(subject.prefix(200))'s sequence number"))
            }
            return out
        }
    }

    public func forEachSubjectEntry(from: UInt64, below: UInt64, _ body: (_ seq: UInt64, _ subject: String, _ kind: String, _ leaf: Digest) throws -> Void) throws {
        guard from < below, from <= UInt64(Int64.max) else { return }
        try lockedAny {
            // Cached: a writer calls this once per checkpoint, for the records since the last one.
            let s = try db.prepare("""
                SELECT s.seq, s.subject, r.leaf_hash, r.kind FROM subjects s JOIN records r ON r.seq = s.seq
                WHERE s.seq >= ?1 AND s.seq < ?2 ORDER BY s.seq, s.subject
                """)
            defer { s.reset() }
            s.bind(1, Int64(bitPattern: from))
            s.bind(2, Int64(clamping: below))
            while try s.step() {
                let seq = try Self.storedUnsigned(s.int64(0), "a subject row's sequence number")
                let leaf = s.blob(2)
                guard leaf.count == 32 else { throw StoreError(.corrupt, "record \(seq)'s stored leaf hash is \(leaf.count) bytes, not 32") }
                try body(seq, s.text(1), s.text(3), try Digest(bytes: leaf))
            }
        }
    }

    public func sequences(forSubject subject: String, kinds: Set<String>) throws(StoreError) -> [UInt64] {
        guard !kinds.isEmpty else { return [] }
        let list = kinds.sorted().map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        return try sequences(subject, sql: "SELECT s.seq FROM subjects s JOIN records r ON r.seq = s.seq WHERE s.subject = ?1 AND r.kind IN (\(list)) ORDER BY s.seq")
    }

    /// Streams the subject index ordered by sequence number, then subject.
    public func subjectCursor() throws(StoreError) -> any SubjectCursor {
        // Column types are not enforced by SQLite: a subject stored as a blob would never be
        // found by a text lookup, and a sequence number stored as text names no record.
        try locked { () throws(StoreError) -> any SubjectCursor in
            let s = try db.prepareUncached("""
                SELECT seq, subject, typeof(seq) = 'integer' AND typeof(subject) = 'text' FROM subjects ORDER BY seq, subject
                """)
            return SQLiteSubjectCursor(statement: s, lock: lock)
        }
    }

    // MARK: - Checkpoints and cosignatures

    static func readCheckpoint(_ s: SQLiteStatement) throws(StoreError) -> StoredCheckpoint {
        StoredCheckpoint(size: try storedUnsigned(s.int64(0), "a stored checkpoint's tree size"), createdAtMillis: s.int64(1), note: s.blob(2))
    }

    private func checkpointQuery(_ sql: String, size: UInt64? = nil) throws(StoreError) -> [StoredCheckpoint] {
        try locked { () throws(StoreError) -> [StoredCheckpoint] in
            let s = try db.prepare(sql)
            defer { s.reset() }
            if let size { s.bind(1, Int64(bitPattern: size)) }
            var out: [StoredCheckpoint] = []
            while try s.step() { out.append(try Self.readCheckpoint(s)) }
            return out
        }
    }

    /// All stored checkpoints, smallest size first.
    public func checkpoints() throws(StoreError) -> [StoredCheckpoint] {
        try checkpointQuery("SELECT size, created_at, note FROM checkpoints ORDER BY size")
    }

    /// Every checkpoint row as stored, the size not interpreted.
    public func checkpointRows() throws(StoreError) -> [(size: Int64, note: [UInt8])] {
        try locked { () throws(StoreError) -> [(size: Int64, note: [UInt8])] in
            let s = try db.prepare("SELECT size, note FROM checkpoints ORDER BY size")
            defer { s.reset() }
            var out: [(Int64, [UInt8])] = []
            while try s.step() { out.append((s.int64(0), s.blob(1))) }
            return out
        }
    }

    /// The checkpoint with the largest tree size, if any.
    public func latestCheckpoint() throws(StoreError) -> StoredCheckpoint? {
        try checkpointQuery("SELECT size, created_at, note FROM checkpoints ORDER BY size DESC LIMIT 1").first
    }

    /// The stored checkpoint for exactly `size`, if any.
    public func checkpoint(size: UInt64) throws(StoreError) -> StoredCheckpoint? {
        guard size <= UInt64(Int64.max) else { return nil }
        return try checkpointQuery("SELECT size, created_at, note FROM checkpoints WHERE size = ?1", size: size).first
    }

    private func cosignatureQuery(_ sql: String, size: UInt64? = nil) throws(StoreError) -> [StoredCosignature] {
        try locked { () throws(StoreError) -> [StoredCosignature] in
            // A file made before the table existed, opened read-only, has none.
            guard try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cosignatures'") == 1 else { return [] }
            let s = try db.prepare(sql)
            defer { s.reset() }
            if let size { s.bind(1, Int64(bitPattern: size)) }
            var out: [StoredCosignature] = []
            while try s.step() {
                out.append(StoredCosignature(size: s.int64(0), witness: s.text(1), keyID: s.text(2), body: s.blob(3), line: s.text(4), createdAtMillis: s.int64(5)))
            }
            return out
        }
    }

    /// The cosignatures stored for the checkpoint of `size`.
    public func cosignatures(size: UInt64) throws(StoreError) -> [StoredCosignature] {
        guard size <= UInt64(Int64.max) else { return [] }
        return try cosignatureQuery("SELECT size, witness, key_id, body, line, created_at FROM cosignatures WHERE size = ?1 ORDER BY witness, key_id", size: size)
    }

    /// Every cosignature row as stored.
    public func cosignatureRows() throws(StoreError) -> [StoredCosignature] {
        try cosignatureQuery("SELECT size, witness, key_id, body, line, created_at FROM cosignatures ORDER BY size, witness, key_id")
    }

    // MARK: - Tree nodes

    static func nodeKey(_ id: NodeID) -> Int64 { Int64(id.level) << 56 | Int64(id.index) }

    /// Reads one complete-subtree hash: level 0 from the records, above from `nodes`.
    public func nodeHash(_ id: NodeID) throws(StoreError) -> Digest {
        try locked { () throws(StoreError) -> Digest in try uncheckedNodeHash(id) }
    }

    private func uncheckedNodeHash(_ id: NodeID) throws(StoreError) -> Digest {
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
        defer { s.resetKeepingBindings() }
        guard try s.step(), let d = s.digest(0) else {
            throw StoreError(.corrupt, "tree node \(id) is missing from the ledger")
        }
        if cacheable && db.inAutocommit { cache(id, d) }
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
        guard db.inAutocommit else { return }
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

    /// Streams the stored hashes of one tree level in index order.
    public func nodeCursor(level: UInt8) throws(StoreError) -> any NodeCursor {
        try locked { () throws(StoreError) -> any NodeCursor in
            let s = try db.prepareUncached("SELECT id, hash FROM nodes WHERE id >= ?1 AND id < ?2 ORDER BY id")
            s.bind(1, Int64(level) << 56)
            s.bind(2, (Int64(level) + 1) << 56)
            return SQLiteNodeCursor(statement: s, level: level, lock: lock)
        }
    }

    /// The number of stored interior nodes.
    public func nodeCount() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in UInt64(clamping: try db.scalarInt("SELECT count(*) FROM nodes") ?? 0) }
    }

    /// The first stored node id whose level is not in `levels` (see `LedgerStorage`).
    public func firstNode(outside levels: ClosedRange<UInt8>?) throws(StoreError) -> Int64? {
        try locked { () throws(StoreError) -> Int64? in
            guard let levels else { return try db.scalarInt("SELECT id FROM nodes ORDER BY id LIMIT 1") }
            let s = try db.prepare("SELECT id FROM nodes WHERE id < ?1 OR id >= ?2 ORDER BY id LIMIT 1")
            defer { s.reset() }
            s.bind(1, Int64(levels.lowerBound) << 56)
            s.bind(2, levels.upperBound >= 127 ? Int64.max : (Int64(levels.upperBound) + 1) << 56)
            return try s.step() ? s.int64(0) : nil
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one read transaction (`BEGIN DEFERRED`): every read inside sees the same
    /// snapshot (WAL readers never block writers). Other threads of this process wait.
    public func read<T>(_ body: () throws -> T) throws -> T {
        try lockedAny {
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
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE` … `COMMIT`).
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try lockedAny {
            do {
                try db.execute("BEGIN IMMEDIATE")
            } catch let e as StoreError where e.code == .busy {
                throw StoreError(.busy, "the ledger is locked by another writer (waited \(Self.defaultBusyTimeoutMillis / 1000) s); try again")
            }
            do {
                let tx = try WriteTransaction(SQLiteTransaction(storage: self), maintainsTree: treeMaintained)
                let result = try body(tx)
                try db.execute("COMMIT")
                return result
            } catch {
                try? db.execute("ROLLBACK")
                throw error
            }
        }
    }
}
