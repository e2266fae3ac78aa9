public import AssayCrypto
public import AssayModel

/// A registered signing key and what the ledger says about it.
public struct RegisteredKey: Sendable, Equatable {
    /// `name+keyid`, the reference envelopes carry.
    public let reference: String
    public let verifierKey: VerifierKey
    public let partyId: String
    public let legalName: String
    public let roles: Set<Role>
    /// The identifiers this key's party speaks for, as its registration states them.
    public let scopes: [IdentifierScope]
    /// The entry that registered it.
    public let registeredAt: UInt64
    public let validFrom: Timestamp?
    public let validUntil: Timestamp?
    /// The smelter or refiner its registration declares, if any.
    public let smelter: Smelter?
    /// The first entry that revoked it, if any: it signs nothing after that position.
    public internal(set) var revokedAt: UInt64? = nil
    /// That first revocation.
    public internal(set) var revocation: KeyRevocation? = nil
    /// The earliest compromise time any compromise revocation of this key gave (milliseconds):
    /// every entry it signed that was appended at or after it is flagged.
    public internal(set) var compromisedFromMillis: Int64? = nil
    /// The entry of the compromise revocation that set `compromisedFromMillis`.
    public internal(set) var compromiseRevokedAt: UInt64? = nil

    public init(reference: String, verifierKey: VerifierKey, partyId: String, legalName: String, roles: Set<Role>,
                scopes: [IdentifierScope] = [], registeredAt: UInt64, validFrom: Timestamp?, validUntil: Timestamp?,
                smelter: Smelter? = nil) {
        self.reference = reference
        self.verifierKey = verifierKey
        self.partyId = partyId
        self.legalName = legalName
        self.roles = roles
        self.scopes = scopes
        self.registeredAt = registeredAt
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.smelter = smelter
    }
}

/// Why a signer may speak about an identifier.
public enum AuthorityBasis: Sendable, Equatable, CustomStringConvertible {
    /// The signing key's own registration lists a scope covering it.
    case ownScope(IdentifierScope)
    /// A delegation (at `seq`) from the brand owner `delegator` covers it.
    case delegation(seq: UInt64, delegator: String)

    public var description: String {
        switch self {
        case .ownScope(let s): "own scope \(s)"
        case .delegation(let seq, let d): "delegation at seq \(seq) from \(d)"
        }
    }
}

/// A delegation in force from its position on.
public struct RecordedDelegation: Sendable, Equatable {
    public let seq: UInt64
    /// The delegating party (the signer's `partyId`).
    public let delegator: String
    public let delegation: AuthorityDelegation
}

/// The signer registry as of some position in a ledger: built by replaying genesis,
/// registrations, revocations and delegations in order. Pure logic, shared by `append`,
/// ledger `verify` and bundle verification (the one place the registry rules live; see
/// `Schemas/FORMAT.md` §8).
public struct Registry: Sendable {
    /// The ledger origin from genesis.
    public private(set) var origin: String?
    /// Every key ever registered (revoked ones included), by reference.
    public private(set) var keys: [String: RegisteredKey] = [:]
    /// Which reference each registered public key has: a public key is registered once, ever.
    public private(set) var referenceByPublicKey: [PublicKey: String] = [:]
    /// The operator's key reference.
    public private(set) var operatorReference: String?
    /// Every delegation, in log order.
    public private(set) var delegations: [RecordedDelegation] = []
    /// The position after the last entry applied.
    public private(set) var size: UInt64 = 0
    public var policy: WritePolicy

    public init(policy: WritePolicy = .default) { self.policy = policy }

    /// Why an entry is refused.
    public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        public let check: Finding.Check
        public let message: String
        public var description: String { message }
    }

    /// Decides whether `statement`, signed by `signerReference`, may stand at `seq`, and
    /// returns the key its signature must verify under. Does not change the registry.
    public func authorize(seq: UInt64, statement: Statement, signerReference: String, appendedAtMillis: Int64) -> Result<RegisteredKey, Rejection> {
        func reject(_ c: Finding.Check, _ m: String) -> Result<RegisteredKey, Rejection> { .failure(Rejection(check: c, message: m)) }
        if case .ledgerGenesis(let g) = statement {
            guard seq == 0 else { return reject(.registry, "a genesis entry may only be the first entry") }
            guard let vk = try? VerifierKey(parsing: g.operatorKey), vk.type == .ed25519 else {
                return reject(.statement, "genesis operatorKey is not a valid Ed25519 verifier key")
            }
            guard vk.publicKey.isValidPoint else {
                return reject(.statement, "genesis operatorKey is a weak (small-order) or invalid Ed25519 public key")
            }
            let ref = vk.reference
            guard signerReference == ref else {
                return reject(.authorization, "genesis must be signed by its own operator key \(ref), not \(signerReference)")
            }
            return .success(RegisteredKey(reference: ref, verifierKey: vk, partyId: "operator", legalName: g.operatorName ?? g.origin,
                                          roles: [.operator], registeredAt: 0, validFrom: nil, validUntil: nil))
        }
        guard seq > 0, origin != nil else { return reject(.registry, "the first entry must be the ledger genesis") }
        guard let key = keys[signerReference] else {
            return reject(.registry, "signer \(signerReference) is not a registered key")
        }
        if let r = key.revokedAt, r < seq {
            return reject(.registry, "signer \(signerReference) was revoked at seq \(r)")
        }
        if let until = key.validUntil, appendedAtMillis > until.epochMillis {
            return reject(.registry, "signer \(signerReference)'s registration expired at \(until.text)")
        }
        if let from = key.validFrom, appendedAtMillis < from.epochMillis {
            return reject(.registry, "signer \(signerReference)'s registration is valid only from \(from.text)")
        }
        let kind = statement.kind
        let rolesText = key.roles.sorted().map(\.rawValue).joined(separator: ", ")
        switch statement {
        case .partyRegistration(let p):
            guard let vk = try? VerifierKey(parsing: p.publicKey), vk.type == .ed25519 else {
                return reject(.statement, "publicKey is not a valid Ed25519 verifier key")
            }
            guard vk.publicKey.isValidPoint else {
                return reject(.statement, "publicKey is a weak (small-order) or invalid Ed25519 public key")
            }
            let ref = vk.reference
            if let existing = referenceByPublicKey[vk.publicKey] {
                return reject(.registry, "public key of \(ref) is already registered as \(existing): a public key is registered once, ever")
            }
            if keys[ref] != nil {
                return reject(.registry, "key \(ref) is already registered")
            }
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(rolesText)) may not write \(kind.rawValue)")
            }
        case .keyRevocation(let r):
            guard let target = keys[r.revokedKey] else {
                return reject(.registry, "revoked key \(r.revokedKey) is not a registered key")
            }
            guard r.revokedKey != operatorReference else {
                return reject(.authorization, "the operator key cannot be revoked")
            }
            let byOperator = policy.mayWrite(kind, roles: key.roles)
            if r.reason == .compromise {
                // Always possible, and it wins: only a compromise time later than (or equal to)
                // one already recorded would change nothing.
                guard byOperator || target.reference == key.reference else {
                    return reject(.authorization, "a compromise revocation of \(r.revokedKey) is signed by the operator or by that key itself, not \(signerReference)")
                }
                if let from = target.compromisedFromMillis, from <= r.effectiveTime.epochMillis {
                    return reject(.registry, "key \(r.revokedKey) is already revoked for compromise from \(Timestamp(epochMillis: from).text) (seq \(target.compromiseRevokedAt ?? 0)); a new compromise revocation must give an earlier effectiveTime")
                }
            } else {
                if let at = target.revokedAt {
                    return reject(.registry, "key \(r.revokedKey) is already revoked (seq \(at)); only a compromise revocation may follow")
                }
                guard byOperator || target.partyId == key.partyId else {
                    return reject(.authorization, "signer \(signerReference) may not revoke another party's key \(r.revokedKey)")
                }
            }
        case .authorityDelegation(let d):
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(rolesText)) may not write \(kind.rawValue)")
            }
            guard canonicalSubject(d.delegate) != canonicalSubject(key.partyId) else {
                return reject(.authorization, "a party cannot delegate to itself")
            }
            for s in d.scopes where !key.scopes.contains(where: { $0.contains(s) }) {
                return reject(.authorization, "signer \(signerReference) may not delegate \(s): its registration holds no scope containing it (a delegate cannot delegate further)")
            }
        case .passportData(let p):
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(rolesText)) may not write \(kind.rawValue)")
            }
            if let why = passportRefusal(p, signer: key, seq: seq, appendedAtMillis: appendedAtMillis) {
                return reject(.authorization, why)
            }
        default:
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(rolesText)) may not write \(kind.rawValue)")
            }
        }
        return .success(key)
    }

    /// Records the effect of an accepted entry at `seq` (which must be `size`).
    public mutating func apply(seq: UInt64, statement: Statement, signer: RegisteredKey) {
        switch statement {
        case .ledgerGenesis(let g):
            origin = g.origin
            operatorReference = signer.reference
            keys[signer.reference] = signer
            referenceByPublicKey[signer.verifierKey.publicKey] = signer.reference
        case .partyRegistration(let p):
            if let vk = try? VerifierKey(parsing: p.publicKey) {
                let ref = vk.reference
                keys[ref] = RegisteredKey(reference: ref, verifierKey: vk, partyId: p.partyId, legalName: p.legalName,
                                          roles: Set(p.roles), scopes: p.scopes, registeredAt: seq,
                                          validFrom: p.validFrom, validUntil: p.validUntil, smelter: p.smelter)
                referenceByPublicKey[vk.publicKey] = ref
            }
        case .keyRevocation(let r):
            guard var k = keys[r.revokedKey] else { break }
            if k.revokedAt == nil {
                k.revokedAt = seq
                k.revocation = r
            }
            if r.reason == .compromise, k.compromisedFromMillis.map({ r.effectiveTime.epochMillis < $0 }) ?? true {
                k.compromisedFromMillis = r.effectiveTime.epochMillis
                k.compromiseRevokedAt = seq
            }
            keys[r.revokedKey] = k
        case .authorityDelegation(let d):
            delegations.append(RecordedDelegation(seq: seq, delegator: signer.partyId, delegation: d))
        default:
            break
        }
        size = seq + 1
    }

    /// Why `signer` may sign a statement of `kind` about `identifier` at `seq` (appended at
    /// `appendedAtMillis`): a scope of its own registration, or the latest delegation to its
    /// party before `seq` from a party that held the identifier. Nil when it has no authority.
    public func authority(of signer: RegisteredKey, kind: StatementKind, over identifier: String, seq: UInt64,
                          appendedAtMillis: Int64) -> AuthorityBasis? {
        if let s = signer.scopes.first(where: { $0.covers(identifier) }) { return .ownScope(s) }
        let me = canonicalSubject(signer.partyId)
        // The latest delegation before `seq` from each delegator to this party.
        var latest: [String: RecordedDelegation] = [:]
        for d in delegations where d.seq < seq && canonicalSubject(d.delegation.delegate) == me {
            latest[d.delegator] = d
        }
        for (_, d) in latest.sorted(by: { $0.value.seq < $1.value.seq })
        where d.delegation.permits(kind, about: identifier, atMillis: appendedAtMillis) {
            return .delegation(seq: d.seq, delegator: d.delegator)
        }
        return nil
    }

    /// Why `signer` may not sign passport data `p` at `seq`, or nil when it may (FORMAT.md, passport
    /// data authority):
    ///
    /// * each aspect has its writer roles (`PassportData.Aspect.writerRoles`): static aspects the
    ///   manufacturer or authorised representative, the battery's condition and status the
    ///   manufacturer, repairer, second-life operator or recycler;
    /// * a static aspect needs authority over the subject: a scope of the signer's registration
    ///   covering it, or a delegation of `PassportData` to its party covering it;
    /// * a dynamic aspect is the record of whoever measured or changed the battery: a repairer,
    ///   second-life operator or recycler needs no authority over it; a signer acting only as
    ///   manufacturer needs authority over the subject, as for static aspects;
    /// * a status that links a new passport to its original (`successorOf`) needs authority over
    ///   the subject, the successor battery, whatever the role: the new passport is its own.
    public func passportRefusal(_ p: PassportData, signer key: RegisteredKey, seq: UInt64, appendedAtMillis: Int64) -> String? {
        let allowed = p.aspect.writerRoles
        let acting = key.roles.intersection(allowed)
        guard !acting.isEmpty else {
            return "signer \(key.reference) (roles: \(key.roles.sorted().map(\.rawValue).joined(separator: ", "))) may not write the \(p.aspect.rawValue) aspect of PassportData (written by: \(allowed.sorted().map(\.rawValue).joined(separator: ", ")))"
        }
        let hasAuthority = authority(of: key, kind: .passportData, over: p.canonicalSubjectId, seq: seq, appendedAtMillis: appendedAtMillis) != nil
        let needsAuthority: Bool
        let because: String
        if p.aspect.isStatic {
            needsAuthority = true
            because = "the \(p.aspect.rawValue) aspect is the brand owner's"
        } else if p.successorOf != nil {
            needsAuthority = true
            because = "a successor passport (successorOf) is written by the party whose product the successor battery is"
        } else {
            needsAuthority = acting.isDisjoint(with: [.repairer, .secondLifeOperator, .recycler])
            because = "a manufacturer records the \(p.aspect.rawValue) of its own batteries (repairers, second-life operators and recyclers record what they measured or changed)"
        }
        guard needsAuthority, !hasAuthority else { return nil }
        return "signer \(key.reference) (\(key.legalName)) has no authority over \(p.canonicalSubjectId): no scope of its registration and no delegation of PassportData covers it, and \(because)"
    }

    /// Whether the entry at `seq` by `signer`, appended at `appendedAtMillis`, falls after the
    /// key's compromise time: the compromise revocation's seq when it does.
    public func compromise(of signer: RegisteredKey, seq: UInt64, appendedAtMillis: Int64) -> UInt64? {
        guard let k = keys[signer.reference], let from = k.compromisedFromMillis, let at = k.compromiseRevokedAt,
              appendedAtMillis >= from, seq < at else { return nil }
        return at
    }

    /// Every registered key's public key by reference: what signatures can be checked against
    /// ahead of the in-order authorisation (`EntryChecker.SignatureCheck`).
    public var publicKeys: [String: PublicKey] { keys.mapValues { $0.verifierKey.publicKey } }

    /// Number of distinct keys that have signed or been registered.
    public var keyCount: Int { keys.count }
}

extension Registry {
    /// Replays an entry already in a ledger (authorise, then apply) without checking its
    /// signature: for rebuilding the registry an append checks new entries against.
    /// - Returns: the rejection if the stored entry would not have been accepted.
    public mutating func replay(seq: UInt64, statement: Statement, signerReference: String, appendedAtMillis: Int64) -> Rejection? {
        switch authorize(seq: seq, statement: statement, signerReference: signerReference, appendedAtMillis: appendedAtMillis) {
        case .failure(let r): return r
        case .success(let key):
            apply(seq: seq, statement: statement, signer: key)
            return nil
        }
    }

    /// The operator's registered key.
    public var operatorKey: RegisteredKey? { operatorReference.flatMap { keys[$0] } }

    /// The smelters and refiners `partyId` is registered as: for each RMI id any of its
    /// registrations declares, the declaration of the latest such registration (the highest
    /// `registeredAt`), with that registration's seq; sorted by RMI id.
    public func smelters(of partyId: String) -> [(seq: UInt64, smelter: Smelter)] {
        var latest: [String: (seq: UInt64, smelter: Smelter)] = [:]
        for k in keys.values where k.partyId == partyId {
            guard let s = k.smelter else { continue }
            if (latest[s.rmiId]?.seq ?? 0) <= k.registeredAt { latest[s.rmiId] = (k.registeredAt, s) }
        }
        return latest.values.sorted { $0.smelter.rmiId < $1.smelter.rmiId }
    }
}
