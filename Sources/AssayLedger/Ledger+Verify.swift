public import AssayVerify
import AssayStore
import AssayLog

/// Presents any `LedgerStorage` to the verifier, which never imports the store.
struct StoreLedgerSource: LedgerSource {
    let store: any LedgerStorage

    func forEachRow(_ body: (RecordRow) throws -> Bool) throws {
        try store.forEachRecord(body)
    }

    func recordCount() throws -> UInt64 { try store.rowCount() }

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

    func eventIndexRows() throws -> (any SubjectRowCursor)? {
        try store.eventIndexCursor().map { StoreSubjectRows(cursor: $0) }
    }

    func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws {
        for r in try store.registryRecords() { try body(r) }
    }

    func metadata() throws -> [(key: String, value: String)] { try store.allMetadata() }

    /// The storage's own problems (guards, rows outside the sequence), then every stored
    /// cosignature that does not belong to its checkpoint (see `CosignatureCheck`).
    func containerProblems() throws -> [String] {
        try store.containerProblems() + CosignatureCheck.problems(cosignatures: try store.cosignatureRows(),
                                                                  checkpoints: try store.checkpointRows())
    }
}

/// The store's subject cursor as the verifier's.
final class StoreSubjectRows: SubjectRowCursor {
    let cursor: any SubjectCursor
    init(cursor: any SubjectCursor) { self.cursor = cursor }

    func next() throws -> SubjectRow? {
        try cursor.next().map { SubjectRow(seq: $0.seq, subject: $0.subject, welltyped: $0.welltyped) }
    }
}

extension Ledger {
    /// Verifies the whole ledger (see `LedgerVerifier`).
    /// - Parameter externalCheckpoints: signed checkpoint notes from elsewhere (an auditor's
    ///   copy, a witness's) that must also match this ledger's tree.
    /// - Parameter indexRecordsInMemory: above this many records the subject index is recomputed
    ///   in partitions (bounded memory; see `LedgerVerifier.indexRecordsInMemory`).
    public func verify(externalCheckpoints: [[UInt8]] = [], batchSize: Int = 256, indexRecordsInMemory: UInt64? = nil,
                       progress: ((UInt64) -> Void)? = nil) throws -> LedgerReport {
        // One snapshot for every read, so a writer committing meanwhile cannot make the
        // records, tree nodes and checkpoints disagree.
        let policy = self.policy
        return try mapStoreErrors {
            try store.read {
                var verifier = LedgerVerifier(policy: policy, batchSize: batchSize, progress: progress)
                if let indexRecordsInMemory { verifier.indexRecordsInMemory = indexRecordsInMemory }
                return try verifier.verify(StoreLedgerSource(store: store), externalCheckpoints: externalCheckpoints)
            }
        }
    }
}
