import AssayCrypto
import AssayLog
import Testing

/// An in-memory `MerkleNodeSource`: every complete subtree hash of the tree built so far,
/// filled from the leaves (level 0) and from `CompactRange.append`'s `completed` callback,
/// as a store would keep them.
struct MemoryNodeSource: MerkleNodeSource {
    struct MissingNode: Error, CustomStringConvertible {
        let id: NodeID
        var description: String { "no stored node \(id)" }
    }

    private(set) var nodes: [NodeID: Digest] = [:]
    private(set) var range = CompactRange()
    private(set) var leafHashes: [Digest] = []

    init() {}

    init(leafHashes: some Sequence<Digest>) {
        for leaf in leafHashes { append(leaf) }
    }

    mutating func append(_ leaf: Digest) {
        var finished: [(NodeID, Digest)] = []
        nodes[NodeID(level: 0, index: range.size)] = leaf
        range.append(leaf) { id, hash in finished.append((id, hash)) }
        for (id, hash) in finished {
            precondition(nodes[id] == nil, "CompactRange reported node \(id) twice")
            nodes[id] = hash
        }
        leafHashes.append(leaf)
    }

    func hash(of id: NodeID) throws -> Digest {
        guard let d = nodes[id] else { throw MissingNode(id: id) }
        return d
    }
}

/// RFC 6962 §2.1 written out literally (MTH, PATH, PROOF/SUBPROOF), with node hashes computed
/// as SHA-256 of explicit bytes rather than through `Merkle`: an independent oracle for the
/// library's incremental, store-backed implementation. Subtree hashes are memoised.
final class ReferenceTree {
    let leaves: [Digest]
    private var memo: [Int: [Int: Digest]] = [:]

    init(leaves: [Digest]) { self.leaves = leaves }

    /// The largest power of two strictly less than `n` (n ≥ 2).
    static func split(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH(D[start..<end]).
    func mth(_ start: Int, _ end: Int) -> Digest {
        let n = end - start
        if n == 0 { return SHA256.hash([UInt8]()) }
        if n == 1 { return leaves[start] }
        if let d = memo[start]?[end] { return d }
        let k = Self.split(n)
        let d = SHA256.hash([0x01] + mth(start, start + k).bytes + mth(start + k, end).bytes)
        memo[start, default: [:]][end] = d
        return d
    }

    /// PATH(m, D[start..<end]), leaf-sibling first.
    func path(_ m: Int, _ start: Int, _ end: Int) -> [Digest] {
        let n = end - start
        if n <= 1 { return [] }
        let k = Self.split(n)
        if m < k { return path(m, start, start + k) + [mth(start + k, end)] }
        return path(m - k, start + k, end) + [mth(start, start + k)]
    }

    /// PROOF(m, D[0..<n]).
    func proof(_ m: Int, _ n: Int) -> [Digest] { subproof(m, 0, n, true) }

    private func subproof(_ m: Int, _ start: Int, _ end: Int, _ complete: Bool) -> [Digest] {
        let n = end - start
        if m == n { return complete ? [] : [mth(start, end)] }
        let k = Self.split(n)
        if m <= k { return subproof(m, start, start + k, complete) + [mth(start + k, end)] }
        return subproof(m - k, start + k, end, false) + [mth(start, start + k)]
    }
}

/// `d` with bit `bit` (0 = least significant bit of byte 0) inverted.
func flipped(_ d: Digest, bit: Int) -> Digest {
    var b = d.bytes
    b[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
    return try! Digest(bytes: b)
}

/// An arbitrary digest that is not part of any test tree.
let strayDigest = SHA256.hash(Array("not a node of any test tree".utf8))

/// Runs every tampered form of a valid inclusion proof and records an issue for each one that
/// verifies. `bits(slot)` says which bits to flip in proof hash `slot` (slot -1: the leaf,
/// slot -2: the root). `rootOfSize(n)` is the root of the same tree at size `n`, when known.
/// Returns how many tampered proofs were checked.
@discardableResult
func expectTamperedInclusionRejected(
    _ proof: InclusionProof, leaf: Digest, root: Digest,
    bits: (Int) -> [Int], rootOfSize: (UInt64) -> Digest?,
    _ context: String, sourceLocation: SourceLocation = #_sourceLocation
) -> Int {
    var checked = 0
    func mustFail(_ what: String, _ p: InclusionProof, _ leaf: Digest, _ root: Digest) {
        checked += 1
        if (try? p.verify(leafHash: leaf, root: root)) != nil {
            Issue.record("\(context): tampered inclusion proof accepted (\(what))", sourceLocation: sourceLocation)
        }
    }
    let (i, n, h) = (proof.index, proof.treeSize, proof.hashes)
    for slot in h.indices {
        for bit in bits(slot) {
            var t = h
            t[slot] = flipped(t[slot], bit: bit)
            mustFail("bit \(bit) of hash \(slot) flipped", InclusionProof(index: i, treeSize: n, hashes: t), leaf, root)
        }
        var dropped = h
        dropped.remove(at: slot)
        mustFail("hash \(slot) dropped", InclusionProof(index: i, treeSize: n, hashes: dropped), leaf, root)
        var dup = h
        dup.insert(h[slot], at: slot)
        mustFail("hash \(slot) duplicated", InclusionProof(index: i, treeSize: n, hashes: dup), leaf, root)
    }
    for bit in bits(-1) { mustFail("leaf bit \(bit) flipped", proof, flipped(leaf, bit: bit), root) }
    for bit in bits(-2) { mustFail("root bit \(bit) flipped", proof, leaf, flipped(root, bit: bit)) }
    mustFail("stray hash prepended", InclusionProof(index: i, treeSize: n, hashes: [strayDigest] + h), leaf, root)
    mustFail("stray hash appended", InclusionProof(index: i, treeSize: n, hashes: h + [strayDigest]), leaf, root)
    mustFail("leaf appended", InclusionProof(index: i, treeSize: n, hashes: h + [leaf]), leaf, root)
    mustFail("root appended", InclusionProof(index: i, treeSize: n, hashes: h + [root]), leaf, root)
    mustFail("index + 1", InclusionProof(index: i + 1, treeSize: n, hashes: h), leaf, root)
    if i > 0 { mustFail("index - 1", InclusionProof(index: i - 1, treeSize: n, hashes: h), leaf, root) }
    mustFail("index = size", InclusionProof(index: n, treeSize: n, hashes: h), leaf, root)
    // A changed size is checked against the root of the tree of that size: an inclusion proof
    // does not by itself fix the size (see MerklePropertyTests.sizeIsNotBoundByTheProof).
    mustFail("size + 1", InclusionProof(index: i, treeSize: n + 1, hashes: h), leaf, rootOfSize(n + 1) ?? root)
    mustFail("size - 1", InclusionProof(index: i, treeSize: n - 1, hashes: h), leaf, rootOfSize(n - 1) ?? root)
    if leaf != root { mustFail("leaf and root swapped", proof, root, leaf) }
    return checked
}

/// As `expectTamperedInclusionRejected`, for a valid consistency proof. `bits(-1)` chooses the
/// bits flipped in the old root and `bits(-2)` in the new root.
@discardableResult
func expectTamperedConsistencyRejected(
    _ proof: ConsistencyProof, oldRoot: Digest, newRoot: Digest,
    bits: (Int) -> [Int], rootOfSize: (UInt64) -> Digest?,
    _ context: String, sourceLocation: SourceLocation = #_sourceLocation
) -> Int {
    var checked = 0
    func mustFail(_ what: String, _ p: ConsistencyProof, _ old: Digest, _ new: Digest) {
        checked += 1
        if (try? p.verify(oldRoot: old, newRoot: new)) != nil {
            Issue.record("\(context): tampered consistency proof accepted (\(what))", sourceLocation: sourceLocation)
        }
    }
    let (m, n, h) = (proof.fromSize, proof.toSize, proof.hashes)
    for slot in h.indices {
        for bit in bits(slot) {
            var t = h
            t[slot] = flipped(t[slot], bit: bit)
            mustFail("bit \(bit) of hash \(slot) flipped", ConsistencyProof(fromSize: m, toSize: n, hashes: t), oldRoot, newRoot)
        }
        var dropped = h
        dropped.remove(at: slot)
        mustFail("hash \(slot) dropped", ConsistencyProof(fromSize: m, toSize: n, hashes: dropped), oldRoot, newRoot)
        var dup = h
        dup.insert(h[slot], at: slot)
        mustFail("hash \(slot) duplicated", ConsistencyProof(fromSize: m, toSize: n, hashes: dup), oldRoot, newRoot)
    }
    for bit in bits(-1) { mustFail("old root bit \(bit) flipped", proof, flipped(oldRoot, bit: bit), newRoot) }
    for bit in bits(-2) { mustFail("new root bit \(bit) flipped", proof, oldRoot, flipped(newRoot, bit: bit)) }
    mustFail("stray hash prepended", ConsistencyProof(fromSize: m, toSize: n, hashes: [strayDigest] + h), oldRoot, newRoot)
    mustFail("stray hash appended", ConsistencyProof(fromSize: m, toSize: n, hashes: h + [strayDigest]), oldRoot, newRoot)
    mustFail("old root prepended", ConsistencyProof(fromSize: m, toSize: n, hashes: [oldRoot] + h), oldRoot, newRoot)
    mustFail("new root appended", ConsistencyProof(fromSize: m, toSize: n, hashes: h + [newRoot]), oldRoot, newRoot)
    if oldRoot != newRoot { mustFail("roots swapped", proof, newRoot, oldRoot) }
    mustFail("first size + 1", ConsistencyProof(fromSize: m + 1, toSize: n, hashes: h), rootOfSize(m + 1) ?? oldRoot, newRoot)
    mustFail("first size - 1", ConsistencyProof(fromSize: m - 1, toSize: n, hashes: h), rootOfSize(m - 1) ?? oldRoot, newRoot)
    mustFail("second size + 1", ConsistencyProof(fromSize: m, toSize: n + 1, hashes: h), oldRoot, rootOfSize(n + 1) ?? newRoot)
    if n > 0 {
        mustFail("second size - 1", ConsistencyProof(fromSize: m, toSize: n - 1, hashes: h), oldRoot, rootOfSize(n - 1) ?? newRoot)
    }
    mustFail("first size 0", ConsistencyProof(fromSize: 0, toSize: n, hashes: h), Merkle.emptyRoot, newRoot)
    return checked
}
