/// The one public error of AssayLog.
public struct LogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedNote
        case noVerifiableSignature
        case invalidSignature
        case ambiguousKey
        case malformedCheckpoint
        case malformedProof
        case proofFailed
        case outOfRange
        case malformedRecord
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public static func == (a: LogError, b: LogError) -> Bool { a.code == b.code }
}
