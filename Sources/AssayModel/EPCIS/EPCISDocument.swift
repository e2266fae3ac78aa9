/// An EPCIS 2.0 document (`EPCISDocument`, or `EPCISQueryDocument` with its results):
/// split into its events, each carrying the document's `@context` so that it stands alone.
public struct EPCISDocument: Sendable {
    /// The events, as JSON objects, in document order.
    public let events: [JSONValue]
    /// The document's `@context`, if any.
    public let context: JSONValue?

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
        context = r.fields["@context"]
        events = list.map { e in
            guard case .object(var o) = e, o["@context"] == nil, let context = r.fields["@context"] else { return e }
            o["@context"] = context
            return .object(o)
        }
    }
}
