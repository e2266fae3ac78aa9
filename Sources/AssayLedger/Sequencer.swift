public import AssayCrypto
public import AssayLog
import Dispatch
import Foundation
public import Logging

/// The group committer: gathers concurrent submissions into groups and commits each group in
/// one transaction with one checkpoint, answering every submitter only after the commit.
///
/// Two stages run at once, each on threads of its own (never Swift's cooperative pool):
/// - **prepare**: submissions that arrived are cut into a batch — when `maxGroupEntries` have
///   gathered, or the oldest has waited `window` — and parsed and signature-checked on all
///   cores (`Ledger.prepareGroup`) against the signer keys known after the last commit;
/// - **commit**: whatever is prepared (up to `maxGroupEntries`) is committed as one group
///   (`Ledger.commitGroup`), its inclusion proofs read, and its submitters answered.
/// So the signature checks of the next batch overlap the commit of the previous group. An
/// envelope that fails a check is refused on its own; the rest of its group commits.
///
/// The state is the actor's; `pump()` is the one place that decides what to start next.
public actor Sequencer {
    /// What one submission gets back: per envelope, its outcome and (when it has a record)
    /// its inclusion proof in the group's checkpoint.
    public struct Receipt: Sendable {
        public let outcomes: [Result<AppendOutcome, EntryRejection>]
        /// One per envelope: the inclusion proof of its record in `treeSize`; nil when refused.
        public let proofs: [InclusionProof?]
        /// The checkpoint signed after the group committed; nil only when every envelope of
        /// the group was refused.
        public let checkpoint: SignedNote?
        public let treeSize: UInt64
    }

    private struct Waiting {
        let items: [Ledger.AppendItem]
        let arrived: ContinuousClock.Instant
        let continuation: CheckedContinuation<Receipt, any Error>
    }

    private struct Prepared {
        let group: PreparedGroup
        let continuation: CheckedContinuation<Receipt, any Error>
        /// When the submission arrived, and when its preparation ended (for the debug log).
        let arrived: ContinuousClock.Instant
        let prepared: ContinuousClock.Instant
    }

    public let ledger: Ledger
    private let key: NamedSigningKey
    private let window: Duration
    private let maxGroupEntries: Int
    private let logger: Logger
    private let commitQueue = DispatchQueue(label: "assay.sequencer.commit", qos: .userInitiated)
    /// One serial queue per preparation slot: a queue of its own always gets a thread, whereas
    /// work sent to the shared global queue can wait behind threads blocked elsewhere (reads
    /// waiting for storage), which would stall every submission.
    private let prepareQueues: [DispatchQueue] = (0..<Sequencer.preparationSlots).map {
        DispatchQueue(label: "assay.sequencer.prepare.\($0)", qos: .userInitiated)
    }
    /// Preparations that may run at once: one per core.
    private static let preparationSlots = max(1, ProcessInfo.processInfo.activeProcessorCount)
    private let clock = ContinuousClock()
    private let onCheckpoint: (@Sendable (SignedNote) -> Void)?
    /// Told each group's size and commit time (the transaction and its checkpoint), for metrics.
    private let onCommit: (@Sendable (Int, UInt64) -> Void)?
    private var lastPublishedSize: UInt64 = 0

    private var keys: [String: PublicKey]
    private var waiting: [Waiting] = []
    private var waitingEntries = 0
    private var prepared: [Prepared] = []
    /// The preparation queues not running a preparation (all of them: nothing is preparing).
    private var idleQueues = Array(0..<Sequencer.preparationSlots)
    /// Preparations are numbered as they start; one that finishes ahead of an earlier one is
    /// held back here, so that groups keep the order in which submissions arrived.
    private var nextBatch = 0
    private var nextBatchToQueue = 0
    private var finishedEarly: [Int: [Prepared]] = [:]
    private var committing = false
    private var timerArmed = false
    private var closed = false
    /// Whether `close()` was called (no submissions are taken any more).
    public var isClosed: Bool { closed }
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// The last commit's failure, nil after a commit that succeeded (for readiness).
    public private(set) var lastFailure: LedgerError?
    /// Submissions taken since start (each `submit` call that was not refused at once).
    public private(set) var submissionsReceived = 0
    /// Submissions taken and not answered yet.
    public private(set) var submissionsInFlight = 0
    /// Groups committed since start, and entries appended in them.
    public private(set) var groupsCommitted = 0
    public private(set) var entriesAppended = 0

    /// A sequencer over `ledger`, signing checkpoints with `key` (the operator's).
    /// - Parameter onCheckpoint: called on the actor with each checkpoint for a larger tree
    ///   than the last one it was given, after its group committed and before the group's
    ///   submitters are answered (it must not block: hand the note on).
    /// - Throws: `LedgerError.rejected` when `key` is not the ledger operator's key.
    public init(ledger: Ledger, key: NamedSigningKey, window: Duration = .milliseconds(2), maxGroupEntries: Int = 2000,
                logger: Logger = Logger(label: "assay.sequencer"), onCheckpoint: (@Sendable (SignedNote) -> Void)? = nil,
                onCommit: (@Sendable (_ entries: Int, _ nanoseconds: UInt64) -> Void)? = nil) throws {
        let registry = try ledger.currentRegistry()
        guard let op = registry.operatorKey else { throw LedgerError(.corrupt, "the ledger has no genesis entry") }
        guard key.verifierKey == op.verifierKey else {
            throw LedgerError(.rejected, "key \(key.keyReference) is not the ledger operator's key \(op.reference)")
        }
        self.ledger = ledger
        self.key = key
        self.window = window
        self.maxGroupEntries = max(1, maxGroupEntries)
        self.logger = logger
        self.onCommit = onCommit
        self.keys = registry.publicKeys
        self.onCheckpoint = onCheckpoint
    }

    /// Submits envelopes and waits until their group committed.
    /// - Returns: per envelope, appended / already present / refused, with proofs.
    /// - Throws: `LedgerError(.unavailable)` after `close()`; the commit's `LedgerError` when
    ///   the group's transaction failed (nothing of it was written).
    public func submit(_ items: [Ledger.AppendItem]) async throws -> Receipt {
        guard !closed else { throw LedgerError(.unavailable, "the server is shutting down; submit again later") }
        guard !items.isEmpty else { throw LedgerError(.rejected, "no envelopes to append") }
        return try await withCheckedThrowingContinuation { c in
            waiting.append(Waiting(items: items, arrived: clock.now, continuation: c))
            submissionsReceived += 1
            submissionsInFlight += 1
            waitingEntries += items.count
            pump()
        }
    }

    /// Stops taking submissions, commits everything already submitted, and returns when the
    /// last group has been answered.
    public func close() async {
        closed = true
        pump()
        if isIdle { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    private var isIdle: Bool { waiting.isEmpty && prepared.isEmpty && idleQueues.count == prepareQueues.count && !committing }

    /// Decides what to start: a preparation when a batch is due and a preparation slot is free
    /// (one per core), a commit when something is prepared and the committer is free, the
    /// window timer otherwise. With no window, groups form by themselves: what arrives while
    /// the stages are busy is taken together when one frees up.
    private func pump() {
        while !idleQueues.isEmpty, let oldest = waiting.first {
            let due = oldest.arrived.advanced(by: window)
            if closed || waitingEntries >= maxGroupEntries || clock.now >= due {
                startPrepare()
                continue
            }
            if !timerArmed {
                timerArmed = true
                Task { [clock] in
                    try? await clock.sleep(until: due)
                    self.timerFired()
                }
            }
            break
        }
        if !committing, !prepared.isEmpty { startCommit() }
        if isIdle, !idleWaiters.isEmpty {
            for w in idleWaiters { w.resume() }
            idleWaiters.removeAll()
        }
    }

    private func timerFired() {
        timerArmed = false
        pump()
    }

    /// Takes whole submissions, up to `maxGroupEntries` (at least one), and prepares them on
    /// the prepare thread and all cores.
    private func startPrepare() {
        var take = 0, entries = 0
        while take < waiting.count, take == 0 || entries + waiting[take].items.count <= maxGroupEntries {
            entries += waiting[take].items.count
            take += 1
        }
        let batch = Array(waiting.prefix(take))
        waiting.removeFirst(take)
        waitingEntries -= entries
        let id = nextBatch
        nextBatch += 1
        let keys = self.keys
        // Straight onto the prepare thread, and back to the actor with one task: no task and
        // continuation in between, whose scheduling on a busy cooperative pool delayed groups.
        let slot = idleQueues.removeLast()
        prepareQueues[slot].async {
            let all = Ledger.prepareGroup(batch.flatMap(\.items), keys: keys)
            var groups: [PreparedGroup] = []
            var lo = 0
            for w in batch {
                groups.append(all.slice(lo..<lo + w.items.count))
                lo += w.items.count
            }
            Task { await self.didPrepare(id, slot, batch, groups) }
        }
    }

    private func didPrepare(_ id: Int, _ slot: Int, _ batch: [Waiting], _ groups: [PreparedGroup]) {
        idleQueues.append(slot)
        let now = clock.now
        finishedEarly[id] = zip(batch, groups).map { Prepared(group: $1, continuation: $0.continuation, arrived: $0.arrived, prepared: now) }
        while let ready = finishedEarly.removeValue(forKey: nextBatchToQueue) {
            prepared += ready
            nextBatchToQueue += 1
        }
        pump()
    }

    /// Commits the prepared submissions (up to `maxGroupEntries` entries, at least one
    /// submission) as one group on the commit thread, then answers them.
    private func startCommit() {
        var take = 0, entries = 0
        while take < prepared.count, take == 0 || entries + prepared[take].group.count <= maxGroupEntries {
            entries += prepared[take].group.count
            take += 1
        }
        let batch = Array(prepared.prefix(take))
        prepared.removeFirst(take)
        committing = true
        let ledger = self.ledger, key = self.key, queue = commitQueue, logger = self.logger, onCommit = self.onCommit
        let clock = self.clock, started = clock.now
        let oldest = batch.map(\.arrived).min() ?? started, lastPrepared = batch.map(\.prepared).max() ?? started
        @Sendable func micros(_ d: Duration) -> Int64 { max(0, Int64(d / .microseconds(1))) }
        queue.async {
            let result = Result { () throws -> (GroupCommit, [InclusionProof?]) in
                let group = PreparedGroup.joined(batch.map(\.group))
                let onThread = clock.now
                let start = DispatchTime.now().uptimeNanoseconds, cpuStart = Sequencer.threadCPUNanoseconds()
                let commit = try ledger.commitGroup(group, key: key)
                let committed = DispatchTime.now().uptimeNanoseconds, cpuCommitted = Sequencer.threadCPUNanoseconds()
                onCommit?(group.count, committed - start)
                let seqs = commit.outcomes.map { (try? $0.get())?.record.seq }
                let proofs = try ledger.inclusionProofs(for: seqs, treeSize: commit.treeSize, known: commit.nodes)
                let end = DispatchTime.now().uptimeNanoseconds
                logger.debug("group committed", metadata: [
                    "entries": "\(group.count)", "treeSize": "\(commit.treeSize)",
                    "commitMicros": "\((committed - start) / 1000)", "commitCPUMicros": "\((cpuCommitted &- cpuStart) / 1000)",
                    "proofMicros": "\((end - committed) / 1000)",
                    // From the oldest submission's arrival to the commit thread starting it,
                    // from the last preparation ending to that start, and the hop to the thread.
                    "sinceArrivalMicros": "\(micros(onThread - oldest))", "sincePreparedMicros": "\(micros(onThread - lastPrepared))",
                    "queueHopMicros": "\(micros(onThread - started))",
                ])
                return (commit, proofs)
            }
            Task { await self.didCommit(batch, result) }
        }
    }

    /// CPU time of the calling thread (for the debug log: a commit's wall time beside its CPU
    /// time shows whether it waited for the disk or for a core).
    static func threadCPUNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    private func didCommit(_ batch: [Prepared], _ result: Result<(GroupCommit, [InclusionProof?]), any Error>) {
        committing = false
        switch result {
        case .success(let (commit, proofs)):
            keys = commit.keys
            lastFailure = nil
            groupsCommitted += 1
            if let note = commit.checkpoint, commit.treeSize > lastPublishedSize {
                lastPublishedSize = commit.treeSize
                onCheckpoint?(note)
            }
            var lo = 0
            for p in batch {
                let range = lo..<lo + p.group.count
                lo = range.upperBound
                entriesAppended += commit.outcomes[range].filter { if case .success(.appended) = $0 { true } else { false } }.count
                p.continuation.resume(returning: Receipt(outcomes: Array(commit.outcomes[range]), proofs: Array(proofs[range]),
                                                         checkpoint: commit.checkpoint, treeSize: commit.treeSize))
                submissionsInFlight -= 1
            }
        case .failure(let error):
            let e = (error as? LedgerError) ?? LedgerError(.storage, "\(error)")
            lastFailure = e
            logger.error("group commit failed; nothing of the group was written", metadata: ["entries": "\(batch.reduce(0) { $0 + $1.group.count })", "error": "\(e.message)"])
            for p in batch {
                p.continuation.resume(throwing: e)
                submissionsInFlight -= 1
            }
        }
        pump()
    }
}
