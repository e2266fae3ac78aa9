public import AssayCrypto
public import AssayLog

/// A witness: configures the logs it witnesses and cosigns their checkpoints, driving
/// `WitnessStateMachine` against a `WitnessStateStore` under the store's lock.
public struct Witness<Store: WitnessStateStore> {
    /// Where the configuration and the cosigned checkpoints live.
    public let store: Store

    /// A witness over `store`.
    public init(store: Store) { self.store = store }

    /// What `addLog` did.
    public enum Configured: Sendable, Equatable {
        /// The origin is now witnessed with the key.
        case added
        /// The origin was already witnessed with this same key; nothing changed.
        case unchanged
    }

    /// Refuses an origin that cannot be a checkpoint's first line (empty, over 1024 bytes, or
    /// holding a control, bidi or separator character).
    public static func checkOrigin(_ origin: String) throws(WitnessError) {
        guard !origin.isEmpty, origin.utf8.count <= 1024,
              !origin.unicodeScalars.contains(where: { WitnessStateMachine.shown(String($0)) != String($0) }) else {
            throw WitnessError(.invalidOrigin, "origin \(WitnessStateMachine.shown(origin)) is not a valid log origin (non-empty, one line, no control characters)")
        }
    }

    /// Configures a log to witness: its origin and its Ed25519 verifier key. Adding the same
    /// pair again changes nothing; a second, different key for an origin is refused.
    public func addLog(origin: String, key: VerifierKey) throws -> Configured {
        try Self.checkOrigin(origin)
        guard key.type == .ed25519 else {
            throw WitnessError(.wrongKeyType, "\(key.reference) is a witness key; a log signs its checkpoints with an Ed25519 note key")
        }
        return try store.withLock {
            if let existing = try store.logKey(for: origin) {
                guard existing == key else {
                    throw WitnessError(.originKeyConflict, "origin \(WitnessStateMachine.shown(origin)) is already witnessed with the log key \(existing.reference); refusing a second key \(key.reference) for it")
                }
                return .unchanged
            }
            try store.setLogKey(key, for: origin)
            return .added
        }
    }

    /// A cosigned checkpoint.
    public struct Cosigned: Sendable {
        /// The checkpoint, verified under its log's configured key.
        public let checkpoint: Checkpoint
        /// The note with the log's signature(s) and this witness's cosignature line.
        public let note: SignedNote
        /// This witness's cosignature line alone (the body of an `add-checkpoint` answer).
        public let cosignature: SignedNote.Line
    }

    /// Verifies a checkpoint of a configured log and cosigns it (C2SP tlog-cosignature),
    /// recording it as the new state for its origin. The whole read-check-write runs under the
    /// store's lock.
    /// - Parameters:
    ///   - note: the checkpoint note, verbatim.
    ///   - key: the witness's cosigning key (type `cosignatureV1`).
    ///   - proof: a consistency proof from the last cosigned size, when the tree grew.
    ///   - expectedLogKey: optional cross-check of the origin's configured key.
    ///   - timestamp: the cosignature time, seconds since the epoch.
    /// - Throws: `WitnessError` (a refusal, or a state that cannot be used).
    public func cosign(note: String, key: NamedSigningKey, proof: ConsistencyProof? = nil, expectedLogKey: VerifierKey? = nil,
                       timestamp: UInt64) throws -> Cosigned {
        try run(WitnessStateMachine(submission: .proof(proof), expectedLogKey: expectedLogKey), note: note, key: key, timestamp: timestamp)
    }

    /// Answers a C2SP tlog-witness `add-checkpoint` request: the same rules as `cosign`, and
    /// the request's old size must be the size cosigned last for the origin (0: none).
    /// - Parameters:
    ///   - request: the parsed request body.
    ///   - key: the witness's cosigning key (type `cosignatureV1`).
    ///   - timestamp: the cosignature time, seconds since the epoch.
    /// - Throws: `WitnessError` (see `WitnessStateMachine` for each refusal).
    public func addCheckpoint(_ request: AddCheckpointRequest, key: NamedSigningKey, timestamp: UInt64) throws -> Cosigned {
        guard let note = String(validating: request.checkpoint, as: UTF8.self) else {
            throw WitnessError(.malformedCheckpoint, "malformed note: not valid UTF-8")
        }
        return try run(WitnessStateMachine(submission: .addCheckpoint(oldSize: request.oldSize, proof: request.proof)),
                       note: note, key: key, timestamp: timestamp)
    }

    /// Drives `machine` to its decision under the store's lock. On a cosign, the state becomes
    /// the checkpoint with the log's verified signature(s) only; on a refusal with evidence,
    /// the evidence is handed to the store (`recordEvidence`) and the state is unchanged.
    private func run(_ machine: WitnessStateMachine, note: String, key: NamedSigningKey, timestamp: UInt64) throws -> Cosigned {
        guard key.type == .cosignatureV1 else {
            throw WitnessError(.wrongKeyType, "\(key.name) is not a witness key; generate one with 'assay key generate --witness'")
        }
        var machine = machine
        return try store.withLock {
            var action = machine.checkpointReceived(note)
            while true {
                switch action {
                case .lookUpLogKey(let origin):
                    action = machine.logKeyLoaded(try store.logKey(for: origin))
                case .loadCosignedCheckpoint(let origin):
                    action = machine.cosignedCheckpointLoaded(try store.cosignedCheckpoint(for: origin))
                case .refuse(let error):
                    // Evidence of misbehaviour is kept (C2SP tlog-witness allows logging it);
                    // failing to keep it does not change the answer.
                    if let evidence = error.evidence,
                       let origin = try? Checkpoint(parsing: SignedNote(parsing: Array(evidence.new.utf8)).text).origin {
                        try? store.recordEvidence(error, origin: origin, timestamp: timestamp)
                    }
                    throw error
                case .cosign(let signed):
                    let line = Cosignature.sign(checkpointText: signed.note.text, timestamp: timestamp, key: key)
                    let cosigned = SignedNote(text: signed.note.text, signatures: signed.note.signatures.filter {
                        !($0.name == key.name && $0.keyID == key.keyID)
                    } + [line])
                    let state = SignedNote(text: signed.note.text, signatures: signed.verifiedSignatures)
                    try store.setCosignedCheckpoint(state.serialized, for: signed.checkpoint.origin)
                    return Cosigned(checkpoint: signed.checkpoint, note: cosigned, cosignature: line)
                }
            }
        }
    }
}

extension Witness: Sendable where Store: Sendable {}
