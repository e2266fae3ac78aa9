public import AssayCrypto
public import AssayLog

/// The state of a ledger's tail inside one write transaction, and the one way to add
/// records: each append inserts the record, its completed tree nodes and its subjects.
public final class WriteTransaction {
    unowned let store: LedgerStore
    /// Records in the ledger, including those appended in this transaction.
    public private(set) var size: UInt64
    /// The chain hash of the last record (`Digest.zero` when empty).
    public private(set) var chainHead: Digest
    /// The time of the last record, milliseconds since the epoch.
    public private(set) var lastAppendedAtMillis: Int64
    /// The right edge of the Merkle tree.
    public private(set) var range: CompactRange

    init(store: LedgerStore) throws {
        self.store = store
        let db = store.db
        let s = try db.prepare("SELECT seq, appended_at, chain_hash FROM records ORDER BY seq DESC LIMIT 1")
        defer { s.reset() }
        if try s.step() {
            size = try LedgerStore.storedCount(s.int64(0), "the last record's sequence number")
            lastAppendedAtMillis = s.int64(1)
            guard let head = s.digest(2) else {
                throw StoreError(.corrupt, "record \(s.int64(0)) has a chain hash that is not 32 bytes; run assay verify")
            }
            chainHead = head
        } else {
            size = 0
            lastAppendedAtMillis = 0
            chainHead = .zero
        }
        if store.maintainsTree {
            let ids = CompactRange.nodes(forSize: size)
            range = try CompactRange(size: size, hashes: try ids.map { try store.nodeHash($0) })
        } else {
            range = CompactRange()
        }
    }

    /// Writes a metadata value (write-once).
    public func setMeta(_ key: String, _ value: String) throws(StoreError) {
        let s = try store.db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2)")
        s.bind(1, key)
        s.bind(2, value)
        try s.run()
    }

    /// Appends one record at the next sequence number.
    /// - Parameters:
    ///   - envelope: canonical DSSE envelope bytes.
    ///   - kind: the statement kind, for queries.
    ///   - signer: the first signature's key reference, for queries.
    ///   - subjects: identifiers to index the record under.
    ///   - now: the current time; the stored time never goes below the previous record's.
    @discardableResult
    public func append(envelope: [UInt8], kind: String, signer: String, subjects: [String], now: Int64) throws -> StoredRecord {
        let t = max(now, lastAppendedAtMillis)
        let record = LedgerRecord(seq: size, appendedAtMillis: t, envelope: envelope)
        let leaf = record.leafHash
        let chain = LedgerRecord.chainHash(previous: chainHead, leaf: leaf)
        let db = store.db
        let ins = try db.prepare("INSERT INTO records(seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        ins.bind(1, Int64(bitPattern: size))
        ins.bind(2, t)
        ins.bind(3, kind)
        ins.bind(4, signer)
        ins.bind(5, envelope)
        ins.bind(6, leaf)
        ins.bind(7, chain)
        try ins.run()
        if store.maintainsTree {
            let node = try db.prepare("INSERT INTO nodes(id, hash) VALUES (?1, ?2)")
            try range.append(leaf) { id, hash in
                node.bind(1, LedgerStore.nodeKey(id))
                node.bind(2, hash)
                try node.run()
            }
        }
        if !subjects.isEmpty {
            let sub = try db.prepare("INSERT OR IGNORE INTO subjects(subject, seq) VALUES (?1, ?2)")
            for subject in subjects {
                sub.bind(1, subject)
                sub.bind(2, Int64(bitPattern: size))
                try sub.run()
            }
        }
        let stored = StoredRecord(seq: size, appendedAtMillis: t, kind: kind, signer: signer, envelope: envelope, leafHash: leaf, chainHash: chain)
        size += 1
        chainHead = chain
        lastAppendedAtMillis = t
        return stored
    }

    /// Stores a signed checkpoint note for `size`.
    public func addCheckpoint(size: UInt64, note: [UInt8], now: Int64) throws(StoreError) {
        let s = try store.db.prepare("INSERT INTO checkpoints(size, created_at, note) VALUES (?1, ?2, ?3)")
        s.bind(1, Int64(bitPattern: size))
        s.bind(2, now)
        s.bind(3, note)
        try s.run()
    }

    /// Reads through the store inside this transaction.
    public var reader: LedgerStore { store }
}
