public import AssayStorageConformance
public import AssayStore
@testable import AssayStoreSQLite

/// The SQLite backend's `StorageTamperer`: statements run on the storage's own connection (so
/// it works on `:memory:` too) or on a connection of its own to a ledger file; guards are the
/// append-only triggers, saved from `sqlite_master` and re-created byte for byte.
public final class SQLiteTamperer: StorageTamperer {
    let db: SQLiteConnection

    /// Tampers through `storage`'s own connection.
    public init(_ storage: any LedgerStorage) {
        guard let sqlite = storage as? SQLiteLedgerStorage else { fatalError("SQLiteTamperer needs a SQLiteLedgerStorage") }
        db = sqlite.db
    }

    /// Tampers with the ledger file at `path` through a connection of its own.
    public init(path: String) throws {
        db = try SQLiteConnection(path: path, flags: SQLiteFlags.readWrite)
    }

    /// The trigger that implements `guard`.
    public static func triggerName(_ g: StorageGuard) -> String {
        switch g {
        case .noUpdate(let t): return "\(t)_append_only_update"
        case .noDelete(let t): return "\(t)_append_only_delete"
        case .contiguousRecords: return "records_contiguous"
        }
    }

    func bind(_ s: SQLiteStatement, _ values: [TamperValue]) {
        for (i, v) in values.enumerated() {
            switch v {
            case .int(let x): s.bind(Int32(i + 1), x)
            case .text(let x): s.bind(Int32(i + 1), x)
            case .blob(let x): s.bind(Int32(i + 1), x)
            case .null: break
            }
        }
    }

    /// Runs `sql` on the connection (several statements when no values are bound).
    public func execute(_ sql: String, _ values: [TamperValue]) throws {
        if values.isEmpty { return try db.execute(sql) }
        let s = try db.prepareUncached(sql)
        bind(s, values)
        _ = try s.step()
    }

    /// Runs one query; its rows, each column as its SQLite storage class.
    public func query(_ sql: String, _ values: [TamperValue]) throws -> [[TamperValue]] {
        let s = try db.prepareUncached(sql)
        bind(s, values)
        var rows: [[TamperValue]] = []
        while try s.step() {
            rows.append((0..<s.columnCount).map { c in
                switch s.columnType(c) {
                case .integer: return .int(s.int64(c))
                case .text: return .text(s.text(c))
                case .blob: return .blob(s.blob(c))
                case .null: return .null
                }
            })
        }
        return rows
    }

    /// The stored `CREATE TRIGGER` text of each guard present.
    func saved(_ guards: [StorageGuard]) throws -> [String] {
        try guards.compactMap { g in
            try query("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1", [.text(Self.triggerName(g))]).first.flatMap {
                if case .text(let t) = $0[0] { return t }
                return nil
            }
        }
    }

    /// Drops the guards' triggers.
    public func remove(_ guards: [StorageGuard]) throws {
        try db.execute(guards.map { "DROP TRIGGER IF EXISTS \(Self.triggerName($0));" }.joined())
    }

    /// Re-creates the guard's trigger under its name with a body that refuses nothing.
    public func weaken(_ g: StorageGuard) throws {
        let name = Self.triggerName(g)
        let (op, table): (String, String) = switch g {
        case .noUpdate(let t): ("UPDATE", t)
        case .noDelete(let t): ("DELETE", t)
        case .contiguousRecords: ("INSERT", "records")
        }
        try db.execute("DROP TRIGGER IF EXISTS \(name); CREATE TRIGGER \(name) BEFORE \(op) ON \(table) BEGIN SELECT 1; END;")
    }

    /// Drops the guards' triggers, runs `body`, and re-creates them from their saved text.
    public func behind<T>(_ guards: [StorageGuard], _ body: () throws -> T) throws -> T {
        let triggers = try saved(guards)
        try remove(guards)
        let result = try body()
        try db.execute(triggers.map { $0 + ";" }.joined())
        return result
    }
}
