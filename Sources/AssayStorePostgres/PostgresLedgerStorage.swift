public import AssayCrypto
public import AssayLog
public import AssayStore
import Foundation

/// A ledger in a PostgreSQL database (schema `assay`, made by `Schemas/postgres/setup.sql`):
/// the tables of FORMAT.md §7 in PostgreSQL types, guarded by PostgreSQL itself (triggers refuse
/// UPDATE, DELETE and TRUNCATE on every table and a record anywhere but at the next sequence
/// number; the role Assay writes as holds only SELECT and INSERT).
///
/// Writers in any number of processes and machines serialise on one advisory lock
/// (`pg_advisory_xact_lock(PostgresSchema.sequencerLock)`), taken first in every write
/// transaction (READ COMMITTED: after the lock, every query sees what earlier writers committed)
/// and again by the contiguity trigger, so even a client that bypasses Assay waits its turn.
/// Every session runs with `synchronous_commit` at least `on` (set when the server's default is
/// weaker) on a server with `fsync` on: a commit Assay acknowledges is on disk (and, with
/// `synchronous_standby_names`, on the standby).
///
/// Thread safety: one connection serves every call, so every entry point holds `lock` (recursive:
/// a `read` or `write` body calls back in on the same thread) for as long as it uses the
/// connection. After the connection is lost (server restart, failover), the next call outside a
/// transaction connects again; a read that fails because the connection was lost is retried once.
public final class PostgresLedgerStorage: LedgerStorage, @unchecked Sendable {
    // @unchecked Sendable: `session`, `transaction`, `inTransaction` and the node cache are
    // read and written only while holding `lock`.
    let lock = NSRecursiveLock()
    let session: PostgresSession
    /// Where the ledger is (the password is never part of it).
    public let url: PostgresURL
    /// Whether this storage was opened read-only (the session's transactions are READ ONLY).
    public let readOnly: Bool
    private var transaction: PostgresTransaction?
    private var inTransaction = false
    private var nodeCache: [Int64: Digest] = [:]
    /// At most this many cached node hashes.
    static let maxCachedNodes = 1 << 20
    /// Rows per page when streaming.
    static let pageSize = 512
    /// How long a writer waits for the sequencer lock held by another writer.
    public static let lockTimeoutSeconds = 30

    public var location: String { url.description }

    private init(session: PostgresSession, url: PostgresURL, readOnly: Bool) {
        self.session = session
        self.url = url
        self.readOnly = readOnly
    }

    // MARK: - Opening

    /// Opens the ledger in the database at `url`, checking it holds the Assay schema of this
    /// version. For writing, also checks the server is durable (`fsync` on) and that the role
    /// cannot UPDATE, DELETE or TRUNCATE any ledger table, and makes every commit synchronous.
    /// - Parameter requireLedger: whether the database must already hold a ledger (its `format`
    ///   metadata); false only for `create`.
    public static func open(_ url: PostgresURL, readOnly: Bool = false, requireLedger: Bool = true) throws(StoreError) -> PostgresLedgerStorage {
        let session = try PostgresSession.connect(url, needsPrimary: !readOnly)
        let storage = PostgresLedgerStorage(session: session, url: url, readOnly: readOnly)
        try storage.configureSession()
        let version: Int64?
        do { version = try session.scalarInt("SELECT assay.version()") } catch where error.code == .notALedger || error.code == .readOnly {
            throw StoreError(.notALedger, "\(url) has no Assay schema (or the role \(url.user) may not use it): run Schemas/postgres/setup.sql as the owner role (docs: PostgreSQL)")
        }
        guard version == PostgresSchema.version else {
            throw StoreError(.unsupportedVersion, "\(url) has Assay schema version \(version ?? 0); this assay reads version \(PostgresSchema.version)")
        }
        if !readOnly { try storage.checkWritable() }
        if requireLedger, try storage.meta(LedgerSchema.formatKey) != LedgerSchema.formatName {
            throw StoreError(.notALedger, "\(url) holds no ledger yet (run assay init --ledger \(url))")
        }
        return storage
    }

    /// Opens the empty ledger schema at `url` for a new ledger: refuses one that already holds
    /// records or metadata (nothing in it can be removed: make a new database).
    public static func create(_ url: PostgresURL) throws(StoreError) -> PostgresLedgerStorage {
        let storage = try open(url, readOnly: false, requireLedger: false)
        let records = try storage.rowCount()
        let meta = try storage.allMetadata().count
        guard records == 0, meta == 0 else {
            throw StoreError(.alreadyExists, "\(url) already holds a ledger (\(records) records, \(meta) metadata rows); refusing to overwrite it")
        }
        return storage
    }

    /// Per-session settings: the schema, durable commits, how long to wait for the sequencer,
    /// read-only transactions for a read-only open.
    private func configureSession() throws(StoreError) {
        try session.query("SET search_path TO assay")
        try session.query("SET lock_timeout = '\(Self.lockTimeoutSeconds)s'")
        // Durable commits: `on` (and with a synchronous standby, on the standby too), or the
        // stronger `remote_apply`, whatever the server's or role's default.
        let sync = try session.scalarText("SHOW synchronous_commit") ?? ""
        if sync != "on" && sync != "remote_apply" { try session.query("SET synchronous_commit = on") }
        if readOnly { try session.query("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY") }
    }

    /// What a writable open refuses: a server that does not flush its commits, a role that may
    /// edit or remove rows, a standby.
    private func checkWritable() throws(StoreError) {
        guard try session.scalarText("SHOW fsync") == "on" else {
            throw StoreError(.io, "\(url): the server runs with fsync = off, so a commit is not durable; refusing to write")
        }
        if try session.scalarText("SELECT pg_is_in_recovery()::text") == "true" {
            throw StoreError(.readOnly, "\(url) is a standby (in recovery): write to the primary")
        }
        let checks = PostgresSchema.tables.flatMap { t in ["UPDATE", "DELETE", "TRUNCATE"].map { (t.table, $0) } }
        let sql = "SELECT " + checks.map { "has_table_privilege('assay.\($0.0)', '\($0.1)')" }.joined(separator: ", ")
            + ", (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"
        guard let row = try session.query(sql).first else { return }
        if row.bool(checks.count) {
            throw StoreError(.readOnly, "refusing to write as \(url.user): a superuser can edit and remove ledger rows; connect as the role that holds only SELECT and INSERT (Schemas/postgres/setup.sql)")
        }
        for (i, c) in checks.enumerated() where row.bool(i) {
            throw StoreError(.readOnly, "refusing to write as \(url.user): the role holds \(c.1) on assay.\(c.0); Assay writes only as a role that holds only SELECT and INSERT (Schemas/postgres/setup.sql)")
        }
    }

    // MARK: - Locking and the connection

    /// Runs `body` holding the lock, with buffered inserts of the open write sent first (so
    /// reads see them); outside a transaction, on a live connection, retried once on a new one
    /// when the connection was lost.
    func locked<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if let transaction { try transaction.flush() }
        if inTransaction { return try body() }
        try reconnect()
        do { return try body() } catch {
            guard session.isClosed else { throw error }
            try reconnect()
            return try body()
        }
    }

    /// `locked` for bodies that throw any error (reads that call back into the caller).
    func lockedAny<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let transaction { try transaction.flush() }
        if !inTransaction { try reconnect() }
        return try body()
    }

    /// A new connection when the last one was lost, with this storage's session settings: the
    /// only way this storage reconnects, so that no query runs on a connection without them
    /// (one without `search_path` found no ledger tables after a lost connection).
    private func reconnect() throws(StoreError) {
        guard session.isClosed else { return }
        try session.reconnectIfClosed()
        do { try configureSession() } catch {
            session.close() // never left open without its settings: the next use reconnects again
            throw error
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one REPEATABLE READ, READ ONLY transaction: every read inside sees the
    /// same committed ledger. Inside a `write` it runs in the write's transaction.
    public func read<T>(_ body: () throws -> T) throws -> T {
        try lockedAny {
            if inTransaction { return try body() }
            try reconnect()
            try session.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            inTransaction = true
            defer { inTransaction = false }
            do {
                let result = try body()
                try session.query("COMMIT")
                return result
            } catch {
                _ = try? session.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` in one transaction that holds the sequencer lock: everything it appends is
    /// committed together (durably, `synchronous_commit` on), or nothing when `body` throws.
    /// - Throws: `StoreError(.busy)` when another writer holds the lock for longer than
    ///   `lockTimeoutSeconds`; `.io` when the connection is lost (for a lost `COMMIT`, the
    ///   outcome is unknown: appending the same envelopes again is safe, they are found).
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try lockedAny {
            guard !readOnly else { throw StoreError(.readOnly, "\(location) was opened read-only") }
            guard !inTransaction else { throw StoreError(.io, "a write cannot start inside another read or write of \(location)") }
            try reconnect()
            try session.query("BEGIN ISOLATION LEVEL READ COMMITTED")
            inTransaction = true
            defer {
                inTransaction = false
                transaction = nil
            }
            do {
                do {
                    try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.sequencerLock)])
                } catch let error as StoreError where error.code == .busy {
                    throw StoreError(.busy, "the ledger is locked by another writer (waited \(Self.lockTimeoutSeconds) s); try again")
                }
                let tx = PostgresTransaction(storage: self)
                transaction = tx
                let result = try body(try WriteTransaction(tx))
                try tx.flush()
                transaction = nil
                do { try session.query("COMMIT") } catch {
                    if session.isClosed {
                        throw StoreError(.outcomeUnknown, "\(location): the connection was lost during COMMIT, so whether the write was committed is unknown; check with assay verify (appending the same envelopes again is safe)")
                    }
                    throw error
                }
                return result
            } catch {
                transaction = nil
                if !session.isClosed { _ = try? session.query("ROLLBACK") }
                throw error
            }
        }
    }

    // MARK: - Metadata

    public func meta(_ key: String) throws(StoreError) -> String? {
        try locked { () throws(StoreError) -> String? in try session.scalarText("SELECT value FROM meta WHERE key = $1", [.text(key)]) }
    }

    public func allMetadata() throws(StoreError) -> [(key: String, value: String)] {
        try locked { () throws(StoreError) -> [(key: String, value: String)] in
            try session.query("SELECT key, value FROM meta ORDER BY key COLLATE \"C\"").map { ($0.text(0), $0.text(1)) }
        }
    }

    // MARK: - Records

    static let recordColumns = "seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash"

    static func readRecord(_ r: Row, offset o: Int = 0) throws(StoreError) -> StoredRecord {
        let seq = r.int(o)
        guard seq >= 0 else { throw StoreError(.corrupt, "a stored record's sequence number is \(seq), which is negative; run assay verify") }
        guard let l = try? Digest(bytes: r.bytes(o + 5)), let c = try? Digest(bytes: r.bytes(o + 6)) else {
            throw StoreError(.corrupt, "record \(seq) has a hash that is not 32 bytes")
        }
        return StoredRecord(seq: UInt64(seq), appendedAtMillis: r.int(o + 1), kind: r.text(o + 2), signer: r.text(o + 3),
                            envelope: r.bytes(o + 4), leafHash: l, chainHash: c)
    }

    static func storedUnsigned(_ value: Int64, _ what: @autoclosure () -> String) throws(StoreError) -> UInt64 {
        guard value >= 0 else { throw StoreError(.corrupt, "\(what()) is \(value), which is negative; run assay verify") }
        return UInt64(value)
    }

    public func size() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in
            guard let last = try session.scalarInt("SELECT MAX(seq) FROM records WHERE seq >= 0") else { return 0 }
            guard last < Int64.max else { throw StoreError(.corrupt, "the last record's sequence number is \(last), out of range; run assay verify") }
            return UInt64(last) + 1
        }
    }

    public func rowCount() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in UInt64(clamping: try session.scalarInt("SELECT count(*) FROM records") ?? 0) }
    }

    public func record(at seq: UInt64) throws(StoreError) -> StoredRecord? {
        guard seq <= UInt64(Int64.max) else { return nil }
        return try locked { () throws(StoreError) -> StoredRecord? in
            guard let r = try session.query("SELECT \(Self.recordColumns) FROM records WHERE seq = $1", [.int(Int64(seq))]).first else { return nil }
            return try Self.readRecord(r)
        }
    }

    public func forEachRecord(from start: UInt64, through end: UInt64?, _ body: (StoredRecord) throws -> Bool) throws {
        guard start <= UInt64(Int64.max) else { return }
        var next = Int64(start)
        let last = end.map { Int64(clamping: $0) } ?? Int64.max
        while next <= last {
            let page = try locked { () throws(StoreError) -> [StoredRecord] in
                try session.query("SELECT \(Self.recordColumns) FROM records WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT \(Self.pageSize)",
                                  [.int(next), .int(last)]).map { r throws(StoreError) in try Self.readRecord(r) }
            }
            for r in page { guard try body(r) else { return } }
            guard page.count == Self.pageSize, let tail = page.last, tail.seq < UInt64(Int64.max) else { return }
            next = Int64(tail.seq) + 1
        }
    }

    public func registryRecords(after seq: Int64) throws(StoreError) -> [StoredRecord] {
        try locked { () throws(StoreError) -> [StoredRecord] in
            try session.query("SELECT \(Self.recordColumns) FROM records WHERE kind IN (\(PostgresSchema.registryKindList)) AND seq > $1 ORDER BY seq",
                              [.int(seq)]).map { r throws(StoreError) in try Self.readRecord(r) }
        }
    }

    public func firstRecordOutsideSequence() throws(StoreError) -> Int64? {
        try locked { () throws(StoreError) -> Int64? in try session.scalarInt("SELECT MIN(seq) FROM records WHERE seq < 0") }
    }

    public func registryRecord(withEnvelope envelope: [UInt8]) throws(StoreError) -> StoredRecord? {
        try locked { () throws(StoreError) -> StoredRecord? in
            guard let r = try session.query("""
                SELECT \(Self.recordColumns) FROM records
                WHERE kind IN (\(PostgresSchema.registryKindList)) AND envelope = $1 ORDER BY seq LIMIT 1
                """, [.bytes(envelope)]).first else { return nil }
            return try Self.readRecord(r)
        }
    }

    // MARK: - Subjects and the event index

    public func record(withEnvelope envelope: [UInt8], subject: String) throws(StoreError) -> StoredRecord? {
        try locked { () throws(StoreError) -> StoredRecord? in
            guard let r = try session.query("""
                SELECT r.seq, r.appended_at, r.kind, r.signer, r.envelope, r.leaf_hash, r.chain_hash
                FROM subjects s JOIN records r ON r.seq = s.seq
                WHERE s.subject = $1 AND r.envelope = $2 ORDER BY s.seq LIMIT 1
                """, [.text(subject), .bytes(envelope)]).first else { return nil }
            return try Self.readRecord(r)
        }
    }

    public func records(matching candidates: [(subject: String, envelope: [UInt8])]) throws(StoreError) -> [StoredRecord] {
        guard !candidates.isEmpty else { return [] }
        var found: [UInt64: StoredRecord] = [:]
        let chunk = 2_000
        var start = 0
        while start < candidates.count {
            let part = Array(candidates[start..<min(candidates.count, start + chunk)])
            let n = part.count
            let subjects = (1...n).map { "$\($0)" }.joined(separator: ",")
            let envelopes = ((n + 1)...(2 * n)).map { "$\($0)" }.joined(separator: ",")
            let values: [PostgresSession.Value] = part.map { .text($0.subject) } + part.map { .bytes($0.envelope) }
            let rows = try locked { () throws(StoreError) -> [StoredRecord] in
                try session.query("""
                    SELECT DISTINCT r.seq, r.appended_at, r.kind, r.signer, r.envelope, r.leaf_hash, r.chain_hash
                    FROM subjects s JOIN records r ON r.seq = s.seq
                    WHERE s.subject IN (\(subjects)) AND r.envelope IN (\(envelopes))
                    """, values).map { r throws(StoreError) in try Self.readRecord(r) }
            }
            for r in rows { found[r.seq] = r }
            start += chunk
        }
        return found.keys.sorted().map { found[$0]! }
    }

    public func sequences(forEventID id: String) throws(StoreError) -> [UInt64] {
        try locked { () throws(StoreError) -> [UInt64] in
            try session.query("SELECT seq FROM event_ids WHERE id = $1 ORDER BY seq", [.text(id)]).map { r throws(StoreError) in
                try Self.storedUnsigned(r.int(0), "the event index row for \(id.prefix(200))'s sequence number")
            }
        }
    }

    public func eventIndexRows(forIDs ids: [String]) throws(StoreError) -> [(id: String, seq: UInt64)] {
        guard !ids.isEmpty else { return [] }
        var out: [(id: String, seq: UInt64)] = []
        let chunk = 10_000
        var start = 0
        while start < ids.count {
            let part = Array(ids[start..<min(ids.count, start + chunk)])
            let list = (1...part.count).map { "$\($0)" }.joined(separator: ",")
            out += try locked { () throws(StoreError) -> [(id: String, seq: UInt64)] in
                try session.query("SELECT id, seq FROM event_ids WHERE id IN (\(list))", part.map { .text($0) }).map { r throws(StoreError) in
                    let id = r.text(0)
                    return (id, try Self.storedUnsigned(r.int(1), "the event index row for \(id.prefix(200))'s sequence number"))
                }
            }
            start += chunk
        }
        // In seq order, then id (byte order), as one query over every id would give.
        return out.sorted { $0.seq != $1.seq ? $0.seq < $1.seq : Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
    }

    public func eventIndexNeedsBackfill() throws(StoreError) -> Bool {
        try locked { () throws(StoreError) -> Bool in
            guard try session.scalarInt("SELECT count(*) FROM (SELECT 1 FROM event_ids LIMIT 1) t") == 0 else { return false }
            let kinds = PostgresSchema.epcisKinds.map { "'\($0)'" }.joined(separator: ",")
            return try session.scalarInt("SELECT count(*) FROM (SELECT 1 FROM records WHERE kind IN (\(kinds)) LIMIT 1) t") == 1
        }
    }

    public func eventIndexCursor() throws(StoreError) -> (any SubjectCursor)? {
        PostgresKeyCursor(storage: self, table: "event_ids", key: "id")
    }

    public func sequences(forSubject subject: String) throws(StoreError) -> [UInt64] {
        try locked { () throws(StoreError) -> [UInt64] in
            try session.query("SELECT seq FROM subjects WHERE subject = $1 ORDER BY seq", [.text(subject)]).map { r throws(StoreError) in
                try Self.storedUnsigned(r.int(0), "the subject index row for \(subject.prefix(200))'s sequence number")
            }
        }
    }

    public func sequences(forSubject subject: String, kinds: Set<String>) throws(StoreError) -> [UInt64] {
        guard !kinds.isEmpty else { return [] }
        let sorted = kinds.sorted()
        let list = (2...(sorted.count + 1)).map { "$\($0)" }.joined(separator: ",")
        return try locked { () throws(StoreError) -> [UInt64] in
            try session.query("SELECT s.seq FROM subjects s JOIN records r ON r.seq = s.seq WHERE s.subject = $1 AND r.kind IN (\(list)) ORDER BY s.seq",
                              [.text(subject)] + sorted.map { .text($0) }).map { r throws(StoreError) in
                try Self.storedUnsigned(r.int(0), "the subject index row for \(subject.prefix(200))'s sequence number")
            }
        }
    }

    public func forEachSubjectEntry(from: UInt64, below: UInt64, _ body: (_ seq: UInt64, _ subject: String, _ kind: String, _ leaf: Digest) throws -> Void) throws {
        guard from < below, from <= UInt64(Int64.max) else { return }
        var after: (seq: Int64, subject: String)? = nil
        let end = Int64(clamping: below)
        while true {
            let rows = try locked { () throws(StoreError) -> [Row] in
                if let after {
                    return try session.query("""
                        SELECT s.seq, s.subject, r.leaf_hash, r.kind FROM subjects s JOIN records r ON r.seq = s.seq
                        WHERE (s.seq, s.subject COLLATE "C") > ($1, $2 COLLATE "C") AND s.seq < $3
                        ORDER BY s.seq, s.subject COLLATE "C" LIMIT \(Self.pageSize)
                        """, [.int(after.seq), .text(after.subject), .int(end)])
                }
                return try session.query("""
                    SELECT s.seq, s.subject, r.leaf_hash, r.kind FROM subjects s JOIN records r ON r.seq = s.seq
                    WHERE s.seq >= $1 AND s.seq < $2 ORDER BY s.seq, s.subject COLLATE "C" LIMIT \(Self.pageSize)
                    """, [.int(Int64(from)), .int(end)])
            }
            for r in rows {
                let seq = try Self.storedUnsigned(r.int(0), "a subject row's sequence number")
                let leaf = r.bytes(2)
                guard let d = try? Digest(bytes: leaf) else { throw StoreError(.corrupt, "record \(seq)'s stored leaf hash is \(leaf.count) bytes, not 32") }
                try body(seq, r.text(1), r.text(3), d)
            }
            guard rows.count == Self.pageSize, let last = rows.last else { return }
            after = (last.int(0), last.text(1))
        }
    }

    public func subjectCursor() throws(StoreError) -> any SubjectCursor {
        PostgresKeyCursor(storage: self, table: "subjects", key: "subject")
    }

    // MARK: - Checkpoints and cosignatures

    private func checkpointQuery(_ sql: String, _ values: [PostgresSession.Value] = []) throws(StoreError) -> [StoredCheckpoint] {
        try locked { () throws(StoreError) -> [StoredCheckpoint] in
            try session.query(sql, values).map { r throws(StoreError) in
                StoredCheckpoint(size: try Self.storedUnsigned(r.int(0), "a stored checkpoint's tree size"), createdAtMillis: r.int(1), note: r.bytes(2))
            }
        }
    }

    public func checkpoints() throws(StoreError) -> [StoredCheckpoint] {
        try checkpointQuery("SELECT size, created_at, note FROM checkpoints ORDER BY size")
    }

    public func checkpointRows() throws(StoreError) -> [(size: Int64, note: [UInt8])] {
        try locked { () throws(StoreError) -> [(size: Int64, note: [UInt8])] in
            try session.query("SELECT size, note FROM checkpoints ORDER BY size").map { ($0.int(0), $0.bytes(1)) }
        }
    }

    public func latestCheckpoint() throws(StoreError) -> StoredCheckpoint? {
        try checkpointQuery("SELECT size, created_at, note FROM checkpoints ORDER BY size DESC LIMIT 1").first
    }

    public func checkpoint(size: UInt64) throws(StoreError) -> StoredCheckpoint? {
        guard size <= UInt64(Int64.max) else { return nil }
        return try checkpointQuery("SELECT size, created_at, note FROM checkpoints WHERE size = $1", [.int(Int64(size))]).first
    }

    private func cosignatureQuery(_ sql: String, _ values: [PostgresSession.Value] = []) throws(StoreError) -> [StoredCosignature] {
        try locked { () throws(StoreError) -> [StoredCosignature] in
            try session.query(sql, values).map {
                StoredCosignature(size: $0.int(0), witness: $0.text(1), keyID: $0.text(2), body: $0.bytes(3), line: $0.text(4), createdAtMillis: $0.int(5))
            }
        }
    }

    public func cosignatures(size: UInt64) throws(StoreError) -> [StoredCosignature] {
        guard size <= UInt64(Int64.max) else { return [] }
        return try cosignatureQuery("""
            SELECT size, witness, key_id, body, line, created_at FROM cosignatures WHERE size = $1
            ORDER BY witness COLLATE "C", key_id COLLATE "C"
            """, [.int(Int64(size))])
    }

    public func cosignatureRows() throws(StoreError) -> [StoredCosignature] {
        try cosignatureQuery("""
            SELECT size, witness, key_id, body, line, created_at FROM cosignatures
            ORDER BY size, witness COLLATE "C", key_id COLLATE "C"
            """)
    }

    // MARK: - Tree nodes

    static func nodeKey(_ id: NodeID) -> Int64 { Int64(id.level) << 56 | Int64(id.index) }

    public func nodeHash(_ id: NodeID) throws(StoreError) -> Digest {
        try locked { () throws(StoreError) -> Digest in
            let key = Self.nodeKey(id)
            // A complete subtree's hash never changes once committed: levels ≥ 1 read outside a
            // write are cached.
            if id.level >= 1, let d = nodeCache[key] { return d }
            let bytes: [UInt8]?
            if id.level == 0 {
                guard id.index <= UInt64(Int64.max) else { throw StoreError(.corrupt, "tree node \(id) is missing from the ledger") }
                bytes = try session.query("SELECT leaf_hash FROM records WHERE seq = $1", [.int(Int64(id.index))]).first?.bytes(0)
            } else {
                bytes = try session.query("SELECT hash FROM nodes WHERE id = $1", [.int(key)]).first?.bytes(0)
            }
            guard let bytes, let d = try? Digest(bytes: bytes) else {
                throw StoreError(.corrupt, "tree node \(id) is missing from the ledger")
            }
            if id.level >= 1 && transaction == nil && nodeCache.count < Self.maxCachedNodes { nodeCache[key] = d }
            return d
        }
    }

    public func nodeCursor(level: UInt8) throws(StoreError) -> any NodeCursor {
        PostgresNodeCursor(storage: self, level: level)
    }

    public func nodeCount() throws(StoreError) -> UInt64 {
        try locked { () throws(StoreError) -> UInt64 in UInt64(clamping: try session.scalarInt("SELECT count(*) FROM nodes") ?? 0) }
    }

    public func firstNode(outside levels: ClosedRange<UInt8>?) throws(StoreError) -> Int64? {
        try locked { () throws(StoreError) -> Int64? in
            guard let levels else { return try session.scalarInt("SELECT id FROM nodes ORDER BY id LIMIT 1") }
            let lo = Int64(levels.lowerBound) << 56
            let hi = levels.upperBound >= 127 ? Int64.max : (Int64(levels.upperBound) + 1) << 56
            return try session.scalarInt("SELECT id FROM nodes WHERE id < $1 OR id >= $2 ORDER BY id LIMIT 1", [.int(lo), .int(hi)])
        }
    }

    /// One page of a cursor's rows (called by the cursors, under the lock).
    func page(_ sql: String, _ values: [PostgresSession.Value]) throws(StoreError) -> [Row] {
        try locked { () throws(StoreError) -> [Row] in try session.query(sql, values) }
    }
}
