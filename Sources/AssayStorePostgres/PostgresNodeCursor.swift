import AssayStore

/// One level of stored tree nodes in index order, read a page at a time by id.
final class PostgresNodeCursor: NodeCursor {
    let storage: PostgresLedgerStorage
    let level: UInt8
    private var buffer: [(Int64, [UInt8])] = []
    private var position = 0
    private var nextID: Int64
    private let end: Int64
    private var done = false

    init(storage: PostgresLedgerStorage, level: UInt8) {
        self.storage = storage
        self.level = level
        nextID = Int64(level) << 56
        end = level >= 127 ? Int64.max : (Int64(level) + 1) << 56
    }

    func next() throws(StoreError) -> (index: UInt64, hash: [UInt8])? {
        if position == buffer.count {
            guard !done else { return nil }
            let n = PostgresLedgerStorage.pageSize * 4
            let rows = try storage.page("SELECT id, hash FROM nodes WHERE id >= $1 AND id < $2 ORDER BY id LIMIT \(n)", [.int(nextID), .int(end)])
            buffer = rows.map { ($0.int(0), $0.bytes(1)) }
            position = 0
            done = rows.count < n
            if let last = buffer.last { nextID = last.0 + 1 }
            if buffer.isEmpty { return nil }
        }
        let (id, hash) = buffer[position]
        position += 1
        return (UInt64(id & ((1 << 56) - 1)), hash)
    }
}
