/// A C2SP tlog-tiles entry bundle (c2sp.org/tlog-tiles): consecutive log entries, each as a
/// big-endian uint16 length followed by that many bytes. Assay's entries are the record bytes
/// of FORMAT.md §3 (`LedgerRecord.recordBytes`), so a client recomputes each leaf hash as
/// `SHA-256(0x00 || entry)` and compares it with the level 0 hash tile.
///
/// A uint16 holds at most 65,535: an entry (a record) longer than that cannot be written in a
/// bundle, so the ledger refuses such records at append (`LedgerRecord.maxBytes`).
public enum EntryBundle {
    /// The largest entry a bundle can hold: 65,535 bytes.
    public static let maxEntryBytes = Int(UInt16.max)

    /// The bundle of `entries`, in order.
    /// - Throws: `LogError(.malformedRecord)` for an entry over 65,535 bytes.
    public static func encode<C: Collection<[UInt8]>>(_ entries: C) throws(LogError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(0) { $0 + 2 + $1.count })
        for (i, e) in entries.enumerated() {
            guard e.count <= maxEntryBytes else {
                throw LogError(.malformedRecord, "entry \(i) of the bundle is \(e.count) bytes, over the \(maxEntryBytes) a uint16 length prefix can hold")
            }
            out.append(UInt8(e.count >> 8))
            out.append(UInt8(e.count & 0xFF))
            out += e
        }
        return out
    }

    /// The entries of a bundle, which must be exactly a sequence of length-prefixed entries
    /// with nothing left over.
    /// - Throws: `LogError(.malformedTile)` naming the entry that runs past the end.
    public static func parse(_ bytes: [UInt8]) throws(LogError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var at = 0
        while at < bytes.count {
            guard at + 2 <= bytes.count else {
                throw LogError(.malformedTile, "entry bundle: entry \(out.count) has a truncated length prefix at byte \(at)")
            }
            let length = Int(bytes[at]) << 8 | Int(bytes[at + 1])
            guard at + 2 + length <= bytes.count else {
                throw LogError(.malformedTile, "entry bundle: entry \(out.count) claims \(length) bytes but only \(bytes.count - at - 2) remain")
            }
            out.append(Array(bytes[(at + 2)..<(at + 2 + length)]))
            at += 2 + length
        }
        return out
    }
}
