public import AssayCrypto

/// One ledger record: what the Merkle tree and the hash chain commit to.
///
/// Record bytes (version 1), all integers big-endian:
///
///     record  = 0x01 || u64 seq || i64 appendedAtMillis || envelope
///     leaf    = SHA-256(0x00 || record)                   (RFC 6962 leaf hash)
///     chain_0 = SHA-256(0x02 || 32 zero bytes || leaf_0)
///     chain_n = SHA-256(0x02 || chain_(n-1) || leaf_n)
///
/// `envelope` is the canonical DSSE envelope JSON (`Envelope.canonicalJSON`).
public struct LedgerRecord: Sendable, Equatable {
    /// Version byte at the head of the record bytes.
    public static let version: UInt8 = 0x01
    /// Domain-separation prefix of chain hashes (distinct from RFC 6962's 0x00 and 0x01).
    public static let chainPrefix: UInt8 = 0x02
    /// Bytes before the envelope: the version, `seq` and `appendedAtMillis`.
    public static let headerBytes = 17
    /// The largest record, in bytes: 65,535, what the big-endian uint16 length prefix of a
    /// C2SP tlog-tiles entry bundle can hold (`EntryBundle`). The ledger refuses an envelope
    /// whose record would be longer, so that every record can be served as a tile entry.
    public static let maxBytes = EntryBundle.maxEntryBytes
    /// The largest canonical envelope a record can hold: `maxBytes − headerBytes` = 65,518.
    public static let maxEnvelopeBytes = maxBytes - headerBytes

    /// Position in the ledger, from 0.
    public let seq: UInt64
    /// When the ledger appended it, milliseconds since the Unix epoch (UTC).
    public let appendedAtMillis: Int64
    /// The canonical DSSE envelope bytes.
    public let envelope: [UInt8]

    public init(seq: UInt64, appendedAtMillis: Int64, envelope: [UInt8]) {
        self.seq = seq
        self.appendedAtMillis = appendedAtMillis
        self.envelope = envelope
    }

    /// The record bytes the leaf hash covers.
    public var recordBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(17 + envelope.count)
        out.append(Self.version)
        appendBigEndian(seq, to: &out)
        appendBigEndian(UInt64(bitPattern: appendedAtMillis), to: &out)
        out += envelope
        return out
    }

    /// The RFC 6962 leaf hash of the record bytes, computed without copying them.
    public var leafHash: Digest {
        var h = SHA256.Hasher256()
        var head = [UInt8]()
        head.reserveCapacity(18)
        head.append(0x00)
        head.append(Self.version)
        appendBigEndian(seq, to: &head)
        appendBigEndian(UInt64(bitPattern: appendedAtMillis), to: &head)
        h.update(head)
        h.update(envelope)
        return h.finalize()
    }

    /// The chain hash linking `leaf` to the previous record's chain hash
    /// (`Digest.zero` before the first record).
    public static func chainHash(previous: Digest, leaf: Digest) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: chainPrefix)
        h.update(previous)
        h.update(leaf)
        return h.finalize()
    }
}

@inline(__always)
func appendBigEndian(_ v: UInt64, to out: inout [UInt8]) {
    for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
}
