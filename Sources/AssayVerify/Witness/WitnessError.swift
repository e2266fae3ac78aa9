public import AssayCore

/// Why a witness refused a checkpoint or could not use its state: the one error of the
/// witness protocol (`WitnessStateMachine`, `Witness`, `WitnessDirectory`).
public struct WitnessError: CodedError {
    /// What went wrong; errors are equal when their codes are.
    public enum Code: String, Sendable {
        /// The checkpoint is not a parsable signed note or checkpoint.
        case malformedCheckpoint
        /// The checkpoint's origin is not among the logs this witness witnesses.
        case unknownOrigin
        /// The checkpoint is not signed by the key configured for its origin.
        case badSignature
        /// A key given as a cross-check is not the one configured for the origin.
        case logKeyMismatch
        /// A smaller tree than the one cosigned before.
        case rollback
        /// Two different roots for one tree size.
        case fork
        /// The consistency proof from the cosigned size does not verify.
        case inconsistent
        /// The tree grew and no consistency proof was given.
        case needProof
        /// The consistency proof given is for other sizes.
        case wrongProof
        /// The key given is not a witness cosigning key, or a log key is not an Ed25519 note key.
        case wrongKeyType
        /// An origin that cannot be a checkpoint's first line.
        case invalidOrigin
        /// A second, different log key for an origin already configured.
        case originKeyConflict
        /// The state directory does not exist (and was not to be created).
        case stateMissing
        /// The state is damaged or cannot be read, written or locked.
        case stateUnusable
        /// An event arrived that the state machine did not expect.
        case invalidTransition
        /// tlog-witness: an `add-checkpoint` body that does not follow the protocol's layout.
        case malformedRequest
        /// tlog-witness: the request's old size is larger than the checkpoint's size.
        case oldSizeTooLarge
        /// tlog-witness: the request's old size is not the size this witness cosigned last
        /// (`latestSize` says which it is).
        case oldSizeMismatch
        /// The state is held by another process (a running `assay witness serve`, say).
        case stateLocked
    }

    /// What went wrong.
    public let code: Code
    /// One line for a person, naming what was refused and why.
    public let message: String
    /// For a refusal that is evidence of log misbehaviour (rollback, fork, inconsistency): the
    /// checkpoint cosigned before and the new one, verbatim.
    public let evidence: (previouslyCosigned: String, new: String)?
    /// The size of the checkpoint the witness cosigned last for the origin (0: none), where
    /// the refusal depends on it (`oldSizeMismatch`): the body of a 409 answer.
    public let latestSize: UInt64?

    /// Creates an error.
    public init(_ code: Code, _ message: String, evidence: (previouslyCosigned: String, new: String)? = nil,
                latestSize: UInt64? = nil) {
        self.code = code
        self.message = message
        self.evidence = evidence
        self.latestSize = latestSize
    }

    /// The evidence as a document to hand on: the reason, then both checkpoints verbatim
    /// (`previously cosigned checkpoint:` and `new checkpoint:` headings); nil without evidence.
    public var evidenceDocument: String? {
        evidence.map { "refused (\(code.rawValue)): \(message.split(separator: "\n").first ?? "")\npreviously cosigned checkpoint:\n\($0.previouslyCosigned)\nnew checkpoint:\n\($0.new)" }
    }

    /// Whether this is a refusal on the merits (a checkpoint that does not verify or would
    /// contradict what was cosigned) rather than an error in the witness's own input or state.
    public var isRefusal: Bool {
        switch code {
        case .malformedCheckpoint, .unknownOrigin, .badSignature, .rollback, .fork, .inconsistent, .stateMissing,
             .malformedRequest, .oldSizeTooLarge, .oldSizeMismatch: true
        default: false
        }
    }
}
