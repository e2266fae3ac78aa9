public import AssayCrypto
public import AssayModel

/// An entry that passed every per-entry check: parsed, authorised, signature verified.
public struct CheckedEntry: Sendable {
    public let seq: UInt64
    public let appendedAtMillis: Int64
    public let envelope: Envelope
    public let statement: Statement
    public let signer: RegisteredKey
}

/// An entry to check: its position, time and envelope bytes.
public struct PendingEntry: Sendable {
    public let seq: UInt64
    public let appendedAtMillis: Int64
    public let envelopeBytes: [UInt8]

    public init(seq: UInt64, appendedAtMillis: Int64, envelopeBytes: [UInt8]) {
        self.seq = seq
        self.appendedAtMillis = appendedAtMillis
        self.envelopeBytes = envelopeBytes
    }
}

/// The per-entry checks shared by `append` and `verify`: parse the envelope and the
/// statement (in parallel), authorise the signer against the registry (in order), then
/// verify the signatures (in parallel).
public enum EntryChecker {
    /// Largest envelope accepted, in bytes: a maximal statement (256 KiB) in base64 plus room
    /// for the signature. Checked before parsing.
    public static let maxEnvelopeBytes = 360 * 1024

    public struct Parsed: Sendable {
        public let envelope: Envelope
        public let statement: Statement
        /// The bytes took the canonical fast path, so they are exactly `envelope.canonicalJSON`.
        public let isCanonical: Bool
    }

    /// A signature checked ahead of the in-order authorisation, against the key its key
    /// reference named then. It stands only if authorisation resolves the same key.
    public struct SignatureCheck: Sendable {
        public let reference: String
        public let publicKey: PublicKey
        public let valid: Bool

        /// Checks `envelope`'s signature against the key `keys` holds under its reference;
        /// nil when the reference is not there (the in-order check then verifies it).
        public init?(_ envelope: Envelope, keys: [String: PublicKey]) {
            let ref = envelope.signatures[0].keyID
            guard let key = keys[ref] else { return nil }
            reference = ref
            publicKey = key
            valid = envelope.isValidSignature(at: 0, by: key)
        }
    }

    /// Whether `envelope`'s signature verifies under `key`, the key authorisation resolved:
    /// the earlier `check` when it was made against that same key, else checked now.
    public static func signatureValid(_ envelope: Envelope, by key: RegisteredKey, precheck: SignatureCheck?) -> Bool {
        if let precheck, precheck.reference == key.reference, precheck.publicKey == key.verifierKey.publicKey {
            return precheck.valid
        }
        return envelope.isValidSignature(at: 0, by: key.verifierKey.publicKey)
    }

    /// Parses one envelope and its statement.
    /// - Parameter requireCanonical: the stored bytes must be exactly the canonical
    ///   serialisation (true when verifying a ledger: nothing else is ever written).
    public static func parse(_ bytes: [UInt8], requireCanonical: Bool) -> Result<Parsed, Registry.Rejection> {
        guard bytes.count <= maxEnvelopeBytes else {
            return .failure(.init(check: .envelope, message: "envelope is \(bytes.count) bytes, over the limit of \(maxEnvelopeBytes)"))
        }
        let env: Envelope
        var isCanonical = true
        if let canonical = Envelope.parseCanonical(bytes) {
            env = canonical
        } else {
            isCanonical = false
            do { env = try Envelope(json: bytes) } catch {
                return .failure(.init(check: .envelope, message: error.message))
            }
            if requireCanonical && env.canonicalJSON != bytes {
                return .failure(.init(check: .envelope, message: "stored envelope is not in canonical form"))
            }
        }
        guard env.payloadType == Envelope.statementPayloadType else {
            return .failure(.init(check: .envelope, message: "payloadType \"\(env.payloadType)\" is not \(Envelope.statementPayloadType)"))
        }
        guard env.signatures.count == 1 else {
            return .failure(.init(check: .envelope, message: "an entry carries exactly one signature, this has \(env.signatures.count)"))
        }
        let st: Statement
        do { st = try Statement.decode(env.payload) } catch {
            return .failure(.init(check: .statement, message: "invalid statement: \(error.description)"))
        }
        return .success(Parsed(envelope: env, statement: st, isCanonical: isCanonical))
    }

    /// Parses `entries` (all cores) and authorises each signer against `registry` in order,
    /// applying registry changes; does not check signatures. Returns the entries that resolved,
    /// up to the first failure, and that failure.
    public static func resolve(_ entries: [PendingEntry], registry: inout Registry, requireCanonical: Bool) -> (resolved: [CheckedEntry], failure: Finding?) {
        let parsed = entries.concurrentMap(minimumChunk: 32) { parse($0.envelopeBytes, requireCanonical: requireCanonical) }
        var resolved: [CheckedEntry] = []
        resolved.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() {
            switch parsed[i] {
            case .failure(let r):
                return (resolved, Finding(r.check, seq: e.seq, r.message))
            case .success(let p):
                switch registry.authorize(seq: e.seq, statement: p.statement, signerReference: p.envelope.signatures[0].keyID,
                                          appendedAtMillis: e.appendedAtMillis) {
                case .failure(let r):
                    return (resolved, Finding(r.check, seq: e.seq, r.message))
                case .success(let key):
                    registry.apply(seq: e.seq, statement: p.statement, signer: key)
                    resolved.append(CheckedEntry(seq: e.seq, appendedAtMillis: e.appendedAtMillis, envelope: p.envelope, statement: p.statement, signer: key))
                }
            }
        }
        return (resolved, nil)
    }

    /// Checks the signatures of resolved entries on all cores; the finding for the first bad one.
    public static func verifySignatures(_ resolved: [CheckedEntry]) -> Finding? {
        let valid = resolved.concurrentMap(minimumChunk: 16) { $0.envelope.isValidSignature(at: 0, by: $0.signer.verifierKey.publicKey) }
        guard let bad = valid.firstIndex(of: false) else { return nil }
        let e = resolved[bad]
        return Finding(.signature, seq: e.seq, "signature by \(e.signer.reference) does not verify")
    }

    /// Checks `entries` (consecutive, in order) against `registry`, updating it: `resolve`, then
    /// `verifySignatures`. Returns the entries that passed, in order, up to the first failure,
    /// and that failure.
    public static func check(_ entries: [PendingEntry], registry: inout Registry, requireCanonical: Bool) -> (passed: [CheckedEntry], failure: Finding?) {
        var scratch = registry
        let (resolved, failure) = resolve(entries, registry: &scratch, requireCanonical: requireCanonical)
        if let bad = verifySignatures(resolved), let badSeq = bad.seq {
            // A bad signature earlier than the resolution failure wins; replay the registry to it.
            let good = resolved.prefix { $0.seq < badSeq }
            for r in good { registry.apply(seq: r.seq, statement: r.statement, signer: r.signer) }
            return (Array(good), bad)
        }
        registry = scratch
        return (resolved, failure)
    }
}
