/// A brand owner hands on its authority over some of its identifiers to another party — a
/// contract manufacturer, an importer, an authorised representative — for some kinds of
/// statement. Signed by a key of the delegating party whose own registered scopes contain
/// every delegated scope; it counts from its position in the log.
///
/// The latest delegation from one party to another replaces the earlier ones between the same
/// two parties (an empty `kinds` withdraws it). A delegate cannot delegate further.
public struct AuthorityDelegation: Sendable, Equatable {
    /// The kinds a delegation can cover: those that define a product, a component or a model.
    public static let delegableKinds: [StatementKind] = [.componentOrigin, .manufacturingStep, .productAssembly, .lifecycleCommitment, .passportData]

    /// The party that receives the authority (its `partyId`).
    public var delegate: String
    /// What it may speak for: each must lie within the delegator's own scopes.
    public var scopes: [IdentifierScope]
    /// Which defining kinds it may sign for those identifiers; empty withdraws the delegation.
    public var kinds: [StatementKind]
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?
    public var eventTime: Timestamp

    public init(delegate: String, scopes: [IdentifierScope], kinds: [StatementKind], validFrom: Timestamp? = nil,
                validUntil: Timestamp? = nil, eventTime: Timestamp) {
        self.delegate = delegate
        self.scopes = scopes
        self.kinds = kinds
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.eventTime = eventTime
    }

    init(reading r: inout ObjectReader) throws(ModelError) {
        delegate = try nonEmpty(try r.string("delegate"), field: "delegate")
        try checkPartyIdentifier(delegate, field: "delegate")
        try checkNFC(delegate, field: "delegate")
        scopes = try readScopes(&r, "scopes", required: true)
        kinds = try readUniqueNames(&r, "kinds", nonEmpty: false, allowed: Self.delegableKinds, what: "kind", notOne: "cannot be delegated")
        (validFrom, validUntil) = try readValidity(&r)
        eventTime = try readEventTime(&r)
    }

    /// The statement's JSON (fixed key order, compact).
    public var json: String {
        var f: [(String, String)] = [("type", JSONWriter.quote("AuthorityDelegation")), ("delegate", JSONWriter.quote(delegate)),
                                     ("scopes", "[" + scopes.map { JSONWriter.quote($0.description) }.joined(separator: ",") + "]"),
                                     ("kinds", "[" + kinds.map { JSONWriter.quote($0.rawValue) }.joined(separator: ",") + "]")]
        if let validFrom { f.append(("validFrom", JSONWriter.quote(validFrom.text))) }
        if let validUntil { f.append(("validUntil", JSONWriter.quote(validUntil.text))) }
        f += [("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText))]
        return JSONWriter.object(f)
    }

    /// Whether the delegation lets its delegate sign `kind` about `identifier` at `millis`.
    public func permits(_ kind: StatementKind, about identifier: String, atMillis millis: Int64) -> Bool {
        guard kinds.contains(kind) else { return false }
        if let validFrom, millis < validFrom.epochMillis { return false }
        if let validUntil, millis > validUntil.epochMillis { return false }
        return scopes.contains { $0.covers(identifier) }
    }
}

/// Reads a list of scopes (unique, each parsed).
func readScopes(_ r: inout ObjectReader, _ key: String, required: Bool) throws(ModelError) -> [IdentifierScope] {
    let list = required ? try r.stringArray(key, nonEmpty: true) : (try r.optionalStringArray(key) ?? [])
    var out: [IdentifierScope] = []
    for (i, s) in list.enumerated() {
        let scope = try IdentifierScope(parsing: s, field: "\(r.fieldPath(key))[\(i)]")
        guard !out.contains(scope) else { throw ModelError(.invalidValue, field: "\(r.fieldPath(key))[\(i)]", "scope \"\(s.prefix(80))\" is listed twice") }
        out.append(scope)
    }
    return out
}

/// Reads an array of names, each one of `allowed` (by raw value) and listed once.
/// - Throws: naming the element: "\"x\" <notOne> (allowed: …)" or "<what> \"x\" is listed twice".
func readUniqueNames<E: RawRepresentable & Equatable>(_ r: inout ObjectReader, _ key: String, nonEmpty: Bool, allowed: [E],
                                                        what: String, notOne: String) throws(ModelError) -> [E] where E.RawValue == String {
    var out: [E] = []
    for (i, name) in try r.stringArray(key, nonEmpty: nonEmpty).enumerated() {
        guard let v = allowed.first(where: { $0.rawValue == name }) else {
            throw ModelError(.invalidValue, field: "\(key)[\(i)]",
                             "\"\(name.prefix(60))\" \(notOne) (allowed: \(allowed.map(\.rawValue).joined(separator: ", ")))")
        }
        guard !out.contains(v) else { throw ModelError(.invalidValue, field: "\(key)[\(i)]", "\(what) \"\(name)\" is listed twice") }
        out.append(v)
    }
    return out
}

/// Reads the optional `validFrom` / `validUntil` pair; the end must come after the start.
func readValidity(_ r: inout ObjectReader) throws(ModelError) -> (Timestamp?, Timestamp?) {
    let from = try r.optionalTimestamp("validFrom")
    let until = try r.optionalTimestamp("validUntil")
    if let from, let until, until <= from {
        throw ModelError(.invalidValue, field: "validUntil", "must be after validFrom")
    }
    return (from, until)
}

/// Refuses text that is not in Unicode Normalization Form C: one identifier, one spelling.
func checkNFC(_ s: String, field: String) throws(ModelError) {
    guard isNFC(s) else {
        throw ModelError(.invalidValue, field: field, "is not in Unicode Normalization Form C (NFC): write it composed, so that it has one spelling")
    }
}
