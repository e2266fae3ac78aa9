public import AssayCrypto
public import AssayLog
public import AssayModel
public import AssayStore
public import AssayVerify
import Foundation
public import Logging

/// An Assay ledger: the append path (checks, then one transaction), checkpoints, witness
/// cosignatures, proofs and export, over any `LedgerStorage` (SQLite today: see
/// `Ledger.create(at:)` and `Ledger.open(at:)`).
///
/// Concurrency: `Ledger` is `Sendable` and may be shared between threads and tasks. Every
/// write (append, checkpoint, cosignatures) and every use of the cached signer registry runs
/// under one lock, so there is one writer at a time in this process (other processes
/// serialise on the storage's own write lock); reads go to the storage, which serialises what
/// its connection cannot do at once. Calls are synchronous and may wait for that lock or for
/// the storage: from async code, run long batches off the cooperative pool (a dedicated
/// thread or `Task.detached` with the expectation that it blocks for the batch's duration).
public final class Ledger: Sendable {
    /// The storage this ledger reads and writes.
    public let store: any LedgerStorage
    /// The write policy (roles, limits) appends are checked against.
    public let policy: WritePolicy
    let logger: Logger
    let state: LockedState

    /// What the lock guards: the cached registry and what the ledger has seen.
    struct State {
        /// Registry as of `registrySeq` (the last registry entry applied).
        var registry: Registry
        var registrySeq: Int64 = -1
        /// The largest ledger size seen so far (the ledger never shrinks).
        var knownSize: UInt64 = 0
        /// The subject index (FORMAT.md §13) as of `index.size` records, built on first use and
        /// brought forward from storage when a checkpoint is signed or a bundle exported.
        var index: SubjectIndexTree? = nil
        /// The checkpoint this process signed and stored last, as stored, with its root: lets the
        /// next signature skip re-verifying the note it wrote itself (see `signCheckpoint(in:)`).
        var lastSigned: (size: UInt64, stored: [UInt8], note: SignedNote, root: Digest)? = nil
        /// The clock: milliseconds since the epoch.
        var clock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
    }

    /// The lock and the state it guards.
    final class LockedState: @unchecked Sendable {
        // @unchecked Sendable: `value` is only read or written inside `withLock`, which holds
        // `lock` for the whole access; nothing hands out a reference to it.
        private let lock = NSLock()
        private var value: State

        init(_ value: State) { self.value = value }

        func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body(&value)
        }
    }

    /// The clock: milliseconds since the epoch. Injectable for tests.
    public var clock: @Sendable () -> Int64 {
        get { state.withLock { $0.clock } }
        set { state.withLock { $0.clock = newValue } }
    }

    /// A ledger over `storage`, which must already hold a genesis entry (see `create(storage:…)`).
    public init(storage: any LedgerStorage, policy: WritePolicy = .default, logger: Logger = Logger(label: "assay.ledger")) {
        self.store = storage
        self.policy = policy
        self.logger = logger
        self.state = LockedState(State(registry: Registry(policy: policy)))
    }

    static func storage(_ e: StoreError) -> LedgerError { LedgerError(.storage, e.message) }

    /// Writes the metadata and the genesis entry, signed by `operatorKey`, into a new, empty
    /// storage. On failure the storage may hold a partial ledger; the caller discards it.
    public static func create(storage: any LedgerStorage, origin: String, operatorKey: NamedSigningKey, operatorName: String? = nil,
                              policy: WritePolicy = .default, logger: Logger = Logger(label: "assay.ledger"),
                              now: Int64? = nil) throws -> Ledger {
        let genesis = try genesisEnvelope(origin: origin, operatorKey: operatorKey, operatorName: operatorName, now: now)
        let ledger = Ledger(storage: storage, policy: policy, logger: logger)
        try ledger.mapStoreErrors {
            try storage.write { tx in
                try tx.setMeta(LedgerSchema.formatKey, LedgerSchema.formatName)
                try tx.setMeta(LedgerSchema.originKey, origin)
            }
        }
        _ = try ledger.append([AppendItem(label: "genesis", bytes: genesis.bytes)], now: genesis.time)
        logger.debug("created ledger", metadata: ["origin": "\(origin)", "location": "\(storage.location)"])
        return ledger
    }

    /// The checked genesis envelope for a new ledger, and its time.
    static func genesisEnvelope(origin: String, operatorKey: NamedSigningKey, operatorName: String?, now: Int64?) throws -> (bytes: [UInt8], time: Int64) {
        guard !origin.isEmpty, !origin.contains(where: { $0.isNewline }), origin.utf8.count <= 255 else {
            throw LedgerError(.rejected, "origin must be one non-empty line of at most 255 bytes")
        }
        guard operatorKey.type == .ed25519 else {
            throw LedgerError(.rejected, "the operator key must be an Ed25519 note key, not a witness cosignature key")
        }
        let time = now ?? Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let genesis = LedgerGenesis(origin: origin, operatorKey: operatorKey.verifierKey.description, operatorName: operatorName,
                                    eventTime: Timestamp(epochMillis: time))
        return (Envelope.sign(payload: Array(genesis.json.utf8), with: operatorKey).canonicalJSON, time)
    }

    /// One envelope to append, with a label for messages (a file name, `line 3`).
    public struct AppendItem: Sendable {
        public let label: String
        public let bytes: [UInt8]
        public init(label: String, bytes: [UInt8]) {
            self.label = label
            self.bytes = bytes
        }
    }

    /// Appends envelopes in one transaction: every one is checked (signature, registered and
    /// unrevoked signer, role, statement), and either all are appended or none is. An envelope
    /// the ledger already holds (the same canonical bytes) is not appended again: its existing
    /// record is returned in its place, as is the first one for an envelope repeated in the batch.
    /// - Returns: one record per item, in order (the existing one for a duplicate).
    /// - Throws: `LedgerError.rejected` naming the item and the reason; the ledger is unchanged.
    @discardableResult
    public func append(_ items: [AppendItem], now: Int64? = nil, progress: ((UInt64) -> Void)? = nil) throws -> [StoredRecord] {
        try appendDetailed(items, now: now, progress: progress).map(\.record)
    }

    /// `append`, saying for each item whether it was appended now or was already present.
    /// - Parameter progress: called with the number of items done so far, on this thread, while
    ///   the ledger's writer lock is held: it must not call back into this ledger's writes,
    ///   `clock`, `currentRegistry` or `inclusionProof` (reads through `store` are fine).
    /// - Returns: one outcome per item, in order.
    /// - Throws: `LedgerError.rejected` naming the item and the reason; the ledger is unchanged.
    @discardableResult
    public func appendDetailed(_ items: [AppendItem], now: Int64? = nil, progress: ((UInt64) -> Void)? = nil) throws -> [AppendOutcome] {
        guard !items.isEmpty else { return [] }
        for item in items where item.bytes.count > EntryChecker.maxEnvelopeBytes {
            throw LedgerError(.rejected, "\(item.label): envelope is \(item.bytes.count) bytes, over the limit of \(EntryChecker.maxEnvelopeBytes)")
        }
        return try state.withLock { st in try pipelinedAppend(items, now: now, state: &st, progress: progress) }
    }

    /// Runs `body`, turning store errors into `LedgerError.storage`.
    func mapStoreErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError { throw LedgerError(e.code == .outcomeUnknown ? .outcomeUnknown : .storage, e.message) }
    }

    /// Brings the cached registry in `st` up to date with registry entries appended since
    /// (possibly by other processes). Inside a write, it must run inside the transaction.
    func refreshRegistry(_ st: inout State) throws {
        for r in try mapStoreErrors({ try store.registryRecords(after: st.registrySeq) }) {
            let statement: Statement
            let env: Envelope
            do {
                env = try Envelope(json: r.envelope)
                statement = try Statement.decode(env.payload)
            } catch {
                throw LedgerError(.corrupt, "stored registry entry \(r.seq) does not parse: \(error)")
            }
            if let rej = st.registry.replay(seq: r.seq, statement: statement, signerReference: env.signatures.first?.keyID ?? "",
                                            appendedAtMillis: r.appendedAtMillis) {
                throw LedgerError(.corrupt, "stored registry entry \(r.seq) is not valid: \(rej.message); run assay verify")
            }
            st.registrySeq = Int64(r.seq)
        }
    }

    /// The current signer registry (reads registry entries appended since the last call).
    public func currentRegistry() throws -> Registry {
        try state.withLock { st in
            try refreshRegistry(&st)
            return st.registry
        }
    }
}
