public import AssayVerify
import AssayStore
import AssayLog

/// Presents a `LedgerStore` to the verifier, which never imports the store.
struct StoreLedgerSource: LedgerSource {
    let store: LedgerStore

    func forEachRow(_ body: (RecordRow) throws -> Bool) throws {
        try store.forEachRecord { r in
            try body(RecordRow(seq: r.seq, appendedAtMillis: r.appendedAtMillis, kind: r.kind, signer: r.signer,
                               envelope: r.envelope, leafHash: r.leafHash, chainHash: r.chainHash))
        }
    }

    func storedNodes(level: UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])> {
        let cursor = try store.nodeCursor(level: level)
        return AnyIterator { try? cursor.next() }
    }

    func checkpointNotes() throws -> [(size: UInt64, note: [UInt8])] {
        try store.checkpoints().map { ($0.size, $0.note) }
    }

    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws {
        for r in try store.registryRecords() {
            try body(RecordRow(seq: r.seq, appendedAtMillis: r.appendedAtMillis, kind: r.kind, signer: r.signer,
                               envelope: r.envelope, leafHash: r.leafHash, chainHash: r.chainHash))
        }
    }

    func declaredOrigin() throws -> String? { try store.origin() }

    func containerProblems() throws -> [String] {
        try store.missingTriggers().map { "append-only trigger \($0) is missing: the file was edited outside assay" }
    }
}

extension Ledger {
    /// Verifies the whole ledger (see `LedgerVerifier`).
    /// - Parameter externalCheckpoints: signed checkpoint notes from elsewhere (an auditor's
    ///   copy, a witness's) that must also match this ledger's tree.
    public func verify(externalCheckpoints: [[UInt8]] = [], batchSize: Int = 256, progress: ((UInt64) -> Void)? = nil) throws -> LedgerReport {
        // One snapshot for every read, so a writer committing meanwhile cannot make the
        // records, tree nodes and checkpoints disagree.
        try mapStoreErrors {
            try store.read {
                try LedgerVerifier(policy: policy, batchSize: batchSize, progress: progress)
                    .verify(StoreLedgerSource(store: store), externalCheckpoints: externalCheckpoints)
            }
        }
    }
}
