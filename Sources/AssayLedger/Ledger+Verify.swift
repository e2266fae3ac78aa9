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

    func firstStoredNode(outside levels: ClosedRange<UInt8>?) throws -> Int64? {
        try store.firstNode(outside: levels)
    }

    func checkpointNotes() throws -> [(size: Int64, note: [UInt8])] {
        try store.checkpointRows()
    }

    func subjectRows() throws -> any SubjectRowCursor {
        StoreSubjectRows(cursor: try store.subjectCursor())
    }

    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws {
        for r in try store.registryRecords() {
            try body(RecordRow(seq: r.seq, appendedAtMillis: r.appendedAtMillis, kind: r.kind, signer: r.signer,
                               envelope: r.envelope, leafHash: r.leafHash, chainHash: r.chainHash))
        }
    }

    func metadata() throws -> [(key: String, value: String)] { try store.allMetadata() }

    func containerProblems() throws -> [String] {
        var problems = try store.triggerProblems().map { p in
            p.definition == nil ? "append-only trigger \(p.name) is missing: the file was edited outside assay"
                                : "append-only trigger \(p.name) is not the one assay creates: the file was edited outside assay"
        }
        if let seq = try store.firstRecordOutsideSequence() {
            problems.append("a record row is stored under sequence number \(seq), which is negative")
        }
        return problems
    }
}

/// The store's subject cursor as the verifier's.
final class StoreSubjectRows: SubjectRowCursor {
    let cursor: SubjectCursor
    init(cursor: SubjectCursor) { self.cursor = cursor }

    func next() throws -> SubjectRow? {
        try cursor.next().map { SubjectRow(seq: $0.seq, subject: $0.subject, welltyped: $0.welltyped) }
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
