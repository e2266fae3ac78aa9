public import AssayCore

/// What a tiles reader found wrong with a C2SP tlog-tiles log, or could not read: the one
/// error of `TilesReader`. The message names the resource (`tile/1/000.p/3`) and, for a
/// mismatch, what was expected and what was found.
public struct TilesError: CodedError {
    public enum Code: String, Sendable {
        /// A resource the checkpoint's tree needs is not served (the log answered 404).
        case unavailable
        /// A tile or bundle does not have the shape its path promises (length, width, framing).
        case malformed
        /// A tile disagrees with the level below it, or an entry with its leaf hash.
        case mismatch
        /// The tiles do not give the root the checkpoint signs.
        case rootMismatch
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
