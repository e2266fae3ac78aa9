public import AssayCrypto
public import AssayModel
import AssayStore
import AssayStorePostgres
import AssayStoreSQLite
public import Logging

extension Ledger {
    /// Creates a ledger file (SQLite; `:memory:` for one in memory) with its genesis entry,
    /// signed by `operatorKey`. Refuses to overwrite an existing file; on failure removes what
    /// it created (the file and SQLite's `-wal` and `-shm` beside it). A `postgres://` URL
    /// creates the ledger in that PostgreSQL database instead (see `create(postgres:…)`).
    public static func create(at path: String, origin: String, operatorKey: NamedSigningKey, operatorName: String? = nil,
                              policy: WritePolicy = .default, logger: Logger = Logger(label: "assay.ledger"),
                              now: Int64? = nil) throws -> Ledger {
        if PostgresURL.isPostgresURL(path) {
            return try create(postgres: path, origin: origin, operatorKey: operatorKey, operatorName: operatorName,
                              policy: policy, logger: logger, now: now)
        }
        // Checked before anything is created.
        _ = try genesisEnvelope(origin: origin, operatorKey: operatorKey, operatorName: operatorName, now: now)
        let storage: SQLiteLedgerStorage
        do { storage = try SQLiteLedgerStorage.create(at: path) } catch { throw Self.storage(error) }
        do {
            return try create(storage: storage, origin: origin, operatorKey: operatorKey, operatorName: operatorName,
                              policy: policy, logger: logger, now: now)
        } catch {
            SQLiteLedgerStorage.removeFiles(at: path)
            throw error
        }
    }

    /// Opens an existing ledger: a file (SQLite), or a `postgres://` URL (PostgreSQL).
    public static func open(at path: String, readOnly: Bool = false, policy: WritePolicy = .default,
                            logger: Logger = Logger(label: "assay.ledger")) throws -> Ledger {
        let ledger: Ledger
        do {
            ledger = Ledger(storage: try openStorage(at: path, readOnly: readOnly), policy: policy, logger: logger)
        } catch {
            throw storage(error)
        }
        if !readOnly { try ledger.fillEventIndexIfNeeded() }
        return ledger
    }
}

extension Ledger {
    /// The storage at `location`: a `postgres://` URL is a PostgreSQL ledger, anything else a file.
    static func openStorage(at location: String, readOnly: Bool) throws(StoreError) -> any LedgerStorage {
        if PostgresURL.isPostgresURL(location) {
            return try PostgresLedgerStorage.open(try PostgresURL(location), readOnly: readOnly)
        }
        return try SQLiteLedgerStorage.open(at: location, readOnly: readOnly)
    }
}
