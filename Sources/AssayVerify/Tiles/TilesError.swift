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
        /// An entry that is not an Assay record (FORMAT.md §3).
        case malformedEntry
        /// The log's checkpoint does not verify under the log key and origin.
        case badCheckpoint
        /// The log shows two histories: its checkpoint is not consistent with one seen before
        /// (smaller, another root at the same size, or a tree whose prefix has another root).
        case twoHistories
    }

    public let code: Code
    public let message: String
    /// For `.twoHistories`: the evidence, both checkpoint notes as they were served.
    public let checkpoints: (saved: [UInt8], served: [UInt8])?

    public init(_ code: Code, _ message: String, checkpoints: (saved: [UInt8], served: [UInt8])? = nil) {
        self.code = code
        self.message = message
        self.checkpoints = checkpoints
    }
}
