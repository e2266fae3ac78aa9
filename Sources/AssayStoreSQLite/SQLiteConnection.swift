internal import CAssaySQLite
import AssayCrypto
import AssayStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One SQLite connection. The only owner of a `sqlite3*`; closes it in `deinit`.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var cache: [String: SQLiteStatement] = [:]

    init(path: String, flags: Int32) throws(StoreError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let osError = db.map { sqlite3_system_errno($0) } ?? 0
            if let db { sqlite3_close_v2(db) }
            if let described = Self.describe(rc, osError: osError, path: path) { throw described }
            throw StoreError(.io, "cannot open \(path): \(msg)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ rc: Int32, _ context: String) -> StoreError {
        if let described = Self.describe(rc, osError: sqlite3_system_errno(handle), path: path) { return described }
        let primary = rc & 0xff
        let code: StoreError.Code
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED: code = .busy
        case SQLITE_CONSTRAINT: code = .constraint
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = .corrupt
        default: code = .io
        }
        return StoreError(code, "\(context): \(lastError)")
    }

    /// The real cause of a failure to read or write the file, in one line, for the result codes
    /// that are about the file system rather than the database: read-only (file, directory or
    /// mount), cannot open (often: the directory is not writable, so SQLite cannot create the
    /// `-wal` and `-shm` files beside the ledger), disk full, I/O error. Nil for other codes.
    static func describe(_ rc: Int32, osError: Int32, path: String) -> StoreError? {
        let primary = rc & 0xff
        guard [SQLITE_FULL, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_IOERR].contains(primary) else { return nil }
        let parent = (path as NSString).deletingLastPathComponent
        let dir = parent.isEmpty ? "." : parent
        /// What is wrong with the directory, when something is: SQLite creates files beside the ledger.
        func directoryProblem() -> (StoreError.Code, String)? {
            guard path != ":memory:", !path.isEmpty else { return nil }
            if access(dir, W_OK) == 0 { return nil }
            switch errno {
            case ENOENT, ENOTDIR: return (.notFound, "directory \(dir) does not exist")
            case EROFS: return (.readOnly, "read-only directory \(dir) (on a read-only file system; SQLite creates its -wal and -shm files beside the ledger)")
            default: return (.readOnly, "read-only directory \(dir) (SQLite creates its -wal and -shm files beside the ledger)")
            }
        }
        func reason() -> (StoreError.Code, String) {
            switch osError {
            case ENOSPC, EDQUOT: return (.diskFull, "disk full (no space left on the device holding \(dir))")
            case EROFS: return directoryProblem() ?? (.readOnly, "read-only file system")
            case EACCES, EPERM: return directoryProblem() ?? (.readOnly, "permission denied")
            case ENOENT: return directoryProblem() ?? (.notFound, "no such file")
            default:
                return directoryProblem() ?? (.io, osError != 0 ? String(cString: strerror(osError)) : String(cString: sqlite3_errstr(rc)))
            }
        }
        let (code, why) = primary == SQLITE_FULL ? (.diskFull, "disk full (no space left on the device holding \(dir))") : reason()
        switch primary {
        case SQLITE_CANTOPEN: return StoreError(code, "cannot open \(path): \(why)")
        case SQLITE_READONLY: return StoreError(code == .io ? .readOnly : code, "cannot write \(path): \(code == .io ? "read-only file" : why)")
        case SQLITE_IOERR where code == .io: return StoreError(.io, "I/O error on \(path): \(why)")
        default: return StoreError(code, "cannot write \(path): \(why)")
        }
    }

    /// Runs SQL with no results (may hold several statements).
    func execute(_ sql: String) throws(StoreError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? lastError
            sqlite3_free(err)
            if let described = Self.describe(rc, osError: sqlite3_system_errno(handle), path: path) { throw described }
            throw StoreError(error(rc, "").code, msg)
        }
    }

    /// A prepared statement, cached by its SQL text.
    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "cannot prepare statement") }
        let s = SQLiteStatement(stmt, connection: self)
        cache[sql] = s
        return s
    }

    /// A prepared statement that is not cached (for long-lived cursors used alongside others).
    func prepareUncached(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, "cannot prepare statement") }
        return SQLiteStatement(stmt, connection: self)
    }

    /// Whether no transaction is open (what is read is committed).
    var inAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    func busyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    /// A single integer from a query (`PRAGMA`, `SELECT count(*)`).
    func scalarInt(_ sql: String) throws(StoreError) -> Int64? {
        let s = try prepare(sql)
        defer { s.reset() }
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }
}

enum SQLiteFlags {
    static let readWrite = SQLITE_OPEN_READWRITE
    static let readOnly = SQLITE_OPEN_READONLY
    static let create = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
}
