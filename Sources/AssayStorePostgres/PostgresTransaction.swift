import AssayCrypto
import AssayLog
import AssayStore

/// Row inserts inside an open write transaction of a `PostgresLedgerStorage` (the sequencer's
/// advisory lock held). Inserts are buffered and sent as multi-row `INSERT`s, table by table in
/// an order the foreign keys and the contiguity trigger accept, before any read in the same
/// transaction and before `COMMIT`: one round trip per table and batch instead of one per row.
/// Only `PostgresLedgerStorage.write` makes one, holding the storage's lock throughout.
final class PostgresTransaction: LedgerStorageTransaction {
    let postgres: PostgresLedgerStorage
    private var meta: [(String, String)] = []
    private var records: [StoredRecord] = []
    private var nodes: [(Int64, Digest)] = []
    private var subjects: [(String, Int64)] = []
    private var eventIDs: [(String, Int64)] = []
    private var checkpoints: [StoredCheckpoint] = []
    private var cosignatures: [StoredCosignature] = []

    /// At most this many bound parameters per statement (PostgreSQL's limit is 65,535).
    static let maxParameters = 30_000

    init(storage: PostgresLedgerStorage) { postgres = storage }

    var storage: any LedgerStorage { postgres }

    var isEmpty: Bool {
        meta.isEmpty && records.isEmpty && nodes.isEmpty && subjects.isEmpty && eventIDs.isEmpty && checkpoints.isEmpty && cosignatures.isEmpty
    }

    func lastRecord() throws(StoreError) -> (seq: UInt64, appendedAtMillis: Int64, chainHash: Digest)? {
        if let r = records.last { return (r.seq, r.appendedAtMillis, r.chainHash) }
        try flush()
        guard let row = try postgres.session.query("SELECT seq, appended_at, chain_hash FROM records ORDER BY seq DESC LIMIT 1").first else {
            return nil
        }
        let seq = row.int(0)
        guard seq >= 0, seq < Int64.max else {
            throw StoreError(.corrupt, "the last record's sequence number is \(seq), out of range; run assay verify")
        }
        guard let head = try? Digest(bytes: row.bytes(2)) else {
            throw StoreError(.corrupt, "record \(seq) has a chain hash that is not 32 bytes; run assay verify")
        }
        return (UInt64(seq), row.int(1), head)
    }

    func insert(_ r: StoredRecord, subjects list: [String]) throws(StoreError) {
        records.append(r)
        var seen = Set<String>()
        for s in list where seen.insert(s).inserted { subjects.append((s, Int64(bitPattern: r.seq))) }
    }

    func insert(eventIDs ids: [String], seq: UInt64) throws(StoreError) {
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted { eventIDs.append((id, Int64(bitPattern: seq))) }
    }

    func insertNode(_ id: NodeID, hash: Digest) throws(StoreError) {
        nodes.append((PostgresLedgerStorage.nodeKey(id), hash))
    }

    func insert(_ c: StoredCheckpoint) throws(StoreError) { checkpoints.append(c) }

    func insert(_ c: StoredCosignature) throws(StoreError) { cosignatures.append(c) }

    func insertMeta(key: String, value: String) throws(StoreError) { meta.append((key, value)) }

    /// Sends every buffered row (pipelined: every statement is sent before the first answer is
    /// awaited) and waits for all; the first error is thrown (the transaction is then aborted).
    func flush() throws(StoreError) {
        guard !isEmpty else { return }
        typealias V = PostgresSession.Value
        var statements: [(sql: String, values: [V])] = []
        func add<T>(_ table: String, _ columns: [String], _ rows: [T], _ values: (T) -> [V], suffix: String = "") {
            guard !rows.isEmpty else { return }
            let perRow = columns.count
            let chunk = max(1, Self.maxParameters / perRow)
            var start = 0
            while start < rows.count {
                let part = rows[start..<min(rows.count, start + chunk)]
                var vals: [V] = []
                vals.reserveCapacity(part.count * perRow)
                var tuples: [String] = []
                tuples.reserveCapacity(part.count)
                for r in part {
                    let base = vals.count
                    tuples.append("(" + (1...perRow).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                    vals += values(r)
                }
                statements.append(("INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES " + tuples.joined(separator: ", ") + suffix, vals))
                start += chunk
            }
        }
        add("meta", ["key", "value"], meta) { [.text($0.0), .text($0.1)] }
        add("records", ["seq", "appended_at", "kind", "signer", "envelope", "leaf_hash", "chain_hash"], records) { r in
            [.int(Int64(bitPattern: r.seq)), .int(r.appendedAtMillis), .text(r.kind), .text(r.signer), .bytes(r.envelope),
             .bytes(r.leafHash.bytes), .bytes(r.chainHash.bytes)]
        }
        add("nodes", ["id", "hash"], nodes) { [.int($0.0), .bytes($0.1.bytes)] }
        add("subjects", ["subject", "seq"], subjects) { [.text($0.0), .int($0.1)] }
        // An event id already indexed for this seq (a backfill overlapping an append) is not a second row.
        add("event_ids", ["id", "seq"], eventIDs, { [.text($0.0), .int($0.1)] }, suffix: " ON CONFLICT DO NOTHING")
        add("checkpoints", ["size", "created_at", "note"], checkpoints) { c in
            [.int(Int64(bitPattern: c.size)), .int(c.createdAtMillis), .bytes(c.note)]
        }
        add("cosignatures", ["size", "witness", "key_id", "body", "line", "created_at"], cosignatures) { c in
            [.int(c.size), .text(c.witness), .text(c.keyID), .bytes(c.body), .text(c.line), .int(c.createdAtMillis)]
        }
        meta = []; records = []; nodes = []; subjects = []; eventIDs = []; checkpoints = []; cosignatures = []
        let session = postgres.session
        let futures = statements.map { session.send($0.sql, $0.values) }
        var first: StoreError?
        for (f, s) in zip(futures, statements) {
            do { _ = try session.wait(f, s.sql) } catch { if first == nil { first = error } }
        }
        if let first { throw first }
    }
}
