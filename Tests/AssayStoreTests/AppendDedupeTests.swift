import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// Issue 14: appending the same envelope twice returns the existing entry (as Rekor does).
@Suite("Appending an envelope already present")
struct AppendDedupeTests {
    typealias F = Fixtures

    @Test("the same event again returns its existing entry; nothing is appended")
    func sameEventTwice() throws {
        try onBothStores(events: 3) { ledger, where_ in
            let env = F.envelope(F.event(1), by: F.supplierKey) // identical to entry 4's
            let size = try ledger.size()
            let existing = try ledger.record(at: 4)
            let out = try ledger.appendDetailed([.init(label: "again", bytes: env)])
            #expect(out == [.alreadyPresent(existing)], "\(where_)")
            #expect(try ledger.size() == size, "\(where_)")
            let plain = try ledger.append([.init(label: "again", bytes: env)])
            #expect(plain == [existing], "\(where_)")
            #expect(try ledger.verify().ok)
        }
    }

    @Test("a non-canonical layout of a stored envelope is the same envelope")
    func nonCanonicalLayout() throws {
        try onBothStores(events: 2) { ledger, _ in
            let env = F.envelope(F.event(0), by: F.supplierKey)
            let spaced = Array(("{ " + String(decoding: env.dropFirst(), as: UTF8.self)).utf8)
            let out = try ledger.appendDetailed([.init(label: "spaced", bytes: spaced)])
            #expect(out.map(\.wasPresent) == [true])
            #expect(out[0].record.seq == 3)
        }
    }

    @Test("within one batch a repeated envelope is appended once; outcomes stay in input order")
    func repeatWithinBatch() throws {
        try onBothStores(events: 1) { ledger, _ in
            let a = F.envelope(F.event(50), by: F.supplierKey), b = F.envelope(F.event(51), by: F.supplierKey)
            let old = F.envelope(F.event(0), by: F.supplierKey) // entry 3
            let size = try ledger.size()
            let out = try ledger.appendDetailed([.init(label: "a", bytes: a), .init(label: "b", bytes: b),
                                                 .init(label: "a again", bytes: a), .init(label: "old", bytes: old)])
            #expect(out.map(\.wasPresent) == [false, false, true, true])
            #expect(out.map(\.record.seq) == [size, size + 1, size, 3])
            #expect(try ledger.size() == size + 2)
            #expect(try ledger.verify().ok)
        }
    }

    @Test("a statement without subjects (a revocation) is found through the registry records")
    func revocationTwice() throws {
        try onBothStores { ledger, _ in
            let rev = F.revocation(of: F.manufacturerKey)
            let first = try ledger.appendDetailed([.init(label: "rev", bytes: rev), .init(label: "rev again", bytes: rev)])
            #expect(first.map(\.wasPresent) == [false, true])
            #expect(first[0].record == first[1].record)
            let second = try ledger.appendDetailed([.init(label: "rev", bytes: rev)])
            #expect(second == [.alreadyPresent(first[0].record)])
            // The genesis envelope too.
            let genesis = try ledger.record(at: 0)
            #expect(try ledger.appendDetailed([.init(label: "genesis", bytes: genesis.envelope)]) == [.alreadyPresent(genesis)])
            #expect(try ledger.verify().ok)
        }
    }

    @Test("the same statement signed again (another signature) is a new entry, not a duplicate")
    func sameStatementOtherSignature() throws {
        try onBothStores(events: 1) { ledger, _ in
            // A second registration of the same party and key with other roles is another
            // envelope: the registry refuses it on its merits, not as a duplicate.
            let other = F.registration(of: F.supplierKey, roles: [.supplier, .manufacturer])
            #expect(throws: LedgerError.self) { try ledger.append([.init(label: "reg", bytes: other)]) }
            // Same subject, other content: appended.
            let out = try ledger.appendDetailed([.init(label: "e", bytes: F.envelope(F.event(0, subject: "https://id.gs1.org/01/04012345000016/21/SN0").replacingOccurrences(of: "inspected", with: "repaired"), by: F.supplierKey))])
            #expect(out.map(\.wasPresent) == [false])
        }
    }

    @Test("a rejected item still rejects the whole batch, duplicates included")
    func rejectionWins() throws {
        try onBothStores(events: 1) { ledger, _ in
            let size = try ledger.size()
            let dup = F.envelope(F.event(0), by: F.supplierKey)
            #expect(throws: LedgerError.self) {
                try ledger.append([.init(label: "dup", bytes: dup), .init(label: "new", bytes: F.envelope(F.event(9), by: F.supplierKey)),
                                   .init(label: "bad", bytes: F.envelope(F.event(10), by: F.strangerKey))])
            }
            #expect(try ledger.size() == size)
        }
    }
}
