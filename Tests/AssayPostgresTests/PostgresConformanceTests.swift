import AssayStorageConformance
import AssayStore
import AssayStorePostgres
import AssayTestSupport
import Foundation
import Testing

/// The storage conformance suite, unchanged, on the PostgreSQL backend: each check on a new
/// database (a copy of the schema template), written as the SELECT/INSERT-only role, tampered
/// with as the superuser.
@Suite("Storage conformance: PostgreSQL", PostgresTestServer.trait)
struct PostgresConformanceTests {
    @Test("PostgreSQL storage", arguments: StorageConformance.Check.allCases)
    func postgres(_ check: StorageConformance.Check) throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let suite = StorageConformance {
            let storage = try PostgresLedgerStorage.create(try PostgresURL(db.writerURL))
            return (storage, try PostgresTamperer(url: db.superuserURL))
        }
        do { try suite.run(check) } catch let f as ConformanceFailure {
            Issue.record("postgres: \(check): \(f)")
        }
    }
}
