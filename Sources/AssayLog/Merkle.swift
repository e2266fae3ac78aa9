public import AssayCrypto

/// RFC 6962 (RFC 9162 §2.1) Merkle tree hashing over SHA-256.
public enum Merkle {
    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: Digest = SHA256.hash([UInt8]())

    /// Leaf hash: SHA-256(0x00 || data).
    public static func leafHash<B: Collection<UInt8>>(_ data: B) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: 0x00)
        h.update(data)
        return h.finalize()
    }

    /// Interior node hash: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: Digest, _ right: Digest) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: 0x01)
        h.update(left)
        h.update(right)
        return h.finalize()
    }

    /// The largest power of two strictly less than `n` (n ≥ 2): RFC 6962's split point k.
    @inline(__always)
    static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << (63 - UInt64((n - 1).leadingZeroBitCount))
    }

    /// The root of a tree over `leaves` (leaf hashes), computed from all of them: for
    /// tests and for cross-checks, never on a hot path.
    public static func root(ofLeafHashes leaves: [Digest]) -> Digest {
        var range = CompactRange()
        for l in leaves { range.append(l) }
        return range.root
    }
}

/// A complete subtree of the tree: the node at `level` (0 = leaves) and `index` within that
/// level, covering leaves `[index << level, (index + 1) << level)`.
public struct NodeID: Hashable, Sendable, CustomStringConvertible {
    public let level: UInt8
    public let index: UInt64

    public init(level: UInt8, index: UInt64) {
        self.level = level
        self.index = index
    }

    public var description: String { "(\(level), \(index))" }
}

/// Where stored complete-subtree hashes come from (a SQLite ledger, a bundle, memory).
public protocol MerkleNodeSource {
    /// The hash of the complete subtree `id`; it must exist for the tree size asked about.
    func hash(of id: NodeID) throws -> Digest
}

/// The right edge of a tree: the hashes of its maximal complete subtrees, left to right.
/// Appending a leaf is O(1) amortised and reports each complete node it finishes, so a
/// store can keep every complete subtree hash (what proofs read) in O(log n) space.
public struct CompactRange: Sendable, Equatable {
    /// The tree size covered.
    public private(set) var size: UInt64 = 0
    /// Complete subtree hashes, largest (leftmost) first; one per set bit of `size`.
    public private(set) var hashes: [Digest] = []

    public init() {}

    /// Restores a range from its node hashes, which must be one per set bit of `size`,
    /// highest bit first.
    public init(size: UInt64, hashes: [Digest]) throws(LogError) {
        guard hashes.count == size.nonzeroBitCount else {
            throw LogError(.malformedProof, "compact range of size \(size) needs \(size.nonzeroBitCount) hashes, got \(hashes.count)")
        }
        self.size = size
        self.hashes = hashes
    }

    /// The complete subtrees of a tree of `size` leaves, left to right.
    public static func nodes(forSize size: UInt64) -> [NodeID] {
        var out: [NodeID] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            out.append(NodeID(level: UInt8(level), index: start >> UInt64(level)))
            start += UInt64(1) << UInt64(level)
        }
        return out
    }

    /// Appends a leaf hash.
    public mutating func append(_ leaf: Digest) {
        append(leaf, completed: { _, _ in })
    }

    /// Appends a leaf hash; calls `completed` for every interior node this finishes
    /// (bottom-up), with its id and hash.
    public mutating func append(_ leaf: Digest, completed: (NodeID, Digest) throws -> Void) rethrows {
        var hash = leaf
        var level: UInt8 = 0
        var index = size
        // While the new node is a right child, merge it with its left sibling.
        while index & 1 == 1 {
            let left = hashes.removeLast()
            hash = Merkle.nodeHash(left, hash)
            level += 1
            index >>= 1
            try completed(NodeID(level: level, index: index), hash)
        }
        hashes.append(hash)
        size += 1
    }

    /// The tree root: the right-to-left fold of the complete subtrees.
    public var root: Digest {
        guard var acc = hashes.last else { return Merkle.emptyRoot }
        for h in hashes.dropLast().reversed() { acc = Merkle.nodeHash(h, acc) }
        return acc
    }
}

extension Merkle {
    /// MTH(D[start:end]) read from stored complete subtrees: O(log n) reads.
    public static func subtreeHash(start: UInt64, end: UInt64, source: some MerkleNodeSource) throws -> Digest {
        precondition(end > start)
        let n = end - start
        if n & (n - 1) == 0, start % n == 0 {
            let level = UInt8(n.trailingZeroBitCount)
            return try source.hash(of: NodeID(level: level, index: start >> UInt64(level)))
        }
        // Not a complete subtree: it is a right edge; fold its complete pieces.
        var pieces: [Digest] = []
        var s = start
        while s < end {
            // Largest aligned power of two starting at s that fits in [s, end).
            var size = s == 0 ? UInt64(1) << 63 : UInt64(1) << UInt64(s.trailingZeroBitCount)
            while size > end - s { size >>= 1 }
            let level = UInt8(size.trailingZeroBitCount)
            pieces.append(try source.hash(of: NodeID(level: level, index: s >> UInt64(level))))
            s += size
        }
        var acc = pieces.removeLast()
        for h in pieces.reversed() { acc = nodeHash(h, acc) }
        return acc
    }

    /// The root of the tree of `size` leaves.
    public static func root(size: UInt64, source: some MerkleNodeSource) throws -> Digest {
        size == 0 ? emptyRoot : try subtreeHash(start: 0, end: size, source: source)
    }
}
