import AssayCore
public import AssayCrypto
public import AssayLog

/// The witness's cosigning decision (C2SP tlog-witness) as a state machine: events in,
/// actions out, no I/O. A driver (`Witness`) performs each action against its state store and
/// feeds the result back as the next event.
///
///     start ──checkpointReceived──▶ lookUpLogKey(origin)
///     awaitingLogKey ──logKeyLoaded──▶ loadCosignedCheckpoint(origin) | refuse
///     awaitingCosigned ──cosignedCheckpointLoaded──▶ cosign(checkpoint) | refuse
///
/// The rule: the origin must be configured and the note signed by that origin's key; then,
/// against the checkpoint cosigned before for that origin (if any), the same size needs the
/// same root, a smaller size is a rollback, and a larger one needs a consistency proof from
/// the cosigned size that verifies.
///
/// Two submissions reach it: `assay witness cosign` (a proof naming both its sizes, or none)
/// and a C2SP tlog-witness `add-checkpoint` request (the client's old size and the proof from
/// it), where the old size must also be exactly the size cosigned last (0: none), or the
/// answer is `oldSizeMismatch` carrying that size (the 409 the log retries from).
public struct WitnessStateMachine: Sendable {
    /// How a checkpoint's consistency with the cosigned state is shown.
    public enum Submission: Sendable {
        /// `assay witness cosign`: a consistency proof naming both sizes, when the tree grew.
        case proof(ConsistencyProof?)
        /// A tlog-witness `add-checkpoint` request: the old size the client believes was
        /// cosigned last, and the consistency proof from it to the checkpoint's size.
        case addCheckpoint(oldSize: UInt64, proof: [Digest])
    }

    /// Where the machine is.
    public enum State: Sendable {
        /// Waiting for a checkpoint.
        case start
        /// The checkpoint's claimed origin is known; its configured key is being looked up.
        case awaitingLogKey(note: String, claimed: Checkpoint)
        /// The checkpoint verified under the configured key; the cosigned state is being loaded.
        case awaitingCosigned(signed: SignedCheckpoint, note: String, logKey: VerifierKey)
        /// A decision was made (`cosign` or `refuse`); further events are refused.
        case finished
    }

    /// What the driver must do next.
    public enum Action: Sendable {
        /// Look up the verifier key configured for `origin` and send `logKeyLoaded`.
        case lookUpLogKey(origin: String)
        /// Load the checkpoint last cosigned for `origin` and send `cosignedCheckpointLoaded`.
        case loadCosignedCheckpoint(origin: String)
        /// Cosign this checkpoint and record it as the new state for its origin.
        case cosign(SignedCheckpoint)
        /// Refuse; nothing may be cosigned or recorded.
        case refuse(WitnessError)
    }

    /// The current state.
    public private(set) var state: State = .start
    /// How the checkpoint's consistency is shown.
    public let submission: Submission
    /// A key the caller expects the origin to be configured with (a cross-check), if any.
    public let expectedLogKey: VerifierKey?

    /// A consistency proof offered with the checkpoint (`assay witness cosign`), if any.
    public var proof: ConsistencyProof? {
        if case .proof(let p) = submission { return p }
        return nil
    }

    /// A machine for one checkpoint.
    /// - Parameters:
    ///   - proof: a consistency proof from the last cosigned size, when the tree grew.
    ///   - expectedLogKey: optional cross-check of the configured key.
    public init(proof: ConsistencyProof? = nil, expectedLogKey: VerifierKey? = nil) {
        self.submission = .proof(proof)
        self.expectedLogKey = expectedLogKey
    }

    /// A machine for one checkpoint, submitted in either form.
    public init(submission: Submission, expectedLogKey: VerifierKey? = nil) {
        self.submission = submission
        self.expectedLogKey = expectedLogKey
    }

    private mutating func finish(_ error: WitnessError) -> Action {
        state = .finished
        return .refuse(error)
    }

    /// A checkpoint note arrived. Its origin is read, before any signature is checked, only to
    /// find the configured key.
    public mutating func checkpointReceived(_ note: String) -> Action {
        guard case .start = state else { return finish(WitnessError(.invalidTransition, "a checkpoint was already received")) }
        let claimed: Checkpoint
        do { claimed = try Checkpoint(parsing: try SignedNote(parsing: Array(note.utf8)).text) } catch {
            return finish(WitnessError(.malformedCheckpoint, error.message))
        }
        state = .awaitingLogKey(note: note, claimed: claimed)
        return .lookUpLogKey(origin: claimed.origin)
    }

    /// The key configured for the origin (nil: the origin is not witnessed).
    public mutating func logKeyLoaded(_ key: VerifierKey?) -> Action {
        guard case .awaitingLogKey(let note, let claimed) = state else {
            return finish(WitnessError(.invalidTransition, "no log key was asked for"))
        }
        let origin = claimed.origin
        guard let key else {
            return finish(WitnessError(.unknownOrigin, "refusing to cosign: origin \(Self.shown(origin)) is not a log this witness witnesses (configure it with assay witness add-log)"))
        }
        if let expectedLogKey, expectedLogKey != key {
            return finish(WitnessError(.logKeyMismatch, "--log-key \(expectedLogKey.reference) is not the key configured for origin \(Self.shown(origin)) (\(key.reference))"))
        }
        let signed: SignedCheckpoint
        do { signed = try SignedCheckpoint(parsing: Array(note.utf8), logKey: key, origin: origin) } catch {
            return finish(WitnessError(.badSignature, "refusing to cosign: the checkpoint is not signed by the key configured for origin \(Self.shown(origin)) (\(key.reference)): \(error.message)"))
        }
        state = .awaitingCosigned(signed: signed, note: note, logKey: key)
        return .loadCosignedCheckpoint(origin: origin)
    }

    /// The checkpoint last cosigned for the origin (nil: none yet).
    public mutating func cosignedCheckpointLoaded(_ previous: String?) -> Action {
        guard case .awaitingCosigned(let signed, let note, let key) = state else {
            return finish(WitnessError(.invalidTransition, "no cosigned state was asked for"))
        }
        var old: Checkpoint? = nil
        if let previous {
            do { old = try SignedCheckpoint(parsing: Array(previous.utf8), logKey: key, origin: signed.checkpoint.origin).checkpoint } catch {
                return finish(WitnessError(.stateUnusable, "the cosigned checkpoint in the witness state does not verify under the configured key: \(error.message)"))
            }
        }
        switch submission {
        case .proof(let proof): return decide(signed, note: note, old: old, previous: previous, proof: proof)
        case .addCheckpoint(let oldSize, let hashes):
            return decideRequest(signed, note: note, old: old, previous: previous, oldSize: oldSize, hashes: hashes)
        }
    }

    /// A refusal that is evidence of log misbehaviour: both checkpoints, verbatim.
    private mutating func refuse(_ code: WitnessError.Code, _ why: String, previous: String, note: String,
                                 latestSize: UInt64? = nil) -> Action {
        finish(WitnessError(code, "refusing to cosign: \(why). Evidence — previously cosigned checkpoint:\n\(previous)\nnew checkpoint:\n\(note)",
                            evidence: (previous, note), latestSize: latestSize))
    }

    /// Cosigns, recording the checkpoint as the new state.
    private mutating func accept(_ signed: SignedCheckpoint) -> Action {
        state = .finished
        return .cosign(signed)
    }

    /// The rule against the cosigned state, for `assay witness cosign`.
    private mutating func decide(_ signed: SignedCheckpoint, note: String, old: Checkpoint?, previous: String?,
                                 proof: ConsistencyProof?) -> Action {
        guard let old, let previous else { return accept(signed) }
        let cp = signed.checkpoint
        if cp.size < old.size {
            return refuse(.rollback, "tree size \(cp.size) is smaller than the size \(old.size) already cosigned (rollback)", previous: previous, note: note)
        }
        if cp.size == old.size {
            guard cp.rootHash == old.rootHash else {
                return refuse(.fork, "two different roots for tree size \(cp.size): \(Hex.encode(old.rootHash)) cosigned before, \(Hex.encode(cp.rootHash)) now (the log forked)", previous: previous, note: note)
            }
            return accept(signed)
        }
        guard let proof else {
            return finish(WitnessError(.needProof, "the tree grew from \(old.size) to \(cp.size): give --proof with a consistency proof (assay prove consistency --from \(old.size) --to \(cp.size))"))
        }
        guard proof.fromSize == old.size, proof.toSize == cp.size else {
            return finish(WitnessError(.wrongProof, "the proof is from \(proof.fromSize) to \(proof.toSize); needed from \(old.size) to \(cp.size)"))
        }
        return verifyGrowth(signed, note: note, old: old, previous: previous, proof: proof)
    }

    /// The rule against the cosigned state, for a tlog-witness `add-checkpoint` request (in
    /// the protocol's order: old size above the checkpoint's, old size not the cosigned one,
    /// then the root or the consistency proof).
    private mutating func decideRequest(_ signed: SignedCheckpoint, note: String, old: Checkpoint?, previous: String?,
                                        oldSize: UInt64, hashes: [Digest]) -> Action {
        let cp = signed.checkpoint
        let latest = old?.size ?? 0
        // A tree smaller than the one cosigned, signed by the log, is evidence however it is asked.
        let rollback = old.map { cp.size < $0.size } ?? false
        func refusal(_ code: WitnessError.Code, _ why: String) -> Action {
            if rollback, let previous {
                return refuse(code, "\(why); tree size \(cp.size) is smaller than the size \(latest) already cosigned (rollback)",
                              previous: previous, note: note, latestSize: latest)
            }
            return finish(WitnessError(code, "refusing to cosign: \(why)", latestSize: latest))
        }
        if oldSize > cp.size {
            return refusal(.oldSizeTooLarge, "the old size \(oldSize) is larger than the checkpoint's size \(cp.size)")
        }
        if oldSize != latest {
            return refusal(.oldSizeMismatch, "the old size \(oldSize) is not the size \(latest) this witness cosigned last for origin \(Self.shown(cp.origin))")
        }
        guard let old, let previous else {
            guard hashes.isEmpty else {
                return finish(WitnessError(.inconsistent, "refusing to cosign: a consistency proof from size 0 must be empty, this one has \(hashes.count) hashes"))
            }
            return accept(signed)
        }
        if cp.size == old.size {
            guard cp.rootHash == old.rootHash else {
                return refuse(.fork, "two different roots for tree size \(cp.size): \(Hex.encode(old.rootHash)) cosigned before, \(Hex.encode(cp.rootHash)) now (the log forked)", previous: previous, note: note)
            }
            guard hashes.isEmpty else {
                return finish(WitnessError(.inconsistent, "refusing to cosign: a consistency proof between equal sizes must be empty, this one has \(hashes.count) hashes"))
            }
            return accept(signed)
        }
        return verifyGrowth(signed, note: note, old: old, previous: previous,
                            proof: ConsistencyProof(fromSize: old.size, toSize: cp.size, hashes: hashes))
    }

    /// A larger tree: the consistency proof from the cosigned size must verify.
    private mutating func verifyGrowth(_ signed: SignedCheckpoint, note: String, old: Checkpoint, previous: String,
                                       proof: ConsistencyProof) -> Action {
        do {
            try proof.verify(oldRoot: try old.root, newRoot: try signed.checkpoint.root)
        } catch {
            return refuse(.inconsistent, "the new checkpoint is not consistent with the cosigned one: \(error.message)", previous: previous, note: note)
        }
        return accept(signed)
    }

    /// An origin as shown in a message: every unsafe scalar escaped (`Terminal.field`).
    static func shown(_ origin: String) -> String { Terminal.field(origin) }
}
