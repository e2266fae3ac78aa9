/// Where a full verification reads a ledger from. AssayVerify never imports the store:
/// anything that can list records, stored tree nodes, checkpoints, the subject index and
/// metadata can be verified.
public protocol LedgerSource {
    /// Whether the source is a ledger container that stores data derived from the records —
    /// leaf and chain hashes, kind and signer columns, tree nodes, the subject and event
    /// indexes, metadata — which the walk compares with what it recomputes. False for a log read
    /// through its C2SP tiles (`TiledLogSource`): it serves only the records and checkpoints, its
    /// rows carry the hashes recomputed from the records, and `subjectRows`, `storedNodes` and
    /// `metadata` are not read. Default: true.
    var holdsDerivedData: Bool { get }
    /// Streams every record in stored order (by `seq`); stop when `body` returns false.
    func forEachRow(_ body: (RecordRow) throws -> Bool) throws
    /// How many records are stored (an estimate is enough: it sizes the subject index check).
    func recordCount() throws -> UInt64
    /// Streams the stored interior tree nodes of `level` (≥ 1) in index order.
    func storedNodes(level: UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])>
    /// The raw stored id (`level << 56 | index`) of the first stored node, by id, whose level is
    /// not in `levels` (nil: the first node of all); nil when there is none.
    func firstStoredNode(outside levels: ClosedRange<UInt8>?) throws -> Int64?
    /// The stored checkpoint notes with the size each is stored under, as stored (a tampered
    /// row may hold a negative size).
    func checkpointNotes() throws -> [(size: Int64, note: [UInt8])]
    /// Every metadata entry, as stored.
    func metadata() throws -> [(key: String, value: String)]
    /// The subject index, ordered by sequence number then subject, streamed.
    func subjectRows() throws -> any SubjectRowCursor
    /// The EPCIS event index (`event_ids`), ordered by sequence number then id, streamed; nil
    /// when the container has none (a file made before it existed, opened read-only).
    func eventIndexRows() throws -> (any SubjectRowCursor)?
    /// Problems with the container itself (a missing or altered append-only trigger, a record
    /// row outside the sequence): each one fails verification.
    func containerProblems() throws -> [String]
    /// Streams only the registry records (genesis, registrations, revocations), in order:
    /// read before the main walk so that entries signed after a key's compromise time can
    /// be flagged even though the revocation comes later.
    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws
}

extension LedgerSource {
    public var holdsDerivedData: Bool { true }

    /// A source without an event index.
    public func eventIndexRows() throws -> (any SubjectRowCursor)? { nil }
}
