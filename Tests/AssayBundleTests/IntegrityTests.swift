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
        #expect(integrity.problems.count == 1)
        let problem = try #require(integrity.problems.first)
        #expect(problem.message.contains("entry \(seq): inclusion proof does not lead to the checkpoint root"), "\(problem.message)")
        #expect(problem.evidence.map(\.seq) == [seq])
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
        let report = TF.verify(ProductBundle(origin: built.bundle.origin, product: built.bundle.product,
                                             checkpoint: built.bundle.checkpoint, entries: entries))
        #expect(report.result(.integrity).verdict == .notSatisfied)
        #expect(report.result(.integrity).problems.flatMap(\.evidence).map(\.seq) == [seq], "\(report.summary)")
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

    // A bundle proves each entry's inclusion, not that nothing was left out: removing an entry
    // leaves every remaining proof valid, so integrity holds and the gap shows in the principle
    // that needs the missing entry.
    @Test("a bundle without a supplier's registration: its origin fails the signer rules, so integrity fails and nothing else is judged")
    func removedRegistration() throws {
        let built = try TF().build()
        let cut = try ProductBundle(text: BundleText.removing(seq: built.seq(.registerCells), from: built.bundle.json))
        #expect(cut.entries.count == built.bundle.entries.count - 1)
        let report = TF.verify(cut)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let refused = try #require(report.result(.integrity).problems.first)
        #expect(report.result(.integrity).problems.count == 1)
        #expect(refused.message.contains("\(TF.reference(TF.cellsKey)) is not a registered key"), "\(refused.message)")
        #expect(names(refused.evidence, exactly: [built.expected(.batteryOrigin)]))
        #expect(!report.passed)
    }

    @Test("a bundle without a component's origin: provenance not satisfied, naming the step that consumed it")
    func removedOrigin() throws {
        let built = try TF().build()
        let report = TF.verify(try ProductBundle(text: BundleText.removing(seq: built.seq(.mcuOrigin), from: built.bundle.json)))
        #expect(report.verdicts == verdicts(notSatisfied: [.provenance]), "\(report.summary)")
        let problem = try #require(report.result(.provenance).problems.first)
        #expect(problem.message.contains("\(TF.mcuLot) has no origin"), "\(problem.message)")
        #expect(names(problem.evidence, exactly: [built.expected(.encodingStep)]))
    }

    @Test("a bundle without its last entry (the end of life) still verifies: proofs cover inclusion, not completeness")
    func removedLastEntry() throws {
        let built = try TF().build()
        let report = TF.verify(try ProductBundle(text: BundleText.removing(seq: built.seq(.endOfLife), from: built.bundle.json)))
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        #expect(!report.result(.lifecycle).findings.contains { $0.message.contains("end of life") })
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
        // The checkpoint's signature verifies (same key) but no proof leads to its root.
        #expect(!integrity.problems.contains { $0.message.contains("checkpoint does not verify") }, "\(report.summary)")
        #expect(integrity.problems.count == built.bundle.entries.count)
        #expect(Set(integrity.problems.flatMap(\.evidence).map(\.seq)) == Set(built.bundle.entries.map(\.record.seq)))
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
        let forged = ProductBundle(origin: bundle.origin, product: bundle.product, checkpoint: bundle.checkpoint, entries: bundle.entries,
                                   consistency: .init(fromCheckpoint: c.fromCheckpoint, hashes: [try Digest(bytes: raw)] + c.hashes.dropFirst()))
        let report = TF.verify(forged, trustedCheckpoint: Array(built.earlyCheckpoint.serialized.utf8))
        #expect(report.result(.integrity).verdict == .notSatisfied, "\(report.summary)")
    }
}
