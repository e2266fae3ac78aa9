import AssayTestSupport
import Foundation
import Testing

/// D. History rewrites that keep the file internally consistent — a rewritten record, a
/// truncated ledger, a fork — are caught by signed checkpoints (stored, or an auditor's or
/// witness's copy given to `verify --checkpoint`), naming the index or size and both roots;
/// a checkpoint with a bad signature fails `verify-proof`.
@Suite("checkpoints catch rewritten, truncated and forked ledgers")
struct CheckpointTamperTests {
    /// Replaces entry 3 with a different statement, validly signed by the same registered
    /// supplier, and recomputes every leaf hash, chain hash and tree node: only a signed
    /// checkpoint can tell. Returns the new leaves.
    @discardableResult
    static func rewriteEntry3(_ ws: Workspace, dropStoredCheckpoints: Bool) throws -> [[UInt8]] {
        let db = LedgerSQL(path: ws.ledger)
        let rows = try db.rows()
        let forged = try ws.read(try ws.sign(Statements.event(1, action: "destroyed"), by: .supplier, as: "forged.dsse.json"))
        let canonical = try EnvelopeParts(forged).canonical
        let (sql, leaves) = db.rehashSQL(rows: rows, replacing: 3, with: canonical)
        try db.tamper(sql + LedgerSQL.rebuildNodesSQL(leaves) + (dropStoredCheckpoints ? "\nDELETE FROM checkpoints;" : ""))
        return leaves
    }

    @Test("a rewritten record is caught by the stored checkpoint, naming size, index and both roots; no new checkpoint is signed")
    func rewrittenRecordStoredCheckpoint() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp8 = try ws.checkpoint(as: "cp8.txt")
        let signedRoot = try ProofFiles.rootAndSize(ofNote: try ws.text(cp8)).rootHex
        let leaves = try Self.rewriteEntry3(ws, dropStoredCheckpoints: false)
        let forgedRoot = HexCodec.string(RecordFormat.root(leaves))
        #expect(forgedRoot != signedRoot)

        let r = try assay("verify", "--ledger", ws.ledger)
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stdout.hasPrefix("FAILED: seq 7: "), "\(r)")
        #expect(r.stdout.contains("size 8"), "\(r)")
        #expect(r.stdout.contains(signedRoot) && r.stdout.contains(forgedRoot), "both roots must be named\n\(r)")
        let report = try VerifyReport(try assay("verify", "--ledger", ws.ledger, "--json"))
        #expect(report.failureCheck == "checkpoint" && report.failureSeq == 7)
        #expect(report.expected == signedRoot && report.found == forgedRoot)

        // The ledger refuses to sign a checkpoint inconsistent with the one it signed before.
        let before = try LedgerSnapshot.take(ws.ledger)
        let refused = try assay("checkpoint", "--ledger", ws.ledger, "--key", ws.key(.operator))
        expectRefusal(refused, exit: 1, mentioning: ["refusing to sign", signedRoot])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
    }

    @Test("a rewritten record with the stored checkpoints removed is caught by an auditor's checkpoint")
    func rewrittenRecordExternalCheckpoint() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp8 = try ws.checkpoint(as: "cp8.txt")
        let signedRoot = try ProofFiles.rootAndSize(ofNote: try ws.text(cp8)).rootHex
        let leaves = try Self.rewriteEntry3(ws, dropStoredCheckpoints: true)
        let forgedRoot = HexCodec.string(RecordFormat.root(leaves))

        // The forgery is internally consistent: without a checkpoint from outside it verifies.
        let plain = try assay("verify", "--ledger", ws.ledger)
        #expect(plain.exitCode == 0, "the simulated forgery should be self-consistent\n\(plain)")
        #expect(plain.stdout.contains("root \(forgedRoot)"))

        let r = try assay("verify", "--ledger", ws.ledger, "--checkpoint", cp8)
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stdout.hasPrefix("FAILED: seq 7: ") && r.stdout.contains("size 8"), "\(r)")
        #expect(r.stdout.contains(signedRoot) && r.stdout.contains(forgedRoot), "both roots must be named\n\(r)")

        // An inclusion proof from the rewritten ledger does not verify against the auditor's checkpoint.
        let proof = try assay("prove", "inclusion", "--ledger", ws.ledger, "--seq", "3", "--size", "8")
        if proof.exitCode == 0 {
            let spliced = try ws.write("spliced.txt", try ProofFiles.replacingCheckpoint(in: proof.stdout, with: try ws.text(cp8)))
            expectRefusal(try assay("verify-proof", "--log-key", ws.pub(.operator), spliced), exit: 1, mentioning: ["entry 3"])
        }
    }

    @Test("truncation below a checkpoint is caught by the stored checkpoint and by an auditor's copy; no checkpoint is signed")
    func truncatedLedger() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp8 = try ws.checkpoint(as: "cp8.txt")
        let db = LedgerSQL(path: ws.ledger)
        let leaves = try db.rows().map(\.leafHash)
        // Records 6 and 7 removed, with the tree nodes that covered them and their subject index rows.
        try db.tamper("DELETE FROM records WHERE seq >= 6;\nDELETE FROM subjects WHERE seq >= 6;\n" + LedgerSQL.rebuildNodesSQL(Array(leaves.prefix(6))))

        let stored = try assay("verify", "--ledger", ws.ledger)
        #expect(stored.exitCode == 1, "\(stored)")
        #expect(stored.stdout.hasPrefix("FAILED: seq 6: ") && stored.stdout.contains("8 records") && stored.stdout.contains("only 6"), "\(stored)")

        let before = try LedgerSnapshot.take(ws.ledger)
        let refused = try assay("checkpoint", "--ledger", ws.ledger, "--key", ws.key(.operator))
        expectRefusal(refused, exit: 1, mentioning: ["refusing to sign", "size 8", "6 records"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)

        // The operator also deletes its stored checkpoint: the auditor's copy still catches it.
        try db.tamper("DELETE FROM checkpoints;")
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
        let external = try assay("verify", "--ledger", ws.ledger, "--checkpoint", cp8)
        #expect(external.exitCode == 1, "\(external)")
        #expect(external.stdout.hasPrefix("FAILED: seq 6: ") && external.stdout.contains("8 records"), "\(external)")
        let report = try VerifyReport(try assay("verify", "--ledger", ws.ledger, "--checkpoint", cp8, "--json"))
        #expect(report.failureCheck == "checkpoint" && report.failureSeq == 6)
    }

    /// Two ledgers from the same operator key and origin: identical up to index 8, then
    /// different entries (3 each). Returns the workspace and the path of fork B.
    static func makeFork() throws -> (ws: Workspace, a: String, b: String) {
        let ws = try Workspace.base()
        let a = ws.ledger, b = ws.file("fork-b.assay")
        try FileManager.default.copyItem(atPath: a, toPath: b)
        try ws.checkpoint(as: "cp8.txt")
        try ws.appendEvents(3, from: 100, ledger: a, action: "shipped")
        try ws.appendEvents(3, from: 200, ledger: b, action: "scrapped")
        try ws.checkpoint(as: "cpA11.txt", ledger: a)
        try ws.checkpoint(as: "cpB11.txt", ledger: b)
        return (ws, a, b)
    }

    @Test("a fork: ledger B given fork A's checkpoint fails, naming the size, the index and both roots")
    func forkedLedger() throws {
        let (ws, a, b) = try Self.makeFork()
        defer { ws.remove() }
        let rootA = try ProofFiles.rootAndSize(ofNote: try ws.text(ws.file("cpA11.txt"))).rootHex
        let rootB = try ProofFiles.rootAndSize(ofNote: try ws.text(ws.file("cpB11.txt"))).rootHex
        #expect(rootA != rootB)

        expectSuccess(try assay("verify", "--ledger", a, "--checkpoint", ws.file("cpA11.txt")))
        expectSuccess(try assay("verify", "--ledger", b))
        // The common prefix is consistent with both forks.
        expectSuccess(try assay("verify", "--ledger", b, "--checkpoint", ws.file("cp8.txt")))

        let r = try assay("verify", "--ledger", b, "--checkpoint", ws.file("cpA11.txt"))
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stdout.hasPrefix("FAILED: seq 10: "), "\(r)")
        #expect(r.stdout.contains("size 11"), "\(r)")
        #expect(r.stdout.contains(rootA) && r.stdout.contains(rootB), "both roots must be named\n\(r)")
        #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("assay: verification failed at seq 10"), "\(r)")
        let report = try VerifyReport(try assay("verify", "--ledger", b, "--checkpoint", ws.file("cpA11.txt"), "--json"))
        #expect(report.failureCheck == "checkpoint" && report.failureSeq == 10)
        #expect(report.expected == rootA && report.found == rootB)

        // B's consistency proof from the common checkpoint verifies against B's checkpoint only.
        let cons = try ws.write("consB.txt", try ws.must("prove", "consistency", "--ledger", b, "--from", "8", "--to", "11").stdout)
        expectSuccess(try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", ws.file("cp8.txt"), "--new", ws.file("cpB11.txt"), cons))
        let mixed = try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", ws.file("cp8.txt"), "--new", ws.file("cpA11.txt"), cons)
        expectRefusal(mixed, exit: 1, mentioning: ["does not verify", rootA])

        // Two checkpoints for the same size with different roots: the proof between them fails.
        let same = try ws.write("same.txt", "assay/consistency-proof@v1\nold 11\nnew 11\n")
        let split = try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", ws.file("cpA11.txt"), "--new", ws.file("cpB11.txt"), same)
        expectRefusal(split, exit: 1, mentioning: [rootA, rootB])

        // B's inclusion proof for a forked entry does not verify under A's checkpoint.
        let inc = try ws.must("prove", "inclusion", "--ledger", b, "--seq", "9").stdout
        let spliced = try ws.write("spliced.txt", try ProofFiles.replacingCheckpoint(in: inc, with: try ws.text(ws.file("cpA11.txt"))))
        expectRefusal(try assay("verify-proof", "--log-key", ws.pub(.operator), spliced), exit: 1, mentioning: ["entry 9"])
    }

    /// Ways to spoil the checkpoint an inclusion proof carries.
    enum BadCheckpoint: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case signatureByteFlipped, rootReplaced, sizeChanged, chainHeadChanged, subjectIndexChanged, signedByImpostorWithSameName, signedByAnotherKey
        var testDescription: String { rawValue }
    }

    @Test("verify-proof rejects a checkpoint whose signature does not hold (exit 1)", arguments: BadCheckpoint.allCases)
    func badCheckpointSignature(_ bad: BadCheckpoint) throws {
        let shared = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let proof = try shared.text(shared.file("inc3.txt"))
        let note = try ProofFiles.checkpoint(of: proof)
        var lines = note.components(separatedBy: "\n")
        // lines: origin, size, root, chain head, subject index, "", signature, ""; the signature
        // line is found by its em dash rather than by counting the extension lines.
        let newNote: String
        switch bad {
        case .signatureByteFlipped:
            let signature = try #require(lines.firstIndex { $0.hasPrefix("— ") }, "no signature line in\n\(note)")
            var sig = Array(lines[signature].utf8)
            let at = sig.count - 6
            try #require(at > 0, "signature line too short: \(lines[signature])")
            sig[at] = sig[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            lines[signature] = String(decoding: sig, as: UTF8.self)
            newNote = lines.joined(separator: "\n")
        case .rootReplaced:
            lines[2] = try shared.text(shared.file("cp11.txt")).components(separatedBy: "\n")[2]
            newNote = lines.joined(separator: "\n")
        case .sizeChanged:
            lines[1] = "9"
            newNote = lines.joined(separator: "\n")
        case .chainHeadChanged:
            #expect(lines[3].hasPrefix("assay-chain-head "))
            lines[3] = "assay-chain-head " + Data(repeating: 7, count: 32).base64EncodedString()
            newNote = lines.joined(separator: "\n")
        case .subjectIndexChanged:
            #expect(lines[4].hasPrefix("assay-subject-index "), "the fifth line should be the subject index\n\(note)")
            lines[4] = "assay-subject-index " + Data(repeating: 7, count: 32).base64EncodedString()
            newNote = lines.joined(separator: "\n")
        case .signedByImpostorWithSameName, .signedByAnotherKey:
            // A whole other log under the same origin, signed by a key the auditor does not trust.
            let ws = try Workspace.keysOnly()
            defer { ws.remove() }
            let impostorKey = ws.file("impostor.key")
            let name = bad == .signedByImpostorWithSameName ? Actor.operator.keyName : "impostor.example/op"
            try ws.must("key", "generate", "--name", name, "--out", impostorKey)
            try ws.must("init", "--ledger", ws.ledger, "--key", impostorKey, "--origin", testOrigin)
            let fake = try ws.must("checkpoint", "--ledger", ws.ledger, "--key", impostorKey).stdout
            let fakeProof = try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "0").stdout
            let path = try dir.write("fake-proof.txt", fakeProof)
            let r = try assay("verify-proof", "--log-key", shared.pub(.operator), path)
            expectRefusal(r, exit: 1, mentioning: ["checkpoint"])
            #expect(!fake.isEmpty)
            return
        }
        let path = try dir.write("bad-proof.txt", try ProofFiles.replacingCheckpoint(in: proof, with: newNote))
        let r = try assay("verify-proof", "--log-key", shared.pub(.operator), path)
        expectRefusal(r, exit: 1, mentioning: ["checkpoint"])

        // The same checkpoint given to verify as an external checkpoint also fails.
        let cpPath = try dir.write("bad-cp.txt", newNote)
        let v = try assay("verify", "--ledger", shared.ledger, "--checkpoint", cpPath)
        #expect(v.exitCode == 1 && v.exitedNormally, "\(v)")
        #expect(v.stdout.hasPrefix("FAILED: "), "\(v)")
    }

    @Test("verify-proof rejects a proof checked against the wrong log key")
    func wrongLogKey() throws {
        let shared = try SharedFixtures.provedWorkspace()
        for key in [shared.pub(.supplier), shared.pub(.witness)] {
            let r = try assay("verify-proof", "--log-key", key, shared.file("inc3.txt"))
            expectRefusal(r, exit: 1, mentioning: ["checkpoint"])
        }
    }
}
