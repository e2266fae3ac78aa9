public import AssayCrypto
public import AssayLog
import AssayCore
import AssayModel
import AssayStore
public import AssayVerify

/// Envelopes made ready for a group commit without the ledger's lock: parsed, canonicalised,
/// subjects normalised, signatures checked against the signer keys known when they were prepared.
public struct PreparedGroup: Sendable {
    let items: [PreparedItem]
    /// One label per item, for messages (`envelope`, `envelopes[3]`).
    public let labels: [String]

    /// Number of envelopes.
    public var count: Int { items.count }

    /// The empty group.
    public init() {
        items = []
        labels = []
    }

    init(items: [PreparedItem], labels: [String]) {
        self.items = items
        self.labels = labels
    }

    /// The groups one after the other (their order is the commit order).
    public static func joined(_ groups: [PreparedGroup]) -> PreparedGroup {
        PreparedGroup(items: groups.flatMap(\.items), labels: groups.flatMap(\.labels))
    }

    /// Items `range` of this group.
    public func slice(_ range: Range<Int>) -> PreparedGroup {
        PreparedGroup(items: Array(items[range]), labels: Array(labels[range]))
    }
}

/// Why one envelope of a group was refused (the others still commit).
public struct EntryRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which rule refused it.
    public enum Reason: Sendable, Equatable {
        /// A check of the one entry path (`envelope`, `statement`, `signature`, `registry`,
        /// `authorization` …), as the verifier names it.
        case check(Finding.Check)
        /// The statement's `eventTime` lies more than the tolerance after the ledger's clock.
        case futureEventTime
        /// Its EPCIS `eventID` already names a different event of the same party (§14.3).
        case eventConflict
    }

    public let reason: Reason
    /// The one-line reason, as `assay append` prints it: `<label>: <reason> (would be seq N)`.
    public let message: String

    public init(_ reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }
}

/// What committing one group did.
public struct GroupCommit: Sendable {
    /// One outcome per item, in order: appended, already present, or refused.
    public let outcomes: [Result<AppendOutcome, EntryRejection>]
    /// The checkpoint for the tree after the group (the stored latest one when the group
    /// appended nothing and it covers the tree); nil when every envelope was refused.
    public let checkpoint: SignedNote?
    /// The tree size the checkpoint commits to.
    public let treeSize: UInt64
    /// The signer keys after the group (its registrations and revocations applied): what the
    /// next group is prepared against.
    public let keys: [String: PublicKey]
    /// The tree nodes the group completed (for its inclusion proofs, `inclusionProofs(for:treeSize:known:)`).
    public let nodes: [NodeID: Digest]
}

extension Ledger {
    /// The signer keys of the committed registry, by key reference: what `prepareGroup` checks
    /// signatures against ahead of the in-order authorisation.
    public func signerKeys() throws -> [String: PublicKey] {
        try currentRegistry().publicKeys
    }

    /// Builds what every group's checkpoint needs in memory — the subject index (FORMAT.md §13)
    /// of the stored ledger — so that the first group after a start does not pay for reading
    /// the whole ledger's subjects. Optional: without it the first checkpoint builds it.
    public func warmUpForGroups() throws {
        let n = try size()
        _ = try withSubjectIndex(at: n) { $0.root() }
    }

    /// Prepares envelopes for `commitGroup` on all cores, without the ledger's lock: parse
    /// the envelope and statement, canonicalise, normalise subjects, compute event ids and
    /// check the signature against `keys` (a key not there, or replaced meanwhile, is checked
    /// again in order at commit). Blocks the calling thread for the work: call it from a
    /// thread of its own or a dispatch queue, never from Swift's cooperative pool.
    public static func prepareGroup(_ items: [AppendItem], keys: [String: PublicKey]) -> PreparedGroup {
        let prepared = items.map(\.bytes).concurrentMap(minimumChunk: 16) { bytes in PreparedItem(bytes, keys: keys) }
        return PreparedGroup(items: prepared, labels: items.map(\.label))
    }

    /// Commits a prepared group in one write transaction and signs one checkpoint for it in
    /// that same transaction: each envelope takes the checks of `append` (authorisation at its
    /// real position, signature, the event rules, the clock) in order; one that fails is
    /// refused on its own — it takes no sequence number and leaves the registry unchanged — and
    /// the others are appended. An envelope the ledger already holds (or that came earlier in
    /// the group) is not appended again: its existing record is its outcome. Durable when this
    /// returns (the storage commits synchronously); nothing of the group is visible before.
    /// - Parameters:
    ///   - key: the operator's signing key (refused when it is not the genesis operator key).
    ///   - now: the append time (default: the clock); never below the last record's.
    /// - Returns: one outcome per item, the checkpoint, and the signer keys after the group.
    /// - Throws: `LedgerError` when the transaction fails (storage, a busy lock, an
    ///   inconsistent tree): then nothing of the group was written.
    public func commitGroup(_ group: PreparedGroup, key: NamedSigningKey, now: Int64? = nil) throws -> GroupCommit {
        try state.withLock { st in
            do {
                return try commitGroup(group, key: key, now: now, state: &st)
            } catch {
                // The cached subject index may have been brought forward inside the rolled-back
                // transaction: drop it (it is rebuilt from storage on next use).
                st.index = nil
                throw error
            }
        }
    }

    /// `commitGroup` under the ledger's lock.
    private func commitGroup(_ group: PreparedGroup, key: NamedSigningKey, now: Int64?, state st: inout State) throws -> GroupCommit {
        try refreshRegistry(&st)
        _ = try operatorIdentity(key, state: st)
        let time0 = now ?? st.clock()
        let chunk = Self.pipelineChunk
        let (outcomes, reg, lastSeq, note, size, nodes) = try mapStoreErrors {
            try store.write { tx -> ([Result<AppendOutcome, EntryRejection>], Registry, Int64, SignedNote?, UInt64, [NodeID: Digest]) in
                tx.collectsNodes = true
                try refreshRegistry(&st)
                let time = max(time0, tx.lastAppendedAtMillis)
                let start = (size: tx.size, root: tx.range.root)
                var reg = st.registry
                var out: [Result<AppendOutcome, EntryRejection>] = []
                out.reserveCapacity(group.count)
                var appendedHere: [Digest: StoredRecord] = [:]
                var events = EventLookup()
                var lo = 0
                while lo < group.count {
                    let hi = min(lo + chunk, group.count)
                    let items = group.items[lo..<hi]
                    let known = try existingRecords(Array(items), in: tx.reader)
                    try events.load(items.flatMap(\.eventIDs), from: tx.reader)
                    for (offset, p) in items.enumerated() {
                        let label = group.labels[lo + offset]
                        out.append(try commitOne(p, label: label, time: time, tx: tx, registry: &reg, known: known,
                                                 appendedHere: &appendedHere, events: &events))
                    }
                    lo = hi
                }
                // The checkpoint for the tree after the group, in the same transaction: a group
                // and its checkpoint become durable together. A group whose every envelope was
                // refused writes nothing at all.
                let anyRecord = out.contains { if case .success = $0 { true } else { false } }
                let note = anyRecord ? try signCheckpoint(in: tx, with: key, now: time, state: &st, start: start) : nil
                return (out, reg, Int64(tx.size) - 1, note, tx.size, tx.appendedNodes)
            }
        }
        // Only a committed group updates the cached registry.
        st.registry = reg
        st.registrySeq = lastSeq
        st.knownSize = max(st.knownSize, size)
        return GroupCommit(outcomes: outcomes, checkpoint: note, treeSize: size, keys: reg.publicKeys, nodes: nodes)
    }

    /// One envelope of a group at the next position of `tx`: the same checks, in the same
    /// order and with the same messages, as `pipelinedAppend`; a refusal is returned, not thrown.
    private func commitOne(_ p: PreparedItem, label: String, time: Int64, tx: WriteTransaction, registry reg: inout Registry,
                           known: [Digest: StoredRecord], appendedHere: inout [Digest: StoredRecord],
                           events: inout EventLookup) throws -> Result<AppendOutcome, EntryRejection> {
        let seq = tx.size
        func refuse(_ why: EntryRejection.Reason, _ reason: String) -> Result<AppendOutcome, EntryRejection> {
            .failure(EntryRejection(why, message: "\(label): \(reason) (would be seq \(seq))"))
        }
        let e: EntryChecker.Parsed
        switch p.parsed {
        case .failure(let r): return refuse(.check(r.check), r.message)
        case .success(let parsed): e = parsed
        }
        if let present = try known[p.envelopeHash] ?? appendedHere[p.envelopeHash]
            ?? (p.subjects.isEmpty ? tx.reader.registryRecord(withEnvelope: p.canonical) : nil) {
            return .success(.alreadyPresent(present))
        }
        if let ev = p.event, let party = reg.keys[e.envelope.signatures[0].keyID]?.partyId {
            let offered = EventIndex.Identity(party: party, eventID: ev.eventID, hashID: ev.hashID, isCorrection: ev.isCorrection)
            switch EventIndex.decide(offered, held: try events.held(p.eventIDs, reader: tx.reader, registry: reg)) {
            case .new: break
            case .present(let at, _):
                if let r = try tx.reader.record(at: at) { return .success(.alreadyPresent(r)) }
            case .conflict(let at):
                return .failure(EntryRejection(.eventConflict, message: "\(label): eventID \(Terminal.text(ev.eventID ?? "")) already names a different event of \(party) at seq \(at) (hash ID \(ev.hashID)); nothing was appended (would be seq \(seq))"))
            }
        }
        // A statement dated in the future is refused after the entry path's own checks (as in
        // append): admit it on a copy, so that the refusal leaves the registry unchanged.
        let future = e.statement.eventTime.epochMillis > time &+ Self.maxEventTimeSkewMillis
        let admitted: Result<CheckedEntry, Registry.Rejection>
        if future {
            var scratch = reg
            admitted = EntryChecker.admit(e, seq: seq, appendedAtMillis: time, registry: &scratch, precheck: p.signature)
        } else {
            admitted = EntryChecker.admit(e, seq: seq, appendedAtMillis: time, registry: &reg, precheck: p.signature)
        }
        if case .failure(let r) = admitted { return refuse(.check(r.check), r.message) }
        if future {
            return refuse(.futureEventTime, "eventTime \(e.statement.eventTime.text) is more than \(Self.maxEventTimeSkewMillis / 3_600_000) hours after the ledger's clock (\(Timestamp(epochMillis: time).text)): a statement cannot record the future")
        }
        let record = try tx.append(envelope: p.canonical, kind: e.statement.kind.rawValue,
                                   signer: e.envelope.signatures[0].keyID, subjects: p.subjects, eventIDs: p.eventIDs, now: time)
        appendedHere[p.envelopeHash] = record
        events.appended(p.eventIDs, seq: seq)
        return .success(.appended(record))
    }
}
