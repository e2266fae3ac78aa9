public import AssayCrypto

/// Where a witness keeps its configuration (the logs it witnesses and their keys) and, per
/// log, the last checkpoint it cosigned. `WitnessDirectory` keeps them in files; a server
/// may keep them in a database.
public protocol WitnessStateStore {
    /// Runs `body` holding the store's exclusive lock: every read-check-write of the witness
    /// protocol runs inside one call.
    func withLock<R>(_ body: () throws -> R) throws -> R
    /// The verifier key configured for `origin`, or nil when the origin is not witnessed.
    func logKey(for origin: String) throws(WitnessError) -> VerifierKey?
    /// Configures `origin` with `key`.
    func setLogKey(_ key: VerifierKey, for origin: String) throws(WitnessError)
    /// The checkpoint note last cosigned for `origin` (log signature only), if any.
    func cosignedCheckpoint(for origin: String) throws(WitnessError) -> String?
    /// Records `note` as the checkpoint last cosigned for `origin`.
    func setCosignedCheckpoint(_ note: String, for origin: String) throws(WitnessError)
    /// Keeps a refusal that carries evidence of log misbehaviour (both checkpoints); the
    /// state itself stays as it was. The default keeps nothing.
    func recordEvidence(_ error: WitnessError, origin: String, timestamp: UInt64) throws(WitnessError)
}

extension WitnessStateStore {
    /// Keeps nothing.
    public func recordEvidence(_ error: WitnessError, origin: String, timestamp: UInt64) throws(WitnessError) {}
}
