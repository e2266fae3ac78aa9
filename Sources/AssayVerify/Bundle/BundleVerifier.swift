public import AssayCrypto
import AssayLog
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

    /// True when every required principle is satisfied (or not applicable).
    public var passed: Bool {
        principles.allSatisfy { !requiredPrinciples.contains($0.principle) || $0.verdict != .notSatisfied }
    }
}

/// Verifies an offline product bundle with nothing but the log's key (and a witness policy):
/// the checkpoint's signatures, every inclusion proof, every envelope signature, each signer's
/// registration and revocation at that entry's position; then the principles.
public struct BundleVerifier {
    public var logKey: VerifierKey
    public var witnesses: [VerifierKey]
    public var witnessesNeeded: Int
    public var policy: AuditPolicy
    /// The audit date (`YYYY-MM-DD`) for expiry checks.
    public var auditDate: CalendarDate
    /// A checkpoint the auditor already trusts; the bundle must prove consistency with it.
    public var trustedCheckpoint: [UInt8]?

    public init(logKey: VerifierKey, witnesses: [VerifierKey] = [], witnessesNeeded: Int = 0, policy: AuditPolicy = .default,
                auditDate: CalendarDate, trustedCheckpoint: [UInt8]? = nil) {
        self.logKey = logKey
        self.witnesses = witnesses
        self.witnessesNeeded = witnessesNeeded
        self.policy = policy
        self.auditDate = auditDate
        self.trustedCheckpoint = trustedCheckpoint
    }

    public func verify(_ bundle: ProductBundle) -> BundleReport {
        var integrity: [PrincipleFinding] = []
        var accountability: [PrincipleFinding] = []
        func problem(_ m: String, _ e: [EvidenceRef] = []) -> PrincipleFinding { .init(severity: .problem, message: m, evidence: e) }
        func ref(_ seq: UInt64, _ kind: String = "?", _ signer: String = "?") -> EvidenceRef { .init(seq: seq, kind: kind, signer: signer) }
        /// Evidence for an entry that did not pass: what its envelope claims, read leniently.
        func claimed(_ r: LedgerRecord) -> EvidenceRef {
            let env = try? Envelope(json: r.envelope)
            let kind = (try? Statement.decode(env?.payload ?? []))?.kind.rawValue ?? "?"
            return ref(r.seq, kind, env?.signatures.first?.keyID ?? "?")
        }

        // 1. The checkpoint: log signature, origin, witness policy.
        var size: UInt64 = 0
        var root: Digest? = nil
        var cosigs = 0
        do {
            let signed = try SignedCheckpoint(parsing: Array(bundle.checkpoint.utf8), logKey: logKey, origin: bundle.origin,
                                              witnesses: witnesses, witnessesNeeded: witnessesNeeded)
            size = signed.checkpoint.size
            root = try signed.checkpoint.root
            cosigs = signed.verifiedSignatures.count - 1
        } catch {
            integrity.append(problem("the bundle's checkpoint does not verify: \(error.message)"))
        }
        // 2. Consistency with a checkpoint the auditor already trusts.
        if let trusted = trustedCheckpoint, let root {
            do {
                let old = try SignedCheckpoint(parsing: trusted, logKey: logKey, origin: bundle.origin).checkpoint
                guard let c = bundle.consistency else { throw LogError(.malformedProof, "the bundle carries no consistency proof (export it with --since)") }
                let carried = try Checkpoint(parsing: try SignedNote(parsing: Array(c.fromCheckpoint.utf8)).text)
                guard carried.size == old.size, carried.rootHash == old.rootHash else {
                    throw LogError(.proofFailed, "the bundle's consistency proof starts from size \(carried.size), not the trusted checkpoint's size \(old.size) and root")
                }
                try ConsistencyProof(fromSize: old.size, toSize: size, hashes: c.hashes).verify(oldRoot: try old.root, newRoot: root)
            } catch let e as LogError {
                integrity.append(problem("not consistent with the trusted checkpoint: \(e.message)"))
            } catch {
                integrity.append(problem("not consistent with the trusted checkpoint: \(error)"))
            }
        }
        // 3. Inclusion proofs, order and times.
        var provable: [ProductBundle.Entry] = []
        var lastSeq: Int64 = -1
        var lastTime = Int64.min
        for e in bundle.entries {
            let seq = e.record.seq
            if Int64(seq) <= lastSeq {
                integrity.append(problem("entry \(seq) is out of order or repeated", [claimed(e.record)]))
                continue
            }
            lastSeq = Int64(seq)
            guard let root else { continue }
            do {
                try InclusionProof(index: seq, treeSize: size, hashes: e.proof).verify(leafHash: e.record.leafHash, root: root)
            } catch {
                integrity.append(problem("entry \(seq): inclusion proof does not lead to the checkpoint root: \(error.message)", [claimed(e.record)]))
                continue
            }
            if e.record.appendedAtMillis < lastTime {
                integrity.append(problem("entry \(seq): record time goes backwards", [claimed(e.record)]))
            }
            lastTime = max(lastTime, e.record.appendedAtMillis)
            provable.append(e)
        }
        if bundle.entries.first?.record.seq != 0 {
            integrity.append(problem("the bundle lacks the genesis entry (seq 0), so no signer can be checked"))
        }
        // 4. Envelopes, statements, signers, roles and signatures, entry by entry.
        var registry = Registry(policy: policy.writePolicy)
        var checked: [CheckedEntry] = []
        var compromised: [String: (effective: Int64, revokedAt: UInt64)] = [:]
        for e in provable {
            let pending = PendingEntry(seq: e.record.seq, appendedAtMillis: e.record.appendedAtMillis, envelopeBytes: e.record.envelope)
            let (passed, failure) = EntryChecker.check([pending], registry: &registry, requireCanonical: true)
            if let f = failure {
                let r = claimed(e.record)
                switch f.check {
                case .registry, .authorization: accountability.append(problem("entry \(f.seq ?? 0): \(f.message)", [r]))
                default: integrity.append(problem("entry \(f.seq ?? 0): \(f.message)", [r]))
                }
            }
            for c in passed {
                checked.append(c)
                if case .keyRevocation(let r) = c.statement, r.reason == .compromise {
                    compromised[r.revokedKey] = (r.effectiveTime.epochMillis, c.seq)
                }
            }
        }
        // Entries signed after a key's compromise time (learnt from any revocation in the bundle).
        for c in checked {
            if let k = compromised[c.signer.reference], c.appendedAtMillis >= k.effective, c.seq < k.revokedAt {
                accountability.append(problem("entry \(c.seq) was signed by \(c.signer.reference) after its compromise time (revoked at seq \(k.revokedAt))",
                                              [EvidenceRef(c)]))
            }
        }
        let graph = ProvenanceGraph(product: bundle.product, entries: checked, registry: registry)
        var results = PrincipleChecker(policy: policy, auditDate: auditDate, graph: graph).check()
        results.insert(PrincipleResult(principle: .integrity, verdict: integrity.isEmpty ? .satisfied : .notSatisfied,
                                       findings: integrity.isEmpty ? [.init(severity: .fact, message: "\(bundle.entries.count) entries proved included in \(bundle.origin) at size \(size) (log signature and \(cosigs) witness cosignature(s)); every hash, proof and signature verifies", evidence: [])] : integrity), at: 0)
        if let i = results.firstIndex(where: { $0.principle == .accountability }) {
            let a = results[i]
            results[i] = PrincipleResult(principle: .accountability, verdict: accountability.isEmpty ? a.verdict : .notSatisfied,
                                         findings: accountability + a.findings)
        }
        return BundleReport(product: bundle.product, origin: bundle.origin, checkpointSize: size, witnessCosignatures: cosigs,
                            auditDate: auditDate.description, policyName: policy.name, entries: checked, principles: results,
                            requiredPrinciples: policy.requiredPrinciples, graph: graph)
    }
}

extension EvidenceRef {
    public init(_ e: CheckedEntry) {
        self.init(seq: e.seq, kind: e.statement.kind.rawValue, signer: e.signer.reference)
    }
}
