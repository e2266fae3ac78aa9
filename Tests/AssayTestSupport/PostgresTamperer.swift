public import AssayStorageConformance
public import AssayStore
@testable import AssayStorePostgres
internal import PostgresNIO
import Foundation

/// The PostgreSQL backend's `StorageTamperer`: statements run on a connection of its own, as
/// whoever the URL names (a superuser, to edit behind the guards; the writer role, to show what
/// it may not do), with `search_path` set to the ledger's schema. `?N` parameters become `$N`.
/// Guards are the triggers of `PostgresSchema.triggers`, saved with `pg_get_triggerdef` and
/// re-created from that text.
public final class PostgresTamperer: StorageTamperer {
    let session: PostgresSession

    /// Tampers through a connection of its own to `url`.
    public init(url: String) throws {
        session = try PostgresSession.connect(try PostgresURL(url))
        try session.query("SET search_path TO assay")
    }

    deinit { _ = try? session.connection.close().wait() }

    /// The trigger (and its table) that implements `guard`.
    public static func trigger(_ g: StorageGuard) -> (name: String, table: String, event: String) {
        switch g {
        case .noUpdate(let t): return ("\(t)_append_only_update", t, "UPDATE")
        case .noDelete(let t): return ("\(t)_append_only_delete", t, "DELETE")
        case .contiguousRecords: return ("records_contiguous", "records", "INSERT")
        }
    }

    /// `sql` in SQLite's dialect as PostgreSQL's: `?N` parameters become `$N`, `zeroblob(N)`
    /// becomes N zero bytes, and an integer literal shifted left by `<<` is a bigint (SQLite's
    /// integers are 64-bit, PostgreSQL's literals 32-bit).
    static func translate(_ sql: String) -> String {
        var out = String(sql.map { $0 == "?" ? "$" : $0 })
        out = out.replacingOccurrences(of: #"zeroblob\((\d+)\)"#, with: "decode(repeat('00', $1), 'hex')", options: .regularExpression)
        out = out.replacingOccurrences(of: #"\b(\d+) <<"#, with: "$1::bigint <<", options: .regularExpression)
        return out
    }

    static func values(_ v: [TamperValue]) -> [PostgresSession.Value] {
        v.map {
            switch $0 {
            case .int(let x): return .int(x)
            case .text(let x): return .text(x)
            case .blob(let x): return .bytes(x)
            case .null: return .null
            }
        }
    }

    /// Runs `sql` (several statements, separated by `;`, when no values are bound and no `$$`
    /// body is in it).
    public func execute(_ sql: String, _ values: [TamperValue]) throws {
        if values.isEmpty && !sql.contains("$$") {
            for s in sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !s.isEmpty {
                try session.query(Self.translate(s))
            }
            return
        }
        try session.query(Self.translate(sql), Self.values(values))
    }

    /// Runs one query; its rows, integers, text and bytes as such.
    public func query(_ sql: String, _ values: [TamperValue]) throws -> [[TamperValue]] {
        try session.query(Self.translate(sql), Self.values(values)).map { row in
            (0..<row.cells.count).map { i -> TamperValue in
                let cell = row.cells[i]
                guard cell.bytes != nil else { return .null }
                switch cell.dataType {
                case .int8, .int4, .int2: return .int(row.int(i))
                case .bytea: return .blob(row.bytes(i))
                default: return .text(row.text(i))
                }
            }
        }
    }

    /// `CREATE TRIGGER …` text of each guard present.
    func saved(_ guards: [StorageGuard]) throws -> [String] {
        try guards.compactMap { g in
            let t = Self.trigger(g)
            return try session.scalarText("""
                SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'assay' AND c.relname = $1 AND t.tgname = $2
                """, [.text(t.table), .text(t.name)])
        }
    }

    /// Drops the guards' triggers.
    public func remove(_ guards: [StorageGuard]) throws {
        for g in guards {
            let t = Self.trigger(g)
            try session.query("DROP TRIGGER IF EXISTS \(t.name) ON assay.\(t.table)")
        }
    }

    /// Re-creates the guard's trigger under its name, calling a function that refuses nothing.
    public func weaken(_ g: StorageGuard) throws {
        let t = Self.trigger(g)
        try session.query("CREATE OR REPLACE FUNCTION assay.tamper_allow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$")
        try session.query("DROP TRIGGER IF EXISTS \(t.name) ON assay.\(t.table)")
        try session.query("CREATE TRIGGER \(t.name) BEFORE \(t.event) ON assay.\(t.table) FOR EACH ROW EXECUTE FUNCTION assay.tamper_allow()")
    }

    /// Drops the guards' triggers, runs `body`, and re-creates them from their saved definitions.
    public func behind<T>(_ guards: [StorageGuard], _ body: () throws -> T) throws -> T {
        let triggers = try saved(guards)
        try remove(guards)
        let result = try body()
        for t in triggers { try session.query(t) }
        return result
    }
}
