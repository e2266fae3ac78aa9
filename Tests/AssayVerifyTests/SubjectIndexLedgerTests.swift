import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStorageConformance
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 13 on the ledger side: every checkpoint an Assay ledger signs commits to the subject
/// index (`assay-subject-index`), `verify --ledger` recomputes that index from the records and
/// holds every checkpoint to it, and a ledger whose checkpoints were signed before the index
/// existed still verifies and starts committing at its next checkpoint. Attacks are made the way
/// an operator or an attacker with write access would: checkpoints signed with the operator key
/// by hand and stored through the backend's tamperer, subject rows rewritten behind the
/// append-only guards.
@Suite("Subject index in the ledger: committed by every checkpoint, recomputed by verify")
struct SubjectIndexLedgerTests {
    typealias F = Fixtures
    typealias Lab = SubjectIndexLab

    // MARK: - The root a checkpoint signs

    @Test("the index root signCheckpoint signs equals the root computed naively from every record, checkpoint after checkpoint")
    func signedRootIsTheNaiveRoot() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        var sizes: [UInt64] = []
        for round in 1...Lab.rounds {
            try Lab.appendRound(round, to: ledger)
            let note = try ledger.signCheckpoint(with: F.operatorKey)
            let cp = try Checkpoint(parsing: note.text, extensions: .assayLedger)
            let committed = try #require(cp.subjectIndex, "round \(round): no assay-subject-index line")
            #expect(committed == (try Lab.naiveRoot(ledger, size: cp.size)), "round \(round), size \(cp.size)")
            sizes.append(cp.size)
        }
        // The story holds what the index must account for: several products, an entry about two
        // at once, registrations and revocations (key-reference subjects).
        let subjects = try Lab.naiveSubjects(ledger, size: sizes.last!)
        #expect(subjects.keys.filter { $0.type == .keyReference }.count >= 4)
        #expect(subjects[.identifier(Lab.product(1))]?.count ?? 0 >= 3)
        #expect(subjects[.key(ThermostatFixture.reference(F.strangerKey))]?.count == 2, "registration and revocation")
        let report = try lab.verify()
        #expect(report.ok, "\(report.failure.map(\.description) ?? "")")
        #expect(report.checkpointsChecked == Lab.rounds)
    }

    // MARK: - A checkpoint that commits to the wrong index

    enum WrongRoot: String, CaseIterable, Sendable {
        /// Thirty-two zero bytes: the empty index.
        case empty
        /// The root at the previous checkpoint: hides everything appended since.
        case stale
        /// The right index but for one entry left out of one product's history.
        case entryHidden
        /// One product's two last entries chained in the other order.
        case reordered
    }

    @Test("a stored checkpoint with the right tree root and chain head but a wrong subject index root fails verify, naming the size",
          arguments: WrongRoot.allCases)
    func storedCheckpointWithWrongIndexRoot(_ wrong: WrongRoot) throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        let first = try ledger.signCheckpoint(with: F.operatorKey)
        try Lab.appendRound(2, to: ledger)
        try Lab.appendRound(3, to: ledger)
        let size = try ledger.size()
        // Control: the hand-signed checkpoint with the right root verifies.
        let right = try Lab.naiveRoot(ledger, size: size)
        try lab.storeCheckpoint(try Lab.note(ledger, size: size, subjectIndex: right), size: size)
        #expect(try lab.verify().ok)

        let forged: Digest
        switch wrong {
        case .empty: forged = SubjectIndex.empty
        case .stale: forged = try #require(try Checkpoint(parsing: first.text).subjectIndex)
        case .entryHidden:
            let last = try #require(try Lab.naiveSubjects(ledger, size: size)[.identifier(Lab.product(1))]?.last)
            forged = try Lab.naiveRoot(ledger, size: size, skipping: (last, .identifier(Lab.product(1))))
        case .reordered:
            forged = try Lab.naiveRoot(ledger, size: size, reversingLastTwoOf: .identifier(Lab.product(1)))
        }
        #expect(forged != right)
        try lab.storeCheckpoint(try Lab.note(ledger, size: size, subjectIndex: forged), size: size)
        let f = try #require(try lab.verify().failure, "\(wrong) not detected")
        #expect(f.check == .checkpoint, "\(f)")
        #expect(f.seq == size - 1, "\(f)")
        #expect(f.description.contains("stored checkpoint subject index root for size \(size) does not match the index recomputed from the records"), "\(f)")
        #expect(f.description.contains(forged.hex) && f.description.contains(right.hex), "expected and found roots: \(f)")
    }

    @Test("a given --checkpoint with a wrong subject index root fails verify")
    func givenCheckpointWithWrongIndexRoot() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        try Lab.appendRound(2, to: ledger)
        let size = try ledger.size()
        let right = try Lab.note(ledger, size: size, subjectIndex: try Lab.naiveRoot(ledger, size: size))
        #expect(try lab.verify(external: [Array(right.utf8)]).ok)
        let forged = try Lab.note(ledger, size: size, subjectIndex: try Lab.naiveRoot(ledger, size: size - 1))
        let f = try #require(try lab.verify(external: [Array(forged.utf8)]).failure)
        #expect(f.check == .checkpoint && f.seq == size - 1, "\(f)")
        #expect(f.description.contains("given checkpoint subject index root for size \(size) does not match"), "\(f)")
    }

    // MARK: - Tampered subject rows

    @Test("subject rows rewritten (one product's row moved to another entry, counts kept), then a checkpoint signed over them: verify fails")
    func movedSubjectRow() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        for round in 1...3 { try Lab.appendRound(round, to: ledger) }
        _ = try ledger.signCheckpoint(with: F.operatorKey)
        let about = try Lab.naiveSubjects(ledger, size: try ledger.size())
        let p1 = Lab.product(1)
        // An entry about product 1 loses its row; an entry about product 3 only gains one.
        let moved = try #require(about[.identifier(p1)]?.last)
        let gained = try #require(about[.identifier(Lab.product(3))]?.first { !(about[.identifier(p1)] ?? []).contains($0) })
        let t = try fileTamperer(lab.path)
        try t.edit("DELETE FROM subjects WHERE subject = ?1 AND seq = ?2", [.text(p1), .int(Int64(moved))], behind: [.noDelete("subjects")])
        try t.edit("INSERT INTO subjects(subject, seq) VALUES (?1, ?2)", [.text(p1), .int(Int64(gained))], behind: [])
        // A process opened after the edit signs a checkpoint committing to the rewritten index.
        let later = try lab.ledger()
        try Lab.appendRound(4, to: later)
        let note = try later.signCheckpoint(with: F.operatorKey)
        let committed = try #require(try Checkpoint(parsing: note.text).subjectIndex)
        #expect(committed != (try Lab.naiveRoot(later, size: try later.size())), "the attack works: the index committed is not the records'")
        let f = try #require(try lab.verify().failure, "not detected")
        #expect(f.check == .storedColumns, "\(f)")
        #expect(f.seq == min(moved, gained), "\(f)")
        #expect(f.description.contains(p1), "\(f)")
    }

    // The rows put back after the checkpoint was signed: only the index root check can see it.
    @Test("a checkpoint signed over a rewritten subject index, the rows then put back: verify fails on that checkpoint's index root; export refuses")
    func checkpointOverRewrittenRowsThenRestored() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        for round in 1...3 { try Lab.appendRound(round, to: ledger) }
        _ = try ledger.signCheckpoint(with: F.operatorKey)
        let p1 = Lab.product(1)
        let hidden = try #require(try Lab.naiveSubjects(ledger, size: try ledger.size())[.identifier(p1)]?.last)
        let t = try fileTamperer(lab.path)
        try t.edit("DELETE FROM subjects WHERE subject = ?1 AND seq = ?2", [.text(p1), .int(Int64(hidden))], behind: [.noDelete("subjects")])
        let later = try lab.ledger()
        try Lab.appendRound(4, to: later)
        let note = try later.signCheckpoint(with: F.operatorKey)
        let size = try Checkpoint(parsing: note.text).size
        try t.edit("INSERT INTO subjects(subject, seq) VALUES (?1, ?2)", [.text(p1), .int(Int64(hidden))], behind: [])

        let f = try #require(try lab.verify().failure, "not detected")
        #expect(f.check == .checkpoint && f.seq == size - 1, "\(f)")
        #expect(f.description.contains("stored checkpoint subject index root for size \(size) does not match"), "\(f)")
        // An export from a fresh process recomputes the index from the (restored) rows and refuses
        // to prove against a checkpoint that does not match them.
        #expect { try lab.ledger().exportBundle(product: p1) } throws: { e in
            guard let e = e as? LedgerError else { return false }
            return e.code == .inconsistent && e.message.contains("subject index") && e.message.contains("size \(size)")
        }
    }

    // Key-reference subjects come from the registry records (found by their stored kind), not from
    // subject rows: a revocation relabelled as a generic event drops out of the key's history.
    @Test("a revocation's stored kind rewritten before a checkpoint: verify fails; with the kind put back, it fails on the index root")
    func relabelledRevocation() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        for round in 1...3 { try Lab.appendRound(round, to: ledger) }
        let stranger = IndexSubject.key(ThermostatFixture.reference(F.strangerKey))
        let revocation = try #require(try Lab.naiveSubjects(ledger, size: try ledger.size())[stranger]?.last)
        #expect(try ledger.record(at: revocation).kind == StatementKind.keyRevocation.rawValue)
        let t = try fileTamperer(lab.path)
        try t.edit("UPDATE records SET kind = 'GenericEvent' WHERE seq = ?1", [.int(Int64(revocation))], behind: [.noUpdate("records")])
        let later = try lab.ledger()
        try Lab.appendRound(4, to: later)
        let note = try later.signCheckpoint(with: F.operatorKey)
        let size = try Checkpoint(parsing: note.text).size
        #expect(try Checkpoint(parsing: note.text).subjectIndex != (try Lab.naiveRoot(later, size: size)))
        let tampered = try #require(try lab.verify().failure)
        #expect(tampered.check == .storedColumns && tampered.seq == revocation, "\(tampered)")

        try t.edit("UPDATE records SET kind = 'KeyRevocation' WHERE seq = ?1", [.int(Int64(revocation))], behind: [.noUpdate("records")])
        let f = try #require(try lab.verify().failure)
        #expect(f.check == .checkpoint && f.seq == size - 1, "\(f)")
        #expect(f.description.contains("subject index root for size \(size) does not match"), "\(f)")
    }

    // MARK: - Downgrade and upgrade

    @Test("downgrade: a stored checkpoint without the index line after one with it fails verify, naming both sizes")
    func storedDowngrade() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        let first = try Checkpoint(parsing: try ledger.signCheckpoint(with: F.operatorKey).text)
        #expect(first.subjectIndex != nil)
        try Lab.appendRound(2, to: ledger)
        let size = try ledger.size()
        let old = try Lab.note(ledger, size: size, subjectIndex: nil)
        #expect(!old.contains("assay-subject-index"))
        try lab.storeCheckpoint(old, size: size)
        let f = try #require(try lab.verify().failure, "downgrade not detected")
        #expect(f.check == .checkpoint && f.seq == size - 1, "\(f)")
        #expect(f.description.contains("stored checkpoint for size \(size) has no assay-subject-index line, but the checkpoint for size \(first.size) already committed to the subject index"), "\(f)")
    }

    @Test("downgrade: a given --checkpoint without the index line, newer than a stored one with it, fails verify")
    func givenDowngrade() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        let first = try Checkpoint(parsing: try ledger.signCheckpoint(with: F.operatorKey).text)
        try Lab.appendRound(2, to: ledger)
        let size = try ledger.size()
        let old = try Lab.note(ledger, size: size, subjectIndex: nil)
        let f = try #require(try lab.verify(external: [Array(old.utf8)]).failure, "downgrade not detected")
        #expect(f.check == .checkpoint && f.seq == size - 1, "\(f)")
        #expect(f.description.contains("given checkpoint for size \(size) has no assay-subject-index line, but the checkpoint for size \(first.size) already committed"), "\(f)")
    }

    @Test("upgrade: a ledger whose checkpoints predate the index verifies; its next checkpoint commits to the index; the old one still verifies; bundles prove against the new one")
    func upgrade() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        try Lab.appendRound(2, to: ledger)
        // The pre-upgrade checkpoint: what the ledger signed before the index existed.
        let oldSize = try ledger.size()
        let old = try Lab.note(ledger, size: oldSize, subjectIndex: nil)
        try lab.storeCheckpoint(old, size: oldSize)
        let before = try lab.verify()
        #expect(before.ok, "\(before.failure.map(\.description) ?? "")")
        #expect(before.checkpointsChecked == 1)

        // A process running the new code appends and signs.
        let upgraded = try lab.ledger()
        #expect(try upgraded.latestCheckpoint()?.serialized == old)
        try Lab.appendRound(3, to: upgraded)
        let note = try upgraded.signCheckpoint(with: F.operatorKey)
        let cp = try Checkpoint(parsing: note.text, extensions: .assayLedger)
        #expect(note.text.hasSuffix("\n" + Checkpoint.subjectIndexPrefix + (try #require(cp.subjectIndex)).base64 + "\n"))
        #expect(cp.subjectIndex == (try Lab.naiveRoot(upgraded, size: cp.size)))
        let after = try lab.verify(external: [Array(old.utf8)])
        #expect(after.ok, "\(after.failure.map(\.description) ?? "")")
        #expect(after.checkpointsChecked == 3, "the stored old and new checkpoints and the old one given")

        // Export proves against the new checkpoint, and from the old one the auditor trusts.
        let product = Lab.product(1)
        let bundle = try upgraded.exportBundle(product: product, since: try SignedNote(parsing: Array(old.utf8)))
        #expect(bundle.checkpoint == note.serialized)
        #expect(!bundle.index.isEmpty)
        let report = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: Lab.origin, product: product, auditDate: Lab.auditDate,
                                    trustedCheckpoint: Array(old.utf8)).verify(bundle)
        let integrity = try #require(report.principles.first { $0.principle == .integrity })
        #expect(integrity.verdict == .satisfied, "\(integrity.findings.map(\.message))")
    }

    // After the upgrade, a ledger that has not grown cannot store a second checkpoint for the
    // same size (FORMAT.md §5: one per size, and the table is append-only), so its latest
    // checkpoint stays the pre-index one until the next append (FORMAT.md §13.7). Export says
    // so instead of producing a bundle that cannot verify; one append later, everything works.
    @Test("upgrade without new entries: export refuses with a clear reason until the next append, then bundles verify")
    func upgradeWithoutGrowth() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        let size = try ledger.size()
        let old = try Lab.note(ledger, size: size, subjectIndex: nil)
        try lab.storeCheckpoint(old, size: size)
        let upgraded = try lab.ledger()
        let note = try upgraded.signCheckpoint(with: F.operatorKey)
        #expect(try Checkpoint(parsing: note.text).subjectIndex == nil, "the stored checkpoint for this size is returned, not a second one")
        let product = Lab.product(1)
        do {
            _ = try upgraded.exportBundle(product: product)
            Issue.record("export of a ledger whose only checkpoint predates the index should refuse")
        } catch let e as LedgerError {
            #expect(e.message.contains("predate the subject index"), "\(e.message)")
        }
        #expect(try lab.verify().ok)
        // One append later, the next checkpoint commits to the index and the bundle verifies.
        try Lab.appendRound(2, to: upgraded)
        let next = try upgraded.signCheckpoint(with: F.operatorKey)
        #expect(try Checkpoint(parsing: next.text).subjectIndex != nil)
        let bundle = try upgraded.exportBundle(product: product)
        let report = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: Lab.origin, product: product, auditDate: Lab.auditDate).verify(bundle)
        let integrity = try #require(report.principles.first { $0.principle == .integrity })
        #expect(integrity.verdict == .satisfied, "\(integrity.findings.map(\.message))")
        #expect(try lab.verify().ok)
    }

    // MARK: - Two handles on one file

    @Test("appends by one handle, checkpoints by another opened later (and back): each brings its index forward from storage")
    func twoHandles() throws {
        let lab = try Lab()
        let a = try lab.ledger()
        try Lab.appendRound(1, to: a)
        let n1 = try Checkpoint(parsing: try a.signCheckpoint(with: F.operatorKey).text) // a's index is now cached at n1
        #expect(n1.subjectIndex == (try Lab.naiveRoot(a, size: n1.size)))

        let b = try lab.ledger()
        try Lab.appendRound(2, to: b)
        let n2 = try Checkpoint(parsing: try b.signCheckpoint(with: F.operatorKey).text) // b builds its index from storage
        #expect(n2.size > n1.size)
        #expect(n2.subjectIndex == (try Lab.naiveRoot(b, size: n2.size)), "b's index at \(n2.size)")

        try Lab.appendRound(3, to: a)
        let n3 = try Checkpoint(parsing: try a.signCheckpoint(with: F.operatorKey).text) // a's cached index must take in b's round
        #expect(n3.size > n2.size)
        #expect(n3.subjectIndex == (try Lab.naiveRoot(a, size: n3.size)), "a's index brought forward over b's appends")

        try Lab.appendRound(4, to: b)
        let n4 = try Checkpoint(parsing: try b.signCheckpoint(with: F.operatorKey).text)
        #expect(n4.subjectIndex == (try Lab.naiveRoot(b, size: n4.size)), "b's index brought forward over a's appends")

        // a exports against b's latest checkpoint: its proofs come from its own cached index.
        let product = Lab.product(2)
        let bundle = try a.exportBundle(product: product)
        #expect(bundle.checkpoint.hasPrefix(n4.text))
        let report = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: Lab.origin, product: product, auditDate: Lab.auditDate).verify(bundle)
        let integrity = try #require(report.principles.first { $0.principle == .integrity })
        #expect(integrity.verdict == .satisfied, "\(integrity.findings.map(\.message))")

        let report2 = try lab.verify()
        #expect(report2.ok, "\(report2.failure.map(\.description) ?? "")")
        #expect(report2.checkpointsChecked == 4)
    }

    @Test("export at an older, witnessed checkpoint after the cached index moved past it: proofs from the index at that size")
    func exportAtOlderWitnessedCheckpoint() throws {
        let lab = try Lab()
        let ledger = try lab.ledger()
        try Lab.appendRound(1, to: ledger)
        try Lab.appendRound(2, to: ledger)
        let older = try ledger.signCheckpoint(with: F.operatorKey)
        let line = Cosignature.sign(checkpointText: older.text, timestamp: 1_795_168_900, key: F.witnessKey)
        #expect(try ledger.addCosignatures(note: Array(SignedNote(text: older.text, signatures: older.signatures + [line]).serialized.utf8)) == 1)
        try Lab.appendRound(3, to: ledger)
        let newer = try Checkpoint(parsing: try ledger.signCheckpoint(with: F.operatorKey).text) // the cache is now at the newer size
        let olderSize = try Checkpoint(parsing: older.text).size
        #expect(newer.size > olderSize)

        let product = Lab.product(1)
        let bundle = try ledger.exportBundle(product: product)
        #expect(bundle.checkpoint.hasPrefix(older.text), "the witnessed checkpoint is exported")
        #expect(bundle.entries.allSatisfy { $0.record.seq < olderSize })
        let report = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: Lab.origin, product: product,
                                    witnesses: [F.witnessKey.verifierKey], witnessesNeeded: 1, auditDate: Lab.auditDate).verify(bundle)
        let integrity = try #require(report.principles.first { $0.principle == .integrity })
        #expect(integrity.verdict == .satisfied, "\(integrity.findings.map(\.message))")
        // The cached index is unharmed: the next checkpoint is still right.
        try Lab.appendRound(4, to: ledger)
        let next = try Checkpoint(parsing: try ledger.signCheckpoint(with: F.operatorKey).text)
        #expect(next.subjectIndex == (try Lab.naiveRoot(ledger, size: next.size)))
    }
}

// MARK: - The lab

/// A ledger file for the subject index tests, the story appended to it in rounds, and the
/// naive definition of the index to hold the ledger's to.
final class SubjectIndexLab {
    typealias F = Fixtures
    static let origin = "test.example/ledger"
    static let model = "https://id.gs1.org/01/04012345000016"
    static let rounds = 4
    static let auditDate = try! CalendarDate(parsing: "2030-01-15")

    let dir = F.tempDir()
    var path: String { dir + "/ledger.assay" }

    /// Genesis, the supplier and the manufacturer registered (`Fixtures.ledger`), nothing else.
    init() throws {
        _ = try F.ledger(at: path)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// A new handle on the file.
    func ledger() throws -> Ledger { try Ledger.open(at: path) }

    /// A fresh read-only open of the file, verified.
    func verify(external: [[UInt8]] = []) throws -> LedgerReport {
        try Ledger.open(at: path, readOnly: true).verify(externalCheckpoints: external)
    }

    /// Stores `note` as the checkpoint for `size` (replacing any), behind the guards.
    func storeCheckpoint(_ note: String, size: UInt64) throws {
        let t = try fileTamperer(path)
        try t.behind([.noDelete("checkpoints")]) {
            try t.execute("DELETE FROM checkpoints WHERE size = ?1", [.int(Int64(size))])
            try t.execute("INSERT INTO checkpoints(size, created_at, note) VALUES (?1, 0, ?2)", [.int(Int64(size)), .blob(Array(note.utf8))])
        }
    }

    static func product(_ k: Int) -> String { "https://id.gs1.org/01/04012345000016/21/SN\(k)" }

    static func event(_ n: Int, about subject: String, action: String = "inspected") -> String {
        "{\"type\":\"GenericEvent\",\"subject\":\"\(subject)\",\"action\":\"\(action)\",\"data\":{\"report\":\(n)},\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    static func shipping(_ n: Int, items: [String]) -> String {
        "{\(ThermostatFixture.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5a6b7c8d-\(String(format: "%04d", n))-4e2f-9a0b-1c2d3e4f5a6b\",\"eventTime\":\"2026-11-21T16:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"epcList\":[\(items.map { "\"\($0)\"" }.joined(separator: ","))],\"readPoint\":{\"id\":\"\(ThermostatFixture.acme.facilityId)\"}}"
    }

    /// Appends round `r` of the story (1 … `rounds`) at a fixed record time (days after every event time).
    static func appendRound(_ r: Int, to ledger: Ledger) throws {
        let items: [(String, [UInt8])]
        switch r {
        case 1:
            items = [
                ("event SN1", F.envelope(event(11, about: product(1)), by: F.supplierKey)),
                ("event SN2", F.envelope(event(12, about: product(2)), by: F.supplierKey)),
                ("commitment", F.envelope(ThermostatFixture(commitmentModel: model).commitmentJSON(supportEnd: "2032-12-31", time: "2026-11-20T13:00:00+01:00"),
                                          by: F.manufacturerKey)),
            ]
        case 2:
            items = [
                ("reg stranger", F.registration(of: F.strangerKey, roles: [.supplier])),
                ("event SN3", F.envelope(event(23, about: product(3)), by: F.strangerKey)),
                ("shipping SN1 SN2", F.envelope(shipping(24, items: [product(1), product(2)]), by: F.manufacturerKey)),
            ]
        case 3:
            items = [
                ("revoke stranger", F.revocation(of: F.strangerKey, reason: .superseded, effective: F.time(2000))),
                ("event SN1", F.envelope(event(31, about: product(1), action: "end-of-life: recycled"), by: F.supplierKey)),
                ("event SN2", F.envelope(event(32, about: product(2)), by: F.manufacturerKey)),
                ("event SN3", F.envelope(event(33, about: product(3)), by: F.manufacturerKey)),
            ]
        default:
            items = [
                ("compromise supplier", F.revocation(of: F.supplierKey, reason: .compromise, effective: F.time(0))),
                ("event SN2", F.envelope(event(40 + r, about: product(2)), by: F.manufacturerKey)),
            ]
        }
        try ledger.append(items.map { .init(label: $0.0, bytes: $0.1) }, now: F.time(3 * 86_400_000 + 10_000 * Int64(r)))
    }

    /// Every index subject of records `0 ..< size` with the seqs of the entries about it, from
    /// the records alone (each record's statement parsed, `IndexSubject.of`).
    static func naiveSubjects(_ ledger: Ledger, size: UInt64) throws -> [IndexSubject: [UInt64]] {
        var about: [IndexSubject: [UInt64]] = [:]
        for seq in 0..<size {
            let statement = try Statement.decode(try Envelope(json: try ledger.record(at: seq).envelope).payload)
            for s in Set(IndexSubject.of(statement)) { about[s, default: []].append(seq) }
        }
        return about
    }

    /// The subject index root over records `0 ..< size` by the definition (FORMAT.md §13): each
    /// subject's entries chained in seq order from the leaf hashes recomputed from the record
    /// bytes; optionally with one entry left out of one subject's chain, or one subject's last two
    /// entries chained the other way round (the forgeries the tests sign).
    static func naiveRoot(_ ledger: Ledger, size: UInt64, skipping: (UInt64, IndexSubject)? = nil,
                          reversingLastTwoOf reversed: IndexSubject? = nil) throws -> Digest {
        var leaves: [UInt64: Digest] = [:]
        for seq in 0..<size { leaves[seq] = try ledger.record(at: seq).record.leafHash }
        var out: [SubjectIndex.Leaf] = []
        for (subject, var seqs) in try naiveSubjects(ledger, size: size) {
            if let (seq, s) = skipping, s == subject { seqs.removeAll { $0 == seq } }
            if subject == reversed, seqs.count >= 2 { seqs.swapAt(seqs.count - 1, seqs.count - 2) }
            guard !seqs.isEmpty else { continue }
            var chain = SubjectIndex.empty
            for s in seqs { chain = SubjectIndex.chain(previous: chain, leaf: leaves[s]!) }
            out.append(SubjectIndex.Leaf(key: subject.key, count: UInt64(seqs.count), chain: chain))
        }
        return SubjectIndex.root(of: out)
    }

    /// A checkpoint note for the ledger's real tree at `size` (root and chain head), with the
    /// given subject index line or none (a pre-index checkpoint), signed by the operator key.
    static func note(_ ledger: Ledger, size: UInt64, subjectIndex: Digest?) throws -> String {
        let cp = Checkpoint(origin: origin, size: size, rootHash: try ledger.root(size: size),
                            chainHead: try ledger.record(at: size - 1).chainHash, subjectIndex: subjectIndex)
        return try SignedNote.sign(text: cp.text, keys: [F.operatorKey]).serialized
    }
}
