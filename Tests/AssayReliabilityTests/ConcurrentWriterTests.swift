import AssayTestSupport
import Foundation
import Testing

extension Reliability {
    /// Several `assay append` processes on one ledger at once, with readers running.
    @Suite("Concurrent writers")
    struct ConcurrentWriterTests {
        static let defaultSeed: UInt64 = 0xA55A_C0C0_0003
        static let writers = 4
        static let entriesPerWriter = 500
        /// Readers pause this long between runs, leaving the two cores mostly to the writers.
        static let readerPauseMicroseconds: UInt32 = 30_000

        /// What `SQLiteLedgerStorage.open` said when its first read (`PRAGMA application_id`) ran before the
        /// busy timeout was set and got SQLITE_BUSY. Found by this test, fixed in 229795b; watched
        /// for regressions.
        static let openRaceMessage = "is not an Assay ledger (not an SQLite database)"
        /// What `assay verify` said when it read the records and the tree nodes from two snapshots
        /// while a writer committed. Found by this test, fixed in 229795b (one read transaction).
        static let verifySnapshotMessage = "is beyond the tree of"

        /// What every process of the run did, tallied under a lock.
        struct Tally: Sendable {
            var acknowledged: [Acknowledgement] = []
            var writerRuns = 0
            var writerOpenRaces = 0
            var writerFailures: [String] = []
            var readerRuns: [String: Int] = [:]
            var readerOpenRaces = 0
            var verifySnapshotFailures: [String] = []
            var readerFailures: [String] = []
            /// Any stderr that mentions a lock or busy database.
            var lockMessages: [String] = []
            var done = false
        }

        @Test("4 writers × 500 single-entry appends with log, prove and verify running: no fork, no gap, nothing lost")
        func writersAndReaders() throws {
            let seed = SplitMix64.seed(from: "ASSAY_CONCURRENCY_SEED", default: Self.defaultSeed)
            let fixture = try LedgerFixture(tag: "concurrency")
            defer { fixture.remove() }
            let ledger = fixture.directory + "/shared.assay"
            try fixture.createLedger(at: ledger)
            let preload = fixture.directory + "/preload.jsonl"
            try fixture.writeBatch(count: 62, to: preload)
            try LedgerFixture.require(fixture.run(["append", "--ledger", ledger, "--batch", preload]))
            let checkpointSize = 64
            try LedgerFixture.require(fixture.run(["checkpoint", "--ledger", ledger, "--key", fixture.operatorKey]))

            let tally = Locked(Tally())
            let started = Date()
            let writerEnd = Locked(Date.distantFuture)
            var bodies: [@Sendable () -> Void] = []
            let writersLeft = Locked(Self.writers)
            for w in 0..<Self.writers {
                bodies.append { @Sendable in
                    Self.write(writer: w, fixture: fixture, ledger: ledger, tally: tally)
                    let last = writersLeft.withLock { n -> Bool in n -= 1; return n == 0 }
                    if last {
                        writerEnd.withLock { $0 = Date() }
                        tally.withLock { $0.done = true }
                    }
                }
            }
            for reader in ["log", "prove", "verify"] {
                bodies.append { @Sendable in
                    Self.read(reader, fixture: fixture, ledger: ledger, checkpointSize: checkpointSize, seed: seed, tally: tally)
                }
            }
            ThreadGroup.run(bodies)
            let writeSeconds = writerEnd.current.timeIntervalSince(started)
            let t = tally.current

            // Afterwards: a checkpoint over everything, then a full verification (which also
            // checks the first checkpoint is consistent with the final tree).
            try LedgerFixture.require(fixture.run(["checkpoint", "--ledger", ledger, "--key", fixture.operatorKey]))
            let final = try fixture.verify(ledger)
            let log = try fixture.log(ledger) // also requires seq 0…N−1 with no gap or duplicate
            let expected = checkpointSize + Self.writers * Self.entriesPerWriter

            let reads = t.readerRuns.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            print("concurrent writers: \(Self.writers) processes × \(Self.entriesPerWriter) single-entry appends (one process and one transaction each) "
                + "in \(String(format: "%.1f", writeSeconds)) s = \(String(format: "%.0f", Double(t.acknowledged.count) / writeSeconds)) entries/s, "
                + "\(t.writerRuns) append processes; readers meanwhile (\(Self.readerPauseMicroseconds / 1000) ms apart): \(reads); ledger \(log.count) entries (expected \(expected)), "
                + "final verify \(final.ok ? "OK" : "FAILED"); failed: \(t.writerFailures.count) writers, "
                + "\(t.readerFailures.count + t.readerOpenRaces + t.verifySnapshotFailures.count) readers")

            // Nothing else went wrong, and no lock error reached anyone.
            let writerFailures = t.writerFailures.count, readerFailures = t.readerFailures.count, lockMessages = t.lockMessages.count
            #expect(writerFailures == 0, "writers failed \(writerFailures) times:\n\(t.writerFailures.prefix(3).joined(separator: "\n"))")
            #expect(readerFailures == 0, "readers failed \(readerFailures) times:\n\(t.readerFailures.prefix(3).joined(separator: "\n"))")
            #expect(lockMessages == 0, "lock errors reached the user \(lockMessages) times:\n\(t.lockMessages.prefix(3).joined(separator: "\n"))")
            // The ledger: exactly the sum, one fork-free sequence, every acknowledgement exactly once.
            #expect(final.ok, "the final ledger does not verify:\n\(final.outcome)")
            #expect(log.count == expected, "the ledger holds \(log.count) entries, expected \(expected)")
            #expect(t.acknowledged.count == Self.writers * Self.entriesPerWriter, "\(t.acknowledged.count) appends acknowledged")
            let seqs = t.acknowledged.map(\.seq)
            let distinct = Set(seqs).count
            #expect(distinct == seqs.count, "\(seqs.count - distinct) sequence numbers were acknowledged twice")
            let exact = Set(seqs) == Set((checkpointSize..<expected).map(UInt64.init))
            #expect(exact, "acknowledged sequence numbers are not exactly \(checkpointSize)…\(expected - 1)")
            let lost = t.acknowledged.filter { !log.holds($0) }
            let lostCount = lost.count
            #expect(lostCount == 0, "acknowledged entries missing or changed: \(lost.prefix(5))")

            // The two races this test found (fixed in 229795b) stay fixed.
            let openRaces = t.writerOpenRaces + t.readerOpenRaces
            #expect(openRaces == 0, """
                opening the ledger failed with "\(Self.openRaceMessage)" \(t.writerOpenRaces) times in writers and \
                \(t.readerOpenRaces) times in readers: SQLITE_BUSY on SQLiteLedgerStorage.open's first read (busy timeout not set yet?)
                """)
            let snapshotFailures = t.verifySnapshotFailures.count
            #expect(snapshotFailures == 0, """
                assay verify failed \(snapshotFailures) of \(t.readerRuns["verify", default: 0]) times while writers ran \
                (records and tree nodes from different snapshots?), e.g. \(t.verifySnapshotFailures.first ?? "")
                """)
        }

        /// Appends `entriesPerWriter` envelopes, one process (one transaction) each.
        static func write(writer w: Int, fixture: LedgerFixture, ledger: String, tally: Locked<Tally>) {
            for i in 0..<entriesPerWriter {
                let out: ProcessOutcome
                do {
                    let file = try fixture.freshEnvelopeFile()
                    out = try fixture.run(["append", "--ledger", ledger, "--json", file], timeout: 100)
                } catch {
                    tally.withLock { $0.writerFailures.append("writer \(w) entry \(i): \(error)") }
                    return
                }
                let acks = try? Acknowledgement.parse(out.completeStdoutLines)
                tally.withLock { t in
                    t.writerRuns += 1
                    noteLocks(out, in: &t)
                    if out.exitStatus == 2, out.stderr.contains(openRaceMessage) { t.writerOpenRaces += 1 }
                    guard out.succeeded, let acks, acks.count == 1 else {
                        t.writerFailures.append("writer \(w) entry \(i):\n\(out)")
                        return
                    }
                    t.acknowledged.append(acks[0])
                }
            }
        }

        /// Runs one kind of reader in a loop until the writers are done.
        static func read(_ kind: String, fixture: LedgerFixture, ledger: String, checkpointSize: Int, seed: UInt64, tally: Locked<Tally>) {
            var rng = SplitMix64(seed: seed ^ UInt64(kind.utf8.count))
            var seen = 0
            while !tally.current.done {
                usleep(readerPauseMicroseconds)
                let arguments: [String]
                switch kind {
                case "log": arguments = ["log", "--ledger", ledger, "--json"]
                case "prove": arguments = ["prove", "inclusion", "--ledger", ledger, "--seq", "\(rng.next() % UInt64(checkpointSize))"]
                default: arguments = ["verify", "--ledger", ledger]
                }
                let out: ProcessOutcome
                do { out = try fixture.run(arguments, timeout: 100) } catch {
                    tally.withLock { $0.readerFailures.append("\(kind): \(error)") }
                    return
                }
                var problem: String? = nil
                if out.succeeded {
                    switch kind {
                    case "log":
                        // Every listing is one unforked sequence 0…n−1, never shorter than the one before.
                        do {
                            let l = try LedgerLog(jsonLines: out.stdout)
                            if l.count < seen { problem = "assay log listed \(l.count) entries after listing \(seen)" }
                            seen = l.count
                        } catch { problem = "\(error)" }
                    case "prove":
                        if !out.stdout.contains("\n") { problem = "assay prove printed no proof" }
                    default:
                        if VerifyResult(out).entries == nil { problem = "assay verify printed no OK line" }
                    }
                }
                tally.withLock { t in
                    t.readerRuns[kind, default: 0] += 1
                    noteLocks(out, in: &t)
                    if let problem {
                        t.readerFailures.append("\(kind): \(problem)\n\(out)")
                    } else if out.succeeded {
                        return
                    } else if out.exitStatus == 2, out.stderr.contains(openRaceMessage) {
                        t.readerOpenRaces += 1
                    } else if kind == "verify", out.exitStatus == 1, out.stderr.contains(verifySnapshotMessage) {
                        t.verifySnapshotFailures.append(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
                    } else {
                        t.readerFailures.append("\(kind):\n\(out)")
                    }
                }
            }
        }

        static func noteLocks(_ out: ProcessOutcome, in t: inout Tally) {
            let e = out.stderr.lowercased()
            if e.contains("database is locked") || e.contains("busy") || e.contains("locked") {
                t.lockMessages.append("\(out.commandLine): \(out.stderr)")
            }
        }
    }
}
