import AssayCore
import AssayCrypto
import AssayLog
import AssayReport
import AssayVerify
import Foundation
import Testing

/// What moved out of the CLI into libraries (issue 14) still does what it did: the proof JSON
/// codec (now in AssayLog) and the pure escapers (now in AssayReport), called directly.
@Suite("library codecs and escapers moved out of the CLI")
struct LibraryCodecTests {
    static let hashes = (0..<3).map { Merkle.leafHash([UInt8($0)]) }

    @Test("proof JSON: an inclusion proof and a consistency proof round-trip, members in the documented order")
    func roundTrip() throws {
        let inclusion = InclusionProof(index: 3, treeSize: 8, hashes: Self.hashes)
        let leaf = Merkle.leafHash([9])
        let text = ProofJSON.inclusion(inclusion, leafHash: leaf, record: [1, 2, 3], checkpoint: "o\n8\nroot\n\n— sig\n")
        #expect(text.hasPrefix("{\"type\":\"inclusion\",\"index\":3,\"treeSize\":8,\"leafHash\":\"\(leaf.hex)\",\"hashes\":["), "\(text)")
        #expect(try ProofJSON.parse(Array(text.utf8)) == .inclusion(.init(proof: inclusion, record: [1, 2, 3], leafHash: leaf,
                                                                          checkpoint: "o\n8\nroot\n\n— sig\n")))
        let consistency = ConsistencyProof(fromSize: 8, toSize: 11, hashes: Self.hashes)
        let c = ProofJSON.consistency(consistency, oldCheckpoint: nil, newCheckpoint: "n")
        #expect(c == "{\"type\":\"consistency\",\"from\":8,\"to\":11,\"hashes\":[" + Self.hashes.map { "\"\($0.base64)\"" }.joined(separator: ",") + "],\"newCheckpoint\":\"n\"}")
        #expect(try ProofJSON.parse(Array(c.utf8)) == .consistency(.init(proof: consistency, oldCheckpoint: nil, newCheckpoint: "n")))
    }

    @Test("proof JSON refuses unknown members, other types, too many hashes and sizes that are not whole numbers", arguments: [
        (#"{"type":"consistency","from":1,"to":2,"hashes":[],"bogus":1}"#, "bogus"),
        (#"{"type":"audit","from":1}"#, "unknown proof type"),
        (#"{"type":"consistency","from":1.5,"to":2,"hashes":[]}"#, "from is not a non-negative whole number"),
        (#"{"type":"consistency","from":-1,"to":2,"hashes":[]}"#, "from is not a non-negative whole number"),
        (#"{"type":"inclusion","index":0,"treeSize":1,"hashes":["xx"],"checkpoint":""}"#, "hashes[0] is not a base64 SHA-256 hash"),
        (#"{"type":"inclusion","index":0,"treeSize":1,"hashes":[],"leafHash":"00","checkpoint":""}"#, "leafHash is not a hex SHA-256 hash"),
        ("[1]", "proof JSON"),
    ])
    func refusals(_ input: String, _ fragment: String) throws {
        #expect(throws: LogError.self) { try ProofJSON.parse(Array(input.utf8)) }
        do { _ = try ProofJSON.parse(Array(input.utf8)) } catch {
            #expect(error.code == .malformedProof && error.message.contains(fragment), "\(error.message)")
        }
        let many = "{\"type\":\"consistency\",\"from\":1,\"to\":2,\"hashes\":[" + Array(repeating: "\"\(Self.hashes[0].base64)\"", count: 129).joined(separator: ",") + "]}"
        #expect(throws: LogError(.malformedProof, "")) { try ProofJSON.parse(Array(many.utf8)) }
    }

    @Test("Terminal escapes controls, bidi and separators as \\u escapes; text keeps newline and tab, field does not")
    func terminal() {
        let s = "a\u{1B}[2J\tb\nc\u{202E}d\u{9B}e\u{2028}"
        #expect(Terminal.text(s) == "a\\u001B[2J\tb\nc\\u202Ed\\u009Be\\u2028")
        #expect(Terminal.field(s) == "a\\u001B[2J\\u0009b\\u000Ac\\u202Ed\\u009Be\\u2028")
        #expect(Terminal.text("plain ✓") == "plain ✓")
    }

    @Test("the DOT, Mermaid and HTML escapers give the same text as before the move")
    func escapers() {
        #expect(ProvenanceGraph.dotLabel("a\"b\\c\nd\u{1B}") == "\"a\\\"b\\\\c d\u{FFFD}\"")
        #expect(ProvenanceGraph.mermaidLabel("A \"B\" <c>;#\n") == "A #34;B#34; #60;c#62;#59;#35; ")
        #expect(HTMLReport.esc("<a href=\"x\">&</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;")
    }
}
