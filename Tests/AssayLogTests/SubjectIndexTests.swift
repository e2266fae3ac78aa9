import AssayCrypto
import AssayLog
import AssayTestSupport
import Testing

/// The completeness index's tree (`SubjectIndex`): golden values computed by an independent
/// Python implementation of the documented layout, agreement with a naive reference
/// definition, and proofs that verify for every key and fail for every tampering.
@Suite("Subject index: compressed sparse Merkle tree")
struct SubjectIndexTests {
    /// Stand-in entry leaf hashes: SHA-256("entry-n").
    static func entries(from n0: Int, count: Int) -> Digest {
        var s = Digest.zero
        for i in n0..<(n0 + count) { s = SubjectIndex.chain(previous: s, leaf: SHA256.hash(Array("entry-\(i)".utf8))) }
        return s
    }

    static let golden: [SubjectIndex.Leaf] = [
        .init(key: SubjectIndex.key("https://id.gs1.org/01/04012345000016/21/SN-0001"), count: 3, chain: entries(from: 0, count: 3)),
        .init(key: SubjectIndex.key("https://id.gs1.org/01/04012345000016"), count: 1, chain: entries(from: 3, count: 1)),
        .init(key: SubjectIndex.key("acme.example/devices+d59d9cb4", type: .keyReference), count: 2, chain: entries(from: 10, count: 2)),
    ]

    @Test("golden values: keys, leaves and roots as an independent implementation computes them")
    func goldenValues() {
        #expect(Self.golden.map(\.key.hex) == ["95c32ae21c315bf9486a8ae74f7dfa0e1b192ecdc36b2d3313bf47f1a679d759",
                                               "2f5840186a24c9f0b963a1c75429a6bc6f4f8ff2e0f67dba9f6f2245777207d9",
                                               "95ebac5fe8a5b5a97c038bae71517ec472a5794cbfff231ae59f0c9d1848149e"])
        #expect(Self.golden.map(\.hash.hex) == ["ad22262d675e59e22751a6110ec6cbf920157378ab8700c10af8993fb7737560",
                                                "0c812cac689d14cd4306e74eb2ce753e3de7e4f25b9cb415456c6bb4f8286436",
                                                "70f12c938a46960147fd85c1a5253795d5ad7033191ff1b5283ddb540675cc32"])
        #expect(SubjectIndex.root(of: Self.golden).hex == "822b891486705db0a2ee6ea7db3d194455e95bc17e8415f1900ebb58f2f9da20")
        #expect(SubjectIndex.root(of: []) == .zero, "an empty index has root Z")
        #expect(SubjectIndex.root(of: [Self.golden[0]]) == Self.golden[0].hash, "a single leaf is not pushed down")
    }

    /// The definition, read literally: filter by bit at each depth (no sorting, no slices).
    static func naive(_ leaves: [SubjectIndex.Leaf], depth: Int = 0) -> Digest {
        if leaves.isEmpty { return .zero }
        if leaves.count == 1 { return leaves[0].hash }
        return SubjectIndex.node(naive(leaves.filter { SubjectIndex.bit($0.key, depth) == 0 }, depth: depth + 1),
                                 naive(leaves.filter { SubjectIndex.bit($0.key, depth) == 1 }, depth: depth + 1))
    }

    static func randomLeaves(_ n: Int, seed: UInt64) -> [SubjectIndex.Leaf] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { i in
            .init(key: SubjectIndex.key("urn:example:subject:\(seed):\(i)"), count: rng.next() % 50 + 1,
                  chain: SHA256.hash(Array("chain \(i) \(rng.next())".utf8)))
        }
    }

    @Test("the root depends only on the set of leaves and matches the naive definition", arguments: [0, 1, 2, 3, 7, 64, 300])
    func rootMatchesDefinition(n: Int) {
        let leaves = Self.randomLeaves(n, seed: UInt64(n) &+ 11)
        let root = SubjectIndex.root(of: leaves)
        #expect(root == Self.naive(leaves))
        #expect(root == SubjectIndex.root(of: leaves.reversed()))
        var rng = SplitMix64(seed: 99)
        #expect(root == SubjectIndex.root(of: leaves.sorted { _, _ in rng.next() & 1 == 0 }))
    }

    @Test("every present key's proof verifies with its leaf; every absent key's proof verifies as absent")
    func proofsVerify() {
        for n in [1, 2, 5, 40, 500] {
            let leaves = Self.randomLeaves(n, seed: UInt64(n))
            let root = SubjectIndex.root(of: leaves)
            for leaf in leaves {
                let p = SubjectIndex.prove(leaf.key, in: leaves)
                #expect(SubjectIndex.verify(p, key: leaf.key, leaf: leaf, root: root), "n \(n)")
                #expect(!SubjectIndex.verify(p, key: leaf.key, leaf: nil, root: root), "a present key cannot be shown absent")
            }
            for i in 0..<50 {
                let absent = SubjectIndex.key("urn:example:absent:\(i)")
                let p = SubjectIndex.prove(absent, in: leaves)
                #expect(SubjectIndex.verify(p, key: absent, leaf: nil, root: root), "n \(n)")
                let fake = SubjectIndex.Leaf(key: absent, count: 1, chain: .zero)
                #expect(!SubjectIndex.verify(p, key: absent, leaf: fake, root: root), "an absent key cannot be shown present")
            }
        }
        #expect(SubjectIndex.verify(SubjectIndex.prove(Self.golden[0].key, in: []), key: Self.golden[0].key, leaf: nil, root: .zero))
    }

    @Test("tampered proofs and claims fail: sibling, count, chain, neighbour prefix, depth over 256")
    func tamperingFails() throws {
        let leaves = Self.randomLeaves(200, seed: 5)
        let root = SubjectIndex.root(of: leaves)
        let target = leaves[17]
        let p = SubjectIndex.prove(target.key, in: leaves)
        #expect(!p.path.isEmpty)
        // A flipped bit in any sibling.
        for i in p.path.indices {
            var path = p.path
            var bytes = (path[i] ?? .zero).bytes
            bytes[3] ^= 0x20
            path[i] = try Digest(bytes: bytes)
            #expect(!SubjectIndex.verify(.init(path: path, neighbor: nil), key: target.key, leaf: target, root: root), "sibling \(i)")
        }
        // A shorter count (an entry left out) or another chain (an entry swapped).
        let shorter = SubjectIndex.Leaf(key: target.key, count: target.count == 1 ? 2 : target.count - 1, chain: target.chain)
        let swapped = SubjectIndex.Leaf(key: target.key, count: target.count, chain: SHA256.hash([1]))
        let shorterVerifies = SubjectIndex.verify(p, key: target.key, leaf: shorter, root: root)
        let swappedVerifies = SubjectIndex.verify(p, key: target.key, leaf: swapped, root: root)
        #expect(!shorterVerifies && !swappedVerifies)
        // An absence proof whose neighbour does not share the key's prefix.
        let absent = SubjectIndex.key("urn:example:absent:x")
        let q = SubjectIndex.prove(absent, in: leaves)
        if let n = q.neighbor {
            let wrong = leaves.first { l in l.key != n.key && (0..<q.path.count).contains { SubjectIndex.bit(l.key, $0) != SubjectIndex.bit(absent, $0) } }!
            #expect(!SubjectIndex.verify(.init(path: q.path, neighbor: wrong), key: absent, leaf: nil, root: root))
        }
        // Dropping the neighbour turns the proof into a false "empty slot" claim.
        if q.neighbor != nil {
            #expect(!SubjectIndex.verify(.init(path: q.path, neighbor: nil), key: absent, leaf: nil, root: root))
        }
        // More than 256 levels is no proof.
        #expect(!SubjectIndex.verify(.init(path: Array(repeating: nil, count: 257), neighbor: nil), key: absent, leaf: nil, root: root))
    }
}

