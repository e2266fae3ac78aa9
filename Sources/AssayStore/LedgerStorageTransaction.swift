public import AssayCrypto
public import AssayLog

/// The row-level writes of one open backend transaction. A backend implements it; the ledger
/// never calls it directly but through `WriteTransaction`, which computes hashes, the chain
/// and the tree nodes the same way for every backend.
public protocol LedgerStorageTransaction: AnyObject {
    /// The storage, for reads inside this transaction (they see its writes).
    var storage: any LedgerStorage { get }
    /// The last record as seen inside this transaction: its sequence number, time and chain
    /// hash; nil when the ledger is empty.
    /// - Throws: `.corrupt` when the stored values are out of range.
    func lastRecord() throws(StoreError) -> (seq: UInt64, appendedAtMillis: Int64, chainHash: Digest)?
    /// Inserts a record row and its subject rows (one per distinct subject).
    func insert(_ record: StoredRecord, subjects: [String]) throws(StoreError)
    /// Inserts the event index rows of the record at `seq` (one per distinct id).
    func insert(eventIDs: [String], seq: UInt64) throws(StoreError)
    /// Inserts one interior tree node.
    func insertNode(_ id: NodeID, hash: Digest) throws(StoreError)
    /// Inserts a checkpoint row; refuses a second one for the same size (`.constraint`).
    func insert(_ checkpoint: StoredCheckpoint) throws(StoreError)
    /// Inserts a cosignature row; refuses a second one for the same size, witness and key id
    /// (`.constraint`), and one for a size with no stored checkpoint.
    func insert(_ cosignature: StoredCosignature) throws(StoreError)
    /// Inserts a metadata entry; refuses a second value for a key (`.constraint`).
    func insertMeta(key: String, value: String) throws(StoreError)
}
