import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// Checkpoint bodies (c2sp.org/tlog-checkpoint) against `checkpoint/checkpoint_body_vectors.json`.
@Suite("checkpoint body vectors")
struct CheckpointBodyVectorTests {
    struct File: Decodable {
        struct Want: Decodable {
            let origin: String
            let size: UInt64
            let hashBase64: String
            let hashHex: String?
        }
        struct MarshalCase: Decodable {
            let origin: String
            let size: UInt64
            let hashUtf8: String
            let hashBase64: String
            let want: String
        }
        struct BodyCase: Decodable {
            let desc: String
            let body: String
            let expectError: Bool
            let want: Want?
            let wantRest: String?
            let recordHashInputUtf8: String?
            let implementationSpecific: Bool?
        }
        let marshalCases: [MarshalCase]
        let unmarshalCases: [BodyCase]
        let sumdbTreeNoteCases: [BodyCase]
        let specExample: BodyCase
    }

    static func load() throws -> File { try Vectors.json(File.self, "checkpoint/checkpoint_body_vectors.json") }

    static func parse(_ body: String, requireSHA256: Bool) -> Result<Checkpoint, LogError> {
        Result { () throws(LogError) in try Checkpoint(parsing: body, requireSHA256: requireSHA256) }
    }

    /// Checks a parse outcome against a body case (formats semantics: any root length).
    static func check(_ c: File.BodyCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
        switch parse(c.body, requireSHA256: false) {
        case .success(let cp):
            #expect(!c.expectError, "“\(c.desc)”: accepted", sourceLocation: sourceLocation)
            if let want = c.want {
                #expect(cp.origin == want.origin, "“\(c.desc)”: origin", sourceLocation: sourceLocation)
                #expect(cp.size == want.size, "“\(c.desc)”: size", sourceLocation: sourceLocation)
                #expect(cp.rootHash == (try Vectors.base64(want.hashBase64)), "“\(c.desc)”: root", sourceLocation: sourceLocation)
                if let hex = want.hashHex { #expect(cp.rootHash == (try Vectors.hex(hex)), sourceLocation: sourceLocation) }
            }
            if let rest = c.wantRest {
                #expect(cp.extensions.map { $0 + "\n" }.joined() == rest, "“\(c.desc)”: extension lines", sourceLocation: sourceLocation)
            }
            // The body prints back to exactly the bytes it was parsed from.
            #expect(cp.text == c.body, "“\(c.desc)”: text", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(c.expectError, "“\(c.desc)”: rejected: \(error.message)", sourceLocation: sourceLocation)
            #expect(error.code == .malformedCheckpoint, sourceLocation: sourceLocation)
        }
    }

    @Test("marshal cases: origin, size and root print as the expected body")
    func marshal() throws {
        let file = try Self.load()
        #expect(file.marshalCases.count == 2)
        for c in file.marshalCases {
            #expect(Data(c.hashUtf8.utf8).base64EncodedString() == c.hashBase64)
            let cp = try Checkpoint(parsing: c.want, requireSHA256: false)
            #expect(cp.origin == c.origin && cp.size == c.size && cp.rootHash == Array(c.hashUtf8.utf8))
            #expect(cp.extensions.isEmpty)
            #expect(cp.text == c.want)
            // Assay's own checkpoints have 32-byte roots; these do not.
            #expect(throws: LogError(.malformedCheckpoint, "")) { try Checkpoint(parsing: c.want) }
        }
        // With a real digest, the public initialiser prints the same layout.
        let root = Merkle.leafHash(Array("hello world".utf8))
        let cp = Checkpoint(origin: "Log", size: 123, rootHash: root, chainHead: nil)
        #expect(cp.text == "Log\n123\n\(Data(root.bytes).base64EncodedString())\n")
        #expect(try Checkpoint(parsing: cp.text) == cp)
    }

    @Test("unmarshal cases (13): fields, extension lines and rejections")
    func unmarshal() throws {
        let file = try Self.load()
        #expect(file.unmarshalCases.count == 13)
        #expect(file.unmarshalCases.filter(\.expectError).count == 7)
        for c in file.unmarshalCases { try Self.check(c) }
    }

    @Test("the C2SP tlog-checkpoint spec example body, also under the 32-byte rule")
    func specExample() throws {
        let c = try Self.load().specExample
        try Self.check(c)
        let cp = try Checkpoint(parsing: c.body)
        #expect(try cp.root.base64 == c.want?.hashBase64)
    }

    @Test("sumdb tree notes: the root is the RFC 6962 leaf hash of “hello world”")
    func sumdbTreeNotes() throws {
        let cases = try Self.load().sumdbTreeNoteCases
        #expect(cases.count == 6)
        for c in cases {
            if c.implementationSpecific == true {
                // Go's ParseTree ignores anything after the hash line. Assay parses a
                // checkpoint body: the text must end in a newline (every signed-note text
                // does), and a complete extra line is kept as an extension line.
                let result = Self.parse(c.body, requireSHA256: true)
                if c.body.hasSuffix("\n") {
                    #expect((try? result.get())?.extensions == ["JOE"], "“\(c.desc)”")
                } else {
                    #expect((try? result.get()) == nil, "“\(c.desc)”: accepted a body without its final newline")
                }
                continue
            }
            // ParseTree also requires the sumdb origin; the origin check is the caller's
            // (SignedCheckpoint's `origin:`), so apply it here.
            let result = Self.parse(c.body, requireSHA256: true)
            let accepted = (try? result.get()).map { $0.origin == "go.sum database tree" } ?? false
            #expect(accepted == !c.expectError, "“\(c.desc)”")
            if let input = c.recordHashInputUtf8, let cp = try? result.get() {
                #expect(try cp.root == Merkle.leafHash(Array(input.utf8)), "“\(c.desc)”: root")
                #expect(cp.size == 123_456_789_012)
                try Self.check(c)
            }
        }
    }

    @Test("size and root edge cases: leading zeros, 0, UInt64.max, 32-byte rule")
    func edges() throws {
        let root = Merkle.leafHash([1, 2, 3]).base64
        #expect(try Checkpoint(parsing: "o\n0\n\(root)\n").size == 0)
        #expect(try Checkpoint(parsing: "o\n18446744073709551615\n\(root)\n").size == UInt64.max)
        for bad in ["o\n007\n\(root)\n", "o\n+7\n\(root)\n", "o\n 7\n\(root)\n", "o\n18446744073709551616\n\(root)\n",
                    "o\n7\n\(root)", "o\n7\n\n", "o\n7\n\(root.dropLast())\n", "o\n7\nYWJjZGVm\n"] {
            #expect(throws: LogError(.malformedCheckpoint, ""), "\(bad.debugDescription)") { try Checkpoint(parsing: bad) }
        }
    }

    @Test("the assay-chain-head extension line round-trips")
    func chainHead() throws {
        let root = Merkle.leafHash(Array("r".utf8)), head = SHA256.hash(Array("h".utf8))
        let cp = Checkpoint(origin: "example.com/ledger", size: 9, rootHash: root, chainHead: head)
        #expect(cp.text == "example.com/ledger\n9\n\(root.base64)\nassay-chain-head \(Data(head.bytes).base64EncodedString())\n")
        let parsed = try Checkpoint(parsing: cp.text)
        #expect(parsed == cp)
        #expect(parsed.chainHead == head)
        #expect(try parsed.root == root)
        #expect(Checkpoint(origin: "o", size: 0, rootHash: Merkle.emptyRoot, chainHead: nil).chainHead == nil)
    }
}
