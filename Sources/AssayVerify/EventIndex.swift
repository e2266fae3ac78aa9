public import AssayModel
import AssayCrypto

/// The EPCIS event index (FORMAT.md §7, `event_ids`): what each record is indexed under, and
/// when an event offered for appending is one the ledger already holds.
///
/// A supply-chain record is indexed under its CBV 2.0 event hash ID and, when it has one that
/// differs from the hash ID, its `eventID`. Other kinds have no rows. The rows are derived from
/// the signed record alone, so `verify` recomputes them and compares.
public enum EventIndex {
    /// The index rows of a statement whose payload is `payload`: none unless it is an EPCIS event.
    public static func ids(of statement: Statement, payload: [UInt8]) -> [String] {
        guard case .supplyChain = statement, let json = try? JSONValue.parse(payload) else { return [] }
        return ids(of: json)
    }

    /// `eventID` (when present and not the hash ID itself) and hash ID of an event JSON object.
    public static func ids(of event: JSONValue) -> [String] {
        let hash = hashID(of: event)
        if let id = eventID(of: event), id != hash { return [id, hash] }
        return [hash]
    }

    /// The CBV 2.0 event hash ID (`ni:///sha-256;…?ver=CBV2.0`) of an event JSON object.
    public static func hashID(of event: JSONValue) -> String {
        EventHash.id(digestHex: SHA256.hash(Array(EventHash.preHash(event).utf8)).hex)
    }

    /// The event's `eventID` member, when it is a string.
    public static func eventID(of event: JSONValue) -> String? {
        guard case .object(let o) = event, case .string(let id)? = o["eventID"] else { return nil }
        return id
    }

    /// A stored or offered event, as far as the duplicate rule looks at it.
    public struct Identity: Sendable, Equatable {
        /// The party whose key signed it (`partyId` of the signing key's registration).
        public let party: String
        public let eventID: String?
        public let hashID: String
        /// Whether it is an error declaration: a correction of an event keeps that event's
        /// `eventID` and hash ID (the hash leaves `errorDeclaration` out), yet is a new fact.
        public let isCorrection: Bool

        public init(party: String, eventID: String?, hashID: String, isCorrection: Bool) {
            self.party = party
            self.eventID = eventID
            self.hashID = hashID
            self.isCorrection = isCorrection
        }

        /// The identity of a parsed supply-chain statement signed by `party`.
        public init?(statement: Statement, payload: [UInt8], party: String) {
            guard case .supplyChain(let s) = statement, let json = try? JSONValue.parse(payload) else { return nil }
            self.init(party: party, eventID: EventIndex.eventID(of: json), hashID: EventIndex.hashID(of: json), isCorrection: s.kind == .correction)
        }
    }

    /// What to do with an offered event, given the events already held that share one of its
    /// index rows.
    public enum Decision: Sendable, Equatable {
        /// Nothing held is the same event: append it.
        case new
        /// The same event is held at this seq (matched by `eventID` or `hash ID`): append nothing.
        case present(seq: UInt64, matchedBy: String)
        /// The same `eventID` already names a different event of the same party at this seq.
        case conflict(seq: UInt64)
    }

    /// The duplicate rule (FORMAT.md §14.3). Only events signed by the same party count: another
    /// party's event with the same identifiers is its own claim (kept, and judged at audit time),
    /// so no party can keep a supplier's genuine event out of the ledger by appending a copy
    /// first. Among the same party's events of the same sort (event or error declaration), one
    /// with the same hash ID is the same event; one with the same `eventID` and another hash ID
    /// is a conflict.
    public static func decide(_ offered: Identity, held: [(seq: UInt64, identity: Identity)]) -> Decision {
        let mine = held.filter { $0.identity.party == offered.party && $0.identity.isCorrection == offered.isCorrection }
            .sorted { $0.seq < $1.seq }
        if let same = mine.first(where: { $0.identity.hashID == offered.hashID }) {
            let byID = offered.eventID != nil && same.identity.eventID == offered.eventID
            return .present(seq: same.seq, matchedBy: byID ? "eventID" : "hash ID")
        }
        if let id = offered.eventID, id != offered.hashID, let other = mine.first(where: { $0.identity.eventID == id }) {
            return .conflict(seq: other.seq)
        }
        return .new
    }
}
