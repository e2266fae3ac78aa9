internal import CAssaySQLite
import AssayCrypto
import AssayStore

/// A prepared statement; finalized in `deinit`.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Resets for another step, keeping the bound values.
    func resetKeepingBindings() { sqlite3_reset(handle) }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: String) { sqlite3_bind_text(handle, index, value, -1, cassay_sqlite_transient()) }
    func bind(_ index: Int32, _ value: [UInt8]) {
        value.withUnsafeBytes { buf in
            // A zero-length blob still binds as a blob, not NULL.
            _ = sqlite3_bind_blob(handle, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), cassay_sqlite_transient())
        }
    }

    /// Binds `bytes` as a blob without copying them (`SQLITE_STATIC`): the caller keeps them
    /// alive and unchanged until the statement is reset.
    func bindNoCopy(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        _ = sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), nil)
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let err = connection.error(rc, "SQLite step failed")
            sqlite3_reset(handle)
            throw err
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(StoreError) {
        defer { reset() }
        _ = try step()
    }

    /// The storage class of a result column.
    enum ColumnType { case integer, text, blob, null }

    /// Number of result columns.
    var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The storage class of `col` in the current row (a float reads as an integer).
    func columnType(_ col: Int32) -> ColumnType {
        switch sqlite3_column_type(handle, col) {
        case SQLITE_INTEGER, SQLITE_FLOAT: return .integer
        case SQLITE_TEXT: return .text
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    func isNull(_ col: Int32) -> Bool { sqlite3_column_type(handle, col) == SQLITE_NULL }
    func int64(_ col: Int32) -> Int64 { sqlite3_column_int64(handle, col) }
    func text(_ col: Int32) -> String {
        guard let p = sqlite3_column_text(handle, col) else { return "" }
        return String(cString: p)
    }
    func bind(_ index: Int32, _ value: Digest) {
        value.withUnsafeBytes { buf in
            _ = sqlite3_bind_blob(handle, index, buf.baseAddress, 32, cassay_sqlite_transient())
        }
    }

    /// A 32-byte blob column as a digest, without an intermediate array; nil for any other length.
    func digest(_ col: Int32) -> Digest? {
        guard sqlite3_column_bytes(handle, col) == 32, let p = sqlite3_column_blob(handle, col) else { return nil }
        return Digest(raw: UnsafeRawBufferPointer(start: p, count: 32))
    }

    func blob(_ col: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(handle, col))
        guard n > 0, let p = sqlite3_column_blob(handle, col) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
