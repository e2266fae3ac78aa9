public import AssayLog
import AssayStore

extension Ledger {
    /// The tree size the log publishes: the size of its latest stored checkpoint (0 before the
    /// first). Tiles are served for this tree, never for records no checkpoint covers yet.
    public func publishedSize() throws -> UInt64 {
        try mapStoreErrors { try store.latestCheckpoint()?.size ?? 0 }
    }

    /// The bytes of a C2SP tlog-tiles resource (FORMAT.md §15): a hash tile (its `width`
    /// hashes, read from the stored tree nodes; level 0 from the records' leaf hashes) or an
    /// entry bundle (each record's bytes, FORMAT.md §3, after its big-endian uint16 length).
    /// The caller checks that the tile exists in the tree it publishes (`Tile.exists(inTreeOf:)`).
    /// - Throws: `LedgerError(.unavailable)` when the ledger does not hold every record or node
    ///   the tile needs; `.corrupt` for a record too long for a bundle (verify fails such a ledger).
    public func tileBytes(_ tile: Tile) throws -> [UInt8] {
        let size = try self.size()
        guard tile.exists(inTreeOf: size) else {
            throw LedgerError(.unavailable, "\(tile.path) is beyond the ledger's \(size) records")
        }
        switch tile.kind {
        case .hashes:
            return try mapStoreErrors { try tile.hashBytes(from: store) }
        case .entries:
            var records: [[UInt8]] = []
            records.reserveCapacity(tile.width)
            try mapStoreErrors {
                try store.forEachRecord(from: tile.firstEntry, through: tile.firstEntry + UInt64(tile.width) - 1) { r in
                    records.append(r.record.recordBytes)
                    return true
                }
            }
            guard records.count == tile.width else {
                throw LedgerError(.corrupt, "\(tile.path) needs \(tile.width) records from \(tile.firstEntry), the ledger returned \(records.count)")
            }
            do { return try EntryBundle.encode(records) } catch {
                throw LedgerError(.corrupt, "\(tile.path): \(error.message); run assay verify")
            }
        }
    }
}
