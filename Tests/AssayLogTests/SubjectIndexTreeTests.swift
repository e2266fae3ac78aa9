import AssayCrypto
import AssayLog
import AssayTestSupport
import Testing

/// The incremental tree (`SubjectIndexTree`) against the definition (`SubjectIndex.root` over
/// the full leaf set): after every batch of additions, through bucket splits, for every key's
/// proof, present or absent.
@Suite("Subject index: incremental tree")
struct SubjectIndexTreeTests {
    /// A deterministic generator (SplitMix64), so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// (subjects, leaves per bucket): the larger cases rehash thousands of buckets in one root
    /// (after a split), which spreads the bucket hashes over the cores.
    @Test("matches the definition after every batch, through bucket splits, and its proofs verify",
          arguments: [(1, 16), (7, 16), (3000, 16), (3000, 1), (10000, 4)])
    func matchesDefinition(subjects: Int, bucketTarget: Int) {
        var rng = Rng(state: UInt64(subjects))
        var tree = SubjectIndexTree(bucketTarget: bucketTarget)
        var reference: [Digest: (count: UInt64, chain: Digest)] = [:]
        let names = (0..<subjects).map { "urn:test:subject:\($0)" }
        var seq = 0
        for batch in 0..<6 {
            for _ in 0..<(subjects / 2 + 3) {
                let leaf = SHA256.hash(Array("record-\(seq)".utf8))
                seq += 1
                // One to three distinct subjects per record.
                var keys = Set<Digest>()
                for _ in 0...(rng.next() % 3) { keys.insert(SubjectIndex.key(names[Int(rng.next() % UInt64(subjects))])) }
                tree.addRecord(leaf: leaf, keys: keys)
                for k in keys {
                    let old = reference[k] ?? (0, .zero)
                    reference[k] = (old.count + 1, SubjectIndex.chain(previous: old.chain, leaf: leaf))
                }
            }
            let leaves = reference.map { SubjectIndex.Leaf(key: $0.key, count: $0.value.count, chain: $0.value.chain) }
            let root = tree.root()
            #expect(root == SubjectIndex.root(of: leaves), "batch \(batch): the incremental root differs from the definition")
            #expect(tree.subjectCount == reference.count)
            #expect(tree.size == UInt64(seq))
            for name in names.prefix(50) + ["urn:test:absent:\(batch)"] {
                let key = SubjectIndex.key(name)
                let leaf = tree.leaf(for: key)
                #expect(leaf?.count == reference[key]?.count)
                let proof = tree.prove(key)
                #expect(proof == SubjectIndex.prove(key, in: leaves), "the tree's proof for \(name) differs from the definition's")
                #expect(SubjectIndex.verify(proof, key: key, leaf: leaf, root: root))
                if let leaf {
                    // Claiming one entry fewer, or absence, fails.
                    let fewer = SubjectIndex.Leaf(key: key, count: leaf.count - 1, chain: leaf.chain)
                    #expect(!SubjectIndex.verify(proof, key: key, leaf: fewer, root: root))
                    #expect(!SubjectIndex.verify(proof, key: key, leaf: nil, root: root))
                }
            }
        }
    }
}
