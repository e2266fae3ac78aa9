public import AssayCrypto
public import AssayModel
import AssayLog

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
        // Every record must fit a C2SP tlog-tiles entry bundle, whose uint16 length prefix holds
        // at most 65,535 bytes (FORMAT.md §3): checked on the canonical bytes the record holds.
        let canonicalCount = isCanonical ? bytes.count : env.canonicalJSON.count
        guard canonicalCount <= LedgerRecord.maxEnvelopeBytes else {
            return .failure(.init(check: .envelope, message: "envelope is \(canonicalCount) bytes in canonical form, over the limit of \(LedgerRecord.maxEnvelopeBytes): its record (\(canonicalCount + LedgerRecord.headerBytes) bytes) would not fit the uint16 length of a tlog-tiles entry bundle (at most \(LedgerRecord.maxBytes))"))
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

    /// The one in-order step every entry takes at its position — in `append`, in a ledger
    /// walk and in bundle verification alike: authorise the signer against `registry`, check
    /// the signature (reusing `precheck` only when it was made against the very key authorisation
    /// resolves), then apply the entry's effect on the registry. On a rejection the registry is
    /// unchanged.
    /// - Returns: the checked entry, or why it is refused (the check that failed and a one-line message).
    public static func admit(_ parsed: Parsed, seq: UInt64, appendedAtMillis: Int64, registry: inout Registry,
                             precheck: SignatureCheck? = nil) -> Result<CheckedEntry, Registry.Rejection> {
        let key: RegisteredKey
        switch registry.authorize(seq: seq, statement: parsed.statement, signerReference: parsed.envelope.signatures[0].keyID,
                                  appendedAtMillis: appendedAtMillis) {
        case .failure(let r): return .failure(r)
        case .success(let k): key = k
        }
        guard signatureValid(parsed.envelope, by: key, precheck: precheck) else {
            return .failure(.init(check: .signature, message: "signature by \(key.reference) does not verify"))
        }
        registry.apply(seq: seq, statement: parsed.statement, signer: key)
        return .success(CheckedEntry(seq: seq, appendedAtMillis: appendedAtMillis, envelope: parsed.envelope, statement: parsed.statement, signer: key))
    }

    /// Parses and admits one stored entry (`parse`, then `admit`): for bundles, whose entries
    /// come one by one.
    public static func check(_ entry: PendingEntry, registry: inout Registry, requireCanonical: Bool) -> Result<CheckedEntry, Registry.Rejection> {
        parse(entry.envelopeBytes, requireCanonical: requireCanonical).flatMap {
            admit($0, seq: entry.seq, appendedAtMillis: entry.appendedAtMillis, registry: &registry)
        }
    }
}
