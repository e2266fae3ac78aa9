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
    /// The entry that registered it.
    public let registeredAt: UInt64
    public let validFrom: Timestamp?
    public let validUntil: Timestamp?
    /// The entry that revoked it, if any.
    public internal(set) var revokedAt: UInt64? = nil
    public internal(set) var revocation: KeyRevocation? = nil
}

/// The signer registry as of some position in a ledger: built by replaying genesis,
/// registrations and revocations in order. Pure logic, shared by `append` and `verify`.
public struct Registry: Sendable {
    /// The ledger origin from genesis.
    public private(set) var origin: String?
    /// Every key ever registered (revoked ones included), by reference.
    public private(set) var keys: [String: RegisteredKey] = [:]
    /// The operator's key reference.
    public private(set) var operatorReference: String?
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
            guard let vk = try? VerifierKey(parsing: g.operatorKey) else {
                return reject(.statement, "genesis operatorKey is not a valid verifier key")
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
        switch statement {
        case .partyRegistration(let p):
            guard let vk = try? VerifierKey(parsing: p.publicKey), vk.type == .ed25519 else {
                return reject(.statement, "publicKey is not a valid Ed25519 verifier key")
            }
            let ref = vk.reference
            if keys[ref] != nil {
                return reject(.registry, "key \(ref) is already registered")
            }
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(key.roles.sorted().map(\.rawValue).joined(separator: ", "))) may not write \(kind.rawValue)")
            }
        case .keyRevocation(let r):
            guard let target = keys[r.revokedKey] else {
                return reject(.registry, "revoked key \(r.revokedKey) is not a registered key")
            }
            guard target.revokedAt == nil else {
                return reject(.registry, "key \(r.revokedKey) is already revoked (seq \(target.revokedAt!))")
            }
            guard r.revokedKey != operatorReference else {
                return reject(.authorization, "the operator key cannot be revoked")
            }
            let ownParty = target.partyId == key.partyId
            guard ownParty || policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) may not revoke another party's key \(r.revokedKey)")
            }
        default:
            guard policy.mayWrite(kind, roles: key.roles) else {
                return reject(.authorization, "signer \(signerReference) (roles: \(key.roles.sorted().map(\.rawValue).joined(separator: ", "))) may not write \(kind.rawValue)")
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
        case .partyRegistration(let p):
            if let vk = try? VerifierKey(parsing: p.publicKey) {
                let ref = vk.reference
                keys[ref] = RegisteredKey(reference: ref, verifierKey: vk, partyId: p.partyId, legalName: p.legalName,
                                          roles: Set(p.roles), registeredAt: seq, validFrom: p.validFrom, validUntil: p.validUntil)
            }
        case .keyRevocation(let r):
            keys[r.revokedKey]?.revokedAt = seq
            keys[r.revokedKey]?.revocation = r
        default:
            break
        }
        size = seq + 1
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
}
