import AssayCore
import AssayCrypto
import AssayLog
import AssayModel
import AssayStore
import AssayVerify

/// One item of a batch as the background threads leave it for the in-order writer.
///
/// A class, not a struct: an item holds many references (the envelope's and statement's
/// arrays and strings), and groups are sliced, joined and handed between threads, which
/// copied every one of them each time (a profile of batched submissions put 8% of the
/// server's CPU in those copies); an instance is immutable, so sharing it is safe.
final class PreparedItem: Sendable {
    let parsed: Result<EntryChecker.Parsed, Registry.Rejection>
    /// The bytes to store: the input itself when it was already canonical.
    let canonical: [UInt8]
    let subjects: [String]
    /// The EPCIS event's `eventID` and hash ID (`EventIndex.ids`), for the event index.
    let eventIDs: [String]
    /// The EPCIS event's identity for the duplicate rule (its party is set in order, from the
    /// registry); nil for other kinds.
    let event: EventIndex.Identity?
    let signature: EntryChecker.SignatureCheck?
    /// SHA-256 of `canonical`: how an envelope already appended in this batch is recognised.
    let envelopeHash: Digest

    init(parsed: Result<EntryChecker.Parsed, Registry.Rejection>, canonical: [UInt8], subjects: [String], eventIDs: [String],
         event: EventIndex.Identity?, signature: EntryChecker.SignatureCheck?, envelopeHash: Digest) {
        self.parsed = parsed
        self.canonical = canonical
        self.subjects = subjects
        self.eventIDs = eventIDs
        self.event = event
        self.signature = signature
        self.envelopeHash = envelopeHash
    }
}

extension PreparedItem {
    /// The work that needs no ledger state, for one envelope: parse the envelope and
    /// statement, canonicalise, normalise subjects, compute event ids, and check the signature
    /// against the key `keys` holds under its reference (the committed registry's keys).
    convenience init(_ bytes: [UInt8], keys: [String: PublicKey]) {
        switch EntryChecker.parse(bytes, requireCanonical: false) {
        case .failure(let r):
            self.init(parsed: .failure(r), canonical: [], subjects: [], eventIDs: [], event: nil, signature: nil, envelopeHash: .zero)
        case .success(let p):
            let canonical = p.isCanonical ? bytes : p.envelope.canonicalJSON
            let event = EventIndex.Identity(statement: p.statement, payload: p.envelope.payload, party: "")
            let ids = event.map { e in e.eventID.map { $0 == e.hashID ? [e.hashID] : [$0, e.hashID] } ?? [e.hashID] } ?? []
            self.init(parsed: .success(p), canonical: canonical, subjects: p.statement.subjects,
                      eventIDs: ids, event: event,
                      signature: EntryChecker.SignatureCheck(p.envelope, keys: keys), envelopeHash: SHA256.hash(canonical))
        }
    }
}

extension Ledger {
    /// Entries per pipeline chunk.
    static let pipelineChunk = 128

    /// How far a statement's `eventTime` may lie after the append time: 24 hours (clocks and
    /// time zones differ; a party cannot record the future). The audit default is the same.
    public static let maxEventTimeSkewMillis: Int64 = 24 * 3_600_000

    /// The append path. Background threads (all cores) take the batch chunk by chunk: parse
    /// the envelope and statement, prepare what the write needs (canonical bytes, normalised
    /// subjects) and check the signature against the key its reference names in the committed
    /// registry. Meanwhile this thread, holding the write lock (`BEGIN IMMEDIATE`), takes the
    /// chunks back in order, authorises each entry at its real position and writes it — so
    /// the SQLite writes overlap the signature checks and every core stays busy. A signature
    /// checked against a key other than the one authorisation resolves (a key registered in
    /// this batch, or a registration or revocation committed meanwhile) is checked again here.
    ///
    /// Before its checks, each entry is looked up: an envelope whose canonical bytes the ledger
    /// already holds (committed, or earlier in this batch) is not appended again. Candidates come
    /// from the subject index (an identical statement has identical subjects) or, for a
    /// statement with no subjects (genesis, revocations), from the registry records; the
    /// storage compares the envelope bytes.
    /// Runs under the ledger's lock (`state` is the locked state).
    func pipelinedAppend(_ items: [AppendItem], now: Int64?, state st: inout State, progress: ((UInt64) -> Void)? = nil) throws -> [AppendOutcome] {
        try refreshRegistry(&st)
        let keys = st.registry.publicKeys
        let pipeline = OrderedPipeline<[UInt8], PreparedItem> { bytes in PreparedItem(bytes, keys: keys) }
        // Small chunks first, so the writer starts early; full chunks in the middle; small
        // chunks again at the end, so the writer's last stretch (when the workers have nothing
        // left to do) is short.
        var lo = 0, ramp = 16
        while lo < items.count {
            let remaining = items.count - lo
            let hi = lo + min(remaining, ramp, max(16, remaining / 4))
            pipeline.submit(items[lo..<hi].map(\.bytes))
            lo = hi
            ramp = min(ramp * 2, Self.pipelineChunk)
        }
        // Whatever happens below, the workers finish before their inputs go away; after a
        // rejection they skip the chunks not yet started.
        defer {
            pipeline.cancel()
            pipeline.finish()
        }
        let time0 = now ?? st.clock()

        let (records, reg, lastSeq) = try mapStoreErrors {
            try store.write { tx -> ([AppendOutcome], Registry, Int64) in
                try refreshRegistry(&st)
                let time = max(time0, tx.lastAppendedAtMillis)
                var reg = st.registry
                var out: [AppendOutcome] = []
                out.reserveCapacity(items.count)
                var i = 0
                // Envelopes appended earlier in this batch, by hash (the committed ones come from
                // one lookup per chunk).
                var appendedHere: [Digest: StoredRecord] = [:]
                // Events held by the ledger (or appended in this batch) by event index id.
                var events = EventLookup()
                while let chunk = pipeline.next() {
                    let known = try existingRecords(chunk, in: tx.reader)
                    try events.load(chunk.flatMap(\.eventIDs), from: tx.reader)
                    for p in chunk {
                        let label = items[i].label
                        i += 1
                        let seq = tx.size
                        let e: EntryChecker.Parsed
                        switch p.parsed {
                        case .failure(let r): throw LedgerError(.rejected, "\(label): \(r.message) (would be seq \(seq))")
                        case .success(let parsed): e = parsed
                        }
                        if let present = try known[p.envelopeHash] ?? appendedHere[p.envelopeHash]
                            ?? (p.subjects.isEmpty ? tx.reader.registryRecord(withEnvelope: p.canonical) : nil) {
                            out.append(.alreadyPresent(present))
                            continue
                        }
                        // Never the same event twice (FORMAT.md §14.3), decided under the write lock so
                        // that concurrent importers cannot both append it.
                        if let ev = p.event, let party = reg.keys[e.envelope.signatures[0].keyID]?.partyId {
                            let offered = EventIndex.Identity(party: party, eventID: ev.eventID, hashID: ev.hashID, isCorrection: ev.isCorrection)
                            switch EventIndex.decide(offered, held: try events.held(p.eventIDs, reader: tx.reader, registry: reg)) {
                            case .new: break
                            case .present(let at, _):
                                if let r = try tx.reader.record(at: at) { out.append(.alreadyPresent(r)); continue }
                            case .conflict(let at):
                                throw LedgerError(.rejected, "\(label): eventID \(Terminal.text(ev.eventID ?? "")) already names a different event of \(party) at seq \(at) (hash ID \(ev.hashID)); nothing was appended (would be seq \(seq))")
                            }
                        }
                        // The one entry path (authorise, signature, apply), as verify and bundles take it.
                        switch EntryChecker.admit(e, seq: seq, appendedAtMillis: time, registry: &reg, precheck: p.signature) {
                        case .failure(let r): throw LedgerError(.rejected, "\(label): \(r.message) (would be seq \(seq))")
                        case .success: break
                        }
                        // A party cannot record the future: an event dated more than the tolerance
                        // after the log's clock is refused (auditors treat any that got in as not
                        // evidence). Throwing abandons `reg` and the transaction alike.
                        if e.statement.eventTime.epochMillis > time &+ Self.maxEventTimeSkewMillis {
                            throw LedgerError(.rejected, "\(label): eventTime \(e.statement.eventTime.text) is more than \(Self.maxEventTimeSkewMillis / 3_600_000) hours after the ledger's clock (\(Timestamp(epochMillis: time).text)): a statement cannot record the future (would be seq \(seq))")
                        }
                        let ref = e.envelope.signatures[0].keyID
                        let record = try tx.append(envelope: p.canonical, kind: e.statement.kind.rawValue,
                                                   signer: ref, subjects: p.subjects, eventIDs: p.eventIDs, now: time)
                        appendedHere[p.envelopeHash] = record
                        events.appended(p.eventIDs, seq: seq)
                        out.append(.appended(record))
                    }
                    progress?(UInt64(i))
                }
                return (out, reg, Int64(tx.size) - 1)
            }
        }
        // Only a committed batch updates the cached registry.
        st.registry = reg
        st.registrySeq = lastSeq
        return records
    }

    /// The stored records whose envelope is one of the chunk's (for items with subjects), by
    /// the hash of the envelope: one storage query per chunk instead of one per item.
    func existingRecords(_ chunk: [PreparedItem], in reader: any LedgerStorage) throws -> [Digest: StoredRecord] {
        let candidates = chunk.compactMap { p -> (subject: String, envelope: [UInt8])? in
            guard case .success = p.parsed, let subject = p.subjects.first else { return nil }
            return (subject, p.canonical)
        }
        var out: [Digest: StoredRecord] = [:]
        for r in try reader.records(matching: candidates) {
            let h = SHA256.hash(r.envelope)
            if out[h] == nil { out[h] = r } // records come in seq order: keep the first
        }
        return out
    }
}

/// The event index as one append sees it: rows loaded per chunk from the store, rows of this
/// batch's own appends, and the identity of each event they name (read once).
struct EventLookup {
    private var seqsByID: [String: Set<UInt64>] = [:]
    private var identities: [UInt64: EventIndex.Identity?] = [:]

    /// Loads the stored rows for `ids` (one query).
    mutating func load(_ ids: [String], from reader: any LedgerStorage) throws {
        let missing = Array(Set(ids.filter { seqsByID[$0] == nil }))
        for id in missing { seqsByID[id] = [] }
        for row in try reader.eventIndexRows(forIDs: missing) { seqsByID[row.id, default: []].insert(row.seq) }
    }

    mutating func appended(_ ids: [String], seq: UInt64) {
        for id in ids { seqsByID[id, default: []].insert(seq) }
    }

    /// The held events sharing one of `ids`, with their identities.
    mutating func held(_ ids: [String], reader: any LedgerStorage, registry: Registry) throws -> [(seq: UInt64, identity: EventIndex.Identity)] {
        let seqs = Set(ids.flatMap { seqsByID[$0] ?? [] }).sorted()
        var out: [(seq: UInt64, identity: EventIndex.Identity)] = []
        for seq in seqs {
            if identities[seq] == nil { identities[seq] = try Self.identity(at: seq, reader: reader, registry: registry) }
            if let id = identities[seq] ?? nil { out.append((seq, id)) }
        }
        return out
    }

    /// The identity of the stored event at `seq` (nil when it is not an EPCIS event).
    static func identity(at seq: UInt64, reader: any LedgerStorage, registry: Registry) throws -> EventIndex.Identity? {
        guard let r = try reader.record(at: seq), let env = try? Envelope(json: r.envelope),
              let statement = try? Statement.decode(env.payload) else { return nil }
        let party = registry.keys[r.signer]?.partyId ?? r.signer
        return EventIndex.Identity(statement: statement, payload: env.payload, party: party)
    }
}
