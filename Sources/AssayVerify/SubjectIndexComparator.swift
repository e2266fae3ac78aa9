/// Compares, record by record, a stored index derived from the records (the subject index, or
/// the EPCIS event index) with what each record's signed statement gives, reading the index
/// forward (ordered by seq, then value) as the walk advances.
struct SubjectIndexComparator {
    /// What the index is called in findings, and what a missing row would break.
    struct Naming {
        let name: String
        let missingRowBreaks: String
        /// What a row's value must be of its record.
        let member: String
        static let subjects = Naming(name: "the subject index", missingRowBreaks: "a product export would leave the record out", member: "a subject")
        static let events = Naming(name: "the event index", missingRowBreaks: "an import would append the same event again", member: "an ID of its event")
    }
    private let naming: Naming
    private let cursor: any SubjectRowCursor
    private var pending: SubjectRow?
    private var indexed: [String] = []

    init(_ cursor: any SubjectRowCursor, naming: Naming = .subjects) throws {
        self.naming = naming
        self.cursor = cursor
        pending = try cursor.next()
    }

    /// Compares the index rows for `seq` (the cursor's next rows) with `expected`.
    mutating func check(seq: UInt64, expected: [String]) throws -> Finding? {
        indexed.removeAll(keepingCapacity: true)
        while let row = pending {
            if let bad = misfiled(row, below: seq) { return bad }
            guard row.seq == Int64(seq) else { break }
            indexed.append(row.subject)
            pending = try cursor.next()
        }
        if indexed.count == expected.count && (expected.count <= 1 ? indexed == expected : Set(indexed) == Set(expected)) {
            return nil
        }
        let stored = Set(indexed)
        if let missing = expected.first(where: { !stored.contains($0) }) {
            return Finding(.storedColumns, seq: seq, "\(naming.name) has no row for \(missing) at this record: \(naming.missingRowBreaks)",
                           expected: expected.joined(separator: " "), found: indexed.isEmpty ? "no rows" : indexed.joined(separator: " "))
        }
        let want = Set(expected)
        let extra = indexed.first { !want.contains($0) } ?? ""
        return Finding(.storedColumns, seq: seq, "\(naming.name) row for \(extra) does not belong to this record: it is not \(naming.member) of it",
                       expected: expected.isEmpty ? "no rows" : expected.joined(separator: " "), found: indexed.joined(separator: " "))
    }

    /// Rows left over after the last record: for records that do not exist.
    func leftovers(entries: UInt64) -> Finding? {
        guard let row = pending else { return nil }
        return misfiled(row, below: entries)
            ?? Finding(.storedColumns, seq: UInt64(row.seq), "\(naming.name) row (\(row.subject.prefix(200)), seq \(row.seq)) names a record that does not exist",
                       expected: "sequence numbers below \(entries)", found: "\(row.seq)")
    }

    /// A row that can belong to no record reached so far: wrongly typed, or for a sequence
    /// number below `seq` (every row of an earlier record was consumed already).
    func misfiled(_ row: SubjectRow, below seq: UInt64) -> Finding? {
        if !row.welltyped {
            return Finding(.storedColumns, seq: row.seq >= 0 ? UInt64(row.seq) : nil,
                           "\(naming.name) row (\(row.subject.prefix(200)), seq \(row.seq)) is not stored as (text, integer): no lookup can find it")
        }
        if row.seq < 0 || UInt64(row.seq) < seq {
            return Finding(.storedColumns, seq: row.seq >= 0 ? UInt64(row.seq) : nil,
                           "\(naming.name) row (\(row.subject.prefix(200)), seq \(row.seq)) names a record that does not exist")
        }
        return nil
    }
}
