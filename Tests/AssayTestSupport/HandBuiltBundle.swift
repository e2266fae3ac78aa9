public import AssayCrypto
public import AssayLog
public import AssayModel
public import AssayVerify

/// Bundles built by hand, signed and proved exactly as FORMAT.md §2–§6 and §13 say, for the
/// tests that need a bundle an honest ledger would never export (records it would refuse, a
/// log without append checks) or that take an exported bundle apart.
///
/// What a hand-built bundle carries, like an exported one:
/// - a checkpoint over all `records` with the `assay-chain-head` line and the
///   `assay-subject-index` line: the root of the subject index over all `records` (every
///   record added with the keys of `IndexSubject.of` its statement, in order);
/// - an inclusion proof for every entry;
/// - a subject-index proof for every subject of the completeness closure of the product
///   (`CompletenessClosure.subjects` over the records' statements).
///
/// Unlike the exporter it puts every record in the bundle (not only those about the closure's
/// subjects), so that the verifier's own checks of each entry are what a test sees. A record
/// whose envelope or statement does not decode adds nothing to the index.
public enum HandBuiltBundle {
    private struct Nodes: MerkleNodeSource {
        var hashes: [NodeID: Digest] = [:]
        func hash(of id: NodeID) throws -> Digest {
            guard let h = hashes[id] else { throw LogError(.malformedProof, "no node \(id)") }
            return h
        }
    }

    /// A record as the completeness rules see it: its statement, signer reference (the
    /// envelope's first keyid) and leaf hash; nil when the envelope or statement does not decode.
    public static func indexedEntry(_ record: LedgerRecord) -> IndexedEntry? {
        guard let env = try? Envelope(json: record.envelope), let first = env.signatures.first,
              let statement = try? Statement.decode(env.payload) else { return nil }
        return IndexedEntry(seq: record.seq, statement: statement, signer: first.keyID, leaf: record.leafHash)
    }

    /// The subject index over `records` (in order), as a ledger maintains it.
    public static func subjectIndex(of records: [LedgerRecord]) -> SubjectIndexTree {
        var tree = SubjectIndexTree(expectedSubjects: records.count)
        for r in records {
            let keys = indexedEntry(r).map { Set(IndexSubject.of($0.statement)).map(\.key) } ?? []
            tree.addRecord(leaf: r.leafHash, keys: keys)
        }
        return tree
    }

    /// The subjects the verdict about `product` rests on, found over `records` the way the
    /// exporter and the verifier find them.
    public static func closure(product: String, records: [LedgerRecord]) -> [IndexSubject: [IndexedEntry]] {
        CompletenessClosure.subjects(product: product, about: CompletenessClosure.lookup(records.compactMap(indexedEntry)))
    }

    /// A subject-index proof for each of `subjects` from `tree`, ordered by (type, subject) as
    /// the exporter writes them.
    public static func indexProofs(_ subjects: some Sequence<IndexSubject>, tree: inout SubjectIndexTree) -> [ProductBundle.IndexProof] {
        subjects.sorted().map { s in
            let leaf = tree.leaf(for: s.key)
            return ProductBundle.IndexProof(subject: s, count: leaf?.count ?? 0, chain: leaf?.chain ?? SubjectIndex.empty,
                                            proof: tree.prove(s.key))
        }
    }

    /// The bundle about `product` holding every one of `records` (which must be numbered 0, 1, …),
    /// with a checkpoint over all of them signed by `key` for `origin`.
    public static func make(origin: String, product: String, records: [LedgerRecord], key: NamedSigningKey) throws -> ProductBundle {
        var nodes = Nodes()
        var range = CompactRange()
        var chain = Digest.zero
        for (i, r) in records.enumerated() {
            precondition(r.seq == UInt64(i), "records must be numbered from 0 without gaps")
            nodes.hashes[NodeID(level: 0, index: UInt64(i))] = r.leafHash
            range.append(r.leafHash) { id, h in nodes.hashes[id] = h }
            chain = LedgerRecord.chainHash(previous: chain, leaf: r.leafHash)
        }
        let size = UInt64(records.count)
        var tree = subjectIndex(of: records)
        let cp = Checkpoint(origin: origin, size: size, rootHash: range.root, chainHead: chain, subjectIndex: tree.root())
        let note = try SignedNote.sign(text: cp.text, keys: [key])
        let entries = try records.map { r in
            ProductBundle.Entry(record: r, proof: try InclusionProof.generate(index: r.seq, treeSize: size, source: nodes).hashes)
        }
        let index = indexProofs(closure(product: product, records: records).keys, tree: &tree)
        return ProductBundle(origin: origin, product: canonicalSubject(product), checkpoint: note.serialized, entries: entries, index: index)
    }
}

extension ProductBundle {
    /// The same bundle (entries, consistency and index proofs) with another checkpoint note.
    public func with(checkpoint: String) -> ProductBundle {
        ProductBundle(origin: origin, product: product, checkpoint: checkpoint, entries: entries, consistency: consistency, index: index)
    }

    /// The same bundle (checkpoint, consistency and index proofs) with other entries.
    public func with(entries: [Entry]) -> ProductBundle {
        ProductBundle(origin: origin, product: product, checkpoint: checkpoint, entries: entries, consistency: consistency, index: index)
    }

    /// The same bundle (checkpoint, entries and index proofs) with another consistency proof.
    public func with(consistency: Consistency?) -> ProductBundle {
        ProductBundle(origin: origin, product: product, checkpoint: checkpoint, entries: entries, consistency: consistency, index: index)
    }
}
