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
    ///   - smelter: the smelter or refiner declaration, when the party is one (see `SmelterOptions`).
    ///   - eventTime: when the registration is made.
    /// - Returns: the statement's JSON bytes, already checked by `Statement.decode`.
    /// - Throws: `ModelError` naming the option or field at fault.
    public static func registration(partyId: String, legalName: String, roles: [String], publicKey: String,
                                    address: String? = nil, contact: String? = nil, facilities: [String] = [],
                                    scopes: [String] = [], smelter: SmelterOptions? = nil, eventTime: Timestamp) throws(ModelError) -> [UInt8] {
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
                                    smelter: try smelter?.declaration(), eventTime: eventTime)
        let payload = Array(reg.json.utf8)
        _ = try Statement.decode(payload)
        return payload
    }

    /// A smelter or refiner declaration as an operator types it (`assay register --smelter-rmi …`).
    public struct SmelterOptions: Sendable {
        public var rmiId: String?
        public var metal: String?
        public var conformance: String?
        public var assessedOn: String?
        public var programme: String?
        public var country: String?

        public init(rmiId: String? = nil, metal: String? = nil, conformance: String? = nil, assessedOn: String? = nil,
                    programme: String? = nil, country: String? = nil) {
            self.rmiId = rmiId
            self.metal = metal
            self.conformance = conformance
            self.assessedOn = assessedOn
            self.programme = programme
            self.country = country
        }

        /// Whether any smelter option was given.
        public var isEmpty: Bool { [rmiId, metal, conformance, assessedOn, programme, country].allSatisfy { $0 == nil } }

        /// The declaration, each value checked and named by its option.
        /// - Throws: `ModelError` naming the missing or invalid option.
        public func declaration() throws(ModelError) -> Smelter? {
            guard !isEmpty else { return nil }
            guard let rmiId else { throw ModelError(.missingField, field: "--smelter-rmi", "a smelter needs its RMI id (--smelter-rmi CID…)") }
            guard let metal else {
                throw ModelError(.missingField, field: "--smelter-metal", "a smelter needs its mineral (\(Mineral.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard let conformance else {
                throw ModelError(.missingField, field: "--conformance",
                                 "a smelter needs its conformance status (\(Smelter.ConformanceStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            try Smelter.checkRMIId(rmiId, field: "--smelter-rmi")
            guard let m = Mineral(rawValue: metal) else {
                throw ModelError(.invalidValue, field: "--smelter-metal",
                                 "\"\(metal)\" is not one of: \(Mineral.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let status = Smelter.ConformanceStatus(rawValue: conformance) else {
                throw ModelError(.invalidValue, field: "--conformance",
                                 "\"\(conformance)\" is not one of: \(Smelter.ConformanceStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let assessedOn { try checkDate(assessedOn, field: "--assessed-on") }
            if let programme { _ = try nonEmpty(programme, field: "--programme", max: 256) }
            if let country { try checkCountryCode(country, field: "--smelter-country") }
            return Smelter(rmiId: rmiId, metal: m, conformanceStatus: status, assessedOn: assessedOn, programme: programme, country: country)
        }
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
