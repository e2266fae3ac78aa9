public import AssayCore
/// The one public error of AssayCrypto: a stable code, a one-line message.
public struct CryptoError: CodedError {
    /// What kind of failure this is; errors are equal when their codes are.
    public enum Code: String, Sendable {
        case malformedKey
        case malformedSignature
        case malformedEnvelope
        case malformedNote
        case wrongKeyType
        case randomness
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

}
