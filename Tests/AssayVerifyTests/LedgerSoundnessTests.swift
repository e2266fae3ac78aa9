import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import AssayStorageConformance
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 12 §6: `verify --ledger` checks everything `export` and `append` rely on. Each test edits
/// a real ledger file the way an attacker with write access would (drop the trigger in the way,
/// edit, re-create the trigger exactly as it was), then requires `verify` to fail naming the
/// row. Each of these edits passed `verify` before (see the comment on each test for why).
@Suite("Ledger soundness (verify checks what export relies on)")
struct LedgerSoundnessTests {
    typealias F = Fixtures

    static let product = "https://id.gs1.org/01/04012345000016/21/SN3"

    /// A ledger file: genesis, 2 registrations, 10 events (seq 3–12), then at seq 13 an
    /// end-of-life event about SN3 (so SN3 has entries 6 and 13), and a checkpoint at 14.
    final class Lab {
        let dir = F.tempDir()
        var path: String { dir + "/ledger.assay" }

        init(checkpoint: Bool = true) throws {
            let ledger = try F.ledger(at: path, events: 10)
            let eol = "{\"type\":\"GenericEvent\",\"subject\":\"\(LedgerSoundnessTests.product)\",\"action\":\"end-of-life: recycled\",\"eventTime\":\"2026-11-21T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
            try ledger.append([.init(label: "eol", bytes: F.envelope(eol, by: F.supplierKey))])
            if checkpoint { _ = try ledger.signCheckpoint(with: F.operatorKey) }
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        /// Runs `sql` on the file through a connection of its own with `guards` lifted, then
        /// puts those guards back exactly as they were (the backend's `StorageTamperer`).
        func edit(_ sql: String, behind guards: [StorageGuard] = []) throws {
            let t = try fileTamperer(path)
            try t.behind(guards) { try t.execute(sql) }
        }

        /// Inserts a checkpoint note for `size` (replacing any stored one), behind the guards.
        func storeCheckpoint(_ note: String, size: Int64) throws {
            let t = try fileTamperer(path)
            try t.behind([.noDelete("checkpoints")]) {
                try t.execute("DELETE FROM checkpoints WHERE size = ?1", [.int(size)])
                try t.execute("INSERT INTO checkpoints(size, created_at, note) VALUES (?1, 0, ?2)", [.int(size), .blob(Array(note.utf8))])
            }
        }

        /// A fresh read-only open of the file, verified.
        func verify(external: [[UInt8]] = []) throws -> LedgerReport {
            try Ledger.open(at: path, readOnly: true).verify(externalCheckpoints: external)
        }

        func ledger() throws -> Ledger { try Ledger.open(at: path) }
    }

    func expectFailure(_ report: LedgerReport, _ check: Finding.Check, seq: UInt64?, mentioning words: [String],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let f = try #require(report.failure, "not detected", sourceLocation: sourceLocation)
        #expect(f.check == check, "\(f)", sourceLocation: sourceLocation)
        #expect(f.seq == seq, "\(f)", sourceLocation: sourceLocation)
        for w in words { #expect(f.description.contains(w), "\(f) should mention \(w)", sourceLocation: sourceLocation) }
        #expect(!f.description.contains("\n"), "one line: \(f)", sourceLocation: sourceLocation)
        print("SOUNDNESS | \(f.check.rawValue) | \(f)")
    }

    // MARK: - The subject index

    // Before: nothing read `subjects` during verify; export reads only it, and an export then
    // silently left the entry out. Since the checkpoint commits to the subject index (issue 13),
    // the index export recomputes from the subject rows no longer matches the signed one, so the
    // export refuses instead of dropping the entry.
    @Test("a deleted subject index row fails verify naming the seq; export refuses instead of silently dropping that entry")
    func deletedSubjectRow() throws {
        let lab = try Lab()
        #expect(try lab.verify().ok)
        let before = try lab.ledger().exportBundle(product: Self.product).entries.map(\.record.seq)
        #expect(before.contains(13), "the end-of-life entry is exported")

        try lab.edit("DELETE FROM subjects WHERE seq = 13", behind: [.noDelete("subjects")])
        #expect { try lab.ledger().exportBundle(product: Self.product) } throws: { e in
            guard let e = e as? LedgerError else { return false }
            return e.code == .inconsistent && e.message.contains("subject index") && e.message.contains("size 14")
                && !e.message.contains("\n")
        }
        try expectFailure(try lab.verify(), .storedColumns, seq: 13, mentioning: ["subject index", Self.product])
    }

    // Before: nothing read `subjects`; the extra row is invisible to verify.
    @Test("an extra subject index row fails verify naming the seq")
    func extraSubjectRow() throws {
        let lab = try Lab()
        try lab.edit("INSERT INTO subjects(subject, seq) VALUES ('https://id.gs1.org/01/04012345000016/21/SN7', 5)")
        try expectFailure(try lab.verify(), .storedColumns, seq: 5, mentioning: ["SN7", "not a subject"])
    }

    // Before: nothing read `subjects`. (A negative seq also trapped `sequences(forSubject:)`.)
    @Test("a subject index row for a record that does not exist fails verify", arguments: [Int64(14), 99, -1])
    func subjectRowForMissingRecord(_ seq: Int64) throws {
        let lab = try Lab()
        try lab.edit("INSERT INTO subjects(subject, seq) VALUES ('https://id.gs1.org/01/04012345000016/21/SN1', \(seq))")
        try expectFailure(try lab.verify(), .storedColumns, seq: seq >= 0 ? UInt64(seq) : nil,
                          mentioning: ["seq \(seq)", "does not exist"])
    }

    // Before: nothing read `subjects`. A blob never equals the text a lookup binds.
    @Test("a subject stored as a blob (never found by a lookup) fails verify")
    func subjectStoredAsBlob() throws {
        let lab = try Lab()
        try lab.edit("DELETE FROM subjects WHERE seq = 8; INSERT INTO subjects(subject, seq) VALUES (CAST('https://id.gs1.org/01/04012345000016/21/SN5' AS BLOB), 8)",
                     behind: [.noDelete("subjects")])
        try expectFailure(try lab.verify(), .storedColumns, seq: 8, mentioning: ["not stored as (text, integer)"])
    }

    @Test("a negative seq in the subject index is a one-line export error, not a crash")
    func negativeSubjectSeqExport() throws {
        let lab = try Lab()
        try lab.edit("INSERT INTO subjects(subject, seq) VALUES ('\(Self.product)', -7)")
        #expect { try lab.ledger().exportBundle(product: Self.product) } throws: { e in
            guard let e = e as? LedgerError else { return false }
            return e.code == .storage && e.message.contains("-7") && !e.message.contains("\n")
        }
    }

    // MARK: - Checkpoint extension lines

    enum CheckpointShape: String, CaseIterable, Sendable {
        case noChainHead, malformedChainHead, shortChainHead, chainHeadAfterOtherLine, lineAfterChainHead, otherLineOnly
        case subjectIndexBeforeChainHead, malformedSubjectIndex, shortSubjectIndex, lineAfterSubjectIndex, twoSubjectIndexLines

        /// What the refusal names: the line that is wrong.
        var words: [String] {
            switch self {
            case .noChainHead, .malformedChainHead, .shortChainHead, .chainHeadAfterOtherLine, .otherLineOnly,
                 .subjectIndexBeforeChainHead:
                ["assay-chain-head"]
            case .lineAfterChainHead: ["fifth line", "assay-subject-index"]
            case .malformedSubjectIndex, .shortSubjectIndex: ["assay-subject-index", "32 bytes"]
            case .lineAfterSubjectIndex, .twoSubjectIndexLines: ["1 extension line(s) after assay-subject-index"]
            }
        }
    }

    /// The checkpoint body for the lab's real tree at size 14, shaped as asked, signed by the
    /// operator key (an insider, or a bug, producing a checkpoint whose chain head is unchecked).
    static func shapedCheckpoint(_ shape: CheckpointShape, lab: Lab) throws -> String {
        let ledger = try lab.ledger()
        let root = try ledger.root(size: 14)
        let head = "assay-chain-head " + (try ledger.record(at: 13)).chainHash.base64
        // The shapes are refused whatever the index root is; any 32 bytes do.
        let index = "assay-subject-index " + Base64.encode([UInt8](repeating: 9, count: 32))
        let ext: [String]
        switch shape {
        case .noChainHead: ext = []
        case .malformedChainHead: ext = ["assay-chain-head not-base64!"]
        case .shortChainHead: ext = ["assay-chain-head " + Base64.encode([UInt8](repeating: 7, count: 31))]
        case .chainHeadAfterOtherLine: ext = ["example.com/other-extension 1", head]
        case .lineAfterChainHead: ext = [head, "example.com/other-extension 1"]
        case .otherLineOnly: ext = ["example.com/other-extension 1"]
        case .subjectIndexBeforeChainHead: ext = [index, head]
        case .malformedSubjectIndex: ext = [head, "assay-subject-index not-base64!"]
        case .shortSubjectIndex: ext = [head, "assay-subject-index " + Base64.encode([UInt8](repeating: 7, count: 31))]
        case .lineAfterSubjectIndex: ext = [head, index, "example.com/other-extension 1"]
        case .twoSubjectIndexLines: ext = [head, index, index]
        }
        let text = "test.example/ledger\n14\n\(root.base64)\n" + ext.map { $0 + "\n" }.joined()
        return try SignedNote.sign(text: text, keys: [F.operatorKey]).serialized
    }

    // Before: `chainHead` returned nil for a missing or malformed line and the check was skipped;
    // it found the line wherever it was, so other lines around it passed too. Since issue 13 the
    // rule is: a well-formed assay-chain-head as the fourth line, then at most one more line, a
    // well-formed assay-subject-index; a sixth line, or a fifth that is not the index, is refused.
    @Test("a stored checkpoint without a well-formed assay-chain-head fourth line and at most an assay-subject-index fifth line fails verify",
          arguments: CheckpointShape.allCases)
    func storedCheckpointShape(_ shape: CheckpointShape) throws {
        let lab = try Lab()
        try lab.storeCheckpoint(try Self.shapedCheckpoint(shape, lab: lab), size: 14)
        try expectFailure(try lab.verify(), .checkpoint, seq: 13, mentioning: ["stored checkpoint"] + shape.words)
    }

    @Test("a given --checkpoint without a well-formed assay-chain-head fourth line and at most an assay-subject-index fifth line fails verify",
          arguments: CheckpointShape.allCases)
    func givenCheckpointShape(_ shape: CheckpointShape) throws {
        let lab = try Lab(checkpoint: false)
        let note = try Self.shapedCheckpoint(shape, lab: lab)
        try expectFailure(try lab.verify(external: [Array(note.utf8)]), .checkpoint, seq: nil, mentioning: ["given checkpoint"] + shape.words)
    }

    @Test("generic C2SP parsing still accepts other extension lines; the Assay rule refuses them")
    func genericParsingKeepsExtensions() throws {
        let root = Digest.zero.base64, head = "assay-chain-head " + Digest.zero.base64
        let other = "o\n5\n\(root)\nexample.com/ext 1\n\(head)\n"
        let cp = try Checkpoint(parsing: other)
        #expect(cp.extensions.count == 2)
        #expect(throws: LogError(.malformedCheckpoint, "")) { try Checkpoint(parsing: other, extensions: .assayLedger) }
        #expect(try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\n", extensions: .assayLedger).chainHead == .zero)

        // The chain head then the subject index is what a ledger signs now; nothing after it,
        // and no other fifth line, is accepted.
        let index = "assay-subject-index " + Digest.zero.base64
        let both = try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\n\(index)\n", extensions: .assayLedger)
        #expect(both.chainHead == .zero && both.subjectIndex == .zero)
        #expect(try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\n\(index)\nexample.com/ext 1\n").extensions.count == 3)
        #expect(throws: LogError(.malformedCheckpoint, "")) {
            try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\n\(index)\nexample.com/ext 1\n", extensions: .assayLedger)
        }
        #expect(throws: LogError(.malformedCheckpoint, "")) {
            try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\n\(index)\n\(index)\n", extensions: .assayLedger)
        }
        #expect(throws: LogError(.malformedCheckpoint, "")) {
            try Checkpoint(parsing: "o\n5\n\(root)\n\(head)\nexample.com/ext 1\n", extensions: .assayLedger)
        }
    }

    @Test("checkpoints the ledger signs pass the Assay rule, and verify still passes")
    func signedCheckpointsPass() throws {
        let lab = try Lab()
        let note = try #require(try lab.ledger().latestCheckpoint())
        let parsed = try Checkpoint(parsing: note.text, extensions: .assayLedger)
        #expect(parsed.chainHead != nil)
        #expect(parsed.subjectIndex != nil, "a checkpoint signed now commits to the subject index")
        let report = try lab.verify(external: [Array(note.serialized.utf8)])
        #expect(report.ok, "\(report.failure.map(\.description) ?? "")")
        #expect(report.checkpointsChecked == 2)
    }

    // MARK: - Tree nodes

    struct StrayNode: Sendable, CustomTestStringConvertible {
        let name: String
        let id: String // SQL expression
        let words: [String]
        var testDescription: String { name }
    }

    // Before: only levels the tree reaches (1–3 for 14 records) were read, so a row on level 0,
    // above the top, or with a negative id was never looked at.
    static let strayNodes = [
        StrayNode(name: "next level up (4, 0)", id: "(4 << 56)", words: ["(4, 0)", "levels 1–3"]),
        StrayNode(name: "far above the top (40, 3)", id: "(40 << 56) | 3", words: ["(40, 3)"]),
        StrayNode(name: "level 0 (leaves are never stored)", id: "5", words: ["(0, 5)"]),
        StrayNode(name: "negative id", id: "-42", words: ["-42"]),
        StrayNode(name: "past the end of level 1", id: "(1 << 56) | 9", words: ["(1, 9)"]),
    ]

    @Test("a stored tree node the records do not produce fails verify, at any level", arguments: strayNodes)
    func strayNode(_ n: StrayNode) throws {
        let lab = try Lab()
        try lab.edit("INSERT INTO nodes(id, hash) VALUES (\(n.id), zeroblob(32))")
        try expectFailure(try lab.verify(), .merkle, seq: nil, mentioning: n.words)
    }

    @Test("the node above the top that verify now catches is the one that would break a later append")
    func strayNodeBreaksAppend() throws {
        let lab = try Lab()
        try lab.edit("INSERT INTO nodes(id, hash) VALUES (4 << 56, zeroblob(32))")
        #expect(try !lab.verify().ok)
        let ledger = try lab.ledger()
        // Two more records make 16: the tree then writes node (4, 0), which is already there.
        #expect(throws: (any Error).self) {
            try ledger.append((0..<2).map { .init(label: "e", bytes: F.envelope(F.event(200 + $0), by: F.supplierKey)) })
        }
    }

    // MARK: - Metadata and triggers

    // Before: only `meta.origin` was compared, and only when present.
    @Test("meta must hold exactly format = assay-ledger and origin = the genesis origin", arguments: [
        ("format changed", "UPDATE meta SET value = 'assay-ledger-v0' WHERE key = 'format'", ["format", "assay-ledger-v0"]),
        ("origin deleted", "DELETE FROM meta WHERE key = 'origin'", ["no origin"]),
        ("format deleted", "DELETE FROM meta WHERE key = 'format'", ["no format"]),
        ("extra key", "INSERT INTO meta(key, value) VALUES ('trusted', 'yes')", ["unexpected entry trusted"]),
        ("origin stored as a blob", "UPDATE meta SET value = CAST(value AS BLOB) WHERE key = 'origin'", ["<blob>"]),
    ])
    func metadata(_ name: String, _ sql: String, _ words: [String]) throws {
        let lab = try Lab()
        try lab.edit(sql, behind: [.noUpdate("meta"), .noDelete("meta")])
        let report = try lab.verify()
        let f = try #require(report.failure, "\(name) not detected")
        #expect(f.check == .schema, "\(name): \(f)")
        for w in words { #expect(f.description.contains(w), "\(name): \(f)") }
    }

    // Before: a missing trigger was a warning with an OK verdict; an altered one went unnoticed.
    @Test("a missing or altered append-only guard fails verify", arguments: [
        ("missing", StorageGuard.noDelete("subjects"), false),
        ("no-op body under the same name", StorageGuard.noUpdate("records"), true),
        ("contiguity rule loosened", StorageGuard.contiguousRecords, true),
        ("cosignature guard missing", StorageGuard.noDelete("cosignatures"), false),
    ])
    func triggers(_ name: String, _ guard: StorageGuard, _ weaken: Bool) throws {
        let lab = try Lab()
        let t = try fileTamperer(lab.path)
        if weaken { try t.weaken(`guard`) } else { try t.remove([`guard`]) }
        try expectFailure(try lab.verify(), .schema, seq: nil, mentioning: [SQLiteTamperer.triggerName(`guard`)])
    }

    // SQLite-specific: trigger definitions are compared as text, white space collapsed.
    @Test("a ledger created with the earlier trigger layout (line breaks before BEGIN) still verifies")
    func earlierTriggerLayout() throws {
        let lab = try Lab()
        try lab.edit("""
            DROP TRIGGER nodes_append_only_update;
            CREATE TRIGGER nodes_append_only_update BEFORE UPDATE ON nodes
                BEGIN SELECT RAISE(ABORT, 'assay: tree nodes are append-only'); END
            """)
        let report = try lab.verify()
        #expect(report.ok, "\(report.failure.map(\.description) ?? "")")
    }

    // MARK: - Traps on stored values

    // Before: `UInt64(s.int64(0))` on the size trapped (exit 132).
    @Test("a checkpoint row with a negative size is a clean failure naming it, not a crash")
    func negativeCheckpointSize() throws {
        let lab = try Lab()
        let note = try #require(try lab.ledger().latestCheckpoint())
        try lab.storeCheckpoint(note.serialized, size: -3)
        try expectFailure(try lab.verify(), .checkpoint, seq: nil, mentioning: ["-3", "negative"])
        #expect { try lab.ledger().store.checkpoints() } throws: { ($0 as? StoreError)?.code == .corrupt }
    }

    // Before: the walk read `seq >= 0` only, so the row was invisible; reading it trapped.
    @Test("a record row with a negative seq fails verify; appends and reads do not crash")
    func negativeRecordSeq() throws {
        let lab = try Lab()
        try lab.edit("PRAGMA ignore_check_constraints = ON; INSERT INTO records SELECT -1, appended_at, kind, signer, envelope, leaf_hash, chain_hash FROM records WHERE seq = 3",
                     behind: [.contiguousRecords])
        try expectFailure(try lab.verify(), .schema, seq: nil, mentioning: ["-1", "negative"])
        let ledger = try lab.ledger()
        #expect(try ledger.size() == 14)
        #expect(try ledger.store.record(at: UInt64.max) == nil)
    }
}
