public import AssayCrypto
public import AssayModel
import AssayStore
import AssayStorePostgres
public import Logging

extension Ledger {
    /// Whether `location` names a PostgreSQL ledger (a `postgres://` or `postgresql://` URL)
    /// rather than a file.
    public static func isPostgresLocation(_ location: String) -> Bool { PostgresURL.isPostgresURL(location) }

    /// Creates a ledger with its genesis entry in the PostgreSQL database at `url` (a
    /// `postgres://` URL), whose `assay` schema `Schemas/postgres/setup.sql` made and which holds
    /// nothing yet. Refuses a database that already holds records or metadata. Nothing can be
    /// removed from it afterwards: a creation that fails after the metadata was written leaves a
    /// database to drop and set up again.
    public static func create(postgres url: String, origin: String, operatorKey: NamedSigningKey, operatorName: String? = nil,
                              policy: WritePolicy = .default, logger: Logger = Logger(label: "assay.ledger"),
                              now: Int64? = nil) throws -> Ledger {
        // Checked before anything is written.
        _ = try genesisEnvelope(origin: origin, operatorKey: operatorKey, operatorName: operatorName, now: now)
        let storage: PostgresLedgerStorage
        do { storage = try PostgresLedgerStorage.create(try PostgresURL(url)) } catch { throw Self.storage(error) }
        return try create(storage: storage, origin: origin, operatorKey: operatorKey, operatorName: operatorName,
                          policy: policy, logger: logger, now: now)
    }
}
