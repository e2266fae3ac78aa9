public import AssayModel

/// What an auditor requires, and which roles may sign which kinds. A default ships with
/// Assay; `--policy policy.json` replaces it (schema: `Schemas/policy.schema.json`), and a
/// policy can itself be a DSSE envelope signed by the auditor's key.
public struct AuditPolicy: Sendable, Equatable {
    /// DSSE payload type of a signed policy.
    public static let payloadType = "application/vnd.assay.policy.v1+json"

    public var name: String
    public var writePolicy: WritePolicy
    /// Minimum security support period from placed-on-market, in years (CRA: at least five).
    public var minimumSupportYears: Int
    public var requireSpareParts: Bool
    public var requireFirmwareDigest: Bool
    public var requireSoftwareBOM: Bool
    /// Principles that must be satisfied for the verdict to pass (exit code 0). Integrity is
    /// always required, whatever a policy says.
    public var requiredPrinciples: Set<Principle> {
        get { _required.union([.integrity]) }
        set { _required = newValue }
    }
    private var _required: Set<Principle>
    /// How far an event may be dated after the log recorded it (hours) before it is not
    /// evidence: clocks and time zones differ, but a party cannot record the future.
    public var maxEventTimeSkewHours: Int = 24

    public static let `default` = AuditPolicy(
        name: "assay-default", writePolicy: .default, minimumSupportYears: 5, requireSpareParts: true,
        requireFirmwareDigest: true, requireSoftwareBOM: true, requiredPrinciples: Set(Principle.allCases))

    public init(name: String, writePolicy: WritePolicy, minimumSupportYears: Int, requireSpareParts: Bool,
                requireFirmwareDigest: Bool, requireSoftwareBOM: Bool, requiredPrinciples: Set<Principle>) {
        self.name = name
        self.writePolicy = writePolicy
        self.minimumSupportYears = minimumSupportYears
        self.requireSpareParts = requireSpareParts
        self.requireFirmwareDigest = requireFirmwareDigest
        self.requireSoftwareBOM = requireSoftwareBOM
        self._required = requiredPrinciples
    }

    /// Parses a policy document; members left out keep the default's values.
    public init(json bytes: [UInt8]) throws(ModelError) {
        var r = try ObjectReader(try JSONValue.parse(bytes, limits: .init(maxBytes: 256 * 1024, maxDepth: 8)))
        var p = AuditPolicy.default
        guard try r.string("type") == "AuditPolicy" else {
            throw ModelError(.invalidValue, field: "type", "a policy has type \"AuditPolicy\"")
        }
        p.name = try r.optionalString("name") ?? p.name
        if let years = try r.optionalNumber("minimumSupportYears") {
            guard years >= 0, years <= 100, years == years.rounded() else {
                throw ModelError(.invalidValue, field: "minimumSupportYears", "must be a whole number of years from 0 to 100")
            }
            p.minimumSupportYears = Int(years)
        }
        if let hours = try r.optionalNumber("maxEventTimeSkewHours") {
            guard hours >= 0, hours <= 8760, hours == hours.rounded() else {
                throw ModelError(.invalidValue, field: "maxEventTimeSkewHours", "must be a whole number of hours from 0 to 8760")
            }
            p.maxEventTimeSkewHours = Int(hours)
        }
        p.requireSpareParts = try r.optionalBool("requireSpareParts") ?? p.requireSpareParts
        p.requireFirmwareDigest = try r.optionalBool("requireFirmwareDigest") ?? p.requireFirmwareDigest
        p.requireSoftwareBOM = try r.optionalBool("requireSoftwareBOM") ?? p.requireSoftwareBOM
        if let list = try r.optionalStringArray("requiredPrinciples") {
            var set = Set<Principle>()
            for (i, name) in list.enumerated() {
                guard let pr = Principle(rawValue: name) else {
                    throw ModelError(.invalidValue, field: "requiredPrinciples[\(i)]",
                                     "\"\(name)\" is not a principle (\(Principle.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                set.insert(pr)
            }
            p.requiredPrinciples = set
        }
        if let w = try r.optionalObject("writePolicy") {
            var allowed: [StatementKind: Set<Role>] = [:]
            for (k, v) in w.fields {
                guard let kind = StatementKind(rawValue: k) else {
                    throw ModelError(.invalidValue, field: w.fieldPath(k), "is not a statement kind")
                }
                guard case .array(let roles) = v else { throw ModelError(.wrongType, field: w.fieldPath(k), "must be an array of roles") }
                var set = Set<Role>()
                for (i, role) in roles.enumerated() {
                    guard case .string(let s) = role, let rl = Role(rawValue: s) else {
                        throw ModelError(.invalidValue, field: "\(w.fieldPath(k))[\(i)]", "is not a role")
                    }
                    set.insert(rl)
                }
                allowed[kind] = set
            }
            for kind in StatementKind.allCases where allowed[kind] == nil { allowed[kind] = WritePolicy.default.allowed[kind] }
            p.writePolicy = WritePolicy(allowed: allowed)
        }
        try r.finish()
        self = p
    }
}
