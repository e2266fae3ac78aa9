public import AssayCore

/// The one public error of AssayLedger: a code, a one-line message, and where it applies.
public struct LedgerError: CodedError {
    public enum Code: String, Sendable {
        /// The input (an envelope, a statement, a key) was refused; nothing was written.
        case rejected
        /// The ledger file is missing, unreadable, not a ledger, or locked.
        case storage
        /// The ledger's own contents are inconsistent (tampering, corruption).
        case corrupt
        /// A checkpoint or proof request cannot be satisfied.
        case unavailable
        /// Two checkpoints disagree: the log forked or was rewritten.
        case inconsistent
        /// A write whose commit may or may not have happened (the storage lost its connection
        /// during `COMMIT`); appending the same envelopes again is safe.
        case outcomeUnknown
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
