import AssayStorageConformance
import AssayStore
import AssayStoreSQLite
import AssayTestSupport
import Foundation
import Testing

/// The storage conformance suite on the SQLite backend, as a temporary file and in memory.
@Suite("Storage conformance: SQLite")
struct StorageConformanceTests {
    enum Place: String, CaseIterable, Sendable { case file, memory }

    @Test("SQLite storage", arguments: StorageConformance.Check.allCases, Place.allCases)
    func sqlite(_ check: StorageConformance.Check, _ place: Place) throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let suite = StorageConformance {
            let storage = try SQLiteLedgerStorage.create(at: place == .file ? dir + "/c.assay" : ":memory:")
            return (storage, SQLiteTamperer(storage))
        }
        do { try suite.run(check) } catch let f as ConformanceFailure {
            Issue.record("\(place): \(check): \(f)")
        }
    }
}
