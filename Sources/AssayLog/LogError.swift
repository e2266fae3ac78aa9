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
        /// A tile path that is not a C2SP tlog-tiles path (the HTTP layer answers 400).
        case malformedTilePath
        /// Tile or entry bundle bytes that do not have the shape their path promises.
        case malformedTile
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
