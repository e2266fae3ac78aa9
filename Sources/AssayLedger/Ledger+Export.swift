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
        let size = cp.size
        let root = canonicalSubject(product)
        var seqs = Set<UInt64>()
        var statements: [UInt64: (StoredRecord, Statement, String)] = [:]

        func load(_ seq: UInt64) throws -> (StoredRecord, Statement, String) {
            if let s = statements[seq] { return s }
            let r = try record(at: seq)
            let env = try Envelope(json: r.envelope)
            let st = try Statement.decode(env.payload)
            statements[seq] = (r, st, env.signatures[0].keyID)
            return statements[seq]!
        }

        // The product itself, and its model's commitments.
        var queue: [String] = [root]
        var seen: Set<String> = [root]
        let direct = try mapStoreErrors { try store.sequences(forSubject: root) }.filter { $0 < size }
        guard !direct.isEmpty else {
            throw LedgerError(.unavailable, "no entry in the checkpointed ledger (size \(size)) is about \(root)")
        }
        seqs.formUnion(direct)
        if let model = productModel(of: root) {
            for s in try mapStoreErrors({ try store.sequences(forSubject: model) }) where s < size {
                if case .lifecycleCommitment(let c) = try load(s).1, c.covers(root) { seqs.insert(s) }
            }
        }
        // Components, transitively: what consumed entries consumed, and who produced it.
        while let id = queue.popLast() {
            let here = try mapStoreErrors { try store.sequences(forSubject: id) }.filter { $0 < size }
            for s in here {
                let (_, st, _) = try load(s)
                let produces = st.produced.contains(id)
                let consumes = st.consumed.contains(id)
                // Corrections (error declarations) of a component's events travel with them.
                if id == root || produces || (consumes && isSerialisedItem(id)) || st.kind == .correction { seqs.insert(s) }
                // Follow only what went into the thing: not the pallet or kit it later went into.
                guard produces else { continue }
                for c in st.consumed where seen.insert(c).inserted { queue.append(c) }
            }
        }
        // Signers: genesis, the registrations and revocations of every key involved, and the
        // delegations to their parties (found through the subjects index: a delegation's
        // subject is its delegate).
        var involved = Set(try seqs.map { try load($0).2 })
        var registry = try mapStoreErrors { try store.registryRecords() }.filter { $0.seq < size }
        var partiesSeen = Set<String>()
        var changed = true
        while changed {
            changed = false
            for r in registry {
                if case .partyRegistration(let p) = try load(r.seq).1, let vk = try? VerifierKey(parsing: p.publicKey),
                   involved.contains(vk.reference), partiesSeen.insert(canonicalSubject(p.partyId)).inserted {
                    for d in try mapStoreErrors({ try store.sequences(forSubject: canonicalSubject(p.partyId)) }) where d < size {
                        if case .authorityDelegation = try load(d).1, !registry.contains(where: { $0.seq == d }) {
                            registry.append(try load(d).0)
                        }
                    }
                    registry.sort { $0.seq < $1.seq }
                }
            }
            for r in registry {
                let (_, st, signer) = try load(r.seq)
                var relevant = r.seq == 0
                switch st {
                case .partyRegistration(let p):
                    if let vk = try? VerifierKey(parsing: p.publicKey) { relevant = involved.contains(vk.reference) }
                case .keyRevocation(let k): relevant = involved.contains(k.revokedKey)
                case .authorityDelegation: relevant = true // only delegations to involved parties are in the list
                default: break
                }
                if relevant, seqs.insert(r.seq).inserted {
                    changed = involved.insert(signer).inserted || changed
                }
            }
        }
        let entries = try seqs.sorted().map { s in
            ProductBundle.Entry(record: try load(s).0.record, proof: try inclusionProof(seq: s, size: size).hashes)
        }
        var consistency: ProductBundle.Consistency? = nil
        if let since {
            let old = try Checkpoint(parsing: since.text)
            guard old.size <= size, old.size >= 1 else {
                throw LedgerError(.unavailable, "the trusted checkpoint (size \(old.size)) is not older than the latest (size \(size))")
            }
            guard try self.root(size: old.size).bytes == old.rootHash else {
                throw LedgerError(.inconsistent, "the trusted checkpoint for size \(old.size) does not match this ledger's tree: it is from another log or the log was rewritten")
            }
            consistency = .init(fromCheckpoint: since.serialized, hashes: try consistencyProof(from: old.size, to: size).hashes)
        }
        return ProductBundle(origin: cp.origin, product: root, checkpoint: note.serialized, entries: entries, consistency: consistency)
    }
}
