/// A value bound to a tamper statement's parameter or read from a row.
public enum TamperValue: Sendable, Equatable {
    /// An integer.
    case int(Int64)
    /// Text.
    case text(String)
    /// Bytes.
    case blob([UInt8])
    /// No value.
    case null
}

/// One backend guard that makes a table append-only (FORMAT.md §7): a trigger in SQLite, a
/// trigger or rule in PostgreSQL.
public enum StorageGuard: Hashable, Sendable {
    /// Refuses `UPDATE` on the table.
    case noUpdate(String)
    /// Refuses `DELETE` on the table.
    case noDelete(String)
    /// Refuses a record inserted anywhere but the next sequence number.
    case contiguousRecords

    /// Every guard a ledger has.
    public static let all: [StorageGuard] = [.contiguousRecords]
        + ["records", "nodes", "checkpoints", "subjects", "meta", "cosignatures", "event_ids"].flatMap { [.noUpdate($0), .noDelete($0)] }
}

/// Direct access to one backend's stored ledger, as an attacker with write access to the
/// database has it: for tests that must edit what `LedgerStorage` never lets anyone edit. Each
/// backend provides one in test support (SQLite: `SQLiteTamperer`). Statements are SQL over the
/// tables of FORMAT.md §7 with parameters `?1`, `?2` …; a backend whose dialect differs
/// translates them. Guards are lifted and put back by name, so the tamper suites run unchanged
/// on every backend.
public protocol StorageTamperer: AnyObject {
    /// Runs `sql` (one or more statements) with whatever guards are in force.
    func execute(_ sql: String, _ values: [TamperValue]) throws
    /// Runs one query; its rows.
    func query(_ sql: String, _ values: [TamperValue]) throws -> [[TamperValue]]
    /// Removes `guards` and leaves them removed (verification must then report each missing).
    func remove(_ guards: [StorageGuard]) throws
    /// Replaces `guard` with one of the same name that lets every edit through.
    func weaken(_ guard: StorageGuard) throws
    /// Runs `body` with `guards` lifted, then puts each back exactly as it was (so verification
    /// cannot tell them apart from the originals).
    func behind<T>(_ guards: [StorageGuard], _ body: () throws -> T) throws -> T
}

extension StorageTamperer {
    /// `execute(sql, [])`.
    public func execute(_ sql: String) throws { try execute(sql, []) }
    /// Runs `sql` behind `guards` (every guard by default), putting them back after.
    public func edit(_ sql: String, _ values: [TamperValue] = [], behind guards: [StorageGuard] = StorageGuard.all) throws {
        try behind(guards) { try execute(sql, values) }
    }
    /// The first column of the first row of a query, as bytes (a blob or text), or nil.
    public func blob(_ sql: String, _ values: [TamperValue] = []) throws -> [UInt8]? {
        switch try query(sql, values).first?.first {
        case .blob(let b): return b
        case .text(let t): return Array(t.utf8)
        default: return nil
        }
    }
}
