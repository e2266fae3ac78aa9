/// A forward cursor over the subject index, ordered by sequence number then subject.
public protocol SubjectCursor: AnyObject {
    /// The next row: its sequence number as stored (possibly negative), its subject, and
    /// whether both have the declared types (integer, text); nil at the end.
    func next() throws(StoreError) -> (seq: Int64, subject: String, welltyped: Bool)?
}
