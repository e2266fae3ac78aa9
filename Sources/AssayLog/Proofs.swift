public import AssayCrypto

/// An RFC 6962 / RFC 9162 inclusion proof: the audit path of leaf `index` in the tree of `treeSize` leaves.
public struct InclusionProof: Sendable, Equatable {
    public let index: UInt64
    public let treeSize: UInt64
    /// Sibling hashes from the leaf's sibling up to the root's child.
    public let hashes: [Digest]

    public init(index: UInt64, treeSize: UInt64, hashes: [Digest]) {
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Generates the proof from stored complete subtrees (O(log n) reads): RFC 6962 §2.1.1 PATH.
    public static func generate(index: UInt64, treeSize: UInt64, source: some MerkleNodeSource) throws -> InclusionProof {
        guard index < treeSize else {
            throw LogError(.outOfRange, "leaf index \(index) is not below tree size \(treeSize)")
        }
        var path: [Digest] = []
        var start: UInt64 = 0, end = treeSize, m = index
        // Walk down from the root, collecting siblings top-down; reverse at the end.
        while end - start > 1 {
            let k = Merkle.split(end - start)
            if m < k {
                path.append(try Merkle.subtreeHash(start: start + k, end: end, source: source))
                end = start + k
            } else {
                path.append(try Merkle.subtreeHash(start: start, end: start + k, source: source))
                start += k
                m -= k
            }
        }
        return InclusionProof(index: index, treeSize: treeSize, hashes: path.reversed())
    }

    /// Recomputes the root from `leafHash` (RFC 9162 §2.1.3.2).
    /// - Throws: `LogError` when the proof's shape does not fit the index and size.
    public func rootFromLeaf(_ leafHash: Digest) throws(LogError) -> Digest {
        guard index < treeSize else {
            throw LogError(.outOfRange, "inclusion proof: index \(index) is not below tree size \(treeSize)")
        }
        var fn = index, sn = treeSize - 1
        var r = leafHash
        for p in hashes {
            guard sn != 0 else {
                throw LogError(.proofFailed, "inclusion proof has \(hashes.count) hashes, more than a tree of \(treeSize) needs")
            }
            if fn & 1 == 1 || fn == sn {
                r = Merkle.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = Merkle.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LogError(.proofFailed, "inclusion proof has \(hashes.count) hashes, fewer than a tree of \(treeSize) needs")
        }
        return r
    }

    /// Verifies that `leafHash` is leaf `index` of the tree with `root`.
    public func verify(leafHash: Digest, root: Digest) throws(LogError) {
        let computed = try rootFromLeaf(leafHash)
        guard computed == root else {
            throw LogError(.proofFailed, "inclusion proof for leaf \(index) in tree of size \(treeSize) gives root \(computed.hex), expected \(root.hex)")
        }
    }
}

/// An RFC 6962 / RFC 9162 consistency proof between two tree sizes.
public struct ConsistencyProof: Sendable, Equatable {
    public let fromSize: UInt64
    public let toSize: UInt64
    public let hashes: [Digest]

    public init(fromSize: UInt64, toSize: UInt64, hashes: [Digest]) {
        self.fromSize = fromSize
        self.toSize = toSize
        self.hashes = hashes
    }

    /// Generates the proof (RFC 6962 §2.1.2 SUBPROOF) from stored complete subtrees.
    public static func generate(from m: UInt64, to n: UInt64, source: some MerkleNodeSource) throws -> ConsistencyProof {
        guard m <= n else { throw LogError(.outOfRange, "consistency proof: size \(m) is larger than \(n)") }
        guard m > 0 else { throw LogError(.outOfRange, "consistency proof from size 0 is not defined (every tree extends the empty tree)") }
        if m == n { return ConsistencyProof(fromSize: m, toSize: n, hashes: []) }
        var out: [Digest] = []
        try subproof(m: m, start: 0, end: n, complete: true, source: source, into: &out)
        return ConsistencyProof(fromSize: m, toSize: n, hashes: out)
    }

    private static func subproof(m: UInt64, start: UInt64, end: UInt64, complete: Bool,
                                 source: some MerkleNodeSource, into out: inout [Digest]) throws {
        let n = end - start
        if m == n {
            if !complete { out.append(try Merkle.subtreeHash(start: start, end: end, source: source)) }
            return
        }
        let k = Merkle.split(n)
        if m <= k {
            try subproof(m: m, start: start, end: start + k, complete: complete, source: source, into: &out)
            out.append(try Merkle.subtreeHash(start: start + k, end: end, source: source))
        } else {
            try subproof(m: m - k, start: start + k, end: end, complete: false, source: source, into: &out)
            out.append(try Merkle.subtreeHash(start: start, end: start + k, source: source))
        }
    }

    /// Verifies that the tree of `fromSize` with `oldRoot` is a prefix of the tree of
    /// `toSize` with `newRoot` (RFC 9162 §2.1.4.2).
    public func verify(oldRoot: Digest, newRoot: Digest) throws(LogError) {
        guard fromSize <= toSize else {
            throw LogError(.outOfRange, "consistency proof: first size \(fromSize) exceeds second size \(toSize)")
        }
        guard fromSize > 0 else {
            throw LogError(.outOfRange, "consistency proof from size 0 is not defined")
        }
        if fromSize == toSize {
            guard hashes.isEmpty else {
                throw LogError(.proofFailed, "consistency proof between equal sizes must be empty, has \(hashes.count) hashes")
            }
            guard oldRoot == newRoot else {
                throw LogError(.proofFailed, "two different roots for tree size \(fromSize): \(oldRoot.hex) and \(newRoot.hex)")
            }
            return
        }
        guard !hashes.isEmpty else {
            throw LogError(.proofFailed, "consistency proof from \(fromSize) to \(toSize) is empty")
        }
        var path = hashes[...]
        // If fromSize is a power of two, the old root is itself the first node of the path.
        if fromSize & (fromSize - 1) == 0 { path = [oldRoot] + path }
        var fn = fromSize - 1, sn = toSize - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path.first!, sr = path.first!
        for c in path.dropFirst() {
            guard sn != 0 else {
                throw LogError(.proofFailed, "consistency proof from \(fromSize) to \(toSize) has too many hashes")
            }
            if fn & 1 == 1 || fn == sn {
                fr = Merkle.nodeHash(c, fr)
                sr = Merkle.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = Merkle.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw LogError(.proofFailed, "consistency proof from \(fromSize) to \(toSize) has too few hashes")
        }
        guard fr == oldRoot else {
            throw LogError(.proofFailed, "consistency proof from \(fromSize) to \(toSize) does not match the first root: computed \(fr.hex), checkpoint has \(oldRoot.hex)")
        }
        guard sr == newRoot else {
            throw LogError(.proofFailed, "consistency proof from \(fromSize) to \(toSize) does not match the second root: computed \(sr.hex), checkpoint has \(newRoot.hex)")
        }
    }
}
