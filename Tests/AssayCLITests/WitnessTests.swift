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

    /// Configures `state` to witness the test log (origin `testOrigin`, the operator's key).
    static func configure(_ ws: Workspace, state: String, origin: String = testOrigin, key: Actor = .operator) throws {
        try ws.must("witness", "add-log", "--state", state, "--origin", origin, "--log-key", ws.pub(key))
    }

    /// Cosigns with a state configured for the test log (configuring it first when needed).
    static func cosign(_ ws: Workspace, _ checkpoint: String, state: String, proof: String? = nil) throws -> CLIResult {
        if !FileManager.default.fileExists(atPath: state) { try configure(ws, state: state) }
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
            // origin, size, root and the log's signature (the first line starting with the em
            // dash, found rather than counted: the extension lines may grow) are in the evidence.
            let signature = lines.first { $0.hasPrefix("— ") }
            #expect(signature != nil, "no signature line in\n\(note)", sourceLocation: sourceLocation)
            for line in [lines[1], lines[2], signature ?? "(no signature line)"] {
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
        #expect(before.count == 3, "lock, the log's configuration and its cosigned checkpoint: \(before.keys.sorted())")
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
        // --log-key is a cross-check: a key other than the configured one is an input error.
        let wrongKey = try assay("witness", "cosign", "--checkpoint", shared.file("cp8.txt"), "--log-key", shared.pub(.supplier),
                                 "--key", shared.key(.witness), "--state", state)
        expectRefusal(wrongKey, exit: 2, mentioning: ["--log-key", "not the key configured", testOrigin])
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
        try ws.must("init", "--ledger", l1, "--key", ws.key(.operator), "--origin", "x.example/l")
        try ws.must("init", "--ledger", l2, "--key", ws.key(.stranger), "--origin", "x.example_l")
        let c1 = try ws.write("c1.txt", try ws.must("checkpoint", "--ledger", l1, "--key", ws.key(.operator)).stdout)
        let c2 = try ws.write("c2.txt", try ws.must("checkpoint", "--ledger", l2, "--key", ws.key(.stranger)).stdout)
        let state = ws.file("state")
        try Self.configure(ws, state: state, origin: "x.example/l", key: .operator)
        try Self.configure(ws, state: state, origin: "x.example_l", key: .stranger)
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c1, "--key", ws.key(.witness), "--state", state))
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c2, "--key", ws.key(.witness), "--state", state))
        // And the first log's state is still its own: cosigning its checkpoint again works.
        expectSuccess(try assay("witness", "cosign", "--checkpoint", c1, "--key", ws.key(.witness), "--state", state))
    }
}

/// Issue 12 §4: a witness is configured with the logs it witnesses (origin and log key, as C2SP
/// tlog-witness has it) and cosigns nothing else.
@Suite("witness configuration: only configured logs, only their keys")
struct WitnessConfigurationTests {
    @Test("the log operator starts a second ledger with the same key under a new origin: not cosigned")
    func unconfiguredOriginRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let state = ws.file("state")
        try WitnessTests.configure(ws, state: state)
        let cp = try ws.checkpoint(as: "cp8.txt")
        expectSuccess(try assay("witness", "cosign", "--checkpoint", cp, "--key", ws.key(.witness), "--state", state))
        // The same operator key, a second ledger, a new origin.
        let second = ws.file("second.assay")
        try ws.must("init", "--ledger", second, "--key", ws.key(.operator), "--origin", "acme.example/ledger-2")
        let other = try ws.checkpoint(as: "other.txt", ledger: second)
        let before = try WitnessTests.stateHashes(state)
        for args in [[], ["--log-key", ws.pub(.operator)]] {
            let r = try assay(["witness", "cosign", "--checkpoint", other, "--key", ws.key(.witness), "--state", state] + args)
            expectRefusal(r, exit: 1, mentioning: ["refusing to cosign", "acme.example/ledger-2", "not a log this witness witnesses"])
            #expect(try WitnessTests.stateHashes(state) == before)
        }
    }

    @Test("a checkpoint for a configured origin signed by another key (same origin, another operator): not cosigned")
    func otherKeyForOriginRefused() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let impostor = ws.file("impostor.assay")
        try ws.must("init", "--ledger", impostor, "--key", ws.key(.stranger), "--origin", testOrigin)
        let cp = try ws.write("cp.txt", try ws.must("checkpoint", "--ledger", impostor, "--key", ws.key(.stranger)).stdout)
        let state = ws.file("state")
        try WitnessTests.configure(ws, state: state)
        let before = try WitnessTests.stateHashes(state)
        let r = try assay("witness", "cosign", "--checkpoint", cp, "--key", ws.key(.witness), "--state", state)
        expectRefusal(r, exit: 1, mentioning: ["refusing to cosign", "not signed by the key configured for origin \(testOrigin)", ws.ref(.operator)])
        #expect(try WitnessTests.stateHashes(state) == before)
    }

    @Test("add-log refuses a second key for an origin; the same pair again changes nothing")
    func addLogRefusesSecondKey() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let state = ws.file("state")
        try WitnessTests.configure(ws, state: state)
        let before = try WitnessTests.stateHashes(state)
        expectRefusal(try assay("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.stranger)),
                      mentioning: ["already witnessed", ws.ref(.operator), "refusing a second key", ws.ref(.stranger)])
        #expect(try WitnessTests.stateHashes(state) == before)
        let again = try assay("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator))
        expectSuccess(again)
        #expect(again.stdout.contains("already witnessed"))
        #expect(try WitnessTests.stateHashes(state) == before)
        // A witness key is not a log key; an origin must be one line.
        expectRefusal(try assay("witness", "add-log", "--state", state, "--origin", "o.example/x", "--log-key", ws.pub(.witness2)),
                      mentioning: ["witness key"])
        expectRefusal(try assay("witness", "add-log", "--state", state, "--origin", "o.example/x\nforged", "--log-key", ws.pub(.operator)),
                      mentioning: ["not a valid log origin"])
        #expect(try WitnessTests.stateHashes(state) == before)
    }

    @Test("cosign with no configured state directory refuses and creates nothing")
    func noStateRefused() throws {
        let shared = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = dir.file("state")
        let r = try assay("witness", "cosign", "--checkpoint", shared.file("cp8.txt"), "--key", shared.key(.witness), "--state", state)
        expectRefusal(r, exit: 1, mentioning: ["does not exist", "add-log"])
        #expect(!FileManager.default.fileExists(atPath: state))
    }
}

/// Issue 12 §7: the witness's read-check-write runs under an exclusive lock, so two forks of
/// the same size raced against each other can never both be cosigned.
@Suite("witness cosign holds a lock: racing forks")
struct WitnessRaceTests {
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [CLIResult] = []
        func add(_ r: CLIResult) { lock.lock(); results.append(r); lock.unlock() }
        var all: [CLIResult] { lock.lock(); defer { lock.unlock() }; return results }
    }

    @Test("pairs of real assay processes cosigning two forks of size 11 at once: exactly one fork is cosigned each time")
    func racingForks() throws {
        let (ws, _, _) = try CheckpointTamperTests.makeFork()
        defer { ws.remove() }
        let forks = [ws.file("cpA11.txt"), ws.file("cpB11.txt")]
        let roots = try forks.map { try ProofFiles.rootAndSize(ofNote: try ws.text($0)).rootHex }
        #expect(roots[0] != roots[1], "the two ledgers must really fork")
        let witnessKey = ws.key(.witness)
        for round in 0..<16 {
            let state = ws.file("state-\(round)")
            try WitnessTests.configure(ws, state: state)
            let results = Results()
            // Odd rounds start B first, so neither fork is favoured by launch order.
            let order = round % 2 == 0 ? forks : forks.reversed()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                if let r = try? CLIHarness.assay(["witness", "cosign", "--checkpoint", order[i], "--key", witnessKey, "--state", state]) {
                    results.add(r)
                }
            }
            let all = results.all
            #expect(all.count == 2)
            let cosigned = all.filter { $0.exitCode == 0 }
            #expect(cosigned.count == 1, "round \(round): \(cosigned.count) forks cosigned\n\(all.map(\.description).joined(separator: "\n"))")
            for r in all where r.exitCode != 0 {
                #expect(r.exitCode == 1 && r.stderr.contains("the log forked"), "round \(round): \(r)")
            }
            // The state holds the fork that was cosigned.
            if let winner = cosigned.first {
                let stored = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasSuffix(".checkpoint") }
                #expect(stored.count == 1)
                let note = try ws.text((state as NSString).appendingPathComponent(stored[0]))
                #expect(winner.stdout.hasPrefix(note), "round \(round): the state is not the cosigned fork")
            }
        }
    }
}
