import AssayTestSupport
import Foundation
import Testing

/// D. A witness cosigns only checkpoints consistent with what it cosigned before: it refuses a
/// fork and a rollback with exit 1, printing both checkpoints as evidence, and leaves its
/// state file exactly as it was.
@Suite("witness cosign refuses forks and rollbacks")
struct WitnessTests {
    /// The witness's state directory and the hash of every file in it.
    static func stateHashes(_ dir: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
            out[name] = CLIHarness.sha256(file: (dir as NSString).appendingPathComponent(name)) ?? "unreadable"
        }
        return out
    }

    static func cosign(_ ws: Workspace, _ checkpoint: String, state: String, proof: String? = nil) throws -> CLIResult {
        var args = ["witness", "cosign", "--checkpoint", checkpoint, "--log-key", ws.pub(.operator), "--key", ws.key(.witness), "--state", state]
        if let proof { args += ["--proof", proof] }
        return try assay(args)
    }

    /// Expects a refusal with both checkpoints' sizes and roots in the evidence, and the state unchanged.
    static func expectRefusedWithEvidence(_ r: CLIResult, old: String, new: String, state: String, before: [String: String],
                                          mentioning: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(r.exitedNormally && r.exitCode == 1, "the witness must refuse with exit 1\n\(r)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "nothing may be cosigned\n\(r)", sourceLocation: sourceLocation)
        for m in mentioning {
            #expect(r.stderr.contains(m), "the refusal should mention \"\(m)\"\n\(r)", sourceLocation: sourceLocation)
        }
        for note in [old, new] {
            let lines = note.components(separatedBy: "\n")
            // origin, size, root and the log's signature of each checkpoint are in the evidence.
            for line in [lines[1], lines[2], lines[5]] {
                #expect(r.stderr.contains(line), "the evidence should include \"\(line)\"\n\(r)", sourceLocation: sourceLocation)
            }
        }
        #expect(try stateHashes(state) == before, "the witness state changed", sourceLocation: sourceLocation)
    }

    @Test("a fork at the same size: two roots for one tree size")
    func forkSameSize() throws {
        let (ws, _, _) = try CheckpointTamperTests.makeFork()
        defer { ws.remove() }
        let state = ws.file("state")
        let cpA = ws.file("cpA11.txt"), cpB = ws.file("cpB11.txt")
        expectSuccess(try Self.cosign(ws, cpA, state: state))
        let before = try Self.stateHashes(state)
        #expect(before.count == 1)
        let r = try Self.cosign(ws, cpB, state: state)
        let rootA = try ProofFiles.rootAndSize(ofNote: try ws.text(cpA)).rootHex
        let rootB = try ProofFiles.rootAndSize(ofNote: try ws.text(cpB)).rootHex
        try Self.expectRefusedWithEvidence(r, old: try ws.text(cpA), new: try ws.text(cpB), state: state, before: before,
                                           mentioning: ["refusing to cosign", "size 11", rootA, rootB])
        // Cosigning A again is fine (idempotent), and B still refused afterwards.
        expectSuccess(try Self.cosign(ws, cpA, state: state))
        #expect(try Self.cosign(ws, cpB, state: state).exitCode == 1)
    }

    @Test("a fork that grew: B's consistency proof does not extend the cosigned A")
    func forkGrown() throws {
        let (ws, _, b) = try CheckpointTamperTests.makeFork()
        defer { ws.remove() }
        let state = ws.file("state")
        let cpA = ws.file("cpA11.txt")
        expectSuccess(try Self.cosign(ws, cpA, state: state))
        try ws.appendEvents(1, from: 300, ledger: b, action: "sold")
        let cpB12 = try ws.checkpoint(as: "cpB12.txt", ledger: b)
        for form in ["text", "json"] {
            var args = ["prove", "consistency", "--ledger", b, "--from", "11", "--to", "12"]
            if form == "json" { args.append("--json") }
            let proof = try ws.write("consB-\(form)", try assay(args).stdout)
            let before = try Self.stateHashes(state)
            let r = try Self.cosign(ws, cpB12, state: state, proof: proof)
            try Self.expectRefusedWithEvidence(r, old: try ws.text(cpA), new: try ws.text(cpB12), state: state, before: before,
                                               mentioning: ["refusing to cosign", "not consistent"])
        }
    }

    @Test("a rollback: a smaller tree than the one already cosigned")
    func rollback() throws {
        let shared = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = dir.file("state")
        let cp8 = shared.file("cp8.txt"), cp11 = shared.file("cp11.txt")
        expectSuccess(try Self.cosign(shared, cp8, state: state))
        expectSuccess(try Self.cosign(shared, cp11, state: state, proof: shared.file("cons.txt")))
        let before = try Self.stateHashes(state)
        let r = try Self.cosign(shared, cp8, state: state)
        try Self.expectRefusedWithEvidence(r, old: try shared.text(cp11), new: try shared.text(cp8), state: state, before: before,
                                           mentioning: ["refusing to cosign", "rollback", "8", "11"])
    }

    @Test("the witness checks the log signature before anything else")
    func badLogSignature() throws {
        let shared = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = dir.file("state")
        expectSuccess(try Self.cosign(shared, shared.file("cp8.txt"), state: state))
        let before = try Self.stateHashes(state)
        var lines = try shared.text(shared.file("cp11.txt")).components(separatedBy: "\n")
        lines[1] = "12"
        let forged = try dir.write("forged.txt", lines.joined(separator: "\n"))
        let r = try Self.cosign(shared, forged, state: state, proof: shared.file("cons.txt"))
        expectRefusal(r, exit: 1, mentioning: ["signature"])
        #expect(try Self.stateHashes(state) == before)
        // Signed by another log key: the supplier's key is not the log key.
        let wrongKey = try assay("witness", "cosign", "--checkpoint", shared.file("cp8.txt"), "--log-key", shared.pub(.supplier),
                                 "--key", shared.key(.witness), "--state", state)
        expectRefusal(wrongKey, exit: 1, mentioning: ["checkpoint"])
        #expect(try Self.stateHashes(state) == before)
    }

    @Test("growth without a proof, a proof for other sizes, or a non-witness key are input errors (exit 2)")
    func inputErrors() throws {
        let shared = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = dir.file("state")
        expectSuccess(try Self.cosign(shared, shared.file("cp8.txt"), state: state))
        let before = try Self.stateHashes(state)
        expectRefusal(try Self.cosign(shared, shared.file("cp11.txt"), state: state), mentioning: ["--proof", "8", "11"])
        let other = try dir.write("other.txt", "assay/consistency-proof@v1\nold 7\nnew 11\n" + (try shared.text(shared.file("cons.txt"))
            .components(separatedBy: "\n").dropFirst(3).joined(separator: "\n")))
        expectRefusal(try Self.cosign(shared, shared.file("cp11.txt"), state: state, proof: other), mentioning: ["from 7 to 11"])
        let notWitness = try assay("witness", "cosign", "--checkpoint", shared.file("cp11.txt"), "--log-key", shared.pub(.operator),
                                   "--key", shared.key(.supplier), "--state", state, "--proof", shared.file("cons.txt"))
        expectRefusal(notWitness, mentioning: ["not a witness key"])
        let stateIsFile = try assay("witness", "cosign", "--checkpoint", shared.file("cp8.txt"), "--log-key", shared.pub(.operator),
                                    "--key", shared.key(.witness), "--state", shared.file("cp8.txt"))
        expectRefusal(stateIsFile, mentioning: ["not a directory"])
        #expect(try Self.stateHashes(state) == before)
    }

    @Test("a witness keeps separate state for two logs whose origins differ only in punctuation")
    func stateFilesDoNotCollide() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let l1 = ws.file("l1.assay"), l2 = ws.file("l2.assay")
        try ws.must("init", "--ledger", l1, "--operator-key", ws.key(.operator), "--origin", "x.example/l")
        try ws.must("init", "--ledger", l2, "--operator-key", ws.key(.stranger), "--origin", "x.example_l")
        let c1 = try ws.write("c1.txt", try ws.must("checkpoint", "--ledger", l1, "--key", ws.key(.operator)).stdout)
        let c2 = try ws.write("c2.txt", try ws.must("checkpoint", "--ledger", l2, "--key", ws.key(.stranger)).stdout)
        let state = ws.file("state")
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c1, "--log-key", ws.pub(.operator), "--key", ws.key(.witness), "--state", state))
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c2, "--log-key", ws.pub(.stranger), "--key", ws.key(.witness), "--state", state))
        // And the first log's state is still its own: cosigning its checkpoint again works.
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c1, "--log-key", ws.pub(.operator), "--key", ws.key(.witness), "--state", state))
    }
}
