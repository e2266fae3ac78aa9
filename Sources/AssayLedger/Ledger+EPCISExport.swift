import AssayCrypto
import AssayLog
public import AssayModel

/// A product's EPCIS events written back out as an EPCIS 2.0 `EPCISDocument` (JSON-LD), for
/// any EPCIS repository to take in (issue 15, `assay export --epcis`).
///
/// Which events: the EPCIS events among the entries of the product's bundle
/// (`Ledger.exportBundle(product:)`: the product's own entries and those of its components and
/// model, below the best-witnessed checkpoint), in log order. Assay's own kinds (genesis,
/// registrations, revocations, delegations, lifecycle commitments, generic events) are left out:
/// they are not EPCIS events.
///
/// Each member of `eventList` is the signed payload of its entry, byte for byte (surrounding
/// white space aside): the event as its signer signed it, `@context` included. The document's
/// own `@context` is the GS1 EPCIS 2.0 context, then every other context URL the events name,
/// then one object with every term the events define (and `assay:`, for the members below);
/// where two events bind one term differently, the first binding is the document's, and each
/// event's own `@context`, which JSON-LD applies within the event, keeps its meaning.
///
/// Beside the standard members the document carries four extension members in Assay's
/// namespace, which the GS1 schema allows at the top level (a URI-named member):
/// `assay:product` (the product, canonical), `assay:origin` (the log's origin),
/// `assay:checkpointSize` (the checkpoint the bundle rests on) and `assay:seqs` (the ledger
/// sequence number of each event, in `eventList` order).
public struct EPCISExportDocument: Sendable, Equatable {
    /// The GS1 EPCIS 2.0 JSON-LD context, first in every exported document's `@context`.
    public static let gs1Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

    /// The product, canonical.
    public let product: String
    /// The log's origin.
    public let origin: String
    /// The size of the checkpoint the events were read below.
    public let checkpointSize: UInt64
    /// The sequence numbers of the exported events, in log (and `eventList`) order.
    public let seqs: [UInt64]
    /// How many of the bundle's entries were left out as Assay's own kinds.
    public let omitted: Int
    /// The document: UTF-8 JSON text, ending in a newline.
    public let json: String

    /// Builds the document from the signed payloads of EPCIS events, in order.
    /// - Parameters:
    ///   - events: `(seq, payload)` of each event; each payload a JSON object (as every
    ///     statement is).
    ///   - creationDate: the document's `creationDate`, an RFC 3339 date-time.
    public init(product: String, origin: String, checkpointSize: UInt64, events: [(seq: UInt64, payload: [UInt8])],
                omitted: Int, creationDate: Timestamp) throws(ModelError) {
        self.product = product
        self.origin = origin
        self.checkpointSize = checkpointSize
        self.seqs = events.map(\.seq)
        self.omitted = omitted
        var contexts: [JSONValue] = []
        var members: [String] = []
        for (seq, payload) in events {
            let value = try JSONValue.parse(payload, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth))
            guard case .object(let o) = value else {
                throw ModelError(.wrongType, "entry \(seq): the payload is not a JSON object")
            }
            if let c = o["@context"] { contexts.append(c) }
            members.append(Self.trimmed(payload))
        }
        let context = Self.mergedContext(contexts)
        let header: [(String, String)] = [
            ("@context", context.serialized),
            ("type", JSONWriter.quote("EPCISDocument")),
            ("schemaVersion", JSONWriter.quote("2.0")),
            ("creationDate", JSONWriter.quote(creationDate.text)),
            ("assay:product", JSONWriter.quote(product)),
            ("assay:origin", JSONWriter.quote(origin)),
            ("assay:checkpointSize", String(checkpointSize)),
            ("assay:seqs", "[" + seqs.map(String.init).joined(separator: ",") + "]"),
        ]
        let body = members.isEmpty ? "[]" : "[\n" + members.joined(separator: ",\n") + "\n]"
        json = JSONWriter.object(header + [("epcisBody", "{\"eventList\":" + body + "}")]) + "\n"
    }

    /// The document's `@context` for events carrying `contexts`: the GS1 context URL, every
    /// other URL in first-seen order, then one object of every term (Assay's `assay:` prefix
    /// first, then each event's, first binding wins). Always an array, with no duplicate items.
    public static func mergedContext(_ contexts: [JSONValue]) -> JSONValue {
        var urls = [gs1Context]
        var terms: [String: JSONValue] = ["assay": .string(AssayExtension.namespace)]
        func add(_ c: JSONValue) {
            switch c {
            case .string(let s): if !urls.contains(s) { urls.append(s) }
            case .object(let o): for (k, v) in o where terms[k] == nil { terms[k] = v }
            case .array(let a): a.forEach(add)
            default: break // null or another type: nothing to merge (a statement's context is checked on append)
            }
        }
        contexts.forEach(add)
        return .array(urls.map(JSONValue.string) + [.object(terms)])
    }

    /// `payload` without leading or trailing JSON white space, as text.
    static func trimmed(_ payload: [UInt8]) -> String {
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        var lo = payload.startIndex, hi = payload.endIndex
        while lo < hi, space(payload[lo]) { lo += 1 }
        while hi > lo, space(payload[hi - 1]) { hi -= 1 }
        return String(decoding: payload[lo..<hi], as: UTF8.self)
    }
}

extension Ledger {
    /// The EPCIS events of `product`'s bundle as an EPCIS 2.0 document (see
    /// `EPCISExportDocument`). Like the bundle, needs a checkpoint that commits to the subject
    /// index; events appended after it are not included. A product whose bundle holds no EPCIS
    /// event gives a valid document with an empty `eventList`.
    /// - Parameter creationDate: the document's `creationDate` (fix it for a reproducible document).
    /// - Throws: `LedgerError` as `exportBundle` does (no checkpoint, no entry about the product).
    public func exportEPCIS(product: String, creationDate: Timestamp) throws -> EPCISExportDocument {
        let bundle = try exportBundle(product: product)
        let size = try Checkpoint(parsing: try SignedNote(parsing: Array(bundle.checkpoint.utf8)).text).size
        var events: [(seq: UInt64, payload: [UInt8])] = []
        var omitted = 0
        for entry in bundle.entries {
            let payload = try Envelope(json: entry.record.envelope).payload
            if case .supplyChain = try Statement.decode(payload) {
                events.append((entry.record.seq, payload))
            } else {
                omitted += 1
            }
        }
        do {
            return try EPCISExportDocument(product: bundle.product, origin: bundle.origin, checkpointSize: size, events: events,
                                           omitted: omitted, creationDate: creationDate)
        } catch {
            throw LedgerError(.corrupt, "a stored EPCIS event cannot be written out: \(error.description)")
        }
    }
}
