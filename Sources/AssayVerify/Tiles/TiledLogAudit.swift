public import AssayCrypto
public import AssayLog
public import AssayModel

/// Audits a remote Assay log through its C2SP tiles, as a monitor: the served checkpoint must
/// verify under the log key and origin the auditor pins; every tile is recomputed from the level
/// below and every entry from its leaf hash (`TilesReader`); a checkpoint saved from an earlier
/// run must be consistent with the new one (its root is recomputed from the same leaves, so the
/// log cannot show this auditor two histories); then every record goes through the checks of a
/// ledger verify (`LedgerVerifier` over a `TiledLogSource`), including the hash chain and the
/// subject index against the checkpoints' extension lines.
///
/// Two phases, because the walk runs on threads of its own: `fetch` (async, network) and
/// `verify` (synchronous: call it from a thread, not from an async task).
public struct TiledLogAudit: Sendable {
    public let reader: TilesReader
    public let logKey: VerifierKey
    public let origin: String
    /// Witness cosigning keys (C2SP tlog-cosignature v1) the served checkpoint is checked against.
    public var witnesses: [VerifierKey]
    /// How many of `witnesses` must have cosigned the served checkpoint.
    public var witnessesNeeded: Int

    public init(reader: TilesReader, logKey: VerifierKey, origin: String, witnesses: [VerifierKey] = [], witnessesNeeded: Int = 0) {
        self.reader = reader
        self.logKey = logKey
        self.origin = origin
        self.witnesses = witnesses
        self.witnessesNeeded = witnessesNeeded
    }

    /// What `fetch` read and checked.
    public struct Fetched: Sendable {
        /// The served checkpoint note, as served (cosignatures included).
        public let note: [UInt8]
        public let checkpoint: SignedCheckpoint
        /// The saved checkpoint the log was found consistent with.
        public let saved: SignedCheckpoint?
        public let tree: TilesReader.Tree
        /// The records, ready for the walk.
        public let source: TiledLogSource
    }

    /// Reads the log's checkpoint, tiles and entries and checks them against each other and
    /// against `saved` (a checkpoint note of this log from an earlier audit).
    /// - Throws: `TilesError` — `.badCheckpoint` when the served checkpoint does not verify,
    ///   `.twoHistories` naming both checkpoints when it is not consistent with `saved`, other
    ///   codes for tiles that are missing or wrong; `LogError` when `saved` itself does not
    ///   verify; whatever the fetch throws.
    public func fetch(saved: [UInt8]?) async throws -> Fetched {
        let note = try await reader.checkpoint()
        let served: SignedCheckpoint
        do {
            served = try SignedCheckpoint(parsing: note, logKey: logKey, origin: origin, witnesses: witnesses,
                                          witnessesNeeded: witnessesNeeded, extensions: .assayLedger)
        } catch {
            throw TilesError(.badCheckpoint, "the log's checkpoint does not verify under \(logKey.reference) for origin \(origin)\(witnessesNeeded > 0 ? " with \(witnessesNeeded) witness cosignature(s)" : ""): \(error.message)")
        }
        let old = try saved.map { try SignedCheckpoint(parsing: $0, logKey: logKey, origin: origin, extensions: .assayLedger) }
        if let old {
            let a = old.checkpoint, b = served.checkpoint
            if a.size > b.size || (a.size == b.size && a.rootHash != b.rootHash) {
                throw Self.twoHistories(saved: a, served: b, a.size > b.size ? "the log's tree is smaller than one it showed before" : "the same size has two roots",
                                        notes: (saved!, note))
            }
        }
        let source = try TiledLogSource()
        source.addCheckpoint(note)
        if let saved { source.addCheckpoint(saved) }
        let tree: TilesReader.Tree
        do {
            tree = try await reader.audit(served.checkpoint, rootsAt: old.map { [$0.checkpoint.size] } ?? [],
                                          entries: { try source.append(seq: $0, entry: $1) })
        } catch let e as TilesError where e.code == .rootMismatch {
            throw TilesError(.rootMismatch, "\(e.message): the checkpoint signs a tree the log does not serve")
        }
        if let old, tree.rootsAt[old.checkpoint.size]?.bytes != old.checkpoint.rootHash {
            throw Self.twoHistories(saved: old.checkpoint, served: served.checkpoint,
                                    "the log's first \(old.checkpoint.size) entries have root \(tree.rootsAt[old.checkpoint.size]?.base64 ?? "?")",
                                    notes: (saved!, note))
        }
        return Fetched(note: note, checkpoint: served, saved: old, tree: tree, source: source)
    }

    /// Runs every entry check of a ledger verify over the fetched records, against the served
    /// (and saved) checkpoints. Throws only for I/O; what is wrong is in the report.
    public func verify(_ fetched: Fetched, policy: WritePolicy = .default, progress: ((UInt64) -> Void)? = nil) throws -> LedgerReport {
        let verifier = LedgerVerifier(policy: policy, progress: progress)
        return try verifier.verify(fetched.source, externalCheckpoints: fetched.source.checkpoints)
    }

    static func twoHistories(saved: Checkpoint, served: Checkpoint, _ why: String, notes: (saved: [UInt8], served: [UInt8])) -> TilesError {
        TilesError(.twoHistories, "the log shows two histories (\(why)): saved checkpoint \(saved.origin) size \(saved.size) root \(Base64.encode(saved.rootHash)), served checkpoint size \(served.size) root \(Base64.encode(served.rootHash))",
                   checkpoints: notes)
    }
}
