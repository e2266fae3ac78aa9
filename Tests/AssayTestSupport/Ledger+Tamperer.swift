public import AssayLedger
public import AssayStorageConformance
import AssayStorePostgres
import AssayStoreSQLite

extension Ledger {
    /// Direct access to this ledger's stored rows for tamper tests, through its backend's
    /// `StorageTamperer` (SQLite today; a new backend adds its case here).
    public var tamperer: any StorageTamperer {
        if store is SQLiteLedgerStorage { return SQLiteTamperer(store) }
        if let pg = store as? PostgresLedgerStorage {
            // As the test server's superuser, in the ledger's database.
            do {
                let admin = try PostgresTestServer.admin()
                return try PostgresTamperer(url: admin.connectionString(user: admin.user, password: admin.password, database: pg.url.database))
            } catch { fatalError("no PostgreSQL tamperer: \(error)") }
        }
        fatalError("no StorageTamperer for \(type(of: store))")
    }
}

/// The tamperer for the ledger file at `path`, through a connection of its own (the backend
/// follows from the file: SQLite).
public func fileTamperer(_ path: String) throws -> any StorageTamperer { try SQLiteTamperer(path: path) }
