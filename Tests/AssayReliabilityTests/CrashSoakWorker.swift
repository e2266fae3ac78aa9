import AssayTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one crash-soak worker did.
struct CrashSoakTally: Sendable {
    /// Appends ended by our SIGKILL.
    var kills = 0
    var singleKills = 0
    var batchKills = 0
    /// Appends that finished before the kill landed (checked like the others, not counted as kills).
    var finishedFirst = 0
    /// Killed appends whose batch was committed (the count grew by the whole batch).
    var killedAfterCommit = 0
    /// … of which printed none or only part of their acknowledgements before dying.
    var committedNotFullyAcknowledged = 0
    /// Distinct acknowledged entries, each re-checked against `assay log` after every later kill.
    var acknowledged = 0
    /// `assay verify` runs that passed.
    var verified = 0
    /// Ledgers used (a ledger is replaced once it grows past the rotation size, to keep verify fast).
    var ledgers = 0
    /// Typical durations measured before the soak: one entry, 2000 entries (seconds).
    var singleSeconds = 0.0
    var batchSeconds = 0.0
    /// The same, as the running estimates stood at the end (they follow the machine's load).
    var finalSingleSeconds = 0.0
    var finalBatchSeconds = 0.0
    /// The first failure, with what is needed to reproduce it.
    var failure: String?

    static func + (a: Self, b: Self) -> Self {
        var t = a
        t.kills += b.kills; t.singleKills += b.singleKills; t.batchKills += b.batchKills
        t.finishedFirst += b.finishedFirst; t.killedAfterCommit += b.killedAfterCommit
        t.committedNotFullyAcknowledged += b.committedNotFullyAcknowledged
        t.acknowledged += b.acknowledged; t.verified += b.verified; t.ledgers += b.ledgers
        t.singleSeconds = max(a.singleSeconds, b.singleSeconds); t.batchSeconds = max(a.batchSeconds, b.batchSeconds)
        t.finalSingleSeconds = max(a.finalSingleSeconds, b.finalSingleSeconds)
        t.finalBatchSeconds = max(a.finalBatchSeconds, b.finalBatchSeconds)
        t.failure = a.failure ?? b.failure
        return t
    }
}

/// Appends to its own ledgers and SIGKILLs `assay append` at random moments, checking the
/// ledger after every kill. Several workers run in parallel on separate ledgers.
///
/// Every random choice (single entry or batch, batch size, kill delay) comes from the seed,
/// so a failure names the seed, the worker and the iteration to replay it; the moment the
/// signal lands within the process still depends on the machine.
final class CrashSoakWorker {
    let fixture: LedgerFixture
    let index: Int
    let seed: UInt64
    let killQuota: Int
    let deadline: Date
    /// A ledger past this many entries is replaced by a fresh one.
    let rotateAt: Int
    private var rng: SplitMix64
    private var tally = CrashSoakTally()
    private let scratch: String
    private var ledger = ""
    private var log = LedgerLog(leafHashes: [])
    /// Every entry acknowledged on the current ledger: seq → leaf hash.
    private var acknowledged: [UInt64: String] = [:]
    private var iteration = 0
    /// Running estimates of the typical duration of appending 1 and 2000 entries (seconds):
    /// measured first, then kept current (every following single append, and a timed batch
    /// every `remeasureEvery` rounds), so a change in load does not skew the kill moments.
    private var singleSeconds = 0.0
    private var batchSeconds = 0.0
    private let remeasureEvery = 20

    init(fixture: LedgerFixture, index: Int, seed: UInt64, killQuota: Int, deadline: Date, rotateAt: Int = 2500) {
        self.fixture = fixture
        self.index = index
        self.seed = seed
        self.killQuota = killQuota
        self.deadline = deadline
        self.rotateAt = rotateAt
        rng = SplitMix64(seed: seed &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        scratch = fixture.directory + "/crash-worker-\(index)"
    }

    func run() -> CrashSoakTally {
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try calibrate()
            try rotate()
            while tally.kills < killQuota {
                guard Date() < deadline else {
                    throw Finding("ran out of time after \(tally.kills) of \(killQuota) kills")
                }
                if log.count > rotateAt { try rotate() }
                if iteration > 0, iteration % remeasureEvery == 0 { try remeasureBatch() }
                try killOneAppend()
                iteration += 1
            }
            try checkLedger(after: "the last append")
            tally.finalSingleSeconds = singleSeconds
            tally.finalBatchSeconds = batchSeconds
        } catch let f as Finding {
            tally.failure = "crash soak worker \(index), seed 0x\(String(seed, radix: 16)), iteration \(iteration), ledger \(ledger): \(f.message)"
        } catch {
            tally.failure = "crash soak worker \(index), seed 0x\(String(seed, radix: 16)), iteration \(iteration): \(error)"
        }
        return tally
    }

    /// A problem with Assay (as opposed to a `HarnessFailure`).
    private struct Finding: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Measures how long an append of one entry and of 2000 entries typically takes here,
    /// now, with the other workers running: kill delays are drawn from [0, that duration].
    private func calibrate() throws {
        let path = scratch + "/calibration.assay"
        try fixture.createLedger(at: path)
        var singles: [Double] = [], batches: [Double] = []
        for _ in 0..<3 {
            let out = try fixture.run(["append", "--ledger", path, "--json", try fixture.freshEnvelopeFile()])
            guard out.succeeded else { throw Finding("calibration append failed:\n\(out)") }
            singles.append(out.seconds)
        }
        let batch = scratch + "/calibration.jsonl"
        for _ in 0..<2 {
            try fixture.writeBatch(count: 2000, to: batch)
            let out = try fixture.run(["append", "--ledger", path, "--json", "--batch", batch])
            guard out.succeeded else { throw Finding("calibration batch append failed:\n\(out)") }
            batches.append(out.seconds)
        }
        singleSeconds = singles.sorted()[1]
        batchSeconds = batches.max()!
        tally.singleSeconds = singleSeconds
        tally.batchSeconds = batchSeconds
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The typical duration of an append of `n` entries (linear between the two measurements).
    private func typicalSeconds(entries n: Int) -> Double {
        singleSeconds + max(0, batchSeconds - singleSeconds) * Double(n - 1) / 1999
    }

    /// Times an unkilled append of 500 entries on the current ledger (its entries are
    /// acknowledged and checked like any others) and moves the 2000-entry estimate halfway
    /// to what it implies.
    private func remeasureBatch() throws {
        let n = 500
        let batch = scratch + "/timing.jsonl"
        try fixture.writeBatch(count: n, to: batch)
        let out = try fixture.run(["append", "--ledger", ledger, "--json", "--batch", batch])
        guard out.succeeded else { throw Finding("an unkilled timing append of \(n) entries failed:\n\(out)") }
        let acks = try Acknowledgement.parse(out.completeStdoutLines)
        guard acks.count == n, acks.enumerated().allSatisfy({ $0.element.seq == UInt64(log.count + $0.offset) }) else {
            throw Finding("an unkilled timing append of \(n) entries acknowledged \(acks.count), not seqs \(log.count)…:\n\(out)")
        }
        for ack in acks {
            acknowledged[ack.seq] = ack.leafHash
            log.leafHashes.append(ack.leafHash) // checked against the real log next round
        }
        tally.acknowledged += n
        let implied = singleSeconds + max(0, out.seconds - singleSeconds) * 1999 / Double(n - 1)
        batchSeconds = 0.5 * batchSeconds + 0.5 * implied
    }

    /// Starts a fresh ledger (genesis and the supplier's registration: two entries).
    private func rotate() throws {
        if !ledger.isEmpty {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger + suffix) }
        }
        tally.ledgers += 1
        ledger = scratch + "/ledger-\(tally.ledgers).assay"
        try fixture.createLedger(at: ledger)
        acknowledged = [:]
        log = try fixture.log(ledger)
        guard log.count == 2 else { throw Finding("a new ledger lists \(log.count) entries, expected 2") }
    }

    /// One round: start an append, kill it after a random delay, check everything, append again.
    private func killOneAppend() throws {
        let single = rng.next() % 100 < 35
        let n = single ? 1 : 200 + Int(rng.next() % 1801)
        var arguments = ["append", "--ledger", ledger, "--json"]
        if single {
            arguments.append(try fixture.freshEnvelopeFile())
        } else {
            let batch = scratch + "/batch.jsonl"
            try fixture.writeBatch(count: n, to: batch)
            arguments += ["--batch", batch]
        }
        let delay = rng.fraction() * typicalSeconds(entries: n)
        let what = "\(single ? "single-entry append" : "batch of \(n)"), kill after \(String(format: "%.1f", delay * 1000)) ms"

        let child = try ChildProcess(fixture.assay, arguments, scratch: scratch)
        try child.start()
        if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
        child.signal(SIGKILL)
        let out = child.wait(timeout: 90)

        if out.wasKilled {
            tally.kills += 1
            if single { tally.singleKills += 1 } else { tally.batchKills += 1 }
            guard out.stderr.isEmpty else { throw Finding("\(what): the killed append wrote to stderr:\n\(out)") }
        } else {
            tally.finishedFirst += 1
            guard out.succeeded else { throw Finding("\(what): the append was not killed and did not succeed:\n\(out)") }
        }
        let acks: [Acknowledgement]
        do { acks = try Acknowledgement.parse(out.completeStdoutLines) } catch { throw Finding("\(what): \(error)\n\(out)") }
        if !out.wasKilled, acks.count != n {
            throw Finding("\(what): the append finished but acknowledged \(acks.count) of \(n) entries:\n\(out)")
        }

        let before = log.count
        let after = try checkLedger(after: what)
        // All or nothing: the entry count is unchanged, or grew by exactly the whole batch.
        guard after == before || after == before + n else {
            throw Finding("\(what): the ledger went from \(before) to \(after) entries; a batch of \(n) must add all or nothing (\(out.status))")
        }
        if !acks.isEmpty {
            guard after == before + n else {
                throw Finding("\(what): \(acks.count) entries were acknowledged but the ledger did not grow by the batch (\(before) → \(after))")
            }
            for (k, ack) in acks.enumerated() where ack.seq != UInt64(before + k) {
                throw Finding("\(what): acknowledgement \(k) names seq \(ack.seq), expected \(before + k)")
            }
        }
        if out.wasKilled && after == before + n {
            tally.killedAfterCommit += 1
            if acks.count < n { tally.committedNotFullyAcknowledged += 1 }
        }
        for ack in acks {
            guard log.holds(ack) else {
                throw Finding("\(what): acknowledged \(ack) but assay log has \(ack.seq < UInt64(log.count) ? log.leafHashes[Int(ack.seq)] : "no such entry")")
            }
            acknowledged[ack.seq] = ack.leafHash
            tally.acknowledged += 1
        }

        // A following append still works, at the next sequence number.
        let next = try fixture.run(["append", "--ledger", ledger, "--json", try fixture.freshEnvelopeFile()])
        guard next.succeeded else { throw Finding("\(what): the next append failed:\n\(next)") }
        let nextAcks = try Acknowledgement.parse(next.completeStdoutLines)
        guard nextAcks.count == 1, nextAcks[0].seq == UInt64(after) else {
            throw Finding("\(what): the next append acknowledged \(nextAcks), expected one entry at seq \(after):\n\(next)")
        }
        acknowledged[nextAcks[0].seq] = nextAcks[0].leafHash
        tally.acknowledged += 1
        singleSeconds = 0.8 * singleSeconds + 0.2 * next.seconds
        log.leafHashes.append(nextAcks[0].leafHash) // checked against the real log next round
    }

    /// `assay verify` passes, `assay log` extends what it listed before (nothing rewritten)
    /// and holds every acknowledged entry with its acknowledged leaf hash. Returns the count.
    @discardableResult
    private func checkLedger(after what: String) throws -> Int {
        let v = try fixture.verify(ledger)
        guard let entries = v.entries else { throw Finding("\(what): assay verify did not pass:\n\(v.outcome)") }
        tally.verified += 1
        let now = try fixture.log(ledger)
        guard now.count == entries else {
            throw Finding("\(what): assay verify counted \(entries) entries but assay log lists \(now.count)")
        }
        guard log.isPrefix(of: now) else {
            let at = log.firstDifference(from: now).map { "seq \($0) changed" } ?? "the ledger shrank from \(log.count) to \(now.count)"
            throw Finding("\(what): the ledger no longer extends what it held before: \(at)")
        }
        for (seq, leaf) in acknowledged where !now.holds(Acknowledgement(seq: seq, leafHash: leaf)) {
            throw Finding("\(what): acknowledged entry seq \(seq) (leaf \(leaf)) is missing or changed")
        }
        log = now
        return now.count
    }
}
