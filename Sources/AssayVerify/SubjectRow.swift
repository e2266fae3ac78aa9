/// One row of a ledger's subject index, as stored.
public struct SubjectRow: Sendable, Equatable {
    /// The sequence number as stored (a tampered index may hold a negative one).
    public let seq: Int64
    public let subject: String
    /// Whether the row has the declared column types (integer `seq`, text `subject`); a row
    /// that does not can never be found by a subject lookup, or names no record.
    public let welltyped: Bool

    public init(seq: Int64, subject: String, welltyped: Bool = true) {
        self.seq = seq
        self.subject = subject
        self.welltyped = welltyped
    }
}

/// A forward cursor over the subject index ordered by sequence number, then subject.
public protocol SubjectRowCursor: AnyObject {
    /// The next row, or nil at the end.
    func next() throws -> SubjectRow?
}
