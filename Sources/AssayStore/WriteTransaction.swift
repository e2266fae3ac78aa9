public import AssayCrypto
public import AssayLog

/// The state of a ledger's tail inside one write transaction, and the one way to add
/// records: each append inserts the record, its completed tree nodes and its subjects.
/// The same for every backend: the backend supplies only row inserts (`LedgerStorageTransaction`).
public final class WriteTransaction {
    let backend: any LedgerStorageTransaction
    let maintainsTree: Bool
    /// Records in the ledger, including those appended in this transaction.
    public private(set) var size: UInt64
    /// The chain hash of the last record (`Digest.zero` when empty).
    public private(set) var chainHead: Digest
    /// The time of the last record, milliseconds since the epoch.
    public private(set) var lastAppendedAtMillis: Int64
    /// The right edge of the Merkle tree.
    public private(set) var range: CompactRange
    /// Whether `append` keeps the tree nodes it completes in `appendedNodes` (off: a bulk
    /// append would hold them all in memory).
    public var collectsNodes = false
    /// The tree nodes completed by this transaction's appends, when `collectsNodes` is on: what
    /// inclusion proofs for its records need, without reading them back from storage.
    public private(set) var appendedNodes: [NodeID: Digest] = [:]

    /// Reads the tail of the ledger through `backend` (called by a backend's `write`).
    /// - Parameter maintainsTree: false only for the SQLite benchmark of tree maintenance; a
    ///   ledger written without it does not verify.
    public init(_ backend: any LedgerStorageTransaction, maintainsTree: Bool = true) throws(StoreError) {
        self.backend = backend
        self.maintainsTree = maintainsTree
        if let last = try backend.lastRecord() {
            guard last.seq < UInt64(Int64.max) else {
                throw StoreError(.corrupt, "the last record's sequence number is \(last.seq), out of range; run assay verify")
            }
            size = last.seq + 1
            lastAppendedAtMillis = last.appendedAtMillis
            chainHead = last.chainHash
        } else {
            size = 0
            lastAppendedAtMillis = 0
            chainHead = .zero
        }
        if maintainsTree {
            let ids = CompactRange.nodes(forSize: size)
            var hashes: [Digest] = []
            for id in ids { hashes.append(try backend.storage.nodeHash(id)) }
            do { range = try CompactRange(size: size, hashes: hashes) } catch {
                throw StoreError(.corrupt, "the stored tree edge does not fit size \(size): \(error)")
            }
        } else {
            range = CompactRange()
        }
    }

    /// Writes a metadata value (write-once).
    public func setMeta(_ key: String, _ value: String) throws(StoreError) {
        try backend.insertMeta(key: key, value: value)
    }

    /// Appends one record at the next sequence number.
    /// - Parameters:
    ///   - envelope: canonical DSSE envelope bytes.
    ///   - kind: the statement kind, for queries.
    ///   - signer: the first signature's key reference, for queries.
    ///   - subjects: identifiers to index the record under.
    ///   - now: the current time; the stored time never goes below the previous record's.
    @discardableResult
    public func append(envelope: [UInt8], kind: String, signer: String, subjects: [String], eventIDs: [String] = [], now: Int64) throws -> StoredRecord {
        let t = max(now, lastAppendedAtMillis)
        let record = LedgerRecord(seq: size, appendedAtMillis: t, envelope: envelope)
        let leaf = record.leafHash
        let chain = LedgerRecord.chainHash(previous: chainHead, leaf: leaf)
        let stored = StoredRecord(seq: size, appendedAtMillis: t, kind: kind, signer: signer, envelope: envelope, leafHash: leaf, chainHash: chain)
        try backend.insert(stored, subjects: subjects)
        try backend.insert(eventIDs: eventIDs, seq: size)
        if maintainsTree {
            let backend = self.backend
            if collectsNodes {
                try range.append(leaf) { id, hash in
                    try backend.insertNode(id, hash: hash)
                    appendedNodes[id] = hash
                }
            } else {
                try range.append(leaf) { id, hash in try backend.insertNode(id, hash: hash) }
            }
        }
        size += 1
        chainHead = chain
        lastAppendedAtMillis = t
        return stored
    }

    /// Adds event index rows for the stored record `seq` (filling the index of a file made
    /// before it existed; appends index their records themselves).
    public func indexEvent(ids: [String], seq: UInt64) throws(StoreError) {
        try backend.insert(eventIDs: ids, seq: seq)
    }

    /// Stores a signed checkpoint note for `size`.
    public func addCheckpoint(size: UInt64, note: [UInt8], now: Int64) throws(StoreError) {
        try backend.insert(StoredCheckpoint(size: size, createdAtMillis: now, note: note))
    }

    /// Stores one witness cosignature line beside the checkpoint of its size.
    public func addCosignature(_ cosignature: StoredCosignature) throws(StoreError) {
        try backend.insert(cosignature)
    }

    /// Reads through the storage inside this transaction (they see its writes).
    public var reader: any LedgerStorage { backend.storage }
}
