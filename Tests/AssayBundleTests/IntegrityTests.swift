import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

@Suite("Bundle integrity: proofs, checkpoints, witnesses, consistency")
struct IntegrityTests {
    @Test("a forged inclusion proof: integrity not satisfied, naming that entry; no other principle is judged")
    func forgedInclusionProof() throws {
        let built = try TF().build()
        let seq = built.seq(.batteryOrigin)
        let forged = try ProductBundle(text: BundleText.flippingProofByte(seq: seq, in: built.bundle.json))
        #expect(forged.entries.count == built.bundle.entries.count)
        #expect(forged != built.bundle)
        let report = TF.verify(forged)
        let integrity = report.result(.integrity)
        #expect(integrity.verdict == .notSatisfied, "\(report.summary)")
        let problem = try #require(integrity.problems.first)
        #expect(problem.message.contains("entry \(seq): inclusion proof does not lead to the checkpoint root"), "\(problem.message)")
        #expect(problem.evidence.map(\.seq) == [seq])
        // The refused entry then counts as missing: the battery lot's defining entries are its
        // origin alone, which the bundle does not prove; and the cell supplier's registration, reached
        // only through the refused origin's signer, is about none of the closure's subjects.
        #expect(integrity.problems.count == 3, "\(report.summary)")
        #expect(integrity.problems.contains { $0.message.contains("completeness: 1 entry about \(TF.batteryLot) is missing: the log holds 1 at size 20, the bundle 0") },
                "\(report.summary)")
        #expect(integrity.problems.contains {
            $0.message.contains("completeness: entry \(built.seq(.registerCells)) is about none of the subjects")
                && names($0.evidence, exactly: [built.expected(.registerCells)])
        }, "\(report.summary)")
        // Nothing in a bundle whose integrity fails can be relied on: the other principles say nothing.
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.result(.provenance).findings.allSatisfy { $0.severity == .fact && $0.message.hasPrefix("not evaluated") })
        #expect(!report.entries.contains { $0.seq == seq })
        #expect(!report.passed)
    }

    @Test("a forged inclusion proof's finding names the entry's kind and signer, not only its seq")
    func forgedInclusionProofNamesKindAndSigner() throws {
        let built = try TF().build()
        let forged = try ProductBundle(text: BundleText.flippingProofByte(seq: built.seq(.batteryOrigin), in: built.bundle.json))
        let problem = try #require(TF.verify(forged).result(.integrity).problems.first)
        #expect(names(problem.evidence, exactly: [built.expected(.batteryOrigin)]), "\(problem.evidence)")
    }

    @Test("a changed record (its time moved): the proof no longer matches, naming the entry")
    func changedRecord() throws {
        let built = try TF().build()
        let seq = built.seq(.commitment)
        let entries = built.bundle.entries.map { e in
            e.record.seq != seq ? e : ProductBundle.Entry(record: LedgerRecord(seq: seq, appendedAtMillis: e.record.appendedAtMillis - 1,
                                                                             envelope: e.record.envelope), proof: e.proof)
        }
        let report = TF.verify(built.bundle.with(entries: entries))
        #expect(report.result(.integrity).verdict == .notSatisfied)
        #expect(report.result(.integrity).problems.flatMap(\.evidence).map(\.seq) == [seq], "\(report.summary)")
        #expect(report.result(.integrity).problems.first?.message.contains("entry \(seq): inclusion proof does not lead") == true, "\(report.summary)")
        // The refused commitment is the model's only entry: it counts as missing from the index leaf.
        #expect(report.result(.integrity).problems.contains { $0.message.contains("completeness: 1 entry about \(TF.model) is missing") },
                "\(report.summary)")
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
    }

    @Test("a repeated entry is refused as out of order, naming it")
    func repeatedEntry() throws {
        let built = try TF().build()
        let seq = built.seq(.pcbOrigin)
        let report = TF.verify(try ProductBundle(text: BundleText.duplicating(seq: seq, in: built.bundle.json)))
        let integrity = report.result(.integrity)
        #expect(integrity.verdict == .notSatisfied)
        #expect(integrity.problems.count == 1 && integrity.problems[0].message.contains("entry \(seq) is out of order or repeated"), "\(report.summary)")
        #expect(integrity.problems[0].evidence.map(\.seq) == [seq])
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
    }

    // Removing an entry leaves every remaining inclusion proof valid; the subject-index proofs
    // (FORMAT.md §13) are what show the gap, naming the subject and how many entries are missing.
    @Test("a bundle without a supplier's registration: its origin fails the signer rules, so integrity fails and nothing else is judged")
    func removedRegistration() throws {
        let built = try TF().build()
        let cut = try ProductBundle(text: BundleText.removing(seq: built.seq(.registerCells), from: built.bundle.json))
        #expect(cut.entries.count == built.bundle.entries.count - 1)
        let report = TF.verify(cut)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let refused = try #require(report.result(.integrity).problems.first)
        #expect(refused.message.contains("\(TF.reference(TF.cellsKey)) is not a registered key"), "\(refused.message)")
        #expect(names(refused.evidence, exactly: [built.expected(.batteryOrigin)]))
        // The refused origin is then missing from the battery lot's defining entries (it was the
        // only one): the completeness check names the lot too (and nothing else).
        #expect(report.result(.integrity).problems.count == 2, "\(report.summary)")
        let gap = try #require(report.result(.integrity).problems.last)
        #expect(gap.message.contains("completeness: 1 entry about \(TF.batteryLot) is missing: the log holds 1 at size 20, the bundle 0"), "\(gap.message)")
        #expect(gap.evidence.isEmpty, "the bundle holds none of the lot's defining entries: \(gap.evidence)")
        #expect(!report.passed)
    }

    // Before issue 13 this bundle verified (integrity held) and the gap showed only as provenance's
    // "has no origin"; the subject index now shows that the origin was left out.
    @Test("a bundle without a component's origin: caught by completeness, naming the lot and the one entry missing")
    func removedOrigin() throws {
        let built = try TF().build()
        let report = TF.verify(try ProductBundle(text: BundleText.removing(seq: built.seq(.mcuOrigin), from: built.bundle.json)))
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let integrity = report.result(.integrity)
        #expect(integrity.problems.count == 1, "\(report.summary)")
        let problem = try #require(integrity.problems.first)
        #expect(problem.message.contains("completeness: 1 entry about \(TF.mcuLot) is missing: the log holds 2 at size 20, the bundle 1"), "\(problem.message)")
        // The evidence is what the bundle does hold about the lot: the step that consumed it.
        #expect(names(problem.evidence, exactly: [built.expected(.encodingStep)]))
        #expect(!report.passed)
    }

    // Before issue 13 this was the gap: "a bundle without its last entry (the end of life) still
    // verifies: proofs cover inclusion, not completeness". The subject index closes it.
    @Test("a bundle without its last entry (the end of life) fails integrity: completeness names the product and the one entry missing")
    func removedLastEntry() throws {
        let built = try TF().build()
        let report = TF.verify(try ProductBundle(text: BundleText.removing(seq: built.seq(.endOfLife), from: built.bundle.json)))
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let problems = report.result(.integrity).problems
        let gap = try #require(problems.first { $0.message.contains("about \(TF.product)") }, "\(report.summary)")
        #expect(gap.message.contains("completeness: 1 entry about \(TF.product) is missing: the log holds 3 at size 20, the bundle 2"), "\(gap.message)")
        #expect(names(gap.evidence, exactly: [built.expected(.assembly), built.expected(.shipping)]), "\(gap.evidence)")
        // The recycler's registration, which only the end of life's signer brought in, is now
        // about none of the subjects the verdict rests on; nothing else is reported.
        #expect(problems.count == 2, "\(report.summary)")
        #expect(problems.contains {
            $0.message.contains("completeness: entry \(built.seq(.registerRecycler)) is about none of the subjects")
                && names($0.evidence, exactly: [built.expected(.registerRecycler)])
        }, "\(report.summary)")
        #expect(!report.passed)
    }

    @Test("a bundle without the genesis entry: integrity not satisfied, and no signer can be checked")
    func removedGenesis() throws {
        let built = try TF().build()
        let report = TF.verify(try ProductBundle(text: BundleText.removing(seq: 0, from: built.bundle.json)))
        #expect(report.result(.integrity).verdict == .notSatisfied)
        #expect(report.result(.integrity).problems.contains { $0.message.contains("lacks the genesis entry") }, "\(report.summary)")
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.entries.isEmpty)
    }

    @Test("a checkpoint from another ledger (same operator key and origin): integrity not satisfied")
    func checkpointFromAnotherLedger() throws {
        let built = try TF().build()
        let other = try TF(includeUnrelatedProduct: false).build()
        #expect(other.checkpoint.text != built.checkpoint.text)
        let report = TF.verify(built.bundle.with(checkpoint: other.checkpoint.serialized))
        let integrity = report.result(.integrity)
        #expect(integrity.verdict == .notSatisfied)
        // The checkpoint's signature verifies (same key) but no proof leads to its root: one
        // problem per entry, and the index proofs of the two subjects left (the product and its
        // model class, with no entry accepted) do not lead to its subject-index root either.
        #expect(!integrity.problems.contains { $0.message.contains("checkpoint does not verify") }, "\(report.summary)")
        let perEntry = integrity.problems.filter { !$0.message.hasPrefix("completeness: ") }
        #expect(perEntry.count == built.bundle.entries.count, "\(report.summary)")
        #expect(Set(perEntry.flatMap(\.evidence).map(\.seq)) == Set(built.bundle.entries.map(\.record.seq)))
        let index = integrity.problems.filter { $0.message.hasPrefix("completeness: ") }.map(\.message)
        #expect(index.sorted() == [TF.model, TF.product].map {
            "completeness: the subject-index proof for \($0) does not lead to the checkpoint's index root"
        }, "\(index)")
        #expect(report.entries.isEmpty && !report.passed)
    }

    @Test("a checkpoint from a ledger with another origin: the checkpoint does not verify")
    func checkpointWithAnotherOrigin() throws {
        let built = try TF().build()
        let other = try TF(origin: "other.example/ledger").build()
        let integrity = TF.verify(built.bundle.with(checkpoint: other.checkpoint.serialized)).result(.integrity)
        #expect(integrity.verdict == .notSatisfied)
        #expect(integrity.problems.contains { $0.message.contains("does not verify") && $0.message.contains("other.example/ledger") },
                "\(integrity.problems.map(\.message))")
    }

    @Test("a wrong log key: integrity not satisfied")
    func wrongLogKey() throws {
        let built = try TF().build()
        // Another key under the operator's own name, and another operator's key.
        let impostor = Fixtures.key(TF.operatorKey.name, seed: 0x99)
        for key in [impostor.verifierKey, Fixtures.operatorKey.verifierKey] {
            let report = TF.verify(built.bundle, logKey: key)
            #expect(report.result(.integrity).verdict == .notSatisfied, "\(key)")
            #expect(report.result(.integrity).problems.contains { $0.message.contains("checkpoint does not verify") }, "\(report.summary)")
            #expect(report.entries.isEmpty && !report.passed)
        }
    }

    @Test("witness policy: one cosignature needed; none fails, an untrusted one fails, the trusted witness's passes")
    func witnessPolicy() throws {
        let built = try TF().build()
        let witness = TF.witnessKey.verifierKey
        let bare = TF.verify(built.bundle, witnesses: [witness], witnessesNeeded: 1)
        #expect(bare.result(.integrity).verdict == .notSatisfied)
        #expect(bare.result(.integrity).problems.contains { $0.message.contains("0 valid witness cosignatures, policy needs 1") }, "\(bare.summary)")

        let note = try SignedNote(parsing: Array(built.bundle.checkpoint.utf8))
        func cosigned(by key: NamedSigningKey) -> ProductBundle {
            let line = Cosignature.sign(checkpointText: note.text, timestamp: 1_893_456_000, key: key)
            return built.bundle.with(checkpoint: SignedNote(text: note.text, signatures: note.signatures + [line]).serialized)
        }
        let stranger = TF.verify(cosigned(by: Fixtures.witnessKey), witnesses: [witness], witnessesNeeded: 1)
        #expect(stranger.result(.integrity).verdict == .notSatisfied, "a cosignature by a witness the auditor does not trust")

        let good = TF.verify(cosigned(by: TF.witnessKey), witnesses: [witness], witnessesNeeded: 1)
        #expect(good.verdicts == verdicts(notSatisfied: []), "\(good.summary)")
        #expect(good.witnessCosignatures == 1 && good.passed)
        // The cosigned bundle survives a JSON round trip.
        #expect(try ProductBundle(text: cosigned(by: TF.witnessKey).json) == cosigned(by: TF.witnessKey))
    }

    @Test("--since: a bundle from a newer checkpoint proves consistency with an older trusted one")
    func sinceOlderCheckpoint() throws {
        let built = try TF().build()
        let early = built.earlyCheckpoint
        let bundle = try built.ledger.exportBundle(product: TF.product, since: early)
        let c = try #require(bundle.consistency)
        #expect(c.fromCheckpoint == early.serialized && !c.hashes.isEmpty)
        let report = TF.verify(bundle, trustedCheckpoint: Array(early.serialized.utf8))
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        // Trusting the latest checkpoint itself (size equal) is consistent too.
        let same = try built.ledger.exportBundle(product: TF.product, since: built.checkpoint)
        #expect(TF.verify(same, trustedCheckpoint: Array(built.checkpoint.serialized.utf8)).result(.integrity).verdict == .satisfied)
    }

    @Test("--since: a trusted checkpoint from another ledger (same key and origin) is refused at export and at verify")
    func sinceCheckpointFromAnotherLedger() throws {
        let built = try TF().build()
        let other = try TF(includeUnrelatedProduct: false).build()
        #expect(other.earlyCheckpoint.text != built.earlyCheckpoint.text)
        #expect(throws: LedgerError.self) { try built.ledger.exportBundle(product: TF.product, since: other.earlyCheckpoint) }

        let bundle = try built.ledger.exportBundle(product: TF.product, since: built.earlyCheckpoint)
        let report = TF.verify(bundle, trustedCheckpoint: Array(other.earlyCheckpoint.serialized.utf8))
        let integrity = report.result(.integrity)
        #expect(integrity.verdict == .notSatisfied && !report.passed)
        #expect(integrity.problems.contains { $0.message.contains("not consistent with the trusted checkpoint") }, "\(report.summary)")
    }

    @Test("--since: a bundle exported without a consistency proof fails when the auditor trusts an older checkpoint")
    func sinceWithoutConsistencyProof() throws {
        let built = try TF().build()
        let report = TF.verify(built.bundle, trustedCheckpoint: Array(built.earlyCheckpoint.serialized.utf8))
        #expect(report.result(.integrity).verdict == .notSatisfied)
        #expect(report.result(.integrity).problems.contains { $0.message.contains("carries no consistency proof") }, "\(report.summary)")
    }

    @Test("--since: a consistency proof with a flipped hash fails")
    func sinceForgedConsistencyProof() throws {
        let built = try TF().build()
        let bundle = try built.ledger.exportBundle(product: TF.product, since: built.earlyCheckpoint)
        let c = try #require(bundle.consistency)
        var raw = c.hashes[0].bytes
        raw[0] ^= 0x80
        let forged = bundle.with(consistency: .init(fromCheckpoint: c.fromCheckpoint, hashes: [try Digest(bytes: raw)] + c.hashes.dropFirst()))
        let report = TF.verify(forged, trustedCheckpoint: Array(built.earlyCheckpoint.serialized.utf8))
        #expect(report.result(.integrity).verdict == .notSatisfied, "\(report.summary)")
    }
}
