public import AssayCrypto
public import AssayLog
public import AssayModel

/// The outcome of verifying a product bundle: integrity findings, then a verdict per principle.
public struct BundleReport: Sendable {
    public let product: String
    public let origin: String
    public let checkpointSize: UInt64
    public let witnessCosignatures: Int
    public let auditDate: String
    public let policyName: String
    /// Entries that passed every per-entry check, in sequence order.
    public let entries: [CheckedEntry]
    public let principles: [PrincipleResult]
    public let requiredPrinciples: Set<Principle>
    /// The provenance graph the checks walked (for reports and `assay graph`).
    public let graph: ProvenanceGraph

    /// True when integrity holds and every required principle is satisfied (or not applicable).
    public var passed: Bool {
        principles.allSatisfy { p in
            p.verdict != .notEvaluated && (!requiredPrinciples.contains(p.principle) || p.verdict != .notSatisfied)
        } && principles.first { $0.principle == .integrity }?.verdict == .satisfied
    }
}

/// Verifies an offline product bundle with nothing but what the auditor pins — the log's key,
/// its origin, the product, a witness policy — and trusts nothing else the bundle chose:
/// the genesis must name the pinned key and origin, the checkpoint must be signed by that key
/// for that origin, every inclusion proof and any consistency proof it carries must verify,
/// and every entry must pass exactly the checks an append makes. The principles are judged
/// only when all of that holds.
public struct BundleVerifier {
    public var logKey: VerifierKey
    /// The log origin the auditor expects (the checkpoint's first line and the genesis `origin`).
    public var origin: String
    /// The product the auditor asked about (any accepted spelling).
    public var product: String
    public var witnesses: [VerifierKey]
    public var witnessesNeeded: Int
    public var policy: AuditPolicy
    /// The audit date (`YYYY-MM-DD`) for expiry checks.
    public var auditDate: CalendarDate
    /// A checkpoint the auditor already trusts; the bundle must prove consistency with it.
    public var trustedCheckpoint: [UInt8]?

    public init(logKey: VerifierKey, origin: String, product: String, witnesses: [VerifierKey] = [], witnessesNeeded: Int = 0,
                policy: AuditPolicy = .default, auditDate: CalendarDate, trustedCheckpoint: [UInt8]? = nil) {
        self.logKey = logKey
        self.origin = origin
        self.product = product
        self.witnesses = witnesses
        self.witnessesNeeded = witnessesNeeded
        self.policy = policy
        self.auditDate = auditDate
        self.trustedCheckpoint = trustedCheckpoint
    }

    /// The integrity part's running state.
    private struct Integrity {
        var problems: [PrincipleFinding] = []
        var size: UInt64 = 0
        var root: Digest? = nil
        /// The checkpoint's `assay-subject-index` root, when it has one.
        var indexRoot: Digest? = nil
        var checkpointParsed = false
        var cosignatures = 0

        mutating func fail(_ m: String, _ e: [EvidenceRef] = []) { problems.append(.init(severity: .problem, message: m, evidence: e)) }
    }

    public func verify(_ bundle: ProductBundle) -> BundleReport {
        var integrity = Integrity()
        let product = canonicalSubject(self.product)
        checkBinding(bundle, product: product, into: &integrity)
        checkCheckpoint(bundle, into: &integrity)
        checkConsistency(bundle, into: &integrity)
        let provable = checkInclusion(bundle, into: &integrity)
        var registry = Registry(policy: policy.writePolicy)
        let checked = checkEntries(provable, registry: &registry, into: &integrity)
        checkCompleteness(bundle, product: product, checked: checked, leaves: provable, into: &integrity)

        let skew = Int64(policy.maxEventTimeSkewHours) * 3_600_000
        let auditEnd = (Int64(auditDate.daysSinceEpoch) + 1) * 86_400_000 - 1
        let graph = ProvenanceGraph(product: product, entries: checked, registry: registry, maxEventTimeSkewMillis: skew, auditEndMillis: auditEnd)
        var results: [PrincipleResult]
        if integrity.problems.isEmpty {
            results = PrincipleChecker(policy: policy, auditDate: auditDate, graph: graph).check()
            // The policy's required facts, each under its principle.
            for (principle, findings) in RequiredFact.judge(policy.requiredFacts, graph: graph, policyName: policy.name) {
                guard let i = results.firstIndex(where: { $0.principle == principle }) else { continue }
                let all = results[i].findings + findings
                let verdict: Verdict = all.contains { $0.severity == .problem } ? .notSatisfied : results[i].verdict == .notApplicable ? .satisfied : results[i].verdict
                results[i] = PrincipleResult(principle: principle, verdict: verdict, findings: all)
            }
            // Entries signed after their key's compromise time.
            let flagged = checked.compactMap { c in
                registry.compromise(of: c.signer, seq: c.seq, appendedAtMillis: c.appendedAtMillis).map { (c, $0) }
            }
            if !flagged.isEmpty, let i = results.firstIndex(where: { $0.principle == .accountability }) {
                let a = results[i]
                let problems = flagged.map { c, at in
                    PrincipleFinding(severity: .problem, message: "entry \(c.seq) was signed by \(c.signer.reference) after its compromise time (revoked at seq \(at))", evidence: [EvidenceRef(c)])
                }
                results[i] = PrincipleResult(principle: .accountability, verdict: .notSatisfied, findings: problems + a.findings)
            }
            results.insert(PrincipleResult(principle: .integrity, verdict: .satisfied, findings: [
                .init(severity: .fact, message: "\(bundle.entries.count) entries proved included in \(bundle.origin) at size \(integrity.size) (log signature and \(integrity.cosignatures) witness cosignature(s)); every hash, proof and signature verifies, and every signer was registered, unrevoked and allowed its kind at its position", evidence: []),
            ]), at: 0)
        } else {
            results = [PrincipleResult(principle: .integrity, verdict: .notSatisfied, findings: integrity.problems)]
            for p in Principle.allCases where p != .integrity {
                results.append(PrincipleResult(principle: p, verdict: .notEvaluated, findings: [
                    .init(severity: .fact, message: "not evaluated: the bundle's integrity does not hold, so nothing in it can be relied on", evidence: []),
                ]))
            }
        }
        return BundleReport(product: product, origin: origin, checkpointSize: integrity.size, witnessCosignatures: integrity.cosignatures,
                            auditDate: auditDate.description, policyName: policy.name, entries: checked, principles: results,
                            requiredPrinciples: policy.requiredPrinciples, graph: graph)
    }

    /// What the auditor pinned: origin, product, and the genesis's operator key and origin.
    private func checkBinding(_ bundle: ProductBundle, product: String, into i: inout Integrity) {
        if bundle.origin != origin {
            i.fail("the bundle is for log \"\(bundle.origin)\", not the log \"\(origin)\" given")
        }
        if canonicalSubject(bundle.product) != product {
            i.fail("the bundle is for product \(canonicalSubject(bundle.product)), not \(product)")
        }
        guard let first = bundle.entries.first, first.record.seq == 0 else {
            i.fail("the bundle lacks the genesis entry (seq 0), so its log key and origin cannot be checked")
            return
        }
        guard let env = try? Envelope(json: first.record.envelope), case .ledgerGenesis(let g)? = try? Statement.decode(env.payload) else {
            i.fail("entry 0 is not a ledger genesis", [Self.claimed(first.record)])
            return
        }
        guard let op = try? VerifierKey(parsing: g.operatorKey), op.publicKey == logKey.publicKey, op.name == logKey.name else {
            i.fail("the genesis names operator key \(g.operatorKey.split(separator: "+").prefix(2).joined(separator: "+")), not the log key \(logKey.reference) given", [Self.claimed(first.record)])
            return
        }
        if g.origin != origin {
            i.fail("the genesis names origin \"\(g.origin)\", not \"\(origin)\"", [Self.claimed(first.record)])
        }
    }

    /// The checkpoint: log signature, origin, witness policy.
    private func checkCheckpoint(_ bundle: ProductBundle, into i: inout Integrity) {
        do {
            let signed = try SignedCheckpoint(parsing: Array(bundle.checkpoint.utf8), logKey: logKey, origin: origin,
                                              witnesses: witnesses, witnessesNeeded: witnessesNeeded)
            i.size = signed.checkpoint.size
            i.root = try signed.checkpoint.root
            i.indexRoot = signed.checkpoint.subjectIndex
            i.checkpointParsed = true
            i.cosignatures = signed.verifiedSignatures.count - 1
        } catch {
            i.fail("the bundle's checkpoint does not verify: \(error.message)")
        }
    }

    /// A consistency proof the bundle carries is always checked (from a checkpoint signed by
    /// the log key for the origin); a trusted checkpoint requires one that starts from it.
    private func checkConsistency(_ bundle: ProductBundle, into i: inout Integrity) {
        guard let root = i.root else { return }
        if let c = bundle.consistency {
            let from: Checkpoint
            do {
                from = try SignedCheckpoint(parsing: Array(c.fromCheckpoint.utf8), logKey: logKey, origin: origin).checkpoint
                try ConsistencyProof(fromSize: from.size, toSize: i.size, hashes: c.hashes).verify(oldRoot: try from.root, newRoot: root)
            } catch {
                i.fail("the bundle's consistency proof does not verify: \(error.message)")
                return
            }
            guard let trusted = trustedCheckpoint else { return }
            do throws(LogError) {
                let old = try SignedCheckpoint(parsing: trusted, logKey: logKey, origin: origin).checkpoint
                guard from.size == old.size, from.rootHash == old.rootHash else {
                    throw LogError(.proofFailed, "the bundle's consistency proof starts from size \(from.size), not the trusted checkpoint's size \(old.size) and root")
                }
            } catch {
                i.fail("not consistent with the trusted checkpoint: \(error.message)")
            }
        } else if trustedCheckpoint != nil {
            i.fail("not consistent with the trusted checkpoint: the bundle carries no consistency proof (export it with --since)")
        }
    }

    /// Inclusion proofs, order and record times; the entries that are provably in the log.
    private func checkInclusion(_ bundle: ProductBundle, into i: inout Integrity) -> [ProductBundle.Entry] {
        var provable: [ProductBundle.Entry] = []
        var lastSeq: UInt64? = nil
        var lastTime = Int64.min
        for e in bundle.entries {
            let seq = e.record.seq
            if let lastSeq, seq <= lastSeq {
                i.fail("entry \(seq) is out of order or repeated", [Self.claimed(e.record)])
                continue
            }
            lastSeq = seq
            guard let root = i.root else { continue }
            guard seq < i.size else {
                i.fail("entry \(seq) lies beyond the checkpoint's tree size \(i.size)", [Self.claimed(e.record)])
                continue
            }
            do {
                try InclusionProof(index: seq, treeSize: i.size, hashes: e.proof).verify(leafHash: e.record.leafHash, root: root)
            } catch {
                i.fail("entry \(seq): inclusion proof does not lead to the checkpoint root: \(error.message)", [Self.claimed(e.record)])
                continue
            }
            if e.record.appendedAtMillis < lastTime {
                i.fail("entry \(seq): record time goes backwards", [Self.claimed(e.record)])
            }
            lastTime = max(lastTime, e.record.appendedAtMillis)
            provable.append(e)
        }
        return provable
    }

    /// Envelopes, statements, signers, roles and signatures, entry by entry, exactly as an
    /// append checks them. A failure here is an integrity failure: the log would never have
    /// accepted the entry.
    private func checkEntries(_ provable: [ProductBundle.Entry], registry: inout Registry, into i: inout Integrity) -> [CheckedEntry] {
        // Parsing and signatures on every core; authorisation in order. A signature checked
        // ahead against the key its reference names in the bundle's registry entries stands
        // only if authorisation resolves that very key (`EntryChecker.signatureValid`).
        let parsed = provable.concurrentMap(minimumChunk: 8) { e in EntryChecker.parse(e.record.envelope, requireCanonical: true) }
        var keys: [String: PublicKey] = [:]
        for case .success(let p) in parsed {
            let named: String?
            switch p.statement {
            case .ledgerGenesis(let g): named = g.operatorKey
            case .partyRegistration(let r): named = r.publicKey
            default: named = nil
            }
            if let named, let vk = try? VerifierKey(parsing: named), keys[vk.reference] == nil { keys[vk.reference] = vk.publicKey }
        }
        let known = keys
        let prechecks = parsed.concurrentMap(minimumChunk: 8) { r -> EntryChecker.SignatureCheck? in
            guard case .success(let p) = r else { return nil }
            return EntryChecker.SignatureCheck(p.envelope, keys: known)
        }
        var checked: [CheckedEntry] = []
        for (n, e) in provable.enumerated() {
            switch parsed[n].flatMap({ EntryChecker.admit($0, seq: e.record.seq, appendedAtMillis: e.record.appendedAtMillis, registry: &registry, precheck: prechecks[n]) }) {
            case .success(let c): checked.append(c)
            case .failure(let r): i.fail("entry \(e.record.seq): \(r.message)", [Self.claimed(e.record)])
            }
        }
        return checked
    }

    /// Completeness (FORMAT.md §13): for every subject the verdict rests on (found from the
    /// entries by `CompletenessClosure`, not from the bundle's list), the checkpoint's subject
    /// index must commit to exactly the bundle's entries about it; and every entry must be
    /// about one of those subjects.
    private func checkCompleteness(_ bundle: ProductBundle, product: String, checked: [CheckedEntry],
                                   leaves provable: [ProductBundle.Entry], into i: inout Integrity) {
        guard i.checkpointParsed else { return }
        guard let indexRoot = i.indexRoot else {
            i.fail("the checkpoint (size \(i.size)) commits to no subject index (no assay-subject-index line: signed before the index existed), so the bundle cannot show that nothing about the product was left out; export it again against a checkpoint that commits to the index")
            return
        }
        var leafBySeq: [UInt64: Digest] = [:]
        for e in provable { leafBySeq[e.record.seq] = e.record.leafHash }
        let entries = checked.compactMap { c in
            leafBySeq[c.seq].map { IndexedEntry(seq: c.seq, statement: c.statement, signer: c.signer.reference, leaf: $0) }
        }
        let closure = CompletenessClosure.subjects(product: product, about: CompletenessClosure.lookup(entries))
        var proofs: [IndexSubject: ProductBundle.IndexProof] = [:]
        for p in bundle.index where proofs[p.subject] == nil { proofs[p.subject] = p }
        var covered = Set<UInt64>()
        for (subject, about) in closure.sorted(by: { $0.key < $1.key }) {
            covered.formUnion(about.map(\.seq))
            let evidence = about.prefix(5).map { e in EvidenceRef(seq: e.seq, kind: e.statement.kind.rawValue, signer: e.signer) }
            guard let proof = proofs[subject] else {
                i.fail("completeness: the bundle carries no subject-index proof for \(subject), so it cannot show that no entry about it was left out", evidence)
                continue
            }
            guard proof.verifies(root: indexRoot) else {
                i.fail("completeness: the subject-index proof for \(subject) does not lead to the checkpoint's index root", evidence)
                continue
            }
            let held = CompletenessClosure.leaf(of: about)
            if held.count < proof.count {
                let missing = proof.count - held.count
                i.fail("completeness: \(missing) entr\(missing == 1 ? "y" : "ies") about \(subject) \(missing == 1 ? "is" : "are") missing: the log holds \(proof.count) at size \(i.size), the bundle \(held.count)", evidence)
            } else if held.count > proof.count {
                i.fail("completeness: the bundle holds \(held.count) entries about \(subject) but the log committed to \(proof.count) at size \(i.size)", evidence)
            } else if held.chain != proof.chain {
                i.fail("completeness: the bundle's \(held.count) entries about \(subject) are not the ones the log committed to (an entry was substituted)", evidence)
            }
        }
        // With entries refused above, subjects reached only through them are not in the set: say
        // so rather than suggest another product.
        let why = checked.count < bundle.entries.count ? " that the admitted entries reach (some were refused above)" : " (an entry from another product?)"
        for c in checked where !covered.contains(c.seq) {
            i.fail("completeness: entry \(c.seq) is about none of the subjects this product's verdict rests on\(why)", [EvidenceRef(c)])
        }
        checkPrefixes(bundle, closure: closure, into: &i)
    }

    /// Per-subject prefix proofs (FORMAT.md §13.7): when the bundle proves consistency from an
    /// older checkpoint that commits to the index, that index must have held, for every subject,
    /// exactly the bundle's entries about it below the older size: nothing about a subject was
    /// left out then and shown now, or rewritten in between.
    private func checkPrefixes(_ bundle: ProductBundle, closure: [IndexSubject: [IndexedEntry]], into i: inout Integrity) {
        guard let c = bundle.consistency,
              let old = try? SignedCheckpoint(parsing: Array(c.fromCheckpoint.utf8), logKey: logKey, origin: origin).checkpoint,
              let oldRoot = old.subjectIndex else { return }
        var proofs: [IndexSubject: ProductBundle.IndexProof] = [:]
        for p in c.index where proofs[p.subject] == nil { proofs[p.subject] = p }
        for (subject, about) in closure.sorted(by: { $0.key < $1.key }) {
            let before = about.filter { $0.seq < old.size }
            guard let proof = proofs[subject] else {
                i.fail("completeness: the bundle carries no prefix proof for \(subject) against the older checkpoint (size \(old.size)), so it cannot show that its history was not rewritten")
                continue
            }
            guard proof.verifies(root: oldRoot) else {
                i.fail("completeness: the prefix proof for \(subject) does not lead to the older checkpoint's (size \(old.size)) index root")
                continue
            }
            let held = CompletenessClosure.leaf(of: before)
            if held.count != proof.count || held.chain != proof.chain {
                i.fail("completeness: the log's index at size \(old.size) held \(proof.count) entries about \(subject), but the bundle shows \(held.count) before that size\(held.count == proof.count ? ", not the same ones" : ""): the subject's history was rewritten or an earlier index left entries out")
            }
        }
    }

    /// Evidence for an entry that did not pass: what its envelope claims, read leniently.
    static func claimed(_ r: LedgerRecord) -> EvidenceRef {
        let env = try? Envelope(json: r.envelope)
        let kind = (try? Statement.decode(env?.payload ?? []))?.kind.rawValue ?? "?"
        return EvidenceRef(seq: r.seq, kind: kind, signer: env?.signatures.first?.keyID ?? "?")
    }
}

extension EvidenceRef {
    public init(_ e: CheckedEntry) {
        self.init(seq: e.seq, kind: e.statement.kind.rawValue, signer: e.signer.reference)
    }
}
