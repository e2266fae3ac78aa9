import AssayCrypto
import AssayLedger
import AssayLog
import AssayStore
import AssayStorageConformance
@testable import AssayStoreSQLite
import AssayTestSupport
import Foundation
import Testing

/// Runs `body` on a ledger in a temporary file and on one in memory.
func onBothStores(events: Int = 0, _ body: (Ledger, String) throws -> Void) throws {
    let dir = Fixtures.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(try Fixtures.ledger(at: dir + "/t.assay", events: events), "file")
    try body(try Fixtures.ledger(at: ":memory:", events: events), "memory")
}

@Suite("SQLite ledger storage")
struct LedgerStoreTests {
    @Test("refuses UPDATE and DELETE of records, nodes, checkpoints, subjects and metadata")
    func appendOnlyTriggers() throws {
        try onBothStores(events: 3) { ledger, where_ in
            let db = ledger.tamperer
            for sql in ["UPDATE records SET kind = 'x' WHERE seq = 2", "DELETE FROM records WHERE seq = 4",
                        "UPDATE nodes SET hash = zeroblob(32)", "DELETE FROM nodes",
                        "DELETE FROM subjects", "UPDATE meta SET value = 'x'", "DELETE FROM meta"] {
                #expect(throws: StoreError.self, "\(where_): \(sql)") { try db.execute(sql) }
            }
            let size = try ledger.size(), missing = try (ledger.store as! SQLiteLedgerStorage).missingTriggers()
            #expect(size == 6)
            #expect(missing.isEmpty)
        }
    }

    @Test("refuses a record inserted at a gap or twice")
    func contiguousInsert() throws {
        try onBothStores(events: 1) { ledger, _ in
            let db = ledger.tamperer
            #expect(throws: StoreError.self) {
                try db.execute("INSERT INTO records VALUES (10, 0, 'GenericEvent', 's', x'00', zeroblob(32), zeroblob(32))")
            }
            #expect(throws: StoreError.self) {
                try db.execute("INSERT INTO records VALUES (1, 0, 'GenericEvent', 's', x'00', zeroblob(32), zeroblob(32))")
            }
        }
    }

    @Test("a failing write transaction leaves nothing behind")
    func rollback() throws {
        try onBothStores(events: 2) { ledger, _ in
            let before = try ledger.size()
            let nodesBefore = try ledger.store.nodeCount()
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try ledger.store.write { tx in
                    try tx.append(envelope: [1, 2, 3], kind: "GenericEvent", signer: "s", subjects: ["x"], now: 0)
                    try tx.append(envelope: [4, 5, 6], kind: "GenericEvent", signer: "s", subjects: ["y"], now: 0)
                    throw Boom()
                }
            }
            let after = try ledger.size(), nodesAfter = try ledger.store.nodeCount()
            let x = try ledger.store.sequences(forSubject: "x")
            #expect(after == before)
            #expect(nodesAfter == nodesBefore)
            #expect(x.isEmpty)
        }
    }

    @Test("stores every complete subtree and serves the same root as a full recomputation")
    func treeNodes() throws {
        try onBothStores(events: 37) { ledger, _ in
            let n = try ledger.size()
            var leaves: [Digest] = []
            try ledger.store.forEachRecord { leaves.append($0.leafHash); return true }
            #expect(UInt64(leaves.count) == n)
            for size in 1...n {
                let root = try ledger.root(size: size)
                #expect(root == Merkle.root(ofLeafHashes: Array(leaves[0..<Int(size)])))
            }
            // n - popcount(n) interior nodes exist for n leaves.
            let nodes = try ledger.store.nodeCount()
            #expect(nodes == n - UInt64(n.nonzeroBitCount))
        }
    }

    @Test("opening something that is not a ledger fails with a clear error")
    func notALedger() throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: StoreError(.notFound, "")) { try SQLiteLedgerStorage.open(at: dir + "/missing.assay") }
        #expect(throws: StoreError(.notALedger, "")) { try SQLiteLedgerStorage.open(at: dir) }
        try "hello".write(toFile: dir + "/text.assay", atomically: true, encoding: .utf8)
        #expect(throws: StoreError(.notALedger, "")) { try SQLiteLedgerStorage.open(at: dir + "/text.assay") }
        let plain = try SQLiteConnection(path: dir + "/plain.db", flags: SQLiteFlags.create)
        try plain.execute("CREATE TABLE t(x)")
        #expect(throws: StoreError(.notALedger, "")) { try SQLiteLedgerStorage.open(at: dir + "/plain.db") }
        #expect(throws: StoreError(.alreadyExists, "")) { try SQLiteLedgerStorage.create(at: dir + "/text.assay") }
    }

    @Test("subjects are indexed for lookup")
    func subjects() throws {
        try onBothStores(events: 3) { ledger, _ in
            let hit = try ledger.store.sequences(forSubject: "https://id.gs1.org/01/04012345000016/21/SN1")
            let miss = try ledger.store.sequences(forSubject: "nothing")
            #expect(hit == [4])
            #expect(miss.isEmpty)
        }
    }

    @Test("record times never go backwards even if the clock does")
    func monotonicTime() throws {
        try onBothStores { ledger, _ in
            ledger.clock = { Fixtures.time(-86_400_000) }
            let r = try ledger.append([.init(label: "e", bytes: Fixtures.envelope(Fixtures.event(1), by: Fixtures.supplierKey))])
            #expect(r[0].appendedAtMillis >= Fixtures.time(1000))
        }
    }
}
