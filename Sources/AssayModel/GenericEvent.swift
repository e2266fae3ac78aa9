/// A generic signed event about one subject: exercises the chain before the typed
/// supply-chain kinds exist, and carries facts no other kind fits.
public struct GenericEvent: Sendable, Equatable {
    /// The identifier the event is about.
    public var subject: String
    /// A short verb (`inspected`, `shipped`).
    public var action: String
    /// Free-form detail (any JSON object).
    public var data: JSONValue?
    public var eventTime: Timestamp

    init(reading r: inout ObjectReader) throws(ModelError) {
        subject = try nonEmpty(try r.string("subject"), field: "subject")
        action = try nonEmpty(try r.string("action"), field: "action", max: 128)
        if let d = r.optional("data") {
            guard case .object = d else { throw ModelError(.wrongType, field: "data", "must be an object, found \(d.typeName)") }
            data = d
        }
        eventTime = try readEventTime(&r)
    }
}
