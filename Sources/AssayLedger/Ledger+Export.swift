import AssayCrypto
public import AssayLog
import AssayModel
import AssayStore
import AssayVerify

extension Ledger {
    /// Builds the offline bundle for one product (see `ProductBundle`): the product's entries;
    /// for each component it consumed (transitively), the entries that produced it (origins,
    /// manufacturing steps) and, for serialised components, every entry that consumed it; the
    /// lifecycle commitments of its model; the genesis, registrations and revocations of every
    /// signer involved; an inclusion proof for each entry in the tree of the best-witnessed
    /// stored checkpoint (the one with the most stored cosignatures; ties: the largest), whose
    /// note carries its stored cosignature lines.
    /// Reads only indexed rows: no scan of the ledger.
    /// - Parameter since: an older checkpoint the auditor trusts; a consistency proof from it is included.
    public func exportBundle(product: String, since: SignedNote? = nil) throws -> ProductBundle {
        guard let note = try bestWitnessedCheckpoint() else {
            throw LedgerError(.unavailable, "the ledger has no checkpoint yet; sign one with assay checkpoint")
        }
        let cp = try Checkpoint(parsing: note.text)
        let root = canonicalSubject(product)
        var closure = BundleClosure(ledger: self, size: cp.size)
        try closure.addProduct(root)
        try closure.addSigners()
        let entries = try closure.seqs.sorted().map { s in
            ProductBundle.Entry(record: try closure.load(s).record.record, proof: try inclusionProof(seq: s, size: cp.size).hashes)
        }
        let consistency = try since.map { try consistencyFrom($0, to: cp.size) }
        return ProductBundle(origin: cp.origin, product: root, checkpoint: note.serialized, entries: entries, consistency: consistency)
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

/// The entries a product's bundle holds, gathered through the subjects index only: the
/// product's, its components' (transitively), its model's commitments, and then every signer's
/// genesis, registrations, revocations and delegations.
private struct BundleClosure {
    struct Loaded {
        let record: StoredRecord
        let statement: Statement
        let signer: String
    }

    let ledger: Ledger
    /// The checkpoint's tree size: nothing at or beyond it belongs in the bundle.
    let size: UInt64
    private(set) var seqs = Set<UInt64>()
    private var loaded: [UInt64: Loaded] = [:]

    init(ledger: Ledger, size: UInt64) {
        self.ledger = ledger
        self.size = size
    }

    mutating func load(_ seq: UInt64) throws -> Loaded {
        if let l = loaded[seq] { return l }
        let r = try ledger.record(at: seq)
        let env = try Envelope(json: r.envelope)
        let l = Loaded(record: r, statement: try Statement.decode(env.payload), signer: env.signatures[0].keyID)
        loaded[seq] = l
        return l
    }

    private func sequences(about subject: String) throws -> [UInt64] {
        try ledger.mapStoreErrors { try ledger.store.sequences(forSubject: subject) }.filter { $0 < size }
    }

    /// The product itself and its model's commitments; then its components, transitively:
    /// what consuming entries consumed, and who produced it.
    mutating func addProduct(_ root: String) throws {
        let direct = try sequences(about: root)
        guard !direct.isEmpty else {
            throw LedgerError(.unavailable, "no entry in the checkpointed ledger (size \(size)) is about \(root)")
        }
        seqs.formUnion(direct)
        if let model = productModel(of: root) {
            for s in try sequences(about: model) {
                if case .lifecycleCommitment(let c) = try load(s).statement, c.covers(root) { seqs.insert(s) }
            }
        }
        var queue: [String] = [root]
        var seen: Set<String> = [root]
        while let id = queue.popLast() {
            for s in try sequences(about: id) {
                let st = try load(s).statement
                let produces = st.produced.contains(id)
                let consumes = st.consumed.contains(id)
                // Corrections (error declarations) of a component's events travel with them.
                if id == root || produces || (consumes && isSerialisedItem(id)) || st.kind == .correction { seqs.insert(s) }
                // Follow only what went into the thing: not the pallet or kit it later went into.
                guard produces else { continue }
                for c in st.consumed where seen.insert(c).inserted { queue.append(c) }
            }
        }
    }

    /// Signers: genesis, the registrations and revocations of every key involved, and the
    /// delegations to their parties (found through the subjects index: a delegation's subject
    /// is its delegate), until nothing new is involved.
    mutating func addSigners() throws {
        var involved = Set(try seqs.map { try load($0).signer })
        var registry = try ledger.mapStoreErrors { try ledger.store.registryRecords() }.filter { $0.seq < size }.map(\.seq)
        var partiesSeen = Set<String>()
        var changed = true
        while changed {
            changed = false
            for seq in registry {
                guard case .partyRegistration(let p) = try load(seq).statement, let vk = try? VerifierKey(parsing: p.publicKey),
                      involved.contains(vk.reference), partiesSeen.insert(canonicalSubject(p.partyId)).inserted else { continue }
                for d in try sequences(about: canonicalSubject(p.partyId)) where !registry.contains(d) {
                    if case .authorityDelegation = try load(d).statement { registry.append(d) }
                }
                registry.sort()
            }
            for seq in registry {
                let l = try load(seq)
                var relevant = seq == 0
                switch l.statement {
                case .partyRegistration(let p):
                    if let vk = try? VerifierKey(parsing: p.publicKey) { relevant = involved.contains(vk.reference) }
                case .keyRevocation(let k): relevant = involved.contains(k.revokedKey)
                case .authorityDelegation: relevant = true // only delegations to involved parties are in the list
                default: break
                }
                if relevant, seqs.insert(seq).inserted {
                    changed = involved.insert(l.signer).inserted || changed
                }
            }
        }
    }
}
