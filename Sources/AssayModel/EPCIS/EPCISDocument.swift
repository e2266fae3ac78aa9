/// An EPCIS 2.0 document (`EPCISDocument`, or `EPCISQueryDocument` with its results):
/// split into its events, each carrying the context that applies to it so that it stands alone.
///
/// A document without `@context` is refused (as the GS1 JSON Schema refuses it). Each event's
/// stored `@context` is the document's: written as the document wrote it when the event has none
/// of its own; otherwise a JSON array of the document's entries, then the event's, each entry
/// once (the first occurrence kept), so that a prefix declared only at document level still
/// resolves in the stored event, and one the event declares still does.
public struct EPCISDocument: Sendable {
    /// The events, as JSON objects, in document order.
    public let events: [JSONValue]
    /// The document's `@context`.
    public let context: JSONValue

    /// Largest document accepted, in bytes.
    public static let maxBytes = 64 * 1024 * 1024

    public init(bytes: [UInt8]) throws(ModelError) {
        let json = try JSONValue.parse(bytes, limits: .init(maxBytes: Self.maxBytes, maxDepth: 64))
        var r = try ObjectReader(json)
        let type = try r.string("type")
        var body = try r.object("epcisBody")
        let list: [JSONValue]
        switch type {
        case "EPCISDocument":
            list = try body.array("eventList")
        case "EPCISQueryDocument":
            var results = try body.object("queryResults")
            var rb = try results.object("resultsBody")
            list = try rb.array("eventList")
        default:
            throw ModelError(.unknownKind, field: "type", "\"\(type.prefix(40))\" is not an EPCISDocument or EPCISQueryDocument")
        }
        guard let context = r.fields["@context"] else {
            throw ModelError(.missingField, field: "@context", "an EPCIS 2.0 JSON-LD document must have an @context (the GS1 JSON Schema requires it)")
        }
        self.context = context
        events = list.map { e in
            guard case .object(var o) = e else { return e }
            o["@context"] = Self.merged(document: context, event: o["@context"])
            return .object(o)
        }
    }

    /// The context that applies to an event: the document's as written when the event has none;
    /// else an array of the document's entries then the event's, each entry once.
    public static func merged(document: JSONValue, event: JSONValue?) -> JSONValue {
        guard let event else { return document }
        func entries(_ c: JSONValue) -> [JSONValue] {
            if case .array(let a) = c { return a }
            return [c]
        }
        var out: [JSONValue] = []
        for entry in entries(document) + entries(event) where !out.contains(entry) { out.append(entry) }
        return .array(out)
    }
}
