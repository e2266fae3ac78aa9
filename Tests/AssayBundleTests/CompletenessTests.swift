import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStorageConformance
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 13: a bundle proves not only that every entry it holds is in the log, but that it
/// leaves nothing out about any subject its verdict rests on. Each test here performs one attack
/// an operator or a broken exporter could make on a real exported bundle — leave an entry out,
/// splice one in from another product, swap one for another, forge or drop an index proof, or
/// prove against a checkpoint that commits to no index — and requires the bundle's integrity to
/// fail with a message naming the subject.
@Suite("Completeness: a bundle can neither leave out nor add an entry about what its verdict rests on")
struct CompletenessTests {
    typealias Story = CompletenessStory

    // MARK: - Leaving an entry out

    @Test("the honest bundle of the full story verifies: integrity satisfied, every subject proved")
    func honestBundleVerifies() throws {
        let story = try Story.shared.get()
        let report = TF.verify(story.bundle)
        #expect(report.integrityResult.verdict == .satisfied, "\(report.integrityLines)")
        #expect(report.passed, "every principle holds for the full story too")
        // Every kind of entry the drop tests remove is in the bundle.
        for kind in CompletenessDrop.allCases {
            #expect(story.bundle.entries.contains { $0.record.seq == story.seq(kind.entry) }, "\(kind) is not in the bundle")
        }
        // One proof per subject of the closure, each leading to the checkpoint's index root, each
        // with the count the log holds about the subject.
        let root = try #require(try Checkpoint(parsing: SignedNote(parsing: Array(story.bundle.checkpoint.utf8)).text).subjectIndex)
        #expect(story.bundle.index.count >= 12, "\(story.bundle.index.map(\.subject))")
        for p in story.bundle.index {
            #expect(p.verifies(root: root), "\(p.subject)")
            #expect(p.count == UInt64(story.about[p.subject]?.count ?? 0), "\(p.subject)")
        }
    }

    @Test("leaving one entry out of the bundle fails integrity, naming the subject and how many entries are missing",
          arguments: CompletenessDrop.allCases)
    func droppedEntry(_ kind: CompletenessDrop) throws {
        let story = try Story.shared.get()
        let seq = story.seq(kind.entry)
        let cut = try story.bundle.withParts(entries: story.bundle.entries.filter { $0.record.seq != seq })
        #expect(cut.entries.count == story.bundle.entries.count - 1)
        let report = TF.verify(cut)
        #expect(report.integrityResult.verdict == .notSatisfied, "\(kind): \(report.integrityLines)")
        let held = try #require(story.about[kind.subject], "\(kind.subject) has no entries in the log")
        #expect(held.contains(seq), "the dropped \(kind) entry is about \(kind.subject)")
        let expected = "completeness: 1 entry about \(kind.subject) is missing: the log holds \(held.count) at size \(story.size), the bundle \(held.count - 1)"
        let finding = report.integrityResult.problems.first { $0.message == expected }
        #expect(finding != nil, "\(kind): expected «\(expected)» in\n\(report.integrityLines)")
        // Nothing else is judged on a bundle whose integrity fails.
        #expect(report.principles.filter { $0.principle != .integrity }.allSatisfy { $0.verdict == .notEvaluated })
        #expect(!report.passed)
    }

    @Test("leaving two entries about the product out: the message counts both")
    func twoDroppedEntries() throws {
        let story = try Story.shared.get()
        let gone: Set<UInt64> = [story.seq(.correction), story.seq(.endOfLife)]
        let report = TF.verify(try story.bundle.withParts(entries: story.bundle.entries.filter { !gone.contains($0.record.seq) }))
        let n = try #require(story.about[.identifier(TF.product)]).count
        let expected = "completeness: 2 entries about \(TF.product) are missing: the log holds \(n) at size \(story.size), the bundle \(n - 2)"
        #expect(report.integrityResult.problems.contains { $0.message == expected }, "\(report.integrityLines)")
    }

    // A registration of a key that signed something cannot be dropped quietly either: the key's
    // entries no longer pass the signer rules, and the subjects they were about come up short.
    @Test("leaving out the registration of a signer's key: its entries are refused and their subject comes up short")
    func droppedSignerRegistration() throws {
        let story = try Story.shared.get()
        let seq = story.seq(.registerCells)
        let report = TF.verify(try story.bundle.withParts(entries: story.bundle.entries.filter { $0.record.seq != seq }))
        #expect(report.integrityResult.verdict == .notSatisfied)
        let problems = report.integrityResult.problems.map(\.message)
        #expect(problems.contains { $0.contains("entry \(story.seq(.batteryOrigin)):") && $0.contains("\(TF.reference(TF.cellsKey)) is not a registered key") },
                "\(report.integrityLines)")
        let n = try #require(story.about[.defining(TF.batteryLot)]).count
        #expect(problems.contains("completeness: 1 entry about \(TF.batteryLot) is missing: the log holds \(n) at size \(story.size), the bundle \(n - 1)"),
                "\(report.integrityLines)")
    }

    // MARK: - Adding an entry from another product

    @Test("splicing in an entry of another product from the same log (with its valid inclusion proof) fails integrity")
    func splicedEntryFromAnotherProduct() throws {
        let story = try Story.shared.get()
        let plug = story.plugBundle
        #expect(plug.checkpoint == story.bundle.checkpoint, "both bundles prove against the same checkpoint")
        let ours = Set(story.bundle.entries.map(\.record.seq))
        let foreign = plug.entries.filter { !ours.contains($0.record.seq) }
        #expect(Set(foreign.map(\.record.seq)) == [story.seq(.registerRelais), story.seq(.relayOrigin), story.seq(.plugAssembly)])
        for entry in foreign {
            let spliced = try story.bundle.withParts(entries: (story.bundle.entries + [entry]).sorted { $0.record.seq < $1.record.seq })
            let report = TF.verify(spliced)
            let seq = entry.record.seq
            #expect(report.integrityResult.verdict == .notSatisfied, "entry \(seq): \(report.integrityLines)")
            let aboutNone = "completeness: entry \(seq) is about none of the subjects this product's verdict rests on (an entry from another product?)"
            if seq == story.seq(.relayOrigin) {
                // Signed by a key the bundle holds no registration for: refused before completeness.
                #expect(report.integrityResult.problems.contains { $0.message.contains("entry \(seq):") && $0.message.contains("not a registered key") },
                        "\(report.integrityLines)")
            } else {
                #expect(report.integrityResult.problems.contains { $0.message == aboutNone && $0.evidence.map(\.seq) == [seq] },
                        "entry \(seq): \(report.integrityLines)")
            }
        }
        // All three at once: the relay origin's signer is registered now, so every spliced entry
        // passes the signer rules, and each is named as about nothing the verdict rests on.
        let all = try story.bundle.withParts(entries: (story.bundle.entries + foreign).sorted { $0.record.seq < $1.record.seq })
        let report = TF.verify(all)
        #expect(report.integrityResult.problems.map(\.message).sorted() == foreign.map {
            "completeness: entry \($0.record.seq) is about none of the subjects this product's verdict rests on (an entry from another product?)"
        }.sorted(), "\(report.integrityLines)")
    }

    // MARK: - Substitution

    @Test("swapping an entry about the product for another included entry (same number of entries) fails integrity")
    func swappedForAnotherIncludedEntry() throws {
        let story = try Story.shared.get()
        let shipping = story.seq(.shipping), plugAssembly = story.seq(.plugAssembly)
        let substitute = try #require(story.plugBundle.entries.first { $0.record.seq == plugAssembly })
        let swapped = try story.bundle.withParts(entries: (story.bundle.entries.filter { $0.record.seq != shipping } + [substitute])
            .sorted { $0.record.seq < $1.record.seq })
        #expect(swapped.entries.count == story.bundle.entries.count)
        let report = TF.verify(swapped)
        let n = try #require(story.about[.identifier(TF.product)]).count
        let problems = report.integrityResult.problems.map(\.message)
        #expect(problems.contains("completeness: 1 entry about \(TF.product) is missing: the log holds \(n) at size \(story.size), the bundle \(n - 1)"),
                "\(report.integrityLines)")
        #expect(problems.contains { $0.hasPrefix("completeness: entry \(plugAssembly) is about none of the subjects") }, "\(report.integrityLines)")
    }

    @Test("swapping an entry's record for another included record under the same seq slot fails integrity")
    func swappedRecordKeepingProof() throws {
        let story = try Story.shared.get()
        let shipping = try #require(story.bundle.entries.first { $0.record.seq == story.seq(.shipping) })
        let other = try #require(story.plugBundle.entries.first { $0.record.seq == story.seq(.plugAssembly) })
        // The plug's assembly record (bytes and seq) with the shipping entry's proof.
        let entries = story.bundle.entries.map { $0.record.seq == shipping.record.seq ? ProductBundle.Entry(record: other.record, proof: shipping.proof) : $0 }
            .sorted { $0.record.seq < $1.record.seq }
        let report = TF.verify(try story.bundle.withParts(entries: entries))
        #expect(report.integrityResult.verdict == .notSatisfied, "\(report.integrityLines)")
        #expect(report.integrityResult.problems.contains { $0.message.contains("entry \(other.record.seq): inclusion proof does not lead to the checkpoint root") },
                "\(report.integrityLines)")
    }

    // With an honest checkpoint a bundle cannot hold as many entries about a subject as the log
    // commits to and still differ from them (every included entry about the subject is one of
    // them). The chain check matters when the log's commitment and its records part: here an
    // attacker with write access to the ledger file rewrites the MCU lot's subject rows before a
    // checkpoint is signed — the encoding step's row replaced by one for the firmware origin, so
    // the count stays 2 — and the ledger honestly signs and exports from the rewritten rows.
    @Test("a log that committed to another entry in place of one of a subject's entries (same count): not the ones the log committed to")
    func commitmentToSubstitutedHistory() throws {
        let dir = try TemporaryDirectory(prefix: "assay-completeness")
        defer { dir.remove() }
        let path = dir.file("thermostat.assay")
        let built = try TF(path: path, includeEndOfLife: false).build()
        let step = built.seq(.encodingStep), firmware = built.seq(.firmwareOrigin), mcu = built.seq(.mcuOrigin)
        let t = try fileTamperer(path)
        try t.edit("DELETE FROM subjects WHERE subject = ?1 AND seq = ?2", [.text(TF.mcuLot), .int(Int64(step))], behind: [.noDelete("subjects")])
        try t.edit("INSERT INTO subjects(subject, seq) VALUES (?1, ?2)", [.text(TF.mcuLot), .int(Int64(firmware))], behind: [])
        // A process opened after the edit signs a checkpoint over the rewritten rows.
        let ledger = try Ledger.open(at: path)
        try ledger.append([.init(label: "eol", bytes: Fixtures.envelope(TF.endOfLifeJSONDated("2029-09-14T09:30:00+02:00"), by: TF.recyclerKey))],
                          now: try Timestamp(parsing: "2029-09-14T08:00:00Z").epochMillis)
        _ = try ledger.signCheckpoint(with: TF.operatorKey)
        let bundle = try ledger.exportBundle(product: TF.product)
        #expect(bundle.entries.contains { $0.record.seq == step } && bundle.entries.contains { $0.record.seq == mcu })
        let report = TF.verify(bundle)
        let expected = "completeness: the bundle's 2 entries about \(TF.mcuLot) are not the ones the log committed to (an entry was substituted)"
        #expect(report.integrityResult.problems.contains { $0.message == expected }, "\(report.integrityLines)")
        // And the ledger itself does not verify.
        #expect(try !Ledger.open(at: path, readOnly: true).verify().ok)
    }

    // MARK: - Index proofs

    @Test("a bundle without the index proof for one subject fails integrity naming it",
          arguments: [IndexSubject.identifier(TF.product), .defining(TF.model), .defining(TF.mcuLot), .key(TF.reference(TF.chipsKey))])
    func missingIndexProof(_ subject: IndexSubject) throws {
        let story = try Story.shared.get()
        #expect(story.bundle.index.contains { $0.subject == subject })
        let report = TF.verify(try story.bundle.withParts(index: story.bundle.index.filter { $0.subject != subject }))
        let expected = "completeness: the bundle carries no subject-index proof for \(subject), so it cannot show that no entry about it was left out"
        #expect(report.integrityResult.problems.map(\.message) == [expected], "\(report.integrityLines)")
    }

    @Test("one corrupted hash on a subject's index proof path: the proof no longer leads to the checkpoint's index root")
    func corruptedIndexPath() throws {
        let story = try Story.shared.get()
        let product = IndexSubject.identifier(TF.product)
        let proof = try #require(story.bundle.index.first { $0.subject == product })
        #expect(!proof.proof.path.isEmpty)
        for level in proof.proof.path.indices {
            var bytes = (proof.proof.path[level] ?? SubjectIndex.empty).bytes
            bytes[level % 32] ^= 0x20
            var path = proof.proof.path
            path[level] = try Digest(bytes: bytes)
            let forged = ProductBundle.IndexProof(subject: product, count: proof.count, chain: proof.chain,
                                                  proof: SubjectIndex.Proof(path: path, neighbor: proof.proof.neighbor))
            let report = TF.verify(try story.bundle.withParts(index: story.bundle.index.map { $0.subject == product ? forged : $0 }))
            #expect(report.integrityResult.problems.map(\.message) == ["completeness: the subject-index proof for \(TF.product) does not lead to the checkpoint's index root"],
                    "level \(level): \(report.integrityLines)")
        }
    }

    /// How an exporter that leaves an entry out can lie about the subject's index leaf.
    enum IndexLie: String, CaseIterable, Sendable {
        /// Count and chain lowered to what the bundle holds; the path kept.
        case lowerCount
        /// The subject claimed absent from the index (count 0, no neighbor).
        case claimAbsent
        /// Claimed absent, with another subject's leaf from the bundle as the neighbor.
        case claimAbsentWithNeighbor
    }

    /// The (lie, dropped entry) pairs: a count can be lowered only where entries remain.
    static let lies: [(IndexLie, CompletenessEntry)] = [
        (.lowerCount, .endOfLife), (.lowerCount, .chipsRevocation),
        (.claimAbsent, .endOfLife), (.claimAbsent, .commitment), (.claimAbsent, .chipsRevocation),
        (.claimAbsentWithNeighbor, .endOfLife), (.claimAbsentWithNeighbor, .commitment),
    ]

    @Test("an exporter that drops an entry and lies consistently about the subject's count: the proof no longer leads to the root",
          arguments: lies)
    func consistentlyLyingExporter(_ lie: IndexLie, _ dropped: CompletenessEntry) throws {
        let story = try Story.shared.get()
        let seq = story.seq(dropped)
        let subject: IndexSubject = switch dropped {
        case .endOfLife: .identifier(TF.product)
        case .commitment: .defining(TF.model)
        default: .key(TF.reference(TF.chipsKey))
        }
        let honest = try #require(story.bundle.index.first { $0.subject == subject })
        let kept = story.bundle.entries.filter { $0.record.seq != seq }
        // The count and chain of the remaining entries: exactly what a verifier recomputes.
        let remaining = try #require(story.about[subject]).filter { $0 != seq }
        var chain = SubjectIndex.empty
        for s in remaining { chain = SubjectIndex.chain(previous: chain, leaf: try #require(kept.first { $0.record.seq == s }).record.leafHash) }
        let forged: ProductBundle.IndexProof
        switch lie {
        case .lowerCount:
            #expect(!remaining.isEmpty)
            forged = .init(subject: subject, count: UInt64(remaining.count), chain: chain, proof: honest.proof)
        case .claimAbsent:
            forged = .init(subject: subject, count: 0, chain: SubjectIndex.empty, proof: SubjectIndex.Proof(path: honest.proof.path, neighbor: nil))
        case .claimAbsentWithNeighbor:
            let other = try #require(story.bundle.index.first { $0.subject != subject && $0.count > 0 })
            forged = .init(subject: subject, count: 0, chain: SubjectIndex.empty, proof: SubjectIndex.Proof(path: honest.proof.path, neighbor: other.leaf))
        }
        let bundle = try story.bundle.withParts(entries: kept, index: story.bundle.index.map { $0.subject == subject ? forged : $0 })
        let report = TF.verify(bundle)
        #expect(report.integrityResult.verdict == .notSatisfied, "\(report.integrityLines)")
        let wanted = "completeness: the subject-index proof for \(subject) does not lead to the checkpoint's index root"
        #expect(report.integrityResult.problems.contains { $0.message == wanted }, "\(report.integrityLines)")
        // The lie hides the gap from the count check: only the proof check catches it.
        #expect(!report.integrityResult.problems.contains { $0.message.contains("is missing") }, "\(report.integrityLines)")
    }

    // MARK: - A checkpoint that commits to no index

    @Test("a bundle proved against a checkpoint signed before the index existed (no assay-subject-index line) fails integrity")
    func checkpointWithoutIndex() throws {
        let built = try TF().build()
        let ledger = built.ledger
        let size = try ledger.size()
        // The operator's pre-upgrade checkpoint for the same tree: origin, size, root, chain head.
        let old = Checkpoint(origin: TF.ledgerOrigin, size: size, rootHash: try ledger.root(size: size),
                             chainHead: try ledger.record(at: size - 1).chainHash)
        #expect(old.subjectIndex == nil && old.extensions.count == 1)
        let note = try SignedNote.sign(text: old.text, keys: [TF.operatorKey])
        let expected = "the checkpoint (size \(size)) commits to no subject index (no assay-subject-index line: signed before the index existed), so the bundle cannot show that nothing about the product was left out; export it again against a checkpoint that commits to the index"

        // 1. The honest bundle, its checkpoint swapped for the old one: every inclusion proof still
        //    holds (same tree), but the index proofs have no root to lead to.
        let swapped = try built.bundle.withParts(checkpoint: note.serialized)
        let r1 = TF.verify(swapped)
        #expect(r1.integrityResult.problems.map(\.message) == [expected], "\(r1.integrityLines)")

        // 2. The ledger's own export when its only checkpoint is the old one: refused, naming
        //    why, rather than a bundle that cannot verify.
        let t = ledger.tamperer
        try t.edit("DELETE FROM checkpoints", behind: [.noDelete("checkpoints")])
        try t.edit("INSERT INTO checkpoints(size, created_at, note) VALUES (?1, 0, ?2)", [.int(Int64(size)), .blob(Array(note.serialized.utf8))], behind: [])
        #expect(throws: LedgerError.self) { _ = try ledger.exportBundle(product: TF.product) }
        do {
            _ = try ledger.exportBundle(product: TF.product)
        } catch let e as LedgerError {
            #expect(e.message.contains("predate the subject index"), "\(e.message)")
        }
    }

    // MARK: - Through the CLI

    @Test("assay verify --bundle on a bundle without the end of life: exit 1, naming the product and the missing count")
    func cliDroppedEndOfLife() throws {
        let dir = try TemporaryDirectory(prefix: "assay-completeness-cli")
        defer { dir.remove() }
        let ledger = dir.file("thermostat.assay")
        let story = try Story.build(path: ledger)
        let logKey = try dir.write("operator.pub", TF.operatorKey.verifierKey.description + "\n")
        let out = dir.file("thermostat.assay-bundle")
        let export = try CLIHarness.assay(["export", "--ledger", ledger, "--product", TF.productURN, "--out", out])
        #expect(export.exitCode == 0, "\(export)")
        let verifyArgs = { (bundle: String) in
            ["verify", "--bundle", bundle, "--log-key", logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15"]
        }
        let honest = try CLIHarness.assay(verifyArgs(out))
        #expect(honest.exitCode == 0, "\(honest)")
        #expect(!honest.stdout.contains("completeness:"), "\(honest)")

        let exported = try ProductBundle(bytes: Array(try #require(FileManager.default.contents(atPath: out))))
        let eol = story.seq(.endOfLife)
        #expect(exported.entries.contains { $0.record.seq == eol })
        let cut = try exported.withParts(entries: exported.entries.filter { $0.record.seq != eol })
        let cutPath = try dir.write("cut.assay-bundle", cut.json)
        let r = try CLIHarness.assay(verifyArgs(cutPath))
        #expect(r.exitCode == 1, "\(r)")
        let n = try #require(story.about[.identifier(TF.product)]).count
        let text = r.stdout + r.stderr
        #expect(text.contains("1 entry about \(TF.product) is missing: the log holds \(n) at size \(story.size), the bundle \(n - 1)"), "\(r)")
        #expect(text.contains("FAIL"), "\(r)")
    }

    // MARK: - Random ledgers

    @Test("random ledgers: every product's bundle verifies; leaving out any non-genesis entry, or swapping any entry for another included one, fails integrity")
    func randomLedgers() throws {
        let seed = SplitMix64.seed(from: "ASSAY_COMPLETENESS_SEED", default: 0x1513_c0de)
        var rng = SplitMix64(seed: seed)
        var bundlesChecked = 0, dropsChecked = 0, swapsChecked = 0
        for round in 0..<20 {
            let ledgerSeed = rng.next()
            let lab = try RandomCompletenessLedger(seed: ledgerSeed)
            let size = try lab.ledger.size()
            let where_ = "seed \(String(ledgerSeed, radix: 16)) (round \(round) of run seed \(String(seed, radix: 16))), \(size) entries"
            // Every product's bundle verifies; two of each ledger's (the runtime budget, chosen by
            // the seed) are then attacked.
            var attacked = lab.products
            while attacked.count > 2 { attacked.remove(at: rng.int(attacked.count)) }
            for product in lab.products {
                let bundle = try lab.ledger.exportBundle(product: product)
                let report = TF.verify(bundle, product: product)
                #expect(report.integrityResult.verdict == .satisfied, "\(where_), \(product):\n\(report.integrityLines)")
                bundlesChecked += 1
                guard report.integrityResult.verdict == .satisfied, attacked.contains(product) else { continue }
                let held = Set(bundle.entries.map(\.record.seq))
                // Single entries left out: every one when there are few, else 14 chosen by the seed.
                var droppable = bundle.entries.map(\.record.seq).filter { $0 != 0 }
                while droppable.count > 14 { droppable.remove(at: rng.int(droppable.count)) }
                for seq in droppable {
                    let cut = try bundle.withParts(entries: bundle.entries.filter { $0.record.seq != seq })
                    let r = TF.verify(cut, product: product)
                    #expect(r.integrityResult.verdict == .notSatisfied, "\(where_), \(product): leaving out entry \(seq) went unnoticed")
                    dropsChecked += 1
                }
                // Four entries each swapped for an included entry the bundle does not hold (or,
                // when it holds them all, another of its own).
                let outside = (0..<size).filter { !held.contains($0) }
                for _ in 0..<4 {
                    let e = bundle.entries[rng.int(bundle.entries.count)]
                    let pick = outside.isEmpty ? bundle.entries[rng.int(bundle.entries.count)].record.seq : outside[rng.int(outside.count)]
                    guard pick != e.record.seq else { continue }
                    let substitute = ProductBundle.Entry(record: try lab.ledger.record(at: pick).record,
                                                         proof: try lab.ledger.inclusionProof(seq: pick, size: size).hashes)
                    let entries = (bundle.entries.filter { $0.record.seq != e.record.seq } + [substitute]).sorted { $0.record.seq < $1.record.seq }
                    let r = TF.verify(try bundle.withParts(entries: entries), product: product)
                    #expect(r.integrityResult.verdict == .notSatisfied, "\(where_), \(product): entry \(e.record.seq) swapped for \(pick) went unnoticed")
                    swapsChecked += 1
                }
            }
        }
        #expect(bundlesChecked >= 60, "only \(bundlesChecked) bundles")
        print("completeness property: \(bundlesChecked) bundles, \(dropsChecked) entries left out, \(swapsChecked) swapped (seed \(String(seed, radix: 16)))")
    }
}

// MARK: - The story

/// The named entries of the completeness story.
enum CompletenessEntry: String, Sendable, CaseIterable {
    case registerCells, registerRelais, registerChipsSuccessor
    case mcuOrigin, batteryOrigin, firmwareOrigin, relayOrigin, plugAssembly
    case encodingStep, assembly, commitment, shipping
    case stateOfHealth, correction, chipsRevocation, endOfLife
}

/// One kind of entry left out of the bundle, and the subject the gap must be reported against.
enum CompletenessDrop: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case origin, step, assembly, commitment, stateOfHealth, endOfLife, correction, registration, revocation

    var entry: CompletenessEntry {
        switch self {
        case .origin: .mcuOrigin
        case .step: .encodingStep
        case .assembly: .assembly
        case .commitment: .commitment
        case .stateOfHealth: .stateOfHealth
        case .endOfLife: .endOfLife
        case .correction: .correction
        case .registration: .registerChipsSuccessor
        case .revocation: .chipsRevocation
        }
    }

    /// The component origin: its lot's defining entries. The step: the board it makes (a
    /// serialised item: all its entries). The commitment: the model class's defining entries. The registration of Chips GmbH's successor key: the party (found through the
    /// registration of its signing key). The revocation: the revoked key's reference. Everything
    /// else: the product.
    var subject: IndexSubject {
        switch self {
        case .origin: .defining(TF.mcuLot)
        case .step: .identifier(TF.board)
        case .commitment: .defining(TF.model)
        case .registration: .identifier(TF.chips.partyId)
        case .revocation: .key(TF.reference(TF.chipsKey))
        case .assembly, .stateOfHealth, .endOfLife, .correction: .identifier(TF.product)
        }
    }

    var testDescription: String { rawValue }
}

/// The thermostat of `ThermostatFixture` (suppliers' origins, an encoding step, the assembly, a
/// lifecycle commitment for the model, a shipping handover, registrations, an unrelated smart
/// plug), then a state-of-health report after a repair, a correction of the shipping event (an
/// EPCIS error declaration by the manufacturer), Chips GmbH's successor key registered and its
/// old key (which signed two origins) revoked as superseded, and the recycler's end of life.
struct CompletenessStory: Sendable {
    static let chipsSuccessorKey = Fixtures.key("chips.example/signing-2027", seed: 0x4b)
    /// Built once, shared by the tests that only read it.
    static let shared: Result<CompletenessStory, any Error> = Result { try build() }

    let ledger: Ledger
    let bundle: ProductBundle
    /// The smart plug's bundle, exported from the same checkpoint.
    let plugBundle: ProductBundle
    let seqs: [CompletenessEntry: UInt64]
    /// The checkpoint's tree size.
    let size: UInt64
    /// Every index subject of every entry below `size`, with the seqs of the entries about it,
    /// computed naively from the records.
    let about: [IndexSubject: [UInt64]]

    func seq(_ e: CompletenessEntry) -> UInt64 {
        guard let s = seqs[e] else { preconditionFailure("the story has no \(e) entry") }
        return s
    }

    static func build(path: String = ":memory:") throws -> CompletenessStory {
        let built = try TF(path: path, includeEndOfLife: false).build()
        var seqs: [CompletenessEntry: UInt64] = [:]
        let named: [(CompletenessEntry, TF.Entry)] = [
            (.registerCells, .registerCells), (.registerRelais, .registerRelais), (.mcuOrigin, .mcuOrigin),
            (.batteryOrigin, .batteryOrigin), (.firmwareOrigin, .firmwareOrigin), (.relayOrigin, .relayOrigin),
            (.plugAssembly, .plugAssembly), (.encodingStep, .encodingStep), (.assembly, .assembly),
            (.commitment, .commitment), (.shipping, .shipping),
        ]
        for (mine, theirs) in named { seqs[mine] = built.seq(theirs) }
        seqs[.stateOfHealth] = try built.append(stateOfHealthJSON, by: TF.manufacturerKey, at: "2027-02-01T09:00:00Z")
        seqs[.correction] = try built.append(correctionJSON, by: TF.manufacturerKey, at: "2027-03-01T09:00:00Z")
        seqs[.registerChipsSuccessor] = try built.append(TF.registration(TF.chips, key: chipsSuccessorKey, roles: [.supplier]),
                                                         by: TF.operatorKey, at: "2027-06-01T09:00:00Z")
        let revocation = KeyRevocation(revokedKey: TF.reference(TF.chipsKey), reason: .superseded,
                                       effectiveTime: try Timestamp(parsing: "2027-06-01T10:00:00Z"),
                                       replacementKey: TF.reference(chipsSuccessorKey),
                                       eventTime: try Timestamp(parsing: "2027-06-01T11:00:00+01:00"))
        seqs[.chipsRevocation] = try built.append(revocation.json, by: TF.operatorKey, at: "2027-06-01T10:00:00Z")
        seqs[.endOfLife] = try built.append(TF.endOfLifeJSONDated("2029-09-14T09:30:00+02:00"), by: TF.recyclerKey, at: "2029-09-14T08:00:00Z")
        let bundle = try built.exportAgain()
        let plug = try built.ledger.exportBundle(product: TF.plug)
        let size = try built.ledger.size()
        var about: [IndexSubject: [UInt64]] = [:]
        for seq in 0..<size {
            let record = try built.ledger.record(at: seq)
            let statement = try Statement.decode(try Envelope(json: record.envelope).payload)
            for s in Set(IndexSubject.of(statement)) { about[s, default: []].append(seq) }
        }
        return CompletenessStory(ledger: built.ledger, bundle: bundle, plugBundle: plug, seqs: seqs, size: size, about: about)
    }

    /// A state-of-health report after a battery-contact repair, by the manufacturer.
    static var stateOfHealthJSON: String {
        #"{"type":"GenericEvent","subject":"\#(TF.product)","action":"state-of-health","data":{"repair":"battery contacts cleaned","stateOfHealthPercent":92},"eventTime":"2027-02-01T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
    }

    /// The manufacturer declares its shipping event erroneous: the event as it was, with an
    /// `errorDeclaration`.
    static var correctionJSON: String {
        "{\(TF.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5a6b7c8d-0001-4e2f-9a0b-1c2d3e4f5a6b\",\"eventTime\":\"2026-11-21T16:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"disposition\":\"in_transit\",\"epcList\":[\"\(TF.product)\"],\"readPoint\":{\"id\":\"\(TF.acme.facilityId)\"},\"sourceList\":[{\"type\":\"owning_party\",\"source\":\"\(TF.acme.partyId)\"}],\"destinationList\":[{\"type\":\"owning_party\",\"destination\":\"\(TF.distributorPartyId)\"}],\"errorDeclaration\":{\"declarationTime\":\"2027-03-01T10:00:00+01:00\",\"reason\":\"incorrect_data\"}}"
    }
}

// MARK: - Random ledgers

/// A random but valid product ledger, from a seed: the fixture's parties registered (some
/// suppliers only later), component origins (lots and serialised parts), manufacturing steps
/// into serialised boards, assemblies of products of one to three models, lifecycle
/// commitments, generic events, shipping events naming two products, corrections of origins,
/// supplier keys superseded by a successor, and ends of life: 10 to 60 entries after the first
/// registrations, appended in batches of one to three, with a checkpoint signed midway (so the
/// index is carried forward) and one at the end.
struct RandomCompletenessLedger {
    let ledger: Ledger
    /// Every assembled product (each has entries).
    let products: [String]

    private struct Signer {
        var party: TF.Party
        var key: NamedSigningKey
    }

    init(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        // Record times after every event time in the statements.
        var clock = try Timestamp(parsing: "2029-10-01T08:00:00Z").epochMillis
        let ledger = try Ledger.create(at: ":memory:", origin: TF.ledgerOrigin, operatorKey: TF.operatorKey, now: clock)
        var pending: [Ledger.AppendItem] = []
        func add(_ json: String, by key: NamedSigningKey) {
            pending.append(.init(label: "entry \(pending.count)", bytes: Fixtures.envelope(json, by: key)))
        }
        func flush() throws {
            guard !pending.isEmpty else { return }
            clock += 60_000
            try ledger.append(pending, now: clock)
            pending = []
        }
        let supplierKeys: [(TF.Party, NamedSigningKey)] = [(TF.chips, TF.chipsKey), (TF.radio, TF.radioKey), (TF.cells, TF.cellsKey), (TF.boards, TF.boardsKey)]
        var active: [Signer] = [], later: [Signer] = []
        for (p, k) in supplierKeys {
            if active.isEmpty || rng.fraction() < 0.6 { active.append(Signer(party: p, key: k)) } else { later.append(Signer(party: p, key: k)) }
        }
        add(TF.registration(TF.acme, key: TF.manufacturerKey, roles: [.manufacturer]), by: TF.operatorKey)
        add(TF.registration(TF.recycler, key: TF.recyclerKey, roles: [.recycler]), by: TF.operatorKey)
        for s in active { add(TF.registration(s.party, key: s.key, roles: [.supplier]), by: TF.operatorKey) }
        try flush()

        let models = (0..<(1 + rng.int(3))).map { "https://id.gs1.org/01/" + Self.gtin(3000 + $0) }
        var lots: [String] = [], serials: [String] = [], boards: [String] = []
        var origins: [(json: String, signer: Signer)] = []
        var assembled: [String] = [], ended: Set<String> = [], commitments: [String: Int] = [:]
        var successors = 0, n = 0, written = 0
        let target = 10 + rng.int(51)
        while written < target {
            n += 1
            switch rng.int(100) {
            case 0..<28: // a component origin, by an active supplier
                let s = active[rng.int(active.count)]
                let gtin = Self.gtin(1000 + rng.int(6))
                let serial = rng.int(3) == 0
                let id = serial ? "https://id.gs1.org/01/\(gtin)/21/S\(n)" : "https://id.gs1.org/01/\(gtin)/10/L\(n)"
                let objects = serial ? "\"epcList\":[\"\(id)\"]" : TF.quantity(id, 100 + rng.int(900))
                let json = TF.origin(id: String(format: "%08x-%04x", n, 7), objects: objects, part: "P-\(n)", party: s.party,
                                     date: "2026-11-05", materials: nil)
                add(json, by: s.key)
                origins.append((json, s))
                if serial { serials.append(id) } else { lots.append(id) }
            case 28..<38: // a manufacturing step: components into a serialised board
                var inputs: [String] = [], inputLots: [String] = []
                if !serials.isEmpty && rng.int(2) == 0 { inputs.append(serials.removeLast()) }
                for _ in 0..<(1 + rng.int(2)) where !lots.isEmpty { inputLots.append(lots[rng.int(lots.count)]) }
                guard !(inputs.isEmpty && inputLots.isEmpty) else { continue }
                let board = "https://id.gs1.org/01/\(Self.gtin(2000))/21/B\(n)"
                add(Self.step(n, inputs: inputs, lots: Array(Set(inputLots)).sorted(), output: board), by: TF.manufacturerKey)
                boards.append(board)
            case 38..<56: // a product assembly
                var children: [String] = [], childLots: [String] = []
                if let b = boards.popLast() { children.append(b) } else if !serials.isEmpty && rng.int(2) == 0 { children.append(serials.removeLast()) }
                if !lots.isEmpty && (children.isEmpty || rng.int(2) == 0) { childLots.append(lots[rng.int(lots.count)]) }
                guard !(children.isEmpty && childLots.isEmpty) else { continue }
                let product = "\(models[rng.int(models.count)])/21/P\(n)"
                add(Self.assembly(n, product: product, children: children, lots: childLots), by: TF.manufacturerKey)
                assembled.append(product)
            case 56..<63: // a lifecycle commitment for a model (a later one extends support)
                let model = models[rng.int(models.count)]
                let k = commitments[model, default: 0]
                commitments[model] = k + 1
                add(TF(commitmentModel: model).commitmentJSON(supportEnd: "\(2032 + k)-12-31", time: "2026-11-20T13:00:00+01:00"),
                    by: TF.manufacturerKey)
            case 63..<72: // a generic event about a product or a component
                let pool = assembled + serials + lots + boards
                guard !pool.isEmpty else { continue }
                add(Self.generic(n, about: pool[rng.int(pool.count)]), by: rng.int(2) == 0 ? TF.manufacturerKey : active[rng.int(active.count)].key)
            case 72..<78: // a shipping event naming two products
                guard assembled.count >= 2 else { continue }
                let a = rng.int(assembled.count), b = rng.int(assembled.count)
                guard a != b else { continue }
                add(Self.shipping(n, items: [assembled[a], assembled[b]]), by: TF.manufacturerKey)
            case 78..<84: // a supplier registered later
                guard !later.isEmpty else { continue }
                let s = later.removeFirst()
                add(TF.registration(s.party, key: s.key, roles: [.supplier]), by: TF.operatorKey)
                try flush()
                active.append(s)
            case 84..<89: // a supplier key superseded: the successor registered, the old key revoked
                guard successors < 6 else { continue }
                let i = rng.int(active.count)
                let old = active[i]
                successors += 1
                let next = Fixtures.key("\(old.key.name)-\(successors)", seed: UInt8(0x70 + successors))
                add(TF.registration(old.party, key: next, roles: [.supplier]), by: TF.operatorKey)
                let r = KeyRevocation(revokedKey: TF.reference(old.key), reason: .superseded, effectiveTime: Timestamp(epochMillis: clock),
                                      replacementKey: TF.reference(next), eventTime: Timestamp(epochMillis: clock))
                add(r.json, by: TF.operatorKey)
                try flush()
                active[i] = Signer(party: old.party, key: next)
                origins.removeAll { $0.signer.key.keyID == old.key.keyID }
                written += 1
            case 89..<94: // a correction of an origin by its supplier (key still active)
                guard !origins.isEmpty else { continue }
                let o = origins[rng.int(origins.count)]
                let corrected = String(o.json.dropLast())
                    + ",\"errorDeclaration\":{\"declarationTime\":\"2026-11-25T10:00:00+01:00\",\"reason\":\"incorrect_data\",\"correctiveEventIDs\":[\"\(Self.uuid(n, 4))\"]}}"
                add(corrected, by: o.signer.key)
            default: // an end of life
                let candidates = assembled.filter { !ended.contains($0) }
                guard !candidates.isEmpty else { continue }
                let product = candidates[rng.int(candidates.count)]
                ended.insert(product)
                add(Self.endOfLife(product), by: TF.recyclerKey)
            }
            written += 1
            if pending.count >= 1 + rng.int(3) { try flush() }
            if written == target / 2 {
                try flush()
                _ = try ledger.signCheckpoint(with: TF.operatorKey, now: clock)
            }
        }
        try flush()
        _ = try ledger.signCheckpoint(with: TF.operatorKey, now: clock)
        self.ledger = ledger
        self.products = assembled
    }

    /// A GTIN-14 of the fixture's company prefix with item reference `item` (check digit computed).
    static func gtin(_ item: Int) -> String {
        let body = "0401234" + String(format: "%06d", item)
        var sum = 0
        for (i, d) in body.reversed().compactMap(\.wholeNumberValue).enumerated() { sum += d * (i % 2 == 0 ? 3 : 1) }
        return body + String((10 - sum % 10) % 10)
    }

    static func uuid(_ n: Int, _ kind: Int) -> String { String(format: "urn:uuid:%08x-%04x-4a3b-8c2d-1e0f9a8b7c6d", n, kind) }

    static func quantities(_ lots: [String]) -> String {
        lots.map { "{\"epcClass\":\"\($0)\",\"quantity\":1,\"uom\":\"C62\"}" }.joined(separator: ",")
    }

    static func list(_ ids: [String]) -> String { ids.map { "\"\($0)\"" }.joined(separator: ",") }

    static func step(_ n: Int, inputs: [String], lots: [String], output: String) -> String {
        var members = ""
        if !inputs.isEmpty { members += ",\"inputEPCList\":[\(list(inputs))]" }
        if !lots.isEmpty { members += ",\"inputQuantityList\":[\(quantities(lots))]" }
        return "{\(TF.context),\"type\":\"TransformationEvent\",\"eventID\":\"\(uuid(n, 1))\",\"eventTime\":\"2026-11-20T11:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"bizStep\":\"assembling\"\(members),\"outputEPCList\":[\"\(output)\"],\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"}}"
    }

    static func assembly(_ n: Int, product: String, children: [String], lots: [String]) -> String {
        var members = ""
        if !children.isEmpty { members += ",\"childEPCs\":[\(list(children))]" }
        if !lots.isEmpty { members += ",\"childQuantityList\":[\(quantities(lots))]" }
        return "{\(TF.context),\"type\":\"AggregationEvent\",\"eventID\":\"\(uuid(n, 2))\",\"eventTime\":\"2026-11-20T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(product)\"\(members),\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-20\"}"
    }

    static func generic(_ n: Int, about subject: String) -> String {
        "{\"type\":\"GenericEvent\",\"subject\":\"\(subject)\",\"action\":\"inspected\",\"data\":{\"report\":\(n)},\"eventTime\":\"2026-11-22T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    static func shipping(_ n: Int, items: [String]) -> String {
        "{\(TF.context),\"type\":\"ObjectEvent\",\"eventID\":\"\(uuid(n, 3))\",\"eventTime\":\"2026-11-21T16:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\(list(items))],\"readPoint\":{\"id\":\"\(TF.acme.facilityId)\"}}"
    }

    static func endOfLife(_ product: String) -> String {
        "{\(TF.context),\"type\":\"ObjectEvent\",\"eventTime\":\"2029-09-14T09:30:00+02:00\",\"eventTimeZoneOffset\":\"+02:00\",\"action\":\"DELETE\",\"bizStep\":\"disassembling\",\"disposition\":\"destroyed\",\"epcList\":[\"\(product)\"],\"bizLocation\":{\"id\":\"\(TF.recycler.facilityId)\"},\"assay:endOfLifeStatus\":\"recycled\"}"
    }
}

// MARK: - Helpers

fileprivate extension ProductBundle {
    /// This bundle with some parts replaced, written out and read back as a verifier would read it.
    func withParts(entries: [Entry]? = nil, index: [IndexProof]? = nil, checkpoint: String? = nil) throws -> ProductBundle {
        let b = ProductBundle(origin: origin, product: product, checkpoint: checkpoint ?? self.checkpoint, entries: entries ?? self.entries,
                              consistency: consistency, index: index ?? self.index)
        return try ProductBundle(bytes: Array(b.json.utf8))
    }
}

fileprivate extension BundleReport {
    /// The integrity result (every report has one).
    var integrityResult: PrincipleResult { principles.first { $0.principle == .integrity }! }

    /// The integrity verdict and findings, for failure messages.
    var integrityLines: String {
        "integrity: \(integrityResult.verdict.rawValue)" + integrityResult.findings.map { "\n  [\($0.severity.rawValue)] \($0.message)" }.joined()
    }
}
