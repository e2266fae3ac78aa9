import AssayTestSupport
import Foundation
import Testing

extension Reliability {
    /// `assay append` killed with SIGKILL at random moments: nothing acknowledged is lost,
    /// nothing half-written is visible, and the ledger keeps working.
    @Suite("Crash safety")
    struct CrashSafetyTests {
        static let defaultSeed: UInt64 = 0xA55A_7E57_0001

        static func ms(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }

        @Test("SIGKILL during append: verify passes, acknowledged entries stay, batches are all or nothing")
        func sigkillDuringAppend() throws {
            let seed = SplitMix64.seed(from: "ASSAY_CRASH_SEED", default: Self.defaultSeed)
            let target = Environment.integer("ASSAY_CRASH_KILLS", default: 300)
            let workers = max(1, Environment.integer("ASSAY_CRASH_WORKERS", default: 2))
            let budget = Double(Environment.integer("ASSAY_CRASH_BUDGET_SECONDS", default: 900))
            let fixture = try LedgerFixture(tag: "crash")
            defer { fixture.remove() }

            let started = Date()
            let deadline = started.addingTimeInterval(budget)
            let quota = (target + workers - 1) / workers
            let tallies = Locked([CrashSoakTally]())
            ThreadGroup.run((0..<workers).map { w in
                { @Sendable in
                    let t = CrashSoakWorker(fixture: fixture, index: w, seed: seed, killQuota: quota, deadline: deadline).run()
                    tallies.withLock { $0.append(t) }
                }
            })
            let total = tallies.current.reduce(CrashSoakTally(), +)
            let seconds = Date().timeIntervalSince(started)
            print("crash soak: seed 0x\(String(seed, radix: 16)), \(workers) ledgers in parallel, \(String(format: "%.1f", seconds)) s: "
                + "\(total.kills) kills (\(total.singleKills) single-entry, \(total.batchKills) batches of 200–2000; "
                + "\(total.killedAfterCommit) after the commit, \(total.committedNotFullyAcknowledged) of them before all acknowledgements were printed), "
                + "\(total.finishedFirst) appends finished before the kill, \(total.acknowledged) acknowledged entries checked, "
                + "\(total.verified) verifications passed, \(total.ledgers) ledgers; "
                + "typical append measured first \(Self.ms(total.singleSeconds)) ms (1 entry) / \(Self.ms(total.batchSeconds)) ms (2000 entries), "
                + "at the end \(Self.ms(total.finalSingleSeconds)) / \(Self.ms(total.finalBatchSeconds)) ms")
            for t in tallies.current {
                if let failure = t.failure { Issue.record(Comment(rawValue: failure)) }
            }
            #expect(total.kills >= target, "only \(total.kills) of \(target) kills")
        }
    }
}
