import AssayCrypto
import AssayLog
public import AssayModel

/// Walks a whole ledger: recomputes every leaf and chain hash, checks sequence numbers,
/// times, envelopes, statements, signers and signatures, recomputes the Merkle tree and
/// compares it with the stored nodes, the subject index and every stored checkpoint. Memory
/// stays O(batch + log n): records are streamed.
///
/// This type is the driver: it reads the source, runs the background pipeline, and feeds
/// each prepared record to `LedgerWalk`, the state machine that holds the in-order checks.
public struct LedgerVerifier {
    public var policy: WritePolicy
    /// Records per chunk handed to the background threads.
    public var batchSize: Int
    /// Called after each chunk with the number of entries done.
    public var progress: ((UInt64) -> Void)?
    /// The most records whose subject index is recomputed in one tree in memory; a larger
    /// ledger is recomputed in partitions through a temporary file (`SubjectIndexCheck`).
    public var indexRecordsInMemory: UInt64 = SubjectIndexCheck.defaultRecordsInMemory

    public init(policy: WritePolicy = .default, batchSize: Int = 256, progress: ((UInt64) -> Void)? = nil) {
        self.policy = policy
        self.batchSize = batchSize
        self.progress = progress
    }

    /// The metadata a ledger holds, exactly (`format` and `origin`), given its genesis origin.
    public static func expectedMetadata(origin: String) -> [(key: String, value: String)] {
        [("format", "assay-ledger"), ("origin", origin)]
    }

    /// Verifies `source`. Throws only for I/O; what is wrong comes back in the report.
    ///
    /// Records stream through an `OrderedPipeline`: background threads recompute each leaf
    /// hash, parse the envelope and statement, and check the signature against the key its
    /// reference names in the registry entries (read ahead); this thread reads the records
    /// and feeds them, in order, to the walk. A signature checked ahead against a key other
    /// than the one authorisation resolves is checked again in order, so the read-ahead can
    /// only save work, never change a verdict.
    public func verify(_ source: some LedgerSource, externalCheckpoints: [[UInt8]] = []) throws -> LedgerReport {
        var checkpoints: [PendingCheckpoint] = []
        for row in try source.checkpointNotes() {
            guard row.size >= 0 else {
                var report = LedgerReport()
                report.failure = Finding(.checkpoint, seq: nil, "a checkpoint row is stored under tree size \(row.size), which is negative")
                return report
            }
            checkpoints.append(PendingCheckpoint(size: UInt64(row.size), note: row.note, external: false))
        }
        // Checkpoints from outside (an auditor's, a witness's): same checks, keyed by the size they claim.
        for note in externalCheckpoints {
            let c: Checkpoint
            do {
                c = try Checkpoint(parsing: try SignedNote(parsing: note).text, extensions: .assayLedger)
            } catch {
                var report = LedgerReport()
                report.failure = Finding(.checkpoint, seq: nil, "a given checkpoint is not a well-formed Assay checkpoint note: \(error.message)")
                return report
            }
            checkpoints.append(PendingCheckpoint(size: c.size, note: note, external: true))
        }
        // Read now, reported after the walk: a finding that names a record is more useful than
        // the missing trigger that let the edit through.
        let containerProblems = try source.containerProblems()
        let ahead = try registryAhead(source)
        var walk = LedgerWalk(policy: policy, ahead: ahead, checkpoints: checkpoints,
                              tree: source.holdsDerivedData ? StoredTreeComparator(nodes: { try source.storedNodes(level: $0) }) : nil,
                              subjects: source.holdsDerivedData ? try SubjectIndexComparator(source.subjectRows()) : nil,
                              events: try source.eventIndexRows().map { try SubjectIndexComparator($0, naming: .events) },
                              index: try SubjectIndexCheck(expectedRecords: source.recordCount(), recordsInMemory: indexRecordsInMemory))

        let keys = ahead.publicKeys
        let pipeline = OrderedPipeline<RecordRow, PreparedRecord> { PreparedRecord($0, keys: keys) }
        defer {
            pipeline.cancel()
            pipeline.finish()
        }
        var stopped = false
        // Chunks in flight: enough to keep every core busy while this thread checks.
        let depth = 2 * ProcessInfoCores.count + 2
        func consumeOne() throws {
            guard let chunk = pipeline.next(), !stopped else { return }
            for p in chunk {
                if case .stop = try walk.record(p) {
                    stopped = true
                    pipeline.cancel()
                    break
                }
            }
            progress?(walk.report.entries)
        }
        if case .failed = walk.state { stopped = true }
        var chunk: [RecordRow] = []
        chunk.reserveCapacity(batchSize)
        if !stopped {
            try source.forEachRow { row in
                chunk.append(row)
                if chunk.count >= batchSize {
                    pipeline.submit(chunk)
                    chunk.removeAll(keepingCapacity: true)
                    while pipeline.pending > depth { try consumeOne() }
                }
                return !stopped
            }
        }
        if !stopped, !chunk.isEmpty { pipeline.submit(chunk) }
        while pipeline.pending > 0 { try consumeOne() }
        return try walk.endOfRecords(source: source, containerProblems: containerProblems)
    }

    /// The registry replayed from the registry entries alone, read before the walk: it gives
    /// every key's compromise time (so entries signed after it are flagged though the
    /// revocation comes later) and the keys signatures can be checked against in the
    /// background. Entries it cannot replay are skipped: the walk checks each one at its seq.
    func registryAhead(_ source: some LedgerSource) throws -> Registry {
        var ahead = Registry(policy: policy)
        try source.forEachRegistryRow { row in
            guard let env = try? Envelope(json: row.envelope), let signature = env.signatures.first,
                  let st = try? Statement.decode(env.payload), row.seq >= ahead.size else { return }
            _ = ahead.replay(seq: row.seq, statement: st, signerReference: signature.keyID, appendedAtMillis: row.appendedAtMillis)
        }
        return ahead
    }
}
