public import AssayCrypto

/// A stored record as a verifier sees it: every field as stored, nothing trusted.
public struct RecordRow: Sendable {
    public let seq: UInt64
    public let appendedAtMillis: Int64
    public let kind: String
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
}
