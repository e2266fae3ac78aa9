import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStorageConformance
import AssayStore
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 14: witness cosignatures stored beside their checkpoint, exported with it, and checked
/// by verify like every other table.
@Suite("Witness cosignatures in the ledger")
struct LedgerCosignatureTests {
    typealias F = Fixtures
    static let witness2 = F.key("witness2.example", seed: 6, witness: true)

    /// `note` cosigned by `witness` at `time`.
    static func cosigned(_ note: SignedNote, by witness: NamedSigningKey = F.witnessKey, time: UInt64 = 1_795_000_000) -> [UInt8] {
        let line = Cosignature.sign(checkpointText: note.text, timestamp: time, key: witness)
        return Array(SignedNote(text: note.text, signatures: note.signatures + [line]).serialized.utf8)
    }

    static func bundleVerifies(_ ledger: Ledger, witnesses: [NamedSigningKey], needed: Int) throws -> Bool {
        let b = try ledger.exportBundle(product: "https://id.gs1.org/01/04012345000016/21/SN1")
        let v = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: "test.example/ledger", product: "https://id.gs1.org/01/04012345000016/21/SN1",
                               witnesses: witnesses.map(\.verifierKey), witnessesNeeded: needed, auditDate: try CalendarDate(parsing: "2027-01-01"))
        let report = v.verify(try ProductBundle(bytes: Array(b.json.utf8)))
        return report.principles.first { $0.principle == .integrity }?.verdict == .satisfied
    }

    @Test("stores each witness once, exports the cosigned checkpoint, and verify passes")
    func storeAndExport() throws {
        try onBothStores(events: 3) { ledger, where_ in
            let cp = try ledger.signCheckpoint(with: F.operatorKey)
            #expect(try !Self.bundleVerifies(ledger, witnesses: [F.witnessKey], needed: 1), "\(where_): no cosignature yet")
            #expect(try ledger.addCosignatures(note: Self.cosigned(cp)) == 1)
            #expect(try ledger.addCosignatures(note: Self.cosigned(cp)) == 0, "the same line again")
            #expect(try ledger.addCosignatures(note: Self.cosigned(cp, time: 1_795_000_999)) == 0, "another line by the same witness key")
            #expect(try ledger.addCosignatures(note: Self.cosigned(cp, by: Self.witness2)) == 1)
            #expect(try ledger.store.cosignatures(size: cp.checkpointSize).count == 2)
            #expect(try Self.bundleVerifies(ledger, witnesses: [F.witnessKey, Self.witness2], needed: 2), "\(where_)")
            // The stored checkpoint itself stays the operator's note.
            #expect(try ledger.latestCheckpoint() == cp)
            let report = try ledger.verify()
            #expect(report.ok, "\(where_): \(report.failure.map(\.description) ?? "")")
        }
    }

    @Test("export picks the checkpoint with the most cosignatures; ties go to the largest")
    func bestWitnessed() throws {
        try onBothStores(events: 3) { ledger, _ in
            let small = try ledger.signCheckpoint(with: F.operatorKey)
            try ledger.append([.init(label: "e", bytes: F.envelope(F.event(77), by: F.supplierKey))])
            let large = try ledger.signCheckpoint(with: F.operatorKey)
            #expect(try ledger.bestWitnessedCheckpoint()?.text == large.text, "no cosignatures: the largest")
            try ledger.addCosignatures(note: Self.cosigned(small))
            let best = try #require(try ledger.bestWitnessedCheckpoint())
            #expect(best.text == small.text && best.signatures.count == 2, "the witnessed one, with its line")
            try ledger.addCosignatures(note: Self.cosigned(large))
            #expect(try ledger.bestWitnessedCheckpoint()?.text == large.text, "a tie: the largest")
            #expect(try ledger.exportBundle(product: "https://id.gs1.org/01/04012345000016/21/SN1").checkpoint.contains("witness.example"))
        }
    }

    @Test("refuses, in one line and changing nothing, a note that is not a stored checkpoint with the operator's signature")
    func refusals() throws {
        try onBothStores(events: 2) { ledger, _ in
            let cp = try ledger.signCheckpoint(with: F.operatorKey)
            let other = try F.ledger(at: ":memory:", events: 5).signCheckpoint(with: F.operatorKey) // same origin, another tree
            let unsigned = Array(SignedNote(text: cp.text, signatures: [Cosignature.sign(checkpointText: cp.text, timestamp: 1, key: F.witnessKey)]).serialized.utf8)
            var badOperator = cp.signatures[0]
            badOperator = SignedNote.Line(name: badOperator.name, keyID: badOperator.keyID, signature: badOperator.signature.map { $0 ^ 1 })
            let forgedOp = Array(SignedNote(text: cp.text, signatures: [badOperator, Cosignature.sign(checkpointText: cp.text, timestamp: 1, key: F.witnessKey)]).serialized.utf8)
            let cases: [(String, [UInt8])] = [
                ("garbage", Array("hello\n".utf8)),
                ("another tree's checkpoint", Self.cosigned(other)),
                ("no operator signature", unsigned),
                ("a broken operator signature", forgedOp),
                ("no cosignature line", Array(cp.serialized.utf8)),
            ]
            for (name, bytes) in cases {
                #expect("\(name)", performing: { try ledger.addCosignatures(note: bytes) }, throws: { e in
                    guard let e = e as? LedgerError else { return false }
                    return e.code == .rejected && !e.message.contains("\n")
                })
            }
            #expect(try ledger.store.cosignatureRows().isEmpty)
        }
    }

    /// Stores a cosignature row directly, behind the foreign-key check, as an attacker could.
    static func plant(_ ledger: Ledger, size: Int64, witness: String = "witness.example", keyID: String, body: [UInt8], line: String) throws {
        try ledger.tamperer.execute("PRAGMA foreign_keys = OFF")
        try ledger.tamperer.execute("INSERT INTO cosignatures(size, witness, key_id, body, line, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                                    [.int(size), .text(witness), .text(keyID), .blob(body), .text(line)])
        try ledger.tamperer.execute("PRAGMA foreign_keys = ON")
    }

    @Test("verify fails on a stored cosignature that does not belong to its checkpoint, or is not a cosignature line")
    func verifyChecksRows() throws {
        let cases = ["orphan", "other body", "malformed line", "name differs", "guard removed"]
        for c in cases {
            let ledger = try F.ledger(at: ":memory:", events: 2)
            let cp = try ledger.signCheckpoint(with: F.operatorKey)
            let line = Cosignature.sign(checkpointText: cp.text, timestamp: 5, key: F.witnessKey)
            let text = String(line.text.dropLast()), body = Array(cp.text.utf8), kid = F.witnessKey.keyID.hex
            switch c {
            case "orphan": try Self.plant(ledger, size: 3, keyID: kid, body: body, line: text)
            case "other body": try Self.plant(ledger, size: Int64(cp.checkpointSize), keyID: kid, body: body + [0x0a], line: text)
            case "malformed line": try Self.plant(ledger, size: Int64(cp.checkpointSize), keyID: kid, body: body, line: "— witness.example AAAA")
            case "name differs": try Self.plant(ledger, size: Int64(cp.checkpointSize), witness: "other.example", keyID: kid, body: body, line: text)
            default:
                try ledger.addCosignatures(note: Self.cosigned(cp))
                try ledger.tamperer.remove([.noDelete("cosignatures")])
            }
            let f = try #require(try ledger.verify().failure, "\(c) not detected")
            #expect(f.check == .schema, "\(c): \(f)")
            #expect(f.description.contains(c == "guard removed" ? "cosignatures_append_only_delete" : "cosignature row"), "\(c): \(f)")
        }
    }

    @Test("a ledger made before the cosignature table gets it on a writable open; read-only it still verifies")
    func olderLedger() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.assay"
        let ledger = try F.ledger(at: path, events: 2)
        let cp = try ledger.signCheckpoint(with: F.operatorKey)
        let t = try fileTamperer(path)
        try t.remove([.noUpdate("cosignatures"), .noDelete("cosignatures")])
        try t.execute("DROP TABLE cosignatures")
        let readOnly = try Ledger.open(at: path, readOnly: true)
        #expect(try readOnly.verify().ok, "no table, no cosignatures, nothing to guard")
        #expect(try readOnly.store.cosignatureRows().isEmpty)
        let writable = try Ledger.open(at: path)
        #expect(try writable.addCosignatures(note: Self.cosigned(cp)) == 1)
        let report = try Ledger.open(at: path, readOnly: true).verify()
        #expect(report.ok, "\(report.failure.map(\.description) ?? "")")
    }
}

extension SignedNote {
    /// The tree size of a checkpoint note (test helper).
    var checkpointSize: UInt64 { (try? Checkpoint(parsing: text).size) ?? 0 }
}
