internal import CAssaySQLite
import AssayStore
import Foundation

/// Raw SQLite figures for the benchmark: the ceiling Assay's own store is held against.
public enum StoreBenchmark {
    /// Inserts `rows` rows of `rowBytes`-byte blobs plus two 32-byte hashes with one
    /// prepared statement in one transaction, WAL, `synchronous = FULL`, into a fresh file.
    /// - Returns: rows per second.
    public static func rawInsertRate(path: String, rows: Int, rowBytes: Int) throws -> Double {
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        let db = try SQLiteConnection(path: path, flags: SQLiteFlags.create)
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        try db.execute("CREATE TABLE t(seq INTEGER PRIMARY KEY, body BLOB NOT NULL, a BLOB NOT NULL, b BLOB NOT NULL)")
        let body = [UInt8](repeating: 0x5a, count: rowBytes)
        let h = [UInt8](repeating: 0x11, count: 32)
        let start = DispatchTime.now().uptimeNanoseconds
        try db.execute("BEGIN")
        let s = try db.prepare("INSERT INTO t(seq, body, a, b) VALUES (?1, ?2, ?3, ?4)")
        for i in 0..<rows {
            s.bind(1, Int64(i))
            s.bind(2, body)
            s.bind(3, h)
            s.bind(4, h)
            try s.run()
        }
        try db.execute("COMMIT")
        let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        return Double(rows) / secs
    }
}
