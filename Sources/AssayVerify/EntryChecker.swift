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
    }

    /// Parses one envelope and its statement.
    /// - Parameter requireCanonical: the stored bytes must be exactly the canonical
    ///   serialisation (true when verifying a ledger: nothing else is ever written).
    public static func parse(_ bytes: [UInt8], requireCanonical: Bool) -> Result<Parsed, Registry.Rejection> {
        guard bytes.count <= maxEnvelopeBytes else {
            return .failure(.init(check: .envelope, message: "envelope is \(bytes.count) bytes, over the limit of \(maxEnvelopeBytes)"))
        }
        let env: Envelope
        do { env = try Envelope(json: bytes) } catch {
            return .failure(.init(check: .envelope, message: error.message))
        }
        if requireCanonical && env.canonicalJSON != bytes {
            return .failure(.init(check: .envelope, message: "stored envelope is not in canonical form"))
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
        return .success(Parsed(envelope: env, statement: st))
    }

    /// Checks `entries` (consecutive, in order) against `registry`, updating it.
    /// Returns the entries that passed, in order, up to the first failure, and that failure.
    public static func check(_ entries: [PendingEntry], registry: inout Registry, requireCanonical: Bool) -> (passed: [CheckedEntry], failure: Finding?) {
        let parsed = entries.concurrentMap(minimumChunk: 32) { parse($0.envelopeBytes, requireCanonical: requireCanonical) }
        var resolved: [CheckedEntry] = []
        resolved.reserveCapacity(entries.count)
        var failure: Finding? = nil
        var scratch = registry
        for (i, e) in entries.enumerated() {
            let p: Parsed
            switch parsed[i] {
            case .failure(let r):
                failure = Finding(r.check, seq: e.seq, r.message)
            case .success(let ok):
                p = ok
                switch scratch.authorize(seq: e.seq, statement: p.statement, signerReference: p.envelope.signatures[0].keyID,
                                         appendedAtMillis: e.appendedAtMillis) {
                case .failure(let r):
                    failure = Finding(r.check, seq: e.seq, r.message)
                case .success(let key):
                    scratch.apply(seq: e.seq, statement: p.statement, signer: key)
                    resolved.append(CheckedEntry(seq: e.seq, appendedAtMillis: e.appendedAtMillis, envelope: p.envelope, statement: p.statement, signer: key))
                }
            }
            if failure != nil { break }
        }
        // Signatures of everything that resolved, on all cores.
        let valid = resolved.concurrentMap(minimumChunk: 16) { $0.envelope.isValidSignature(at: 0, by: $0.signer.verifierKey.publicKey) }
        if let bad = valid.firstIndex(of: false) {
            let e = resolved[bad]
            // A bad signature earlier than the sequential failure wins; replay the registry to it.
            var replay = registry
            for r in resolved[..<bad] { replay.apply(seq: r.seq, statement: r.statement, signer: r.signer) }
            registry = replay
            return (Array(resolved[..<bad]), Finding(.signature, seq: e.seq, "signature by \(e.signer.reference) does not verify"))
        }
        registry = scratch
        if failure != nil {
            // scratch holds only entries before the failure: apply is what resolved did.
            return (resolved, failure)
        }
        return (resolved, nil)
    }
}
