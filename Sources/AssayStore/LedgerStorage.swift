public import AssayCrypto
public import AssayLog

/// Where a ledger keeps its records, tree nodes, subject index, checkpoints, witness
/// cosignatures and metadata: the one interface the ledger and the verifier's adapter use,
/// implemented once per backend (SQLite in `AssayStoreSQLite`; a PostgreSQL backend next).
///
/// What every implementation must guarantee (the storage conformance suite checks each):
/// - **Atomic batches.** Everything one `write` call does becomes visible and durable together,
///   or not at all (a thrown error rolls it back).
/// - **Append-only, enforced by the backend itself.** Records, nodes, checkpoints,
///   cosignatures, subject rows and metadata refuse `UPDATE` and `DELETE` even from a client
///   that bypasses this protocol; records only at the next sequence number.
/// - **Read your writes.** Reads through `WriteTransaction.reader` inside a write see what the
///   transaction appended so far.
/// - **Snapshots.** Every read inside one `read` call sees the same committed state.
/// - **Thread safety.** Calls may come from any thread; the implementation serialises what
///   its connection cannot do concurrently.
public protocol LedgerStorage: AnyObject, Sendable, MerkleNodeSource {
    /// Where the ledger is, for messages: a file path, `:memory:`, a database name (never a credential).
    var location: String { get }

    // MARK: Transactions

    /// Runs `body` in one read snapshot: every read inside sees the same committed ledger,
    /// whatever other writers commit meanwhile.
    func read<T>(_ body: () throws -> T) throws -> T

    /// Runs `body` in one write transaction: everything it appends becomes visible and durable
    /// together, or (when `body` throws) not at all. Writers from other processes wait.
    /// - Throws: `StoreError(.busy)` when the write lock cannot be had; whatever `body` throws.
    func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T

    // MARK: Records

    /// Number of records (one more than the largest sequence number).
    /// - Throws: `.corrupt` when the largest stored sequence number is out of range.
    func size() throws(StoreError) -> UInt64
    /// Exact count of record rows (differs from `size()` only when rows were deleted behind the guards).
    func rowCount() throws(StoreError) -> UInt64
    /// The record at `seq`, or nil.
    func record(at seq: UInt64) throws(StoreError) -> StoredRecord?
    /// Calls `body` for every record with `start ≤ seq ≤ end` in `seq` order, streaming
    /// (constant memory); stops early when `body` returns false.
    func forEachRecord(from start: UInt64, through end: UInt64?, _ body: (StoredRecord) throws -> Bool) throws
    /// The registry records (kinds in `LedgerSchema.registryKinds`) with `seq > after`, in order,
    /// read through an index (no scan of the ledger).
    func registryRecords(after seq: Int64) throws(StoreError) -> [StoredRecord]
    /// The smallest sequence number stored below 0, if any (only a direct edit can put one there).
    func firstRecordOutsideSequence() throws(StoreError) -> Int64?

    /// The registry record (kind in `LedgerSchema.registryKinds`) whose envelope is exactly
    /// `envelope`, if any: how the ledger finds an envelope it already holds when its statement
    /// has no subjects (genesis, revocations).
    func registryRecord(withEnvelope envelope: [UInt8]) throws(StoreError) -> StoredRecord?

    // MARK: Subjects

    /// The first record indexed under `subject` whose envelope is exactly `envelope`, if any:
    /// how the ledger finds an envelope it already holds (an identical statement has identical
    /// subjects). The cost grows with the number of records about `subject`.
    func record(withEnvelope envelope: [UInt8], subject: String) throws(StoreError) -> StoredRecord?

    /// The records whose envelope is one of `candidates`' envelopes and that are indexed under
    /// one of their subjects: the batched form of `record(withEnvelope:subject:)`, one query for
    /// a whole chunk of an append. Each record appears once.
    func records(matching candidates: [(subject: String, envelope: [UInt8])]) throws(StoreError) -> [StoredRecord]

    /// Sequence numbers of the records whose EPCIS `eventID` or CBV 2.0 event hash ID is `id`,
    /// ascending, read through an index (no scan of the ledger).
    func sequences(forEventID id: String) throws(StoreError) -> [UInt64]

    /// The event index rows whose id is one of `ids` (in seq order): the batched form of
    /// `sequences(forEventID:)`, one query for a whole chunk of an append.
    func eventIndexRows(forIDs ids: [String]) throws(StoreError) -> [(id: String, seq: UInt64)]

    /// Whether the event index lacks rows for stored records: the `event_ids` table is empty
    /// while an EPCIS record is stored (a file made before the index existed, upgraded by a
    /// writable open). `Ledger` then fills it from the records.
    func eventIndexNeedsBackfill() throws(StoreError) -> Bool

    /// The event index ordered by sequence number, then id, streamed (for `verify`); nil when
    /// the file has no `event_ids` table (made before it existed, opened read-only).
    func eventIndexCursor() throws(StoreError) -> (any SubjectCursor)?

    /// Sequence numbers of the records indexed under `subject`, ascending.
    func sequences(forSubject subject: String) throws(StoreError) -> [UInt64]

    /// Streams every subject row with `from <= seq < below`, ordered by sequence number, with
    /// the stored kind and the leaf hash of the record it names: what the subject index (FORMAT.md §13) is built
    /// from. Rows for sequence numbers with no record are not streamed.
    func forEachSubjectEntry(from: UInt64, below: UInt64, _ body: (_ seq: UInt64, _ subject: String, _ kind: String, _ leaf: Digest) throws -> Void) throws

    /// Sequence numbers of the records indexed under `subject` whose stored kind is one of
    /// `kinds`, ascending.
    func sequences(forSubject subject: String, kinds: Set<String>) throws(StoreError) -> [UInt64]
    /// The subject index ordered by sequence number, then subject, streamed (for `verify`).
    func subjectCursor() throws(StoreError) -> any SubjectCursor

    // MARK: Tree nodes

    /// One complete-subtree hash: level 0 is a record's leaf hash, above from the stored nodes.
    /// - Throws: `.corrupt` when the node is missing.
    func nodeHash(_ id: NodeID) throws(StoreError) -> Digest
    /// The stored hashes of one tree level (≥ 1), in index order, streamed (for `verify`).
    func nodeCursor(level: UInt8) throws(StoreError) -> any NodeCursor
    /// Number of stored interior nodes.
    func nodeCount() throws(StoreError) -> UInt64
    /// The stored id (`level << 56 | index`, as stored) of the first stored node whose level is
    /// not in `levels` (nil: the first node of all), or nil when there is none.
    func firstNode(outside levels: ClosedRange<UInt8>?) throws(StoreError) -> Int64?

    // MARK: Checkpoints and cosignatures

    /// Every stored checkpoint, smallest size first.
    /// - Throws: `.corrupt` for a row whose size is negative.
    func checkpoints() throws(StoreError) -> [StoredCheckpoint]
    /// Every checkpoint row as stored, the size not interpreted (for `verify`).
    func checkpointRows() throws(StoreError) -> [(size: Int64, note: [UInt8])]
    /// The checkpoint with the largest tree size, if any.
    func latestCheckpoint() throws(StoreError) -> StoredCheckpoint?
    /// The checkpoint stored for exactly `size`, if any.
    func checkpoint(size: UInt64) throws(StoreError) -> StoredCheckpoint?
    /// The witness cosignatures stored for the checkpoint of `size`, ordered by witness name then key id.
    func cosignatures(size: UInt64) throws(StoreError) -> [StoredCosignature]
    /// Every stored cosignature row as stored, ordered by size, witness name, key id (for `verify`).
    func cosignatureRows() throws(StoreError) -> [StoredCosignature]

    // MARK: Metadata and the container

    /// A metadata value (`origin`, `format`), or nil.
    func meta(_ key: String) throws(StoreError) -> String?
    /// Every metadata row, by key, as stored. A key or value stored as anything but text is
    /// rendered `<type> <value>`, so it never equals an expected text value.
    func allMetadata() throws(StoreError) -> [(key: String, value: String)]
    /// What is wrong with the container itself, one line each: a missing or altered guard
    /// (trigger, rule, permission) that makes a table append-only, a record row outside the
    /// sequence. Each one fails verification.
    func containerProblems() throws(StoreError) -> [String]
}

extension LedgerStorage {
    /// `nodeHash(id)`, as the Merkle proof generators read it.
    public func hash(of id: NodeID) throws -> Digest { try nodeHash(id) }

    /// Calls `body` for every record from `start` on, in `seq` order (see `forEachRecord(from:through:_:)`).
    public func forEachRecord(from start: UInt64 = 0, _ body: (StoredRecord) throws -> Bool) throws {
        try forEachRecord(from: start, through: nil, body)
    }

    /// Every registry record, in order.
    public func registryRecords() throws(StoreError) -> [StoredRecord] { try registryRecords(after: -1) }

    /// The log origin recorded at creation.
    public func origin() throws(StoreError) -> String? { try meta(LedgerSchema.originKey) }
}
