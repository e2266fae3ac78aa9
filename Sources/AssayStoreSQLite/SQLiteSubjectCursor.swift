import AssayStore
import Foundation

/// The subject index as a cursor over one SQLite statement; steps under the storage's lock.
final class SQLiteSubjectCursor: SubjectCursor {
    let statement: SQLiteStatement
    let lock: NSRecursiveLock

    init(statement: SQLiteStatement, lock: NSRecursiveLock) {
        self.statement = statement
        self.lock = lock
    }

    func next() throws(StoreError) -> (seq: Int64, subject: String, welltyped: Bool)? {
        lock.lock()
        defer { lock.unlock() }
        guard try statement.step() else { return nil }
        return (statement.int64(0), statement.text(1), statement.int64(2) != 0)
    }
}
