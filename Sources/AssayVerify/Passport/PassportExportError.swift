public import AssayCore

/// Why a product passport could not be exported.
public struct PassportExportError: CodedError {
    public enum Code: String, Sendable {
        /// The bundle does not verify (integrity not satisfied): nothing in it can be exported.
        case notVerified
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
