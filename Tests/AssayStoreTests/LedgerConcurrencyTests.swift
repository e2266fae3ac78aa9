import AssayLedger
import AssayTestSupport
import Foundation
import Testing

/// `Ledger` is `Sendable`: one instance shared by concurrent tasks appends every entry once,
/// in some order, and reads meanwhile see a consistent ledger.
@Suite("Ledger shared between tasks")
struct LedgerConcurrencyTests {
    typealias F = Fixtures

    @Test("concurrent appends and reads from many tasks: every entry lands once, the ledger verifies")
    func concurrentAppends() async throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for path in [dir + "/c.assay", ":memory:"] {
            let ledger = try F.ledger(at: path)
            let start = try ledger.size()
            let tasks = 8, perTask = 12
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<tasks {
                    group.addTask {
                        for i in 0..<perTask {
                            let env = F.envelope(F.event(1000 + t * perTask + i), by: F.supplierKey)
                            // Off the cooperative pool: the append pipeline waits for its own threads.
                            let outcome = try await ledger.appendAsync([.init(label: "t\(t) e\(i)", bytes: env)])
                            #expect(outcome.count == 1 && !outcome[0].wasPresent)
                            _ = try ledger.inclusionProof(seq: 0, size: try ledger.size())
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try ledger.size() == start + UInt64(tasks * perTask), "\(path)")
            let report = try ledger.verify()
            #expect(report.ok, "\(path): \(report.failure.map(\.description) ?? "")")
        }
    }
}
