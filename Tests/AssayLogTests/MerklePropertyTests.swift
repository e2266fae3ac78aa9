import AssayTestSupport
import AssayCrypto
import AssayLog
import Testing

/// Property-based checks of tree building, proof generation and proof verification on random
/// trees. Every random choice comes from a SplitMix64 seeded with the constant named in the
/// test, so a failure replays exactly; messages carry the seed.
@Suite("Merkle properties (seeded)")
struct MerklePropertyTests {
    static let maxLeaves = 2000

    /// A random tree of `count` leaves: leaf data is 1–40 random bytes.
    static func tree(count: Int, rng: inout SplitMix64) -> (MemoryNodeSource, ReferenceTree) {
        let leaves = (0..<count).map { _ in Merkle.leafHash(rng.bytes(Int.random(in: 1...40, using: &rng))) }
        return (MemoryNodeSource(leafHashes: leaves), ReferenceTree(leaves: leaves))
    }

    /// A few random bits to flip per hash, always including the first and the last bit.
    static func someBits(_ rng: inout SplitMix64) -> [Int] {
        [0, 255, Int.random(in: 1...254, using: &rng), Int.random(in: 1...254, using: &rng)]
    }

    @Test("every size 0…2000: incremental root = stored-node root = restored range root")
    func rootsOfEverySize() throws {
        let seed: UInt64 = 0x5EED_0001
        var rng = SplitMix64(seed: seed)
        let (source, reference) = Self.tree(count: Self.maxLeaves, rng: &rng)
        var range = CompactRange()
        for n in 0...Self.maxLeaves {
            let size = UInt64(n)
            let root = try Merkle.root(size: size, source: source)
            #expect(range.root == root, "seed \(seed): size \(n)")
            let restored = try CompactRange(size: size, hashes: CompactRange.nodes(forSize: size).map { try source.hash(of: $0) })
            #expect(restored == range, "seed \(seed): restored range, size \(n)")
            if n % 97 == 0 || n & (n - 1) == 0 || n == Self.maxLeaves {
                #expect(root == reference.mth(0, n), "seed \(seed): RFC 6962 MTH, size \(n)")
            }
            if n < Self.maxLeaves { range.append(source.leafHashes[n]) }
        }
    }

    @Test("every leaf of several random sizes: proofs equal RFC 6962 PATH and verify against both root computations")
    func inclusionForEveryLeaf() throws {
        let seed: UInt64 = 0x5EED_0002
        var rng = SplitMix64(seed: seed)
        let (source, reference) = Self.tree(count: Self.maxLeaves, rng: &rng)
        var sizes: [Int] = [1, 2, 3, 4, 5, 7, 8, 9, 1024, Self.maxLeaves]
        for _ in 0..<3 { sizes.append(Int.random(in: 10...Self.maxLeaves, using: &rng)) }
        var proofs = 0
        for n in sizes {
            let size = UInt64(n)
            let root = try Merkle.root(size: size, source: source)
            let rootFromLeaves = Merkle.root(ofLeafHashes: Array(source.leafHashes[0..<n]))
            #expect(root == rootFromLeaves, "seed \(seed): size \(n)")
            for i in 0..<n {
                let proof = try InclusionProof.generate(index: UInt64(i), treeSize: size, source: source)
                proofs += 1
                #expect(proof.hashes == reference.path(i, 0, n), "seed \(seed): PATH(\(i), \(n))")
                let leaf = source.leafHashes[i]
                #expect(throws: Never.self, "seed \(seed): leaf \(i) of \(n)") { try proof.verify(leafHash: leaf, root: root) }
                #expect(throws: Never.self, "seed \(seed): leaf \(i) of \(n)") { try proof.verify(leafHash: leaf, root: rootFromLeaves) }
            }
        }
        #expect(proofs == sizes.reduce(0, +))
    }

    @Test("tampered inclusion proofs are rejected: bit flips, dropped/extra hashes, index ± 1, size ± 1")
    func inclusionTampering() throws {
        let seed: UInt64 = 0x5EED_0003
        var rng = SplitMix64(seed: seed)
        let (source, _) = Self.tree(count: Self.maxLeaves, rng: &rng)
        var samples: [(Int, Int)] = [(0, 1), (0, 2), (1, 2), (0, 1024), (1023, 1024), (1998, 1999), (0, 1999)]
        for _ in 0..<60 {
            let n = Int.random(in: 1..<Self.maxLeaves, using: &rng)
            samples.append((Int.random(in: 0..<n, using: &rng), n))
            samples.append((n - 1, n)) // the last leaf
        }
        var rootCache: [UInt64: Digest] = [:]
        func root(_ n: UInt64) -> Digest? {
            guard n <= UInt64(Self.maxLeaves) else { return nil }
            if let r = rootCache[n] { return r }
            let r = try? Merkle.root(size: n, source: source)
            rootCache[n] = r
            return r
        }
        var checked = 0
        for (i, n) in samples {
            let proof = try InclusionProof.generate(index: UInt64(i), treeSize: UInt64(n), source: source)
            let leaf = source.leafHashes[i], r = try #require(root(UInt64(n)))
            var bitsBySlot: [Int: [Int]] = [:]
            for slot in -2..<proof.hashes.count { bitsBySlot[slot] = Self.someBits(&rng) }
            checked += expectTamperedInclusionRejected(
                proof, leaf: leaf, root: r, bits: { bitsBySlot[$0] ?? [] }, rootOfSize: root,
                "seed \(seed): leaf \(i) of \(n)")
        }
        #expect(checked > samples.count * 20)
    }

    @Test("consistency proofs between random size pairs equal RFC 6962 PROOF and verify")
    func consistencyPairs() throws {
        let seed: UInt64 = 0x5EED_0004
        var rng = SplitMix64(seed: seed)
        let (source, reference) = Self.tree(count: Self.maxLeaves, rng: &rng)
        let big = Self.maxLeaves
        var pairs: [(Int, Int)] = [(1, 1), (1, 2), (2, 2), (1, big), (big - 1, big), (big, big), (1024, big), (1023, 1024), (1024, 1025)]
        for k in 0...10 { pairs.append((1 << k, big)); pairs.append((1, 1 << k)); pairs.append((1 << k, 1 << k)) }
        for _ in 0..<250 {
            let n = Int.random(in: 1...big, using: &rng)
            let m = Int.random(in: 1...n, using: &rng)
            pairs.append((m, n))
            pairs.append((m, m))
            pairs.append((max(1, n - 1), n))
        }
        var roots: [Int: Digest] = [:]
        func root(_ n: Int) throws -> Digest {
            if let r = roots[n] { return r }
            let r = try Merkle.root(size: UInt64(n), source: source)
            roots[n] = r
            return r
        }
        for (m, n) in pairs {
            let proof = try ConsistencyProof.generate(from: UInt64(m), to: UInt64(n), source: source)
            #expect(proof.hashes == reference.proof(m, n), "seed \(seed): PROOF(\(m), \(n))")
            #expect(proof.fromSize == UInt64(m) && proof.toSize == UInt64(n))
            if m == n { #expect(proof.hashes.isEmpty) }
            let (old, new) = (try root(m), try root(n))
            #expect(throws: Never.self, "seed \(seed): \(m) → \(n)") { try proof.verify(oldRoot: old, newRoot: new) }
        }
    }

    @Test("tampered consistency proofs are rejected: bit flips, dropped/extra hashes, sizes ± 1, swapped roots")
    func consistencyTampering() throws {
        let seed: UInt64 = 0x5EED_0005
        var rng = SplitMix64(seed: seed)
        let (source, _) = Self.tree(count: Self.maxLeaves, rng: &rng)
        var pairs: [(Int, Int)] = [(1, 1), (1, 2), (2, 3), (4, 8), (1024, 1999), (1998, 1999), (7, 7), (1, 1999)]
        for _ in 0..<60 {
            let n = Int.random(in: 1..<Self.maxLeaves, using: &rng)
            pairs.append((Int.random(in: 1...n, using: &rng), n))
        }
        func root(_ n: UInt64) -> Digest? { n <= UInt64(Self.maxLeaves) ? try? Merkle.root(size: n, source: source) : nil }
        var checked = 0
        for (m, n) in pairs {
            let proof = try ConsistencyProof.generate(from: UInt64(m), to: UInt64(n), source: source)
            let old = try #require(root(UInt64(m))), new = try #require(root(UInt64(n)))
            var bitsBySlot: [Int: [Int]] = [:]
            for slot in -2..<proof.hashes.count { bitsBySlot[slot] = Self.someBits(&rng) }
            checked += expectTamperedConsistencyRejected(
                proof, oldRoot: old, newRoot: new, bits: { bitsBySlot[$0] ?? [] }, rootOfSize: root,
                "seed \(seed): \(m) → \(n)")
        }
        #expect(checked > pairs.count * 10)
    }

    @Test("edge cases: consistency from size 0, sizes out of order, index ≥ size, nodes beyond the tree")
    func edgeCases() throws {
        var rng = SplitMix64(seed: 0x5EED_0006)
        let (source, _) = Self.tree(count: 16, rng: &rng)
        let root16 = try Merkle.root(size: 16, source: source)
        let root8 = try Merkle.root(size: 8, source: source)

        // Consistency from the empty tree is not defined, whether generated or verified.
        #expect(throws: LogError(.outOfRange, "")) { try ConsistencyProof.generate(from: 0, to: 16, source: source) }
        #expect(throws: LogError(.outOfRange, "")) { try ConsistencyProof.generate(from: 0, to: 0, source: source) }
        #expect(throws: LogError(.outOfRange, "")) {
            try ConsistencyProof(fromSize: 0, toSize: 16, hashes: []).verify(oldRoot: Merkle.emptyRoot, newRoot: root16)
        }
        #expect(throws: LogError(.outOfRange, "")) {
            try ConsistencyProof(fromSize: 0, toSize: 0, hashes: []).verify(oldRoot: Merkle.emptyRoot, newRoot: Merkle.emptyRoot)
        }
        // The first size must not exceed the second.
        #expect(throws: LogError(.outOfRange, "")) { try ConsistencyProof.generate(from: 9, to: 8, source: source) }
        let forward = try ConsistencyProof.generate(from: 8, to: 16, source: source)
        #expect(throws: LogError(.outOfRange, "")) {
            try ConsistencyProof(fromSize: 16, toSize: 8, hashes: forward.hashes).verify(oldRoot: root16, newRoot: root8)
        }
        // Equal sizes: empty proof and equal roots only.
        #expect(throws: Never.self) { try ConsistencyProof(fromSize: 8, toSize: 8, hashes: []).verify(oldRoot: root8, newRoot: root8) }
        #expect(throws: LogError(.proofFailed, "")) {
            try ConsistencyProof(fromSize: 8, toSize: 8, hashes: []).verify(oldRoot: root8, newRoot: root16)
        }
        #expect(throws: LogError(.proofFailed, "")) {
            try ConsistencyProof(fromSize: 8, toSize: 8, hashes: [root8]).verify(oldRoot: root8, newRoot: root8)
        }
        // A growing tree needs a non-empty proof.
        #expect(throws: LogError(.proofFailed, "")) {
            try ConsistencyProof(fromSize: 8, toSize: 16, hashes: []).verify(oldRoot: root8, newRoot: root16)
        }

        // Inclusion: the index must be below the size.
        for (index, size) in [(16, 16), (17, 16), (0, 0), (UInt64.max, 16)] as [(UInt64, UInt64)] {
            #expect(throws: LogError(.outOfRange, ""), "generate(\(index), \(size))") {
                try InclusionProof.generate(index: index, treeSize: size, source: source)
            }
        }
        let last = try InclusionProof.generate(index: 15, treeSize: 16, source: source)
        #expect(throws: LogError(.outOfRange, "")) {
            try InclusionProof(index: 16, treeSize: 16, hashes: last.hashes).verify(leafHash: source.leafHashes[15], root: root16)
        }
        #expect(throws: LogError(.outOfRange, "")) {
            try InclusionProof(index: 0, treeSize: 0, hashes: []).verify(leafHash: source.leafHashes[0], root: Merkle.emptyRoot)
        }
        // Size 1: the root is the leaf, and the proof is empty.
        let single = try InclusionProof.generate(index: 0, treeSize: 1, source: source)
        #expect(single.hashes.isEmpty)
        #expect(throws: Never.self) { try single.verify(leafHash: source.leafHashes[0], root: source.leafHashes[0]) }

        // Proofs for a tree larger than the stored one need nodes that do not exist.
        #expect(throws: MemoryNodeSource.MissingNode.self) { try InclusionProof.generate(index: 0, treeSize: 17, source: source) }
        #expect(throws: MemoryNodeSource.MissingNode.self) { try ConsistencyProof.generate(from: 3, to: 17, source: source) }
    }

    /// RFC 6962 inclusion verification recomputes a root from the index, the size and the
    /// path; sizes that share the path's shape give the same computed root. So a proof alone
    /// does not pin the size: the verifier must take the size and the root together from one
    /// signed checkpoint (which is why the tamper checks above compare a changed size against
    /// the root of the tree of that size).
    @Test("an inclusion proof does not fix the tree size by itself: size and root must come from one checkpoint")
    func sizeIsNotBoundByTheProof() throws {
        var rng = SplitMix64(seed: 0x5EED_0007)
        let (source, _) = Self.tree(count: 6, rng: &rng)
        let proof5 = try InclusionProof.generate(index: 0, treeSize: 5, source: source)
        let root5 = try Merkle.root(size: 5, source: source), root6 = try Merkle.root(size: 6, source: source)
        let claimed6 = InclusionProof(index: 0, treeSize: 6, hashes: proof5.hashes)
        #expect(try claimed6.rootFromLeaf(source.leafHashes[0]) == root5)
        #expect(throws: LogError(.proofFailed, "")) { try claimed6.verify(leafHash: source.leafHashes[0], root: root6) }
    }
}
