import AssayStore

/// The subject index (or the event index) ordered by sequence number, then key (byte order),
/// read a page at a time by key (constant memory, no server-side cursor to hold open).
final class PostgresKeyCursor: SubjectCursor {
    let storage: PostgresLedgerStorage
    let table: String
    let key: String
    private var buffer: [(Int64, String)] = []
    private var position = 0
    private var after: (Int64, String)?
    private var done = false

    init(storage: PostgresLedgerStorage, table: String, key: String) {
        self.storage = storage
        self.table = table
        self.key = key
    }

    func next() throws(StoreError) -> (seq: Int64, subject: String, welltyped: Bool)? {
        if position == buffer.count {
            guard !done else { return nil }
            let n = PostgresLedgerStorage.pageSize
            let rows: [Row]
            if let after {
                rows = try storage.page("""
                    SELECT seq, \(key) FROM \(table) WHERE (seq, \(key) COLLATE "C") > ($1, $2 COLLATE "C")
                    ORDER BY seq, \(key) COLLATE "C" LIMIT \(n)
                    """, [.int(after.0), .text(after.1)])
            } else {
                rows = try storage.page("SELECT seq, \(key) FROM \(table) ORDER BY seq, \(key) COLLATE \"C\" LIMIT \(n)", [])
            }
            buffer = rows.map { ($0.int(0), $0.text(1)) }
            position = 0
            done = rows.count < n
            after = buffer.last
            if buffer.isEmpty { return nil }
        }
        let r = buffer[position]
        position += 1
        // Column types are enforced by PostgreSQL (bigint, text): every row is well typed.
        return (r.0, r.1, true)
    }
}
