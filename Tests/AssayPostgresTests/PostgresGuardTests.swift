import AssayLedger
import AssayStorageConformance
import AssayStore
import AssayStorePostgres
import AssayTestSupport
import Foundation
import Testing

/// What PostgreSQL itself refuses, to whom, and what `verify` catches when a superuser edits the
/// ledger behind the guards.
@Suite("PostgreSQL guards and roles", PostgresTestServer.trait)
struct PostgresGuardTests {
    static let tables = PostgresSchema.tables.map(\.table)

    /// A column of `table`, for an UPDATE that would change nothing.
    static func column(_ table: String) -> String {
        switch table {
        case "meta": "value"
        case "nodes": "id"
        case "checkpoints", "cosignatures": "size"
        default: "seq"
        }
    }

    @Test("the writer role cannot UPDATE, DELETE or TRUNCATE any ledger table (no privilege), nor drop a trigger")
    func writerPrivileges() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let ledger = try Fixtures.ledger(at: db.writerURL, events: 3)
        _ = try ledger.signCheckpoint(with: Fixtures.operatorKey)
        let writer = try PostgresTamperer(url: db.writerURL)
        for table in Self.tables {
            for sql in ["UPDATE \(table) SET \(Self.column(table)) = \(Self.column(table))",
                        "DELETE FROM \(table)", "TRUNCATE \(table)"] {
                do {
                    try writer.execute(sql)
                    Issue.record("the writer role ran \(sql)")
                } catch {
                    #expect("\(error)".contains("permission denied"), "\(sql): \(error)")
                }
            }
        }
        do {
            try writer.execute("DROP TRIGGER records_append_only_update ON assay.records")
            Issue.record("the writer role dropped a trigger")
        } catch {
            #expect("\(error)".contains("must be owner"), "\(error)")
        }
        #expect(try ledger.verify().failure == nil)
        #expect(try ledger.size() == 6)
    }

    @Test("the triggers refuse UPDATE, DELETE and TRUNCATE even to the superuser and the owner")
    func triggersRefuseEveryone() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let ledger = try Fixtures.ledger(at: db.writerURL, events: 2)
        _ = try ledger.signCheckpoint(with: Fixtures.operatorKey)
        for url in [db.superuserURL, db.ownerURL] {
            let raw = try PostgresTamperer(url: url)
            for table in Self.tables where table != "cosignatures" {
                for sql in ["UPDATE \(table) SET \(Self.column(table)) = \(Self.column(table))",
                            "DELETE FROM \(table)", "TRUNCATE \(table) CASCADE"] {
                    do {
                        try raw.execute(sql)
                        Issue.record("\(sql) was accepted")
                    } catch {
                        #expect("\(error)".contains("assay: "), "\(sql): \(error)")
                    }
                }
            }
        }
        #expect(try ledger.size() == 5 && ledger.verify().failure == nil)
    }

    @Test("a writable open refuses a superuser and a role that may UPDATE; read-only opens are allowed")
    func writableOpenRefusesPrivilegedRoles() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        _ = try Fixtures.ledger(at: db.writerURL, events: 1)
        #expect(throws: (any Error).self) { _ = try Ledger.open(at: db.superuserURL) }
        do { _ = try Ledger.open(at: db.superuserURL) } catch { #expect("\(error)".contains("superuser"), "\(error)") }
        #expect(try Ledger.open(at: db.superuserURL, readOnly: true).verify().failure == nil)
        let admin = try PostgresTamperer(url: db.superuserURL)
        try admin.execute("GRANT UPDATE ON assay.nodes TO \(PostgresTestServer.writerRole)")
        do {
            _ = try Ledger.open(at: db.writerURL)
            Issue.record("a role holding UPDATE opened the ledger for writing")
        } catch {
            #expect("\(error)".contains("UPDATE on assay.nodes"), "\(error)")
        }
        try admin.execute("REVOKE UPDATE ON assay.nodes FROM \(PostgresTestServer.writerRole)")
        _ = try Ledger.open(at: db.writerURL)
    }

    @Test("a record edited by a superuser behind the guards fails verify at its seq; a removed or weakened guard fails verify")
    func superuserEditCaught() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let ledger = try Fixtures.ledger(at: db.writerURL, events: 3)
        #expect(try ledger.verify().failure == nil)
        let raw = try PostgresTamperer(url: db.superuserURL)
        let original = try raw.blob("SELECT envelope FROM records WHERE seq = 4")!
        var edited = original
        edited[edited.count / 2] ^= 1
        try raw.edit("UPDATE records SET envelope = ?1 WHERE seq = 4", [.blob(edited)])
        #expect(try PostgresLedgerStorage.open(PostgresURL(db.writerURL), readOnly: true).containerProblems().isEmpty,
                "the guards were put back exactly")
        let report = try Ledger.open(at: db.writerURL, readOnly: true).verify()
        #expect(report.failure?.seq == 4, "\(String(describing: report.failure))")
        try raw.edit("UPDATE records SET envelope = ?1 WHERE seq = 4", [.blob(original)])
        #expect(try Ledger.open(at: db.writerURL, readOnly: true).verify().failure == nil)

        try raw.weaken(.noDelete("checkpoints"))
        let weakened = try Ledger.open(at: db.writerURL, readOnly: true).verify()
        #expect(weakened.failure?.message.contains("checkpoints_append_only_delete") == true, "\(String(describing: weakened.failure))")
        try raw.execute("ALTER TABLE assay.nodes DISABLE TRIGGER nodes_append_only_update")
        let problems = try PostgresLedgerStorage.open(PostgresURL(db.writerURL), readOnly: true).containerProblems()
        #expect(problems.contains { $0.contains("nodes_append_only_update is disabled") }, "\(problems)")
        try raw.execute("CREATE OR REPLACE FUNCTION assay.refuse_edit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
        let replaced = try PostgresLedgerStorage.open(PostgresURL(db.writerURL), readOnly: true).containerProblems()
        #expect(replaced.contains { $0.contains("refuse_edit (function) is not the one assay creates") }, "\(replaced)")
    }

    @Test("a second ledger cannot be created over a database that holds one")
    func createRefusesNonEmpty() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        _ = try Fixtures.ledger(at: db.writerURL)
        do {
            _ = try Ledger.create(at: db.writerURL, origin: "other.example/ledger", operatorKey: Fixtures.operatorKey)
            Issue.record("a second ledger was created")
        } catch {
            #expect("\(error)".contains("already holds a ledger"), "\(error)")
        }
        #expect(try Ledger.open(at: db.writerURL).store.origin() == "test.example/ledger")
    }
}
