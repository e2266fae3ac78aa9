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
    /// When the party is a smelter or refiner: its RMI id, mineral and conformance status.
    public var smelter: Smelter?
    public var eventTime: Timestamp

    public init(partyId: String, legalName: String, roles: [Role], publicKey: String, address: String? = nil,
                contact: String? = nil, facilities: [String] = [], scopes: [IdentifierScope] = [], validFrom: Timestamp? = nil,
                validUntil: Timestamp? = nil, smelter: Smelter? = nil, eventTime: Timestamp) {
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
        self.smelter = smelter
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
        if var sm = try r.optionalObject("smelter") {
            smelter = try Smelter(reading: &sm)
        } else {
            smelter = nil
        }
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
        if let smelter { f.append(("smelter", smelter.json)) }
        f += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(f)
    }
}
