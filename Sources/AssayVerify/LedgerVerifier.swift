import Dispatch
public import AssayCrypto
import AssayLog
public import AssayModel

/// A finding handed back from a background worker.
final class FindingBox: @unchecked Sendable {
    var value: Finding?
}

/// A stored record as a verifier sees it: every field as stored, nothing trusted.
public struct RecordRow: Sendable {
    public let seq: UInt64
    public let appendedAtMillis: Int64
    public let kind: String
    public let signer: String
    public let envelope: [UInt8]
    public let leafHash: [UInt8]
    public let chainHash: [UInt8]

    public init(seq: UInt64, appendedAtMillis: Int64, kind: String, signer: String, envelope: [UInt8], leafHash: [UInt8], chainHash: [UInt8]) {
        self.seq = seq
        self.appendedAtMillis = appendedAtMillis
        self.kind = kind
        self.signer = signer
        self.envelope = envelope
        self.leafHash = leafHash
        self.chainHash = chainHash
    }
}

/// Where a full verification reads a ledger from. AssayVerify never imports the store:
/// anything that can list records, stored tree nodes and checkpoints can be verified.
public protocol LedgerSource {
    /// Streams every record in stored order (by `seq`); stop when `body` returns false.
    func forEachRow(_ body: (RecordRow) throws -> Bool) throws
    /// Streams the stored interior tree nodes of `level` (≥ 1) in index order.
    func storedNodes(level: UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])>
    /// The stored checkpoint notes with the size each is stored under.
    func checkpointNotes() throws -> [(size: UInt64, note: [UInt8])]
    /// The origin recorded in the ledger's metadata, if any.
    func declaredOrigin() throws -> String?
    /// Problems with the container itself (missing append-only triggers …).
    func containerProblems() throws -> [String]
    /// Streams only the registry records (genesis, registrations, revocations), in order:
    /// read before the main walk so that entries signed after a key's compromise time can
    /// be flagged even though the revocation comes later.
    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws
}

/// The outcome of verifying a whole ledger.
public struct LedgerReport: Sendable {
    /// Records walked.
    public var entries: UInt64 = 0
    /// Distinct signing keys registered (operator included).
    public var signers: Int = 0
    /// Chain hash of the last record.
    public var headHash: Digest = .zero
    /// Merkle root recomputed from every leaf.
    public var root: Digest = Merkle.emptyRoot
    /// The ledger origin from genesis.
    public var origin: String?
    /// Stored checkpoints whose signature, root and chain head were checked.
    public var checkpointsChecked: Int = 0
    /// Stored interior tree nodes compared with the recomputed ones.
    public var nodesChecked: UInt64 = 0
    /// The first failure; nil when the ledger verifies.
    public var failure: Finding?
    /// Things worth an auditor's attention that do not break integrity.
    public var warnings: [Finding] = []

    public var ok: Bool { failure == nil }
}

/// Walks a whole ledger: recomputes every leaf and chain hash, checks sequence numbers,
/// times, envelopes, statements, signers and signatures, recomputes the Merkle tree and
/// compares it with the stored nodes and every stored checkpoint. Memory stays
/// O(batch + log n): records are streamed.
public struct LedgerVerifier {
    public var policy: WritePolicy
    /// Entries checked per parallel batch.
    public var batchSize: Int
    /// Called after each batch with the number of entries done.
    public var progress: ((UInt64) -> Void)?

    public init(policy: WritePolicy = .default, batchSize: Int = 2048, progress: ((UInt64) -> Void)? = nil) {
        self.policy = policy
        self.batchSize = batchSize
        self.progress = progress
    }

    /// Verifies `source`. Throws only for I/O; what is wrong comes back in the report.
    public func verify(_ source: some LedgerSource, externalCheckpoints: [[UInt8]] = []) throws -> LedgerReport {
        var report = LedgerReport()
        var registry = Registry(policy: policy)
        var range = CompactRange()
        var chain = Digest.zero
        var expectedSeq: UInt64 = 0
        var lastTime: Int64 = .min
        var batch: [RecordRow] = []
        var failure: Finding? = nil
        var nodeCursors: [UInt8: any IteratorProtocol<(index: UInt64, hash: [UInt8])>] = [:]
        var checkpoints = try source.checkpointNotes().map { (size: $0.size, note: $0.note, external: false) }
        // Checkpoints from outside (an auditor's, a witness's): same checks, keyed by the size they claim.
        for note in externalCheckpoints {
            guard let n = try? SignedNote(parsing: note), let c = try? Checkpoint(parsing: n.text) else {
                report.failure = Finding(.checkpoint, seq: nil, "a given checkpoint is not a well-formed signed checkpoint note")
                return report
            }
            checkpoints.append((c.size, note, true))
        }
        checkpoints.sort { $0.size < $1.size }
        var cpIndex = 0
        var compromised: [String: (effective: Int64, revokedAt: UInt64)] = [:]
        var pendingSignatures: (DispatchGroup, FindingBox)? = nil

        for problem in try source.containerProblems() {
            report.warnings.append(Finding(.schema, seq: nil, problem))
        }

        // Compromise revocations, read ahead (they are verified in the main walk like any entry).
        try source.forEachRegistryRow { row in
            guard let env = try? Envelope(json: row.envelope), let st = try? Statement.decode(env.payload),
                  case .keyRevocation(let r) = st, r.reason == .compromise else { return }
            compromised[r.revokedKey] = (r.effectiveTime.epochMillis, row.seq)
        }

        func checkCheckpoints(atSize size: UInt64, chain: Digest) {
            while failure == nil, cpIndex < checkpoints.count, checkpoints[cpIndex].size <= size {
                let cp = checkpoints[cpIndex]
                cpIndex += 1
                if cp.size < size { continue } // size 0 handled before the walk
                failure = checkCheckpoint(cp, size: size, root: range.root, chain: chain, registry: registry)
                if failure == nil { report.checkpointsChecked += 1 }
            }
        }

        func flush() throws {
            guard failure == nil, !batch.isEmpty else { batch.removeAll(keepingCapacity: true); return }
            // Integrity of the stored hashes, sequence and time, in order.
            var integrityFailure: Finding? = nil
            var upTo = batch.count
            var leaves: [Digest] = []
            var chains: [Digest] = []
            leaves.reserveCapacity(batch.count)
            chains.reserveCapacity(batch.count)
            let recomputed = batch.concurrentMap(minimumChunk: 256) { row in
                LedgerRecord(seq: row.seq, appendedAtMillis: row.appendedAtMillis, envelope: row.envelope).leafHash
            }
            for (i, row) in batch.enumerated() {
                if row.seq != expectedSeq {
                    let msg = row.seq > expectedSeq ? "record \(expectedSeq) is missing (next stored record is \(row.seq))"
                                                    : "record \(row.seq) is stored out of order or twice"
                    integrityFailure = Finding(.sequence, seq: expectedSeq, msg, expected: "\(expectedSeq)", found: "\(row.seq)")
                    upTo = i; break
                }
                let leaf = recomputed[i]
                if leaf.bytes != row.leafHash {
                    integrityFailure = Finding(.leafHash, seq: row.seq, "stored leaf hash does not match the record", expected: leaf.hex, found: Hex.encode(row.leafHash))
                    upTo = i; break
                }
                let next = LedgerRecord.chainHash(previous: chain, leaf: leaf)
                if next.bytes != row.chainHash {
                    integrityFailure = Finding(.chainHash, seq: row.seq, "stored chain hash does not link to the previous record", expected: next.hex, found: Hex.encode(row.chainHash))
                    upTo = i; break
                }
                if row.appendedAtMillis < lastTime {
                    integrityFailure = Finding(.time, seq: row.seq, "record time goes backwards", expected: "≥ \(Timestamp(epochMillis: lastTime).text)", found: Timestamp(epochMillis: row.appendedAtMillis).text)
                    upTo = i; break
                }
                lastTime = row.appendedAtMillis
                chain = next
                expectedSeq += 1
                leaves.append(leaf)
                chains.append(next)
            }
            // Envelopes, statements, signers and signatures of the intact prefix.
            let pending = batch[..<upTo].map { PendingEntry(seq: $0.seq, appendedAtMillis: $0.appendedAtMillis, envelopeBytes: $0.envelope) }
            let (passed, entryFailure) = EntryChecker.resolve(pending, registry: &registry, requireCanonical: true)
            // The previous batch's signatures were checked in the background meanwhile.
            settleSignatures()
            failure = [failure, integrityFailure, entryFailure].compactMap { $0 }.min { ($0.seq ?? 0) < ($1.seq ?? 0) }
            // This batch's signatures, on all cores, while the next batch is read and parsed.
            let box = FindingBox()
            let group = DispatchGroup()
            DispatchQueue.global(qos: .userInitiated).async(group: group) { box.value = EntryChecker.verifySignatures(passed) }
            pendingSignatures = (group, box)
            // Stored derived columns, compromise flags, tree and checkpoints for the entries that passed.
            for (i, entry) in passed.enumerated() {
                let row = batch[i]
                if failure != nil, let f = failure?.seq, entry.seq >= f { break }
                if row.kind != entry.statement.kind.rawValue || row.signer != entry.envelope.signatures[0].keyID {
                    failure = Finding(.storedColumns, seq: row.seq, "stored kind/signer columns do not match the signed envelope",
                                      expected: "\(entry.statement.kind.rawValue) by \(entry.envelope.signatures[0].keyID)", found: "\(row.kind) by \(row.signer)")
                    break
                }
                if let c = compromised[entry.signer.reference], entry.appendedAtMillis >= c.effective, entry.seq < c.revokedAt {
                    report.warnings.append(Finding(.compromise, seq: entry.seq, "signed by \(entry.signer.reference) after its compromise time (revoked at seq \(c.revokedAt))"))
                }
                if let m = try appendLeaf(leaves[i], seq: entry.seq) { failure = m; break }
                report.entries = entry.seq + 1
                checkCheckpoints(atSize: entry.seq + 1, chain: chains[i])
                if failure != nil { break }
            }
            batch.removeAll(keepingCapacity: true)
            progress?(report.entries)
        }

        func settleSignatures() {
            guard let (group, box) = pendingSignatures else { return }
            group.wait()
            pendingSignatures = nil
            if let f = box.value { failure = [failure, f].compactMap { $0 }.min { ($0.seq ?? 0) < ($1.seq ?? 0) } }
        }

        func appendLeaf(_ leaf: Digest, seq: UInt64) throws -> Finding? {
            var mismatch: Finding? = nil
            try range.append(leaf) { id, hash in
                guard mismatch == nil else { return }
                if nodeCursors[id.level] == nil { nodeCursors[id.level] = try source.storedNodes(level: id.level) }
                guard let stored = nodeCursors[id.level]!.next() else {
                    mismatch = Finding(.merkle, seq: seq, "tree node \(id) is missing from the ledger")
                    return
                }
                report.nodesChecked += 1
                if stored.index != id.index || stored.hash != hash.bytes {
                    mismatch = Finding(.merkle, seq: seq, "stored tree node \(id) does not match the records",
                                       expected: hash.hex, found: stored.index == id.index ? Hex.encode(stored.hash) : "node (\(id.level), \(stored.index))")
                }
            }
            return mismatch
        }

        // A checkpoint for size 0 is meaningless; flag it.
        if let zero = checkpoints.first, zero.size == 0 {
            failure = Finding(.checkpoint, seq: nil, "a checkpoint is stored for tree size 0")
        }

        try source.forEachRow { row in
            batch.append(row)
            if batch.count >= batchSize { try flush() }
            return failure == nil
        }
        try flush()
        settleSignatures()
        if let s = failure?.seq { report.entries = min(report.entries, s) }

        if failure == nil, cpIndex < checkpoints.count {
            let cp = checkpoints[cpIndex]
            failure = Finding(.checkpoint, seq: report.entries,
                              "a signed checkpoint covers \(cp.size) records but the ledger holds only \(report.entries): records were removed",
                              expected: "\(cp.size) records", found: "\(report.entries)")
        }
        if failure == nil {
            // Nodes stored beyond what the records produce.
            for (level, cursor) in nodeCursors {
                var c = cursor
                if let extra = c.next() {
                    failure = Finding(.merkle, seq: nil, "stored tree node (\(level), \(extra.index)) is beyond the tree of \(report.entries) records")
                    break
                }
            }
        }
        if failure == nil, report.entries == 0 {
            failure = Finding(.sequence, seq: 0, "the ledger is empty: it has no genesis entry")
        }
        if failure == nil, let declared = try source.declaredOrigin(), declared != registry.origin {
            failure = Finding(.schema, seq: 0, "ledger metadata origin does not match the genesis entry", expected: registry.origin ?? "", found: declared)
        }
        report.failure = failure
        report.headHash = chain
        report.root = range.root
        report.origin = registry.origin
        report.signers = registry.keyCount
        return report
    }

    func checkCheckpoint(_ cp: (size: UInt64, note: [UInt8], external: Bool), size: UInt64, root: Digest, chain: Digest, registry: Registry) -> Finding? {
        let which = cp.external ? "given checkpoint" : "stored checkpoint"
        guard let opRef = registry.operatorReference, let op = registry.keys[opRef] else {
            return Finding(.checkpoint, seq: size - 1, "checkpoint for size \(size) but no operator key")
        }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(parsing: cp.note, logKey: op.verifierKey, origin: registry.origin)
        } catch {
            return Finding(.checkpoint, seq: size - 1, "\(which) for size \(size) does not verify: \(error.message)")
        }
        let c = signed.checkpoint
        guard c.size == size else {
            return Finding(.checkpoint, seq: size - 1, "\(which) stored under size \(size) says size \(c.size)")
        }
        guard c.rootHash == root.bytes else {
            return Finding(.checkpoint, seq: size - 1, "\(which) root for size \(size) does not match the recomputed tree: the log was rewritten or forked",
                           expected: Hex.encode(c.rootHash), found: root.hex)
        }
        if let head = c.chainHead, head != chain {
            return Finding(.checkpoint, seq: size - 1, "\(which) chain head for size \(size) does not match the records",
                           expected: head.hex, found: chain.hex)
        }
        return nil
    }
}
