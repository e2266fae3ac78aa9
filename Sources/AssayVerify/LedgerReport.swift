public import AssayCrypto
import AssayLog

/// The outcome of verifying a whole ledger.
public struct LedgerReport: Sendable {
    /// Records walked.
    public var entries: UInt64 = 0
    /// Distinct signing keys registered (operator included).
    public var signers: Int = 0
    /// Chain hash of the last record.
    public var headHash: Digest = .zero
    /// Merkle root recomputed from every leaf.
    public var root: Digest = Merkle.emptyRoot
    /// The ledger origin from genesis.
    public var origin: String?
    /// Stored checkpoints whose signature, root and chain head were checked.
    public var checkpointsChecked: Int = 0
    /// Stored interior tree nodes compared with the recomputed ones.
    public var nodesChecked: UInt64 = 0
    /// The first failure; nil when the ledger verifies.
    public var failure: Finding?
    /// Things worth an auditor's attention that do not break integrity.
    public var warnings: [Finding] = []

    public var ok: Bool { failure == nil }
}
