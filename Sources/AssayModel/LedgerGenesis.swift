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

/// Registers a party and one of its keys, with the roles that key may act in. Signed by the operator.
public struct PartyRegistration: Sendable, Equatable {
    /// The party's identifier: a GS1 party GLN as Digital Link (`https://id.gs1.org/417/…`)
    /// or another ISO/IEC 15459 identifier.
    public var partyId: String
    public var legalName: String
    public var roles: [Role]
    /// The key's verifier key (`name+keyid+base64`).
    public var publicKey: String
    public var address: String?
    public var contact: String?
    public var facilities: [String]
    /// The identifiers the party speaks for (GS1 company prefixes, GS1 identifiers, URI
    /// prefixes), vouched for by the operator: statements that define a product, a component
    /// or a model count as evidence only from a key whose scopes (or delegations) cover it.
    public var scopes: [IdentifierScope]
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?
    public var eventTime: Timestamp

    public init(partyId: String, legalName: String, roles: [Role], publicKey: String, address: String? = nil,
                contact: String? = nil, facilities: [String] = [], scopes: [IdentifierScope] = [], validFrom: Timestamp? = nil,
                validUntil: Timestamp? = nil, eventTime: Timestamp) {
        self.partyId = partyId
        self.legalName = legalName
        self.roles = roles
        self.publicKey = publicKey
        self.address = address
        self.contact = contact
        self.facilities = facilities
        self.scopes = scopes
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.eventTime = eventTime
    }

    init(reading r: inout ObjectReader) throws(ModelError) {
        partyId = try nonEmpty(try r.string("partyId"), field: "partyId")
        try checkPartyIdentifier(partyId, field: "partyId")
        try checkNFC(partyId, field: "partyId")
        legalName = try nonEmpty(try r.string("legalName"), field: "legalName")
        try checkNFC(legalName, field: "legalName")
        roles = try readUniqueNames(&r, "roles", nonEmpty: true, allowed: Role.registrable, what: "role", notOne: "is not a role")
        publicKey = try r.string("publicKey")
        try checkVerifierKeyShape(publicKey, field: "publicKey")
        address = try r.optionalString("address")
        contact = try r.optionalString("contact")
        facilities = try r.optionalStringArray("facilities") ?? []
        for (i, f) in facilities.enumerated() { try checkLocationIdentifier(f, field: "facilities[\(i)]") }
        scopes = try readScopes(&r, "scopes", required: false)
        (validFrom, validUntil) = try readValidity(&r)
        eventTime = try readEventTime(&r)
    }

    public var json: String {
        var f: [(String, String)] = [("type", JSONWriter.quote("PartyRegistration")), ("partyId", JSONWriter.quote(partyId)),
                                     ("legalName", JSONWriter.quote(legalName)),
                                     ("roles", "[" + roles.map { JSONWriter.quote($0.rawValue) }.joined(separator: ",") + "]"),
                                     ("publicKey", JSONWriter.quote(publicKey))]
        if let address { f.append(("address", JSONWriter.quote(address))) }
        if let contact { f.append(("contact", JSONWriter.quote(contact))) }
        if !facilities.isEmpty { f.append(("facilities", "[" + facilities.map(JSONWriter.quote).joined(separator: ",") + "]")) }
        if !scopes.isEmpty { f.append(("scopes", "[" + scopes.map { JSONWriter.quote($0.description) }.joined(separator: ",") + "]")) }
        if let validFrom { f.append(("validFrom", JSONWriter.quote(validFrom.text))) }
        if let validUntil { f.append(("validUntil", JSONWriter.quote(validUntil.text))) }
        f += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(f)
    }
}

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
