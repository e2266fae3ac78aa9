import AssayCrypto
import AssayLog

/// Compares the interior tree nodes a walk recomputes with the ones the ledger stores, reading
/// each level's stored nodes forward as the tree grows; afterwards, finds any stored node the
/// records do not produce.
struct StoredTreeComparator {
    private let nodes: (UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])>
    private var cursors: [UInt8: any IteratorProtocol<(index: UInt64, hash: [UInt8])>] = [:]
    /// Stored nodes compared so far.
    private(set) var checked: UInt64 = 0

    /// - Parameter nodes: opens a cursor over the stored nodes of a level, in index order.
    init(nodes: @escaping (UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])>) {
        self.nodes = nodes
    }

    /// Appends `leaf` to `range`, comparing every node that completes with the stored one.
    mutating func append(_ leaf: Digest, seq: UInt64, into range: inout CompactRange) throws -> Finding? {
        var mismatch: Finding? = nil
        try range.append(leaf) { id, hash in
            guard mismatch == nil else { return }
            if cursors[id.level] == nil { cursors[id.level] = try nodes(id.level) }
            guard let stored = cursors[id.level]!.next() else {
                mismatch = Finding(.merkle, seq: seq, "tree node \(id) is missing from the ledger")
                return
            }
            checked += 1
            if stored.index != id.index || !hash.matches(stored.hash) {
                mismatch = Finding(.merkle, seq: seq, "stored tree node \(id) does not match the records",
                                   expected: hash.hex, found: stored.index == id.index ? Hex.encode(stored.hash) : "node (\(id.level), \(stored.index))")
            }
        }
        return mismatch
    }

    /// Nodes stored beyond what the records produce: past the end of a level the tree reaches,
    /// or on a level it never reaches (above its top, level 0, a negative id).
    mutating func leftovers(entries: UInt64, source: some LedgerSource) throws -> Finding? {
        for (level, cursor) in cursors.sorted(by: { $0.key < $1.key }) {
            var c = cursor
            if let extra = c.next() {
                return Finding(.merkle, seq: nil, "stored tree node (\(level), \(extra.index)) is beyond the tree of \(entries) records")
            }
        }
        // A tree of n ≥ 2 leaves stores levels 1 … ⌊log2 n⌋, every one of which has a cursor.
        let top = cursors.keys.max()
        if let id = try source.firstStoredNode(outside: top.map { 1...$0 }) {
            let place = id >= 0 ? "(\(id >> 56), \(id & ((1 << 56) - 1)))" : "with id \(id)"
            return Finding(.merkle, seq: nil, "stored tree node \(place) is not a node of the tree of \(entries) records",
                           expected: top.map { "levels 1–\($0)" } ?? "no stored nodes", found: "node id \(id)")
        }
        return nil
    }
}
