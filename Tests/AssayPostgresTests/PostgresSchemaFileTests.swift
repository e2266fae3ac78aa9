import AssayStorePostgres
import Foundation
import Testing

/// `Schemas/postgres/setup.sql` is exactly what the backend's schema generates (no server needed).
@Suite("PostgreSQL setup file")
struct PostgresSchemaFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let file = repository.appendingPathComponent("Schemas/postgres/setup.sql").path

    @Test("Schemas/postgres/setup.sql equals PostgresSchema.setupFile (ASSAY_WRITE_SETUP_SQL=1 rewrites it)")
    func setupFileAgrees() throws {
        if ProcessInfo.processInfo.environment["ASSAY_WRITE_SETUP_SQL"] == "1" {
            try PostgresSchema.setupFile.write(toFile: Self.file, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOfFile: Self.file, encoding: .utf8)
        #expect(text == PostgresSchema.setupFile, "Schemas/postgres/setup.sql differs from PostgresSchema.setupFile: run this test with ASSAY_WRITE_SETUP_SQL=1")
    }

    @Test("the setup grants the writer only SELECT and INSERT, and guards every table against UPDATE, DELETE and TRUNCATE")
    func grantsAndGuards() {
        let statements = PostgresSchema.setupStatements(writerRole: "w")
        let grants = statements.filter { $0.hasPrefix("GRANT") }
        #expect(grants.count == 3)
        #expect(grants.allSatisfy { !$0.contains("UPDATE") && !$0.contains("DELETE") && !$0.contains("TRUNCATE") && !$0.contains("ALL") })
        for t in PostgresSchema.tables {
            #expect(grants.contains { $0.contains("SELECT, INSERT ON") && $0.contains("assay.\(t.table),") || $0.hasSuffix("assay.\(t.table) TO w") }, "\(t.table)")
            for op in ["UPDATE", "DELETE", "TRUNCATE"] {
                #expect(statements.contains("CREATE TRIGGER \(t.table)_append_only_\(op.lowercased()) BEFORE \(op) ON assay.\(t.table) FOR EACH STATEMENT EXECUTE FUNCTION assay.refuse_edit('\(t.message)')"))
            }
        }
        #expect(statements.contains { $0.hasPrefix("CREATE TRIGGER records_contiguous BEFORE INSERT ON assay.records FOR EACH ROW") })
    }
}
