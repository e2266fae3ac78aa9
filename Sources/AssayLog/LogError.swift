public import AssayCore

/// The one public error of AssayLog.
public struct LogError: CodedError {
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
}
