public import AssayCrypto

/// A record as stored: the record fields plus the derived columns kept for queries. The one
/// record row type: storage backends return it and the verifier reads it. Nothing derived is
/// trusted by the verifier; it recomputes hashes from the envelope.
public struct StoredRecord: Sendable, Equatable {
    /// The sequence number (0 for genesis).
    public let seq: UInt64
    /// The append time, milliseconds since the epoch.
    public let appendedAtMillis: Int64
    /// Statement kind (the classified kind of the payload), for listing and indexing.
    public let kind: String
    /// The first signature's key reference (`name+keyid`).
    public let signer: String
    /// The canonical DSSE envelope bytes.
    public let envelope: [UInt8]
    /// The stored leaf hash.
    public let leafHash: Digest
    /// The stored chain hash.
    public let chainHash: Digest

    /// A row with every field as given.
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
