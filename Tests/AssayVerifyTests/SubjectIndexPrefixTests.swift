import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Testing

/// Per-subject prefix proofs (FORMAT.md §13.7): an auditor who holds an older checkpoint learns,
/// from a newer bundle exported `--since` it, that no subject's history was rewritten in between —
/// including that the older index did not leave an entry out. The attack: the operator signs a
/// checkpoint whose index hides one entry about the product, so a bundle exported then verifies
/// without it; later the entry is shown. The prefix check names it.
@Suite("Subject index: per-subject prefix proofs against an older checkpoint")
struct SubjectIndexPrefixTests {
    static let product = "https://id.gs1.org/01/04012345000016/21/P1"
    static let auditDate = try! CalendarDate(parsing: "2027-01-01")

    static func event(_ n: Int) -> [UInt8] {
        Fixtures.envelope(Fixtures.event(n, subject: product).replacingOccurrences(of: "\"inspected\"", with: "\"inspected-\(n)\""), by: Fixtures.supplierKey)
    }

    /// The index over records `0 ..< size`, leaving out `hidden`'s entry under `subject`.
    static func tree(_ l: Ledger, size: UInt64, hiding hidden: UInt64? = nil, subject: IndexSubject) throws -> SubjectIndexTree {
        var tree = SubjectIndexTree()
        for seq in 0..<size {
            let r = try l.record(at: seq)
            let st = try Statement.decode(try Envelope(json: r.envelope).payload)
            let keys = IndexSubject.of(st).filter { !(seq == hidden && $0 == subject) }.map(\.key)
            tree.addRecord(leaf: r.leafHash, keys: keys)
        }
        return tree
    }

    static func verify(_ b: ProductBundle, since: SignedNote) -> PrincipleResult {
        BundleVerifier(logKey: Fixtures.operatorKey.verifierKey, origin: "test.example/ledger", product: product, auditDate: auditDate,
                       trustedCheckpoint: Array(since.serialized.utf8)).verify(b).principles.first { $0.principle == .integrity }!
    }

    @Test("honest: the older index held a prefix of each subject's history; the bundle exported --since verifies")
    func honest() throws {
        let l = try Fixtures.ledger(at: ":memory:")
        try l.append([.init(label: "a", bytes: Self.event(1)), .init(label: "b", bytes: Self.event(2))])
        let old = try l.signCheckpoint(with: Fixtures.operatorKey)
        try l.append([.init(label: "c", bytes: Self.event(3))])
        _ = try l.signCheckpoint(with: Fixtures.operatorKey)
        let b = try l.exportBundle(product: Self.product, since: old)
        let c = try #require(b.consistency)
        #expect(Set(c.index.map(\.subject)) == Set(b.index.map(\.subject)), "one prefix proof per subject")
        let p = try #require(c.index.first { $0.subject == .identifier(Self.product) })
        #expect(p.count == 2, "the older index held the two earlier entries")
        let integrity = Self.verify(b, since: old)
        #expect(integrity.verdict == .satisfied, "\(integrity.findings.map(\.message))")
    }

    @Test("an older index that hid an entry about the product is exposed by the newer bundle, naming the subject")
    func olderIndexHidEntry() throws {
        let l = try Fixtures.ledger(at: ":memory:")
        try l.append([.init(label: "a", bytes: Self.event(1)), .init(label: "b", bytes: Self.event(2))])
        let m = try l.size()
        let hidden = m - 1
        let subject = IndexSubject.identifier(Self.product)
        // The operator signs, for size m, a checkpoint whose index leaves entry `hidden` out of
        // the product's history, and stores it as its checkpoint for that size.
        var lying = try Self.tree(l, size: m, hiding: hidden, subject: subject)
        let cp = Checkpoint(origin: "test.example/ledger", size: m, rootHash: try l.root(size: m),
                            chainHead: try l.record(at: m - 1).chainHash, subjectIndex: lying.root())
        let old = try SignedNote.sign(text: cp.text, keys: [Fixtures.operatorKey])
        try l.store.write { tx in try tx.addCheckpoint(size: m, note: Array(old.serialized.utf8), now: Fixtures.time(5000)) }
        // verify --ledger catches that checkpoint (a full monitor's view) ...
        let ledgerReport = try l.verify()
        #expect(ledgerReport.failure?.message.contains("subject index root for size \(m) does not match") == true, "\(String(describing: ledgerReport.failure))")
        // ... and the honest exporter refuses to prove against it.
        #expect(throws: LedgerError.self) { _ = try l.exportBundle(product: Self.product, since: old) }

        // The bundle-only auditor's view. Then: a bundle at size m without the hidden entry,
        // proved against the lying index, verifies.
        let closureThen = try (0..<m).filter { $0 != hidden }.compactMap { s -> IndexedEntry? in
            let r = try l.record(at: s)
            let env = try Envelope(json: r.envelope)
            return IndexedEntry(seq: s, statement: try Statement.decode(env.payload), signer: env.signatures[0].keyID, leaf: r.leafHash)
        }
        let reached = CompletenessClosure.subjects(product: Self.product, about: CompletenessClosure.lookup(closureThen))
        let thenEntries = try Set(reached.values.flatMap { $0.map(\.seq) }).sorted().map { s in
            ProductBundle.Entry(record: try l.record(at: s).record, proof: try l.inclusionProof(seq: s, size: m).hashes)
        }
        let subjectsThen = reached.keys.sorted()
        let proofsThen = subjectsThen.map { s in
            let leaf = lying.leaf(for: s.key)
            return ProductBundle.IndexProof(subject: s, count: leaf?.count ?? 0, chain: leaf?.chain ?? .zero, proof: lying.prove(s.key))
        }
        let then = ProductBundle(origin: "test.example/ledger", product: Self.product, checkpoint: old.serialized, entries: thenEntries, index: proofsThen)
        let thenReport = BundleVerifier(logKey: Fixtures.operatorKey.verifierKey, origin: "test.example/ledger", product: Self.product,
                                        auditDate: Self.auditDate).verify(then)
        #expect(thenReport.principles[0].verdict == .satisfied, "a lying index makes a hiding bundle verify at the time: \(thenReport.principles[0].findings.map(\.message))")

        // Now: the log grows, an honest checkpoint is signed; the new bundle shows the entry,
        // and its prefix proofs (from the same lying index, the only one for size m) expose it.
        try l.append([.init(label: "c", bytes: Self.event(3))])
        _ = try l.signCheckpoint(with: Fixtures.operatorKey)
        let now = try l.exportBundle(product: Self.product)
        let n = try Checkpoint(parsing: now.checkpoint.components(separatedBy: "\n\n")[0] + "\n").size
        let prefix = now.index.map { p in
            let leaf = lying.leaf(for: p.subject.key)
            return ProductBundle.IndexProof(subject: p.subject, count: leaf?.count ?? 0, chain: leaf?.chain ?? .zero, proof: lying.prove(p.subject.key))
        }
        let consistency = ProductBundle.Consistency(fromCheckpoint: old.serialized, hashes: try l.consistencyProof(from: m, to: n).hashes, index: prefix)
        let shown = ProductBundle(origin: now.origin, product: now.product, checkpoint: now.checkpoint, entries: now.entries,
                                  consistency: consistency, index: now.index)
        let integrity = Self.verify(shown, since: old)
        #expect(integrity.verdict == .notSatisfied)
        #expect(integrity.findings.contains {
            $0.message.contains("the log's index at size \(m) held 1 entries about \(Self.product), but the bundle shows 2 before that size")
        }, "\(integrity.findings.map(\.message))")
        // Without prefix proofs the same bundle cannot pass either when the auditor gives --since.
        let bare = ProductBundle(origin: now.origin, product: now.product, checkpoint: now.checkpoint, entries: now.entries,
                                 consistency: ProductBundle.Consistency(fromCheckpoint: old.serialized, hashes: consistency.hashes), index: now.index)
        #expect(Self.verify(bare, since: old).findings.contains { $0.message.contains("carries no prefix proof for \(Self.product)") })
    }
}
