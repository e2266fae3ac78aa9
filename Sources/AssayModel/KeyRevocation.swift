/// Revokes a registered key. Signed by the operator or by the key's own party.
public struct KeyRevocation: Sendable, Equatable {
    public enum Reason: String, CaseIterable, Sendable {
        case compromise
        case superseded
        case partyExit = "party-exit"
    }

    /// The revoked key, as `name+keyid`.
    public var revokedKey: String
    public var reason: Reason
    /// From when the key is no longer trusted; for a compromise this may be earlier than
    /// the revocation entry itself, and entries signed after it are flagged.
    public var effectiveTime: Timestamp
    /// The key that replaces it, as `name+keyid`, if any.
    public var replacementKey: String?
    public var eventTime: Timestamp

    public init(revokedKey: String, reason: Reason, effectiveTime: Timestamp, replacementKey: String? = nil, eventTime: Timestamp) {
        self.revokedKey = revokedKey
        self.reason = reason
        self.effectiveTime = effectiveTime
        self.replacementKey = replacementKey
        self.eventTime = eventTime
    }

    init(reading r: inout ObjectReader) throws(ModelError) {
        revokedKey = try r.string("revokedKey")
        try checkKeyReferenceShape(revokedKey, field: "revokedKey")
        reason = try r.enumValue("reason", Reason.self)
        effectiveTime = try r.timestamp("effectiveTime")
        replacementKey = try r.optionalString("replacementKey")
        if let replacementKey { try checkKeyReferenceShape(replacementKey, field: "replacementKey") }
        eventTime = try readEventTime(&r)
    }

    public var json: String {
        var f: [(String, String)] = [("type", JSONWriter.quote("KeyRevocation")), ("revokedKey", JSONWriter.quote(revokedKey)),
                                     ("reason", JSONWriter.quote(reason.rawValue)), ("effectiveTime", JSONWriter.quote(effectiveTime.text))]
        if let replacementKey { f.append(("replacementKey", JSONWriter.quote(replacementKey))) }
        f += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(f)
    }
}
