public import AssayCore

/// The one public error of AssayStore.
public struct StoreError: CodedError {
    public enum Code: String, Sendable {
        case notFound
        case alreadyExists
        case notALedger
        case unsupportedVersion
        case busy
        case readOnly
        /// The disk (or the quota) is full.
        case diskFull
        /// The file is unsafe to write through this name (several hard links).
        case unsafeFile
        case constraint
        case corrupt
        case io
        /// The connection was lost while the commit was under way: the write may or may not
        /// have been committed (resubmitting the same envelopes is safe: a repeat appends nothing).
        case outcomeUnknown
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
