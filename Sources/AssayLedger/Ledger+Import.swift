public import AssayCrypto
public import AssayModel
public import AssayLog
import AssayVerify

/// What one EPCIS import did, event by event (indices into the document's `eventList`).
public struct ImportReport: Sendable {
    /// An event the ledger already held, found by its `eventID`, its hash ID or its envelope bytes.
    public struct Present: Sendable, Equatable {
        public let index: Int
        public let eventID: String?
        public let hashID: String
        public let seq: UInt64
        /// `eventID`, `hash ID` or `envelope`.
        public let matchedBy: String
    }
    /// An event refused: its `eventID` names a different event already in the ledger (or
    /// earlier in the document).
    public struct Refusal: Sendable, Equatable {
        public let index: Int
        public let eventID: String
        public let hashID: String
        /// The seq of the stored event with that `eventID`; nil when it is an earlier event of this document.
        public let existingSeq: UInt64?
        public let existingIndex: Int?
    }
    public var appended: [(index: Int, record: StoredRecord)] = []
    public var alreadyPresent: [Present] = []
    public var refused: [Refusal] = []
}

extension Ledger {
    /// The CBV 2.0 event hash ID (`ni:///sha-256;…?ver=CBV2.0`) of an event JSON object.
    public static func hashID(of event: JSONValue) -> String { EventIndex.hashID(of: event) }

    /// Fills the event index of a ledger made before it existed (an empty `event_ids` table
    /// beside stored EPCIS records): one write transaction that indexes every EPCIS record from
    /// its signed bytes, as an append would have. Checked again under the write lock, so two
    /// processes opening the file at once fill it once.
    func fillEventIndexIfNeeded() throws {
        guard try mapStoreErrors({ try store.eventIndexNeedsBackfill() }) else { return }
        var filled = 0
        try mapStoreErrors {
            try store.write { tx in
                guard try tx.reader.eventIndexNeedsBackfill() else { return }
                try tx.reader.forEachRecord(from: 0, through: nil) { r in
                    if let env = try? Envelope(json: r.envelope), let statement = try? Statement.decode(env.payload) {
                        let ids = EventIndex.ids(of: statement, payload: env.payload)
                        if !ids.isEmpty {
                            try tx.indexEvent(ids: ids, seq: r.seq)
                            filled += 1
                        }
                    }
                    return true
                }
            }
        }
        logger.notice("filled the event index from the stored records", metadata: ["events": "\(filled)"])
    }

    /// Imports an EPCIS 2.0 document (JSON-LD): signs each event with `signer` and appends them
    /// all in one transaction. What is signed is decided before anything is signed: EPCIS events
    /// only (`EPCISDocument.importablePayloads`), never Assay's own kinds, and never with the
    /// operator's key, which signs only genesis, registrations, revocations and checkpoints.
    ///
    /// Never twice: an event whose `eventID` or CBV 2.0 hash ID the ledger already holds (the
    /// `event_ids` index, no scan) is reported as already present with its seq and not appended.
    /// An event whose `eventID` is already held by a different event (another hash ID), in the
    /// ledger or earlier in the document, is refused, and then nothing at all is appended: the
    /// report lists the refusals and `appended` is empty.
    /// - Parameter label: names the document in messages (`events.jsonld event 3`).
    /// - Throws: `LedgerError(.rejected)` naming the problem; nothing is appended.
    public func importEPCIS(_ document: [UInt8], signer: NamedSigningKey, label: String,
                            progress: ((UInt64) -> Void)? = nil) throws -> ImportReport {
        let payloads: [[UInt8]]
        do { payloads = try EPCISDocument(bytes: document).importablePayloads() } catch {
            throw LedgerError(.rejected, "\(label): \(error.description)")
        }
        let registry = try currentRegistry()
        let operatorKey = registry.operatorKey?.verifierKey
        if signer.keyReference.description == registry.operatorReference || operatorKey?.publicKey == signer.key.publicKey {
            throw LedgerError(.rejected, "the ledger operator's key signs only genesis, registrations, revocations and checkpoints; import with the key of the party whose events these are")
        }
        var report = ImportReport()
        // Earlier events of this document, by id: (index, hash ID).
        var seen: [String: (index: Int, hash: String)] = [:]
        var sameAs: [Int: Int] = [:]  // a repeat within the document → the index it repeats
        var toAppend: [Int] = []
        // The signer's party: only its own events count as the same event (FORMAT.md §14.3).
        // An unregistered signer is refused by the append below.
        let party = registry.keys[signer.keyReference.description]?.partyId
        var lookup = EventLookup()
        for (i, payload) in payloads.enumerated() {
            let json = try JSONValue.parse(payload)
            let hash = Self.hashID(of: json)
            let eventID = EventIndex.eventID(of: json)
            let isCorrection: Bool
            if case .object(let o) = json { isCorrection = o["errorDeclaration"] != nil } else { isCorrection = false }
            // The ledger first (the append checks again under the write lock).
            if let party {
                let ids = eventID.map { $0 == hash ? [hash] : [$0, hash] } ?? [hash]
                try mapStoreErrors { try lookup.load(ids, from: store) }
                let held = try mapStoreErrors { try lookup.held(ids, reader: store, registry: registry) }
                switch EventIndex.decide(.init(party: party, eventID: eventID, hashID: hash, isCorrection: isCorrection), held: held) {
                case .new: break
                case .present(let seq, let by):
                    report.alreadyPresent.append(.init(index: i, eventID: eventID, hashID: hash, seq: seq, matchedBy: by))
                    continue
                case .conflict(let seq):
                    report.refused.append(.init(index: i, eventID: eventID ?? hash, hashID: hash, existingSeq: seq, existingIndex: nil))
                    continue
                }
            }
            // Then this document (an error declaration is another sort of fact than the event it corrects).
            let sort = isCorrection ? "errorDeclaration " : ""
            if let eventID, let earlier = seen[sort + eventID] {
                if earlier.hash == hash { sameAs[i] = earlier.index } else {
                    report.refused.append(.init(index: i, eventID: eventID, hashID: hash, existingSeq: nil, existingIndex: earlier.index))
                }
                continue
            }
            if let earlier = seen[sort + hash] { sameAs[i] = earlier.index; continue }
            if let eventID { seen[sort + eventID] = (i, hash) }
            seen[sort + hash] = (i, hash)
            toAppend.append(i)
        }
        guard report.refused.isEmpty else { return report }
        let items: [AppendItem] = toAppend.map { i in
            .init(label: "\(label) event \(i + 1)", bytes: Envelope.sign(payload: payloads[i], with: signer).canonicalJSON)
        }
        let outcomes = items.isEmpty ? [] : try appendDetailed(items, progress: progress)
        var recordOf: [Int: StoredRecord] = [:]
        for (n, (i, outcome)) in zip(toAppend, outcomes).enumerated() {
            recordOf[i] = outcome.record
            switch outcome {
            case .appended(let r): report.appended.append((i, r))
            case .alreadyPresent(let r):
                // The same envelope, or (when another importer got there first) the same event.
                let json = (try? JSONValue.parse(payloads[i])) ?? .null
                let eventID = EventIndex.eventID(of: json)
                let by = r.envelope == items[n].bytes ? "envelope" : (eventID != nil && Self.eventID(of: r) == eventID ? "eventID" : "hash ID")
                report.alreadyPresent.append(.init(index: i, eventID: eventID, hashID: Self.hashID(of: json), seq: r.seq, matchedBy: by))
            }
        }
        for (i, j) in sameAs.sorted(by: { $0.key < $1.key }) {
            guard let r = recordOf[j] else { continue }
            let json = (try? JSONValue.parse(payloads[i])) ?? .null
            report.alreadyPresent.append(.init(index: i, eventID: Self.eventID(payloads[i]), hashID: Self.hashID(of: json),
                                               seq: r.seq, matchedBy: "an earlier event of this document"))
        }
        report.alreadyPresent.sort { $0.index < $1.index }
        return report
    }

    /// The `eventID` of a stored record's event.
    static func eventID(of record: StoredRecord) -> String? {
        guard let env = try? Envelope(json: record.envelope) else { return nil }
        return eventID(env.payload)
    }

    static func eventID(_ payload: [UInt8]) -> String? {
        guard case .object(let o)? = try? JSONValue.parse(payload), case .string(let id)? = o["eventID"] else { return nil }
        return id
    }

    /// Streams the stored records from `seq` on, in order; stop when `body` returns false.
    public func forEachRecord(from seq: UInt64 = 0, _ body: (StoredRecord) throws -> Bool) throws {
        try mapStoreErrors { try store.forEachRecord(from: seq, through: nil, body) }
    }

    /// How many witness cosignatures are stored for the checkpoint of `size`.
    public func cosignatureCount(size: UInt64) throws -> Int {
        try mapStoreErrors { try store.cosignatures(size: size).count }
    }
}
