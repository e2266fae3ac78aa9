import AssayStore
import Foundation

/// One level of stored tree nodes as a cursor over one SQLite statement; steps under the storage's lock.
final class SQLiteNodeCursor: NodeCursor {
    let statement: SQLiteStatement
    let level: UInt8
    let lock: NSRecursiveLock

    init(statement: SQLiteStatement, level: UInt8, lock: NSRecursiveLock) {
        self.statement = statement
        self.level = level
        self.lock = lock
    }

    func next() throws(StoreError) -> (index: UInt64, hash: [UInt8])? {
        lock.lock()
        defer { lock.unlock() }
        guard try statement.step() else { return nil }
        let id = statement.int64(0)
        return (UInt64(id & ((1 << 56) - 1)), statement.blob(1))
    }
}
