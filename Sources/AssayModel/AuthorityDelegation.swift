/// A brand owner hands on its authority over some of its identifiers to another party — a
/// contract manufacturer, an importer, an authorised representative — for some kinds of
/// statement. Signed by a key of the delegating party whose own registered scopes contain
/// every delegated scope; it counts from its position in the log.
///
/// The latest delegation from one party to another replaces the earlier ones between the same
/// two parties (an empty `kinds` withdraws it). A delegate cannot delegate further.
public struct AuthorityDelegation: Sendable, Equatable {
    /// The kinds a delegation can cover: those that define a product, a component or a model.
    public static let delegableKinds: [StatementKind] = [.componentOrigin, .manufacturingStep, .productAssembly, .lifecycleCommitment]

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
        var kinds: [StatementKind] = []
        for (i, name) in try r.stringArray("kinds").enumerated() {
            guard let k = StatementKind(rawValue: name), Self.delegableKinds.contains(k) else {
                throw ModelError(.invalidValue, field: "kinds[\(i)]",
                                 "\"\(name.prefix(60))\" cannot be delegated (allowed: \(Self.delegableKinds.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !kinds.contains(k) else { throw ModelError(.invalidValue, field: "kinds[\(i)]", "kind \"\(name)\" is listed twice") }
            kinds.append(k)
        }
        self.kinds = kinds
        validFrom = try r.optionalTimestamp("validFrom")
        validUntil = try r.optionalTimestamp("validUntil")
        if let validFrom, let validUntil, validUntil <= validFrom {
            throw ModelError(.invalidValue, field: "validUntil", "must be after validFrom")
        }
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

/// Refuses text that is not in Unicode Normalization Form C: one identifier, one spelling.
func checkNFC(_ s: String, field: String) throws(ModelError) {
    guard isNFC(s) else {
        throw ModelError(.invalidValue, field: field, "is not in Unicode Normalization Form C (NFC): write it composed, so that it has one spelling")
    }
}
