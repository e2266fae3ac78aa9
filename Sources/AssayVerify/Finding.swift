/// One thing a verifier found wrong (or worth flagging), with the evidence: where,
/// what was expected and what was found.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    /// Which check produced it.
    public enum Check: String, Sendable, Codable {
        case sequence, leafHash, chainHash, time, envelope, statement, storedColumns
        case signature, registry, authorization, merkle, checkpoint, schema, compromise
    }

    public let check: Check
    /// The sequence number concerned, when there is one.
    public let seq: UInt64?
    public let message: String
    public let expected: String?
    public let found: String?

    public init(_ check: Check, seq: UInt64?, _ message: String, expected: String? = nil, found: String? = nil) {
        self.check = check
        self.seq = seq
        self.message = message
        self.expected = expected
        self.found = found
    }

    /// One line: `seq 12: leaf hash mismatch (expected …, found …)`.
    public var description: String {
        var s = seq.map { "seq \($0): " } ?? ""
        s += message
        if let expected, let found { s += " (expected \(expected), found \(found))" }
        return s
    }
}
