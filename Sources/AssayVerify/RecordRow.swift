public import AssayLog

/// A stored record as a verifier sees it: every field as stored, nothing trusted. The one
/// record row type (`StoredRecord`, in AssayLog), shared with the storage backends.
public typealias RecordRow = StoredRecord
