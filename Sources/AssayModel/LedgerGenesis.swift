/// The first entry of every ledger: names the ledger (its checkpoint origin) and the
/// operator's key. Signed by that key.
public struct LedgerGenesis: Sendable, Equatable {
    /// The log origin: the first line of every checkpoint (`acme.example/ledger`).
    public var origin: String
    /// The operator's verifier key (`name+keyid+base64`).
    public var operatorKey: String
    /// The operator's legal name, if given.
    public var operatorName: String?
    public var eventTime: Timestamp

    public init(origin: String, operatorKey: String, operatorName: String? = nil, eventTime: Timestamp) {
        self.origin = origin
        self.operatorKey = operatorKey
        self.operatorName = operatorName
        self.eventTime = eventTime
    }

    init(reading r: inout ObjectReader) throws(ModelError) {
        origin = try nonEmpty(try r.string("origin"), field: "origin", max: 255)
        guard !origin.contains(where: { $0.isNewline }) else {
            throw ModelError(.invalidValue, field: "origin", "must be one line")
        }
        operatorKey = try r.string("operatorKey")
        try checkVerifierKeyShape(operatorKey, field: "operatorKey")
        operatorName = try r.optionalString("operatorName")
        eventTime = try readEventTime(&r)
    }

    /// The statement's JSON (fixed key order, compact).
    public var json: String {
        var fields: [(String, String)] = [("type", JSONWriter.quote("LedgerGenesis")), ("origin", JSONWriter.quote(origin)),
                                          ("operatorKey", JSONWriter.quote(operatorKey))]
        if let operatorName { fields.append(("operatorName", JSONWriter.quote(operatorName))) }
        fields += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(fields)
    }
}
