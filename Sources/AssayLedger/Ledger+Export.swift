import AssayCrypto
public import AssayLog
import AssayModel
import AssayStore
import AssayVerify

extension Ledger {
    /// Builds the offline bundle for one product (see `ProductBundle`, FORMAT.md §13.4): every
    /// entry about every subject of `CompletenessClosure` — the product's entries; the defining
    /// entries of its model (commitments) and of each lot it consumed, transitively, and every
    /// entry about each serialised component; the genesis, registrations and revocations of
    /// every signer involved and the entries about their parties — with an inclusion proof for
    /// each entry and an index proof for each subject, against the best-witnessed stored
    /// checkpoint that commits to the subject index (the one with the most stored cosignatures;
    /// ties: the largest), whose note carries its stored cosignature lines.
    /// Reads only indexed rows: no scan of the ledger.
    /// - Parameter since: an older checkpoint the auditor trusts; a consistency proof from it is included.
    public func exportBundle(product: String, since: SignedNote? = nil) throws -> ProductBundle {
        guard let note = try bestWitnessedCheckpoint() else {
            throw LedgerError(.unavailable, "the ledger has no checkpoint yet; sign one with assay checkpoint")
        }
        let cp = try Checkpoint(parsing: note.text)
        guard cp.subjectIndex != nil else {
            throw LedgerError(.unavailable, "the ledger's checkpoints predate the subject index (FORMAT.md §13.7), so a bundle could not show that nothing was left out; sign a checkpoint after the next append (one per tree size) and export again")
        }
        let root = canonicalSubject(product)
        var source = ExportSource(ledger: self, size: cp.size)
        let closure = try CompletenessClosure.subjects(product: root) { try source.entries(about: $0) }
        guard let direct = closure[.identifier(root)], !direct.isEmpty else {
            throw LedgerError(.unavailable, "no entry in the checkpointed ledger (size \(cp.size)) is about \(root)")
        }
        let seqs = Set(closure.values.flatMap { $0.map(\.seq) }).sorted()
        let entries = try seqs.map { s in
            ProductBundle.Entry(record: try source.record(s).record, proof: try inclusionProof(seq: s, size: cp.size).hashes)
        }
        // Index proofs only against a checkpoint that commits to the index (one signed before
        // the index existed has none to prove against; the verifier then says so).
        let subjects = closure.keys.sorted()
        let index = try indexProofs(subjects, checkpoint: cp)
        let consistency = try since.map { old in
            let c = try consistencyFrom(old, to: cp.size)
            // Per-subject prefix proofs: what the trusted checkpoint's index held for each subject.
            let prefix = try indexProofs(subjects, checkpoint: try Checkpoint(parsing: old.text))
            return ProductBundle.Consistency(fromCheckpoint: c.fromCheckpoint, hashes: c.hashes, index: prefix)
        }
        return ProductBundle(origin: cp.origin, product: root, checkpoint: note.serialized, entries: entries, consistency: consistency, index: index)
    }

    /// Index proofs for `subjects` against `cp`'s subject index root; none when `cp` commits to
    /// no index (signed before the index existed: the verifier then says so).
    func indexProofs(_ subjects: [IndexSubject], checkpoint cp: Checkpoint) throws -> [ProductBundle.IndexProof] {
        guard let committed = cp.subjectIndex else { return [] }
        return try withSubjectIndex(at: cp.size) { tree in
            guard tree.root() == committed else {
                throw LedgerError(.inconsistent, "the subject index recomputed from the records does not match the checkpoint for size \(cp.size); run assay verify")
            }
            return subjects.map { subject in
                let leaf = tree.leaf(for: subject.key)
                return ProductBundle.IndexProof(subject: subject, count: leaf?.count ?? 0, chain: leaf?.chain ?? SubjectIndex.empty,
                                                proof: tree.prove(subject.key))
            }
        }
    }

    /// The consistency proof from a checkpoint the auditor trusts to the tree of `size`.
    func consistencyFrom(_ since: SignedNote, to size: UInt64) throws -> ProductBundle.Consistency {
        let old = try Checkpoint(parsing: since.text)
        guard old.size <= size, old.size >= 1 else {
            throw LedgerError(.unavailable, "the trusted checkpoint (size \(old.size)) is not older than the latest (size \(size))")
        }
        guard try self.root(size: old.size).bytes == old.rootHash else {
            throw LedgerError(.inconsistent, "the trusted checkpoint for size \(old.size) does not match this ledger's tree: it is from another log or the log was rewritten")
        }
        return .init(fromCheckpoint: since.serialized, hashes: try consistencyProof(from: old.size, to: size).hashes)
    }
}

/// Reads the entries about an index subject from the ledger, below a checkpoint's size:
/// identifiers through the stored subject rows, key references through the registry records.
private struct ExportSource {
    let ledger: Ledger
    /// The checkpoint's tree size: nothing at or beyond it belongs in the bundle.
    let size: UInt64
    private var loaded: [UInt64: (record: StoredRecord, entry: IndexedEntry)] = [:]
    private var byKey: [String: [UInt64]]? = nil

    init(ledger: Ledger, size: UInt64) {
        self.ledger = ledger
        self.size = size
    }

    mutating func record(_ seq: UInt64) throws -> StoredRecord { try load(seq).record }

    private mutating func load(_ seq: UInt64) throws -> (record: StoredRecord, entry: IndexedEntry) {
        if let l = loaded[seq] { return l }
        let r = try ledger.record(at: seq)
        let env = try Envelope(json: r.envelope)
        let l = (r, IndexedEntry(seq: seq, statement: try Statement.decode(env.payload), signer: env.signatures[0].keyID, leaf: r.leafHash))
        loaded[seq] = l
        return l
    }

    mutating func entries(about subject: IndexSubject) throws -> [IndexedEntry] {
        let seqs: [UInt64]
        switch subject.type {
        case .identifier:
            seqs = try ledger.mapStoreErrors { try ledger.store.sequences(forSubject: subject.name) }.filter { $0 < size }
        case .defining:
            seqs = try ledger.mapStoreErrors { try ledger.store.sequences(forSubject: subject.name, kinds: IndexSubject.definingKindNames) }.filter { $0 < size }
        case .keyReference:
            if byKey == nil {
                var map: [String: [UInt64]] = [:]
                for r in try ledger.mapStoreErrors({ try ledger.store.registryRecords() }) where r.seq < size {
                    for ref in IndexSubject.keyReferences(of: try load(r.seq).entry.statement) { map[ref, default: []].append(r.seq) }
                }
                byKey = map
            }
            seqs = byKey?[subject.name] ?? []
        }
        return try seqs.map { try load($0).entry }
    }
}
