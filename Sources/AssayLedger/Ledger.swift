public import AssayCrypto
import AssayLog
public import AssayModel
public import AssayStore
public import AssayVerify
import Foundation
public import Logging

/// An Assay ledger: the append path (checks, then one transaction), checkpoints and
/// proofs, over a SQLite `LedgerStore`.
public final class Ledger {
    public let store: LedgerStore
    public let policy: WritePolicy
    let logger: Logger
    /// Registry as of `registrySeq` (the last registry entry applied).
    var registry: Registry
    var registrySeq: Int64 = -1
    /// The largest ledger size seen so far (the ledger never shrinks).
    var knownSize: UInt64 = 0
    /// The clock: milliseconds since the epoch. Injectable for tests.
    public var clock: () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    init(store: LedgerStore, policy: WritePolicy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.registry = Registry(policy: policy)
    }

    static func storage(_ e: StoreError) -> LedgerError { LedgerError(.storage, e.message) }

    /// Creates a ledger file with its genesis entry, signed by `operatorKey`.
    public static func create(at path: String, origin: String, operatorKey: NamedSigningKey, operatorName: String? = nil,
                              policy: WritePolicy = .default, logger: Logger = Logger(label: "assay.ledger"),
                              now: Int64? = nil) throws -> Ledger {
        guard !origin.isEmpty, !origin.contains(where: { $0.isNewline }), origin.utf8.count <= 255 else {
            throw LedgerError(.rejected, "origin must be one non-empty line of at most 255 bytes")
        }
        guard operatorKey.type == .ed25519 else {
            throw LedgerError(.rejected, "the operator key must be an Ed25519 note key, not a witness cosignature key")
        }
        let time = now ?? Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let genesis = LedgerGenesis(origin: origin, operatorKey: operatorKey.verifierKey.description, operatorName: operatorName,
                                    eventTime: Timestamp(epochMillis: time))
        let env = Envelope.sign(payload: Array(genesis.json.utf8), with: operatorKey)
        let store: LedgerStore
        do { store = try LedgerStore.create(at: path) } catch { throw storage(error) }
        let ledger = Ledger(store: store, policy: policy, logger: logger)
        do {
            try store.write { tx in
                try tx.setMeta("format", "assay-ledger")
                try tx.setMeta("origin", origin)
            }
            _ = try ledger.append([AppendItem(label: "genesis", bytes: env.canonicalJSON)], now: time)
        } catch {
            if path != ":memory:" {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            throw error
        }
        logger.debug("created ledger", metadata: ["origin": "\(origin)", "path": "\(path)"])
        return ledger
    }

    /// Opens an existing ledger file.
    public static func open(at path: String, readOnly: Bool = false, policy: WritePolicy = .default,
                            logger: Logger = Logger(label: "assay.ledger")) throws -> Ledger {
        do {
            return Ledger(store: try LedgerStore.open(at: path, readOnly: readOnly), policy: policy, logger: logger)
        } catch {
            throw storage(error)
        }
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
    /// unrevoked signer, role, statement), and either all are appended or none is.
    /// - Returns: the stored records, in order.
    /// - Throws: `LedgerError.rejected` naming the item and the reason; the ledger is unchanged.
    @discardableResult
    public func append(_ items: [AppendItem], now: Int64? = nil, progress: ((UInt64) -> Void)? = nil) throws -> [StoredRecord] {
        guard !items.isEmpty else { return [] }
        for item in items where item.bytes.count > EntryChecker.maxEnvelopeBytes {
            throw LedgerError(.rejected, "\(item.label): envelope is \(item.bytes.count) bytes, over the limit of \(EntryChecker.maxEnvelopeBytes)")
        }
        return try pipelinedAppend(items, now: now, progress: progress)
    }

    /// Runs `body`, turning store errors into `LedgerError.storage`.
    func mapStoreErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as StoreError { throw LedgerError(.storage, e.message) }
    }

    /// Brings the cached registry up to date with registry entries appended since (possibly
    /// by other processes). Must run inside the write transaction.
    func refreshRegistry() throws {
        for r in try store.registryRecords(after: registrySeq) {
            let statement: Statement
            let env: Envelope
            do {
                env = try Envelope(json: r.envelope)
                statement = try Statement.decode(env.payload)
            } catch {
                throw LedgerError(.corrupt, "stored registry entry \(r.seq) does not parse: \(error)")
            }
            if let rej = registry.replay(seq: r.seq, statement: statement, signerReference: env.signatures.first?.keyID ?? "",
                                         appendedAtMillis: r.appendedAtMillis) {
                throw LedgerError(.corrupt, "stored registry entry \(r.seq) is not valid: \(rej.message); run assay verify")
            }
            registrySeq = Int64(r.seq)
        }
    }

    /// The current signer registry (reads registry entries appended since the last call).
    public func currentRegistry() throws -> Registry {
        try refreshRegistry()
        return registry
    }
}

