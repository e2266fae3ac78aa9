import AssayCrypto
import AssayLog
import AssayModel
import AssayStore

extension Ledger {
    /// Runs `body` on the subject index over records `0 ..< size`: the cached one, brought
    /// forward from `reader` when it is behind; a fresh one, built from the start, when the
    /// cache is already past `size` (an export at an older checkpoint) — that one is not kept.
    func withSubjectIndex<T>(at size: UInt64, reader: any LedgerStorage, state st: inout State,
                             _ body: (inout SubjectIndexTree) throws -> T) throws -> T {
        if var cached = st.index, cached.size <= size {
            st.index = nil // no second reference: the tree is updated in place
            defer { st.index = cached }
            try Self.bringForward(&cached, to: size, reader: reader)
            return try body(&cached)
        }
        // Small buckets: a writer computes a root for every group it commits, each over a few
        // changed subjects (FORMAT.md §13 is the same whatever the buckets).
        var tree = SubjectIndexTree(expectedSubjects: Int(clamping: size), bucketTarget: Self.writerBucketTarget)
        try Self.bringForward(&tree, to: size, reader: reader)
        let result = try body(&tree)
        // Kept after `body` ran (it computes the root): a copy kept before would share the
        // tree's storage and keep every bucket marked as changed, so the next root would
        // rehash the whole index.
        if st.index == nil { st.index = tree }
        return result
    }

    /// The leaves per bucket of the index a ledger keeps (see `SubjectIndexTree.init`).
    static let writerBucketTarget = 4

    /// `withSubjectIndex` under the ledger's lock, reading from the storage.
    func withSubjectIndex<T>(at size: UInt64, _ body: (inout SubjectIndexTree) throws -> T) throws -> T {
        try state.withLock { st in try withSubjectIndex(at: size, reader: store, state: &st, body) }
    }

    /// Adds records `tree.size ..< size` to `tree`: their identifier (and, for defining kinds,
    /// defining) subjects from the stored subject rows and kinds — both checked by `verify` —
    /// and their key references from the registry records (the only kinds that have any). Each subject's entries are added in record order, which is all the index depends on.
    static func bringForward(_ tree: inout SubjectIndexTree, to size: UInt64, reader: any LedgerStorage) throws {
        guard tree.size < size else { return }
        let from = tree.size
        do {
            let defining = IndexSubject.definingKindNames
            try reader.forEachSubjectEntry(from: from, below: size) { _, subject, kind, leaf in
                tree.add(key: SubjectIndex.key(subject, type: .identifier), entryLeaf: leaf)
                if defining.contains(kind) { tree.add(key: SubjectIndex.key(subject, type: .defining), entryLeaf: leaf) }
            }
            for r in try reader.registryRecords(after: Int64(from) - 1) where r.seq < size {
                let statement: Statement
                do {
                    statement = try Statement.decode(try Envelope(json: r.envelope).payload)
                } catch {
                    throw LedgerError(.corrupt, "stored registry entry \(r.seq) does not parse: \(error); run assay verify")
                }
                for ref in IndexSubject.keyReferences(of: statement) {
                    tree.add(key: SubjectIndex.key(ref, type: .keyReference), entryLeaf: r.leafHash)
                }
            }
        } catch let e as StoreError {
            throw LedgerError(.storage, e.message)
        }
        tree.advance(to: size)
    }
}
