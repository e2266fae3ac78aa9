public import AssayCore
public import AssayModel
public import AssayCrypto

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
    /// Facts the product's evidence must sign (a regulation's data points), each reported by
    /// name and article when missing (see `RequiredFact`, and the presets in `AuditPolicy.presets`).
    public var requiredFacts: [RequiredFact] = []
    /// Whether provenance requires a chain of custody for the minerals (Regulation (EU)
    /// 2017/821; Regulation (EU) 2023/1542 Art. 48–52): a smelter or refiner in the product's
    /// tree whose conformance status is `non-conformant`, and a mineral named by a material of
    /// the tree with no smelter or refiner of it in the tree, are then provenance problems
    /// (otherwise facts). Off by default.
    public var requireMineralChainOfCustody = false

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

    /// Parses a policy document; members left out keep the default's values (or, with
    /// `extends`, the named preset's; `requiredFacts` given in the document replace the preset's).
    public init(json bytes: [UInt8]) throws(ModelError) {
        var r = try ObjectReader(try JSONValue.parse(bytes, limits: .init(maxBytes: 256 * 1024, maxDepth: 8)))
        var p = AuditPolicy.default
        guard try r.string("type") == "AuditPolicy" else {
            throw ModelError(.invalidValue, field: "type", "a policy has type \"AuditPolicy\"")
        }
        if let base = try r.optionalString("extends") {
            guard let preset = AuditPolicy.preset(named: base) else {
                throw ModelError(.invalidValue, field: "extends", "\"\(base.prefix(60))\" is not a preset (\(AuditPolicy.presetNames.joined(separator: ", ")))")
            }
            p = preset
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
        p.requireMineralChainOfCustody = try r.optionalBool("requireMineralChainOfCustody") ?? p.requireMineralChainOfCustody
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
        if let list = try r.optionalArray("requiredFacts") {
            var facts: [RequiredFact] = []
            for (i, v) in list.enumerated() {
                var fr = try ObjectReader(v, path: "requiredFacts[\(i)]")
                facts.append(try RequiredFact(reading: &fr))
            }
            p.requiredFacts = facts
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

extension AuditPolicy {
    /// Why a policy document was not accepted.
    public struct LoadError: CodedError {
        /// What went wrong; errors are equal when their codes are.
        public enum Code: String, Sendable {
            /// A signed policy was given without the key to check it.
            case keyMissing
            /// The envelope's payload type is not `AuditPolicy.payloadType`.
            case wrongPayloadType
            /// No signature in the envelope is by the policy key (a verification failure).
            case notSignedByKey
            /// A key was given but the policy is not signed (a verification failure).
            case unsigned
            /// The policy document is malformed.
            case malformed
        }

        /// What went wrong.
        public let code: Code
        /// One line for a person, naming what was refused and why.
        public let message: String

        /// Creates an error.
        public init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }

        /// Whether the policy failed verification (its signature), rather than being bad input.
        public var isVerificationFailure: Bool { code == .notSignedByKey || code == .unsigned }
    }

    /// Reads a policy that is either a plain JSON document or a DSSE envelope of one.
    ///
    /// A signed policy must carry `payloadType` `AuditPolicy.payloadType` and a valid signature
    /// by `policyKey` (matched by key reference); when `policyKey` is given, an unsigned policy
    /// is refused.
    /// - Parameters:
    ///   - bytes: the file's bytes.
    ///   - policyKey: the auditor's verifier key that must have signed it, if any.
    /// - Throws: `AuditPolicy.LoadError`.
    public init(signedOrPlain bytes: [UInt8], policyKey: VerifierKey?) throws(LoadError) {
        var payload = bytes
        if let env = try? Envelope(json: bytes) {
            guard let policyKey else { throw LoadError(.keyMissing, "it is a signed policy: give --policy-key to check it") }
            guard env.payloadType == AuditPolicy.payloadType else {
                throw LoadError(.wrongPayloadType, "payloadType is not \(AuditPolicy.payloadType)")
            }
            guard env.signatures.indices.contains(where: { env.signatures[$0].keyID == policyKey.reference && env.isValidSignature(at: $0, by: policyKey.publicKey) }) else {
                throw LoadError(.notSignedByKey, "the policy is not signed by \(policyKey.reference)")
            }
            payload = env.payload
        } else if policyKey != nil {
            throw LoadError(.unsigned, "it is not signed, but --policy-key requires a signed policy")
        }
        do { try self.init(json: payload) } catch { throw LoadError(.malformed, error.description) }
    }
}
