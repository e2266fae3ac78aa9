/// The one public error of AssayCrypto: a stable code, a one-line message.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
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

    public var description: String { message }

    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool { lhs.code == rhs.code }
}
