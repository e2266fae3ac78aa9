public import AssayCore

/// The one public error of AssayServer.
public struct ServerError: CodedError {
    public enum Code: String, Sendable {
        /// The server could not start (ledger, key, address).
        case startup
        /// The server stopped on an error while running.
        case failed
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
