import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// FORMAT.md §13.3's golden proofs, read from the document itself: the proofs this
/// implementation produces are byte for byte the ones written there (computed by an
/// independent implementation), and each verifies against the written root.
@Suite("Subject index: FORMAT.md golden proofs")
struct SubjectIndexFormatTests {
    struct Written {
        var subject = ""
        var count: UInt64 = 0
        var chain = Digest.zero
        var path: [String] = []
        var neighbor: [String]? = nil
    }

    /// The §13.3 block: the root line and each `proof` with its `path` and optional `neighbor` lines.
    static func written() throws -> (root: String, proofs: [Written]) {
        let text = try String(contentsOf: Vectors.packageRoot.appendingPathComponent("Schemas/FORMAT.md"), encoding: .utf8)
        let section = try #require(text.components(separatedBy: "### 13.3").dropFirst().first?.components(separatedBy: "### 13.4").first)
        var root = ""
        var proofs: [Written] = []
        for raw in section.components(separatedBy: "\n") {
            let words = raw.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            switch first {
            case "root" where words.count == 3: root = words[2]
            case "proof":
                var w = Written()
                w.subject = words[2]
                w.count = UInt64(words[4]) ?? 0
                if words.count >= 7 { w.chain = try Digest(base64: words[6]) }
                proofs.append(w)
            case "path": proofs[proofs.count - 1].path = Array(words.dropFirst())
            case "neighbor": proofs[proofs.count - 1].neighbor = Array(words.dropFirst())
            default: continue
            }
        }
        return (root, proofs)
    }

    static func entries(from n0: Int, count: Int) -> Digest {
        var s = Digest.zero
        for i in n0..<(n0 + count) { s = SubjectIndex.chain(previous: s, leaf: SHA256.hash(Array("entry-\(i)".utf8))) }
        return s
    }

    @Test("the written proofs are the ones this implementation produces, and they verify")
    func goldenProofs() throws {
        let (root, proofs) = try Self.written()
        #expect(proofs.count == 3, "FORMAT.md §13.3 should list three golden proofs")
        var tree = SubjectIndexTree()
        let leaves: [(String, SubjectIndex.KeyType, Int, Int)] = [
            ("https://id.gs1.org/01/04012345000016/21/SN-0001", .identifier, 0, 3),
            ("https://id.gs1.org/01/04012345000016", .identifier, 3, 1),
            ("acme.example/devices+d59d9cb4", .keyReference, 10, 2),
        ]
        for (name, type, first, count) in leaves {
            for i in first..<(first + count) { tree.add(key: SubjectIndex.key(name, type: type), entryLeaf: SHA256.hash(Array("entry-\(i)".utf8))) }
        }
        #expect(tree.root().hex == root)
        let z = Digest.zero.base64
        for w in proofs {
            let key = SubjectIndex.key(w.subject)
            let proof = tree.prove(key)
            #expect(proof.path.map { ($0 ?? .zero).base64 } == w.path.map { $0 == "Z" ? z : $0 }, "path for \(w.subject)")
            let leaf = tree.leaf(for: key)
            #expect((leaf?.count ?? 0) == w.count)
            if w.count > 0 { #expect(leaf?.chain == w.chain, "chain for \(w.subject)") }
            if let n = w.neighbor {
                #expect(proof.neighbor?.key.base64 == n[0] && proof.neighbor?.count == UInt64(n[1]) && proof.neighbor?.chain.base64 == n[2])
            } else {
                #expect(proof.neighbor == nil)
            }
            #expect(SubjectIndex.verify(proof, key: key, leaf: leaf, root: try Digest(hex: root)))
        }
    }
}
