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
    /// The EPCIS event index rows of a statement: its `eventID` (when it has one) and its CBV 2.0
    /// event hash ID; none for other kinds.
    static func eventIDs(of statement: Statement, payload: [UInt8]) -> [String] {
        guard case .supplyChain = statement, let json = try? JSONValue.parse(payload) else { return [] }
        return eventIDs(of: json)
    }

    /// `eventID` (if any) and hash ID of an event JSON object.
    static func eventIDs(of event: JSONValue) -> [String] {
        let hash = hashID(of: event)
        if case .object(let o) = event, case .string(let id)? = o["eventID"], id != hash { return [id, hash] }
        return [hash]
    }

    /// The CBV 2.0 event hash ID (`ni:///sha-256;…?ver=CBV2.0`) of an event JSON object.
    public static func hashID(of event: JSONValue) -> String {
        EventHash.id(digestHex: SHA256.hash(Array(EventHash.preHash(event).utf8)).hex)
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
        for (i, payload) in payloads.enumerated() {
            let json = try JSONValue.parse(payload)
            let hash = Self.hashID(of: json)
            var eventID: String?
            if case .object(let o) = json, case .string(let id)? = o["eventID"] { eventID = id }
            // The ledger first.
            if let eventID, let seq = try mapStoreErrors({ try store.sequences(forEventID: eventID) }).first {
                let stored = try storedHashID(seq: seq)
                if stored == hash || eventID == hash {
                    report.alreadyPresent.append(.init(index: i, eventID: eventID, hashID: hash, seq: seq, matchedBy: "eventID"))
                } else {
                    report.refused.append(.init(index: i, eventID: eventID, hashID: hash, existingSeq: seq, existingIndex: nil))
                }
                continue
            }
            if let seq = try mapStoreErrors({ try store.sequences(forEventID: hash) }).first {
                report.alreadyPresent.append(.init(index: i, eventID: eventID, hashID: hash, seq: seq, matchedBy: "hash ID"))
                continue
            }
            // Then this document.
            if let eventID, let earlier = seen[eventID] {
                if earlier.hash == hash { sameAs[i] = earlier.index } else {
                    report.refused.append(.init(index: i, eventID: eventID, hashID: hash, existingSeq: nil, existingIndex: earlier.index))
                }
                continue
            }
            if let earlier = seen[hash] { sameAs[i] = earlier.index; continue }
            if let eventID { seen[eventID] = (i, hash) }
            seen[hash] = (i, hash)
            toAppend.append(i)
        }
        guard report.refused.isEmpty else { return report }
        let items: [AppendItem] = toAppend.map { i in
            .init(label: "\(label) event \(i + 1)", bytes: Envelope.sign(payload: payloads[i], with: signer).canonicalJSON)
        }
        let outcomes = items.isEmpty ? [] : try appendDetailed(items, progress: progress)
        var recordOf: [Int: StoredRecord] = [:]
        for (i, outcome) in zip(toAppend, outcomes) {
            recordOf[i] = outcome.record
            switch outcome {
            case .appended(let r): report.appended.append((i, r))
            case .alreadyPresent(let r):
                report.alreadyPresent.append(.init(index: i, eventID: Self.eventID(payloads[i]), hashID: Self.hashID(of: (try? JSONValue.parse(payloads[i])) ?? .null),
                                                   seq: r.seq, matchedBy: "envelope"))
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

    static func eventID(_ payload: [UInt8]) -> String? {
        guard case .object(let o)? = try? JSONValue.parse(payload), case .string(let id)? = o["eventID"] else { return nil }
        return id
    }

    /// The hash ID of the event stored at `seq`.
    func storedHashID(seq: UInt64) throws -> String? {
        guard let r = try mapStoreErrors({ try store.record(at: seq) }),
              let env = try? Envelope(json: r.envelope), let json = try? JSONValue.parse(env.payload) else { return nil }
        return Self.hashID(of: json)
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
