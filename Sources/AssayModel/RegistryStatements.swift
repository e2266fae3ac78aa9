/// Builds the statements that change who may sign: a party's registration and a key's
/// revocation, from the values an operator types (role names, scope strings, a reason word),
/// validated exactly as the ledger will read them. Front ends (the CLI, a server) sign the
/// returned payload and append it.
public enum RegistryStatements {
    /// A `PartyRegistration` payload.
    /// - Parameters:
    ///   - roles: role names (`supplier`, `manufacturer`, …); the operator role cannot be registered.
    ///   - publicKey: the party's verifier key (`name+keyid+base64`).
    ///   - scopes: identifier scopes (`gs1:<company prefix>`, a GS1 identifier, or a URI prefix).
    ///   - eventTime: when the registration is made.
    /// - Returns: the statement's JSON bytes, already checked by `Statement.decode`.
    /// - Throws: `ModelError` naming the option or field at fault.
    public static func registration(partyId: String, legalName: String, roles: [String], publicKey: String,
                                    address: String? = nil, contact: String? = nil, facilities: [String] = [],
                                    scopes: [String] = [], eventTime: Timestamp) throws(ModelError) -> [UInt8] {
        var parsedScopes: [IdentifierScope] = []
        for (i, s) in scopes.enumerated() {
            parsedScopes.append(try IdentifierScope(parsing: s, field: "--scope \(i + 1)"))
        }
        guard !roles.isEmpty else { throw ModelError(.missingField, "give at least one --role") }
        var parsed: [Role] = []
        for r in roles {
            guard let role = Role(rawValue: r), role != .operator else {
                throw ModelError(.invalidValue,
                                 "unknown role \"\(r)\" (allowed: \(Role.registrable.map(\.rawValue).joined(separator: ", ")))")
            }
            parsed.append(role)
        }
        let reg = PartyRegistration(partyId: partyId, legalName: legalName, roles: parsed, publicKey: publicKey,
                                    address: address, contact: contact, facilities: facilities, scopes: parsedScopes,
                                    eventTime: eventTime)
        let payload = Array(reg.json.utf8)
        _ = try Statement.decode(payload)
        return payload
    }

    /// A `KeyRevocation` payload.
    /// - Parameters:
    ///   - revokedKey: the key reference `name+keyid`.
    ///   - reason: `compromise`, `superseded` or `party-exit`.
    ///   - effective: RFC 3339 time from which the key is untrusted (nil: `eventTime`).
    ///   - replacement: the replacement key reference, if any.
    ///   - eventTime: when the revocation is made.
    /// - Returns: the statement's JSON bytes, already checked by `Statement.decode`.
    /// - Throws: `ModelError` naming the option or field at fault.
    public static func revocation(revokedKey: String, reason: String, effective: String? = nil, replacement: String? = nil,
                                  eventTime: Timestamp) throws(ModelError) -> [UInt8] {
        guard let reasonValue = KeyRevocation.Reason(rawValue: reason) else {
            throw ModelError(.invalidValue,
                             "unknown reason \"\(reason)\" (allowed: \(KeyRevocation.Reason.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let eff = try effective.map { s throws(ModelError) in try Timestamp(parsing: s, field: "--effective") } ?? eventTime
        let rev = KeyRevocation(revokedKey: revokedKey, reason: reasonValue, effectiveTime: eff, replacementKey: replacement, eventTime: eventTime)
        let payload = Array(rev.json.utf8)
        _ = try Statement.decode(payload)
        return payload
    }
}
