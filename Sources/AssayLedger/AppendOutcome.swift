public import AssayLog

/// What appending one envelope did.
public enum AppendOutcome: Sendable, Equatable {
    /// The envelope was appended as this new record.
    case appended(StoredRecord)
    /// The ledger already held the same envelope (same canonical bytes), as this record; nothing
    /// was appended for it. Also the outcome of a repeat within one batch.
    case alreadyPresent(StoredRecord)

    /// The record, new or existing.
    public var record: StoredRecord {
        switch self {
        case .appended(let r), .alreadyPresent(let r): return r
        }
    }

    /// Whether the envelope was already present.
    public var wasPresent: Bool {
        if case .alreadyPresent = self { return true }
        return false
    }
}
