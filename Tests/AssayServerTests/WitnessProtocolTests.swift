import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// C2SP tlog-witness end to end with real processes on 127.0.0.1: `assay witness serve` and
/// `assay serve --witness`; forks, rollbacks and unknown logs pushed at a real witness; its
/// state across restarts and against a second process.
@Suite("witness protocol", .serialized)
struct WitnessProtocolTests {
    typealias TF = ThermostatFixture

    /// Two ledgers with the same operator key and origin (`test.example/ledger`) that agree on
    /// the genesis and registrations (size 3) and then diverge: `a` and `b`.
    struct Forks {
        let a: Ledger
        let b: Ledger

        init(dir: TemporaryDirectory) throws {
            a = try Fixtures.ledger(at: dir.file("a.assay"))
            b = try Fixtures.ledger(at: dir.file("b.assay"))
        }

        /// Appends `count` events numbered from `from` to `ledger` and signs a checkpoint.
        @discardableResult
        static func grow(_ ledger: Ledger, events from: Int, count: Int) throws -> SignedNote {
            try ledger.append((from..<(from + count)).map {
                .init(label: "event \($0)", bytes: Fixtures.envelope(Fixtures.event($0), by: Fixtures.supplierKey))
            })
            return try ledger.signCheckpoint(with: Fixtures.operatorKey)
        }
    }

    static let origin = "test.example/ledger"
    static let logKey = Fixtures.operatorKey.verifierKey

    static func size(_ note: SignedNote) throws -> UInt64 { try Checkpoint(parsing: note.text).size }

    @Test("a log process pushes each checkpoint to a witness process: /checkpoint carries the cosignature, export → verify --bundle --witnesses-needed 1 passes")
    func logAndWitnessEndToEnd() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-e2e")
        defer { dir.remove() }
        let built = try TF(path: dir.file("thermostat.assay")).build()
        let ledgerPath = built.fixture.path
        let opKey = try dir.write("operator.key", TF.operatorKey.secretKeyText(), mode: 0o600)
        let opPub = try dir.write("operator.key.pub", TF.operatorKey.verifierKey.description + "\n")
        let witness = try WitnessFixture(dir: dir, key: TF.witnessKey)
        let w = try witness.start(logs: [(TF.ledgerOrigin, TF.operatorKey.verifierKey)])

        // The witness already cosigned an older checkpoint of this log: the log, which starts
        // knowing nothing of it, is answered 409 with that size and retries with a proof from it.
        let early = built.earlyCheckpoint
        _ = try expectCosignature(try w.client().addCheckpoint(old: 0, note: early), over: early, by: witness.verifierKey)

        let log = try AssayChild(["serve", "--ledger", ledgerPath, "--key", opKey, "--listen", "127.0.0.1:0",
                                  "--witness", "\(w.url)=\(witness.verifierKey.description)"], dir: dir)
        let client = try log.client()
        // Submissions: events by the manufacturer about other serials of the model, one by one
        // (each its own group and checkpoint).
        var lastSize: UInt64 = 0
        for n in 0..<5 {
            let event = Fixtures.event(n, subject: "https://id.gs1.org/01/04012345000016/21/SN-9\(n)")
            let r = try client.postJSON("/v1/entries", Fixtures.envelope(event, by: TF.manufacturerKey))
            #expect(r.status == 201, "\(r)")
            lastSize = UInt64(try #require(r.json?["treeSize"] as? Int))
        }
        // The cosignature arrives after the 201s: wait for /checkpoint at the last size to carry it.
        var served: SignedCheckpoint? = nil
        let deadline = Date().addingTimeInterval(60)
        while served == nil, Date() < deadline {
            let r = try client.request("GET", "/checkpoint")
            #expect(r.status == 200, "\(r)")
            let cp = try SignedCheckpoint(parsing: r.body, logKey: TF.operatorKey.verifierKey, origin: TF.ledgerOrigin)
            if cp.checkpoint.size == lastSize,
               let ok = try? SignedCheckpoint(parsing: r.body, logKey: TF.operatorKey.verifierKey, origin: TF.ledgerOrigin,
                                              witnesses: [witness.verifierKey], witnessesNeeded: 1) {
                served = ok
            } else {
                usleep(50_000)
            }
        }
        let cosigned = try #require(served, "no cosigned checkpoint at size \(lastSize) within 60 s:\n\(log.stderr)\n\(w.stderr)")
        #expect(cosigned.verifiedSignatures.contains { $0.name == witness.verifierKey.name && $0.keyID == witness.verifierKey.keyID })
        // A cosignature by some other key does not count.
        #expect(throws: LogError.self) {
            try SignedCheckpoint(parsing: Array(cosigned.note.serialized.utf8), logKey: TF.operatorKey.verifierKey,
                                 witnesses: [Fixtures.strangerKey.verifierKey], witnessesNeeded: 1)
        }
        // The witness's own record: the log's last size (a request from 0 is answered 409 with it).
        let asked = try w.client().addCheckpoint(old: 0, note: cosigned.note)
        #expect(asked.status == 409 && asked.headers["content-type"] == "text/x.tlog.size" && asked.text == "\(lastSize)\n", "\(asked)")
        #expect(log.stderr.contains("retrying from it"), "the log was told the witness's size and retried:\n\(log.stderr)")

        #expect(log.stop() == 0, "\(log.stderr)")
        #expect(w.stop() == 0, "\(w.stderr)")

        let bundle = dir.file("thermostat.assay-bundle")
        let exported = try CLIHarness.assay(["export", "--ledger", ledgerPath, "--product", TF.productURN, "--out", bundle])
        #expect(exported.exitCode == 0, "\(exported)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])
        let bundleNote = try SignedNote(parsing: Array(try #require(json["checkpoint"] as? String).utf8))
        #expect(try Self.size(bundleNote) == lastSize, "the bundle carries the latest, cosigned checkpoint")
        let verify = ["verify", "--bundle", bundle, "--log-key", opPub, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15"]
        let ok = try CLIHarness.assay(verify + ["--witness-key", witness.keyFile + ".pub", "--witnesses-needed", "1"])
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(ok.stdout.contains("1 witness cosignature"), "\(ok)")
        let stranger = try dir.write("stranger.pub", Fixtures.key("stranger.example/w", seed: 0x77, witness: true).verifierKey.description + "\n")
        let refused = try CLIHarness.assay(verify + ["--witness-key", stranger, "--witnesses-needed", "1"])
        #expect(refused.exitCode == 1, "another witness's key does not meet the policy\n\(refused)")
        #expect(try CLIHarness.assay(["verify", "--ledger", ledgerPath]).exitCode == 0)
    }

    @Test("a fork (second ledger, same key and origin) is refused: 409 with both checkpoints at the same size, 422 when grown; state unchanged, evidence kept")
    func forkRefused() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-fork")
        defer { dir.remove() }
        let forks = try Forks(dir: dir)
        let a5 = try Forks.grow(forks.a, events: 0, count: 2)
        let b5 = try Forks.grow(forks.b, events: 100, count: 2)
        #expect(try Self.size(a5) == 5 && Self.size(b5) == 5 && a5.text != b5.text)
        let witness = try WitnessFixture(dir: dir)
        let w = try witness.start(logs: [(Self.origin, Self.logKey)])
        let client = try w.client()
        _ = try expectCosignature(try client.addCheckpoint(old: 0, note: a5), over: a5, by: witness.verifierKey)
        let before = witness.stateFiles()
        #expect(before.count == 3, "lock, the log's configuration, its cosigned checkpoint: \(before.keys.sorted())")

        let same = try client.addCheckpoint(old: 5, note: b5)
        #expect(same.status == 409, "\(same)")
        #expect(same.headers["content-type"] == "application/problem+json")
        let problem = try #require(same.json)
        #expect(problem["type"] as? String == "urn:assay:problem:witness-fork")
        #expect((problem["detail"] as? String)?.contains("two different roots for tree size 5") == true, "\(problem)")
        let evidence = try #require(problem["evidence"] as? [String: Any])
        #expect(evidence["previouslyCosigned"] as? String == a5.serialized)
        #expect(evidence["new"] as? String == b5.serialized)
        #expect(witness.stateFiles() == before, "the witness state changed")

        // B grows: its proof from 5 does not lead from A's root.
        let b7 = try Forks.grow(forks.b, events: 200, count: 2)
        let grown = try client.addCheckpoint(old: 5, proof: try forks.b.consistencyProof(from: 5, to: 7).hashes, note: b7)
        #expect(grown.status == 422, "\(grown)")
        let gp = try #require(grown.json)
        #expect(gp["type"] as? String == "urn:assay:problem:witness-inconsistent")
        #expect((gp["evidence"] as? [String: Any])?["new"] as? String == b7.serialized)
        #expect((gp["evidence"] as? [String: Any])?["previouslyCosigned"] as? String == a5.serialized)
        #expect(witness.stateFiles() == before, "the witness state changed")

        // Both refusals were kept, each with both checkpoints.
        let kept = witness.evidence()
        #expect(kept.count == 2, "\(kept)")
        #expect(kept.allSatisfy { $0.contains(a5.serialized) }, "\(kept)")
        #expect(kept.contains { $0.contains(b5.serialized) } && kept.contains { $0.contains(b7.serialized) }, "\(kept)")

        // The honest log still grows with the witness.
        let a7 = try Forks.grow(forks.a, events: 300, count: 2)
        _ = try expectCosignature(try client.addCheckpoint(old: 5, proof: try forks.a.consistencyProof(from: 5, to: 7).hashes, note: a7),
                                  over: a7, by: witness.verifierKey)
        #expect(witness.stateFiles() != before)
        #expect(w.stop() == 0, "\(w.stderr)")
    }

    @Test("a rollback is refused: old size above the checkpoint's is 400 with evidence, any other old size 409 with the cosigned size; state unchanged")
    func rollbackRefused() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-rollback")
        defer { dir.remove() }
        let a = try Fixtures.ledger(at: dir.file("a.assay"))
        let a4 = try Forks.grow(a, events: 0, count: 1)
        let a6 = try Forks.grow(a, events: 1, count: 2)
        let witness = try WitnessFixture(dir: dir)
        let w = try witness.start(logs: [(Self.origin, Self.logKey)])
        let client = try w.client()
        _ = try expectCosignature(try client.addCheckpoint(old: 0, note: a4), over: a4, by: witness.verifierKey)
        _ = try expectCosignature(try client.addCheckpoint(old: 4, proof: try a.consistencyProof(from: 4, to: 6).hashes, note: a6),
                                  over: a6, by: witness.verifierKey)
        let before = witness.stateFiles()

        let above = try client.addCheckpoint(old: 6, note: a4)
        #expect(above.status == 400, "\(above)")
        let p = try #require(above.json)
        #expect(p["type"] as? String == "urn:assay:problem:witness-oldSizeTooLarge")
        #expect((p["detail"] as? String)?.contains("rollback") == true, "\(p)")
        #expect((p["evidence"] as? [String: Any])?["previouslyCosigned"] as? String == a6.serialized)
        #expect((p["evidence"] as? [String: Any])?["new"] as? String == a4.serialized)

        for old: UInt64 in [0, 4] {
            let r = try client.addCheckpoint(old: old, note: a4)
            #expect(r.status == 409 && r.headers["content-type"] == "text/x.tlog.size" && r.text == "6\n", "old \(old): \(r)")
        }
        #expect(witness.stateFiles() == before, "the witness state changed")
        #expect(witness.evidence().count == 3 && witness.evidence().allSatisfy { $0.contains(a4.serialized) && $0.contains(a6.serialized) })
        // The latest is still cosigned again (same size, same root).
        _ = try expectCosignature(try client.addCheckpoint(old: 6, note: a6), over: a6, by: witness.verifierKey)
        #expect(w.stop() == 0, "\(w.stderr)")
    }

    @Test("unknown logs are refused: another origin 404, the origin signed by another key 403; nothing recorded")
    func unknownLogRefused() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-unknown")
        defer { dir.remove() }
        let other = try Ledger.create(at: dir.file("other.assay"), origin: "other.example/ledger", operatorKey: Fixtures.operatorKey, now: Fixtures.time())
        let otherCP = try other.signCheckpoint(with: Fixtures.operatorKey)
        let impostor = try Ledger.create(at: dir.file("impostor.assay"), origin: Self.origin, operatorKey: Fixtures.strangerKey, now: Fixtures.time())
        let impostorCP = try impostor.signCheckpoint(with: Fixtures.strangerKey)
        let witness = try WitnessFixture(dir: dir)
        let w = try witness.start(logs: [(Self.origin, Self.logKey)])
        let client = try w.client()
        let before = witness.stateFiles()

        let unknown = try client.addCheckpoint(old: 0, note: otherCP)
        #expect(unknown.status == 404, "\(unknown)")
        #expect(unknown.json?["type"] as? String == "urn:assay:problem:witness-unknownOrigin")
        let forged = try client.addCheckpoint(old: 0, note: impostorCP)
        #expect(forged.status == 403, "\(forged)")
        #expect(forged.json?["type"] as? String == "urn:assay:problem:witness-badSignature")
        #expect(witness.stateFiles() == before && witness.evidence().isEmpty)
        #expect(w.stop() == 0)

        // An origin recorded in the state but not given with --log is not witnessed either.
        let a = try Fixtures.ledger(at: dir.file("a.assay"))
        let a3 = try a.signCheckpoint(with: Fixtures.operatorKey)
        let w2 = try witness.start(logs: [("other.example/ledger", Fixtures.operatorKey.verifierKey)])
        let notServed = try w2.client().addCheckpoint(old: 0, note: a3)
        #expect(notServed.status == 404, "\(notServed)")
        _ = try expectCosignature(try w2.client().addCheckpoint(old: 0, note: otherCP), over: otherCP, by: witness.verifierKey)
        #expect(w2.stop() == 0)
    }

    @Test("malformed add-checkpoint bodies: 400 problems naming the line; GET is not a route")
    func malformedRequests() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-malformed")
        defer { dir.remove() }
        let a = try Fixtures.ledger(at: dir.file("a.assay"))
        let note = Array(try a.signCheckpoint(with: Fixtures.operatorKey).serialized.utf8)
        let witness = try WitnessFixture(dir: dir)
        let w = try witness.start(logs: [(Self.origin, Self.logKey)])
        let client = try w.client()
        let hash = Base64.encode([UInt8](repeating: 7, count: 32))
        let cases: [(String, [UInt8], String)] = [
            ("leading zero", Array("old 03\n\n".utf8) + note, "no leading zeros"),
            ("no old line", Array("\n".utf8) + note, "\"old <size>\""),
            ("no blank line", Array("old 0\n".utf8) + note, "not the base64 of a 32-byte hash"),
            ("short hash", Array("old 0\nAAAA\n\n".utf8) + note, "proof line 1"),
            ("64 proof lines", Array(("old 0\n" + String(repeating: hash + "\n", count: 64) + "\n").utf8) + note, "more than 63"),
            ("nothing after the blank line", Array("old 0\n\n".utf8), "no checkpoint"),
            ("not a note", Array("old 0\n\nhello\n".utf8), "malformed note"),
        ]
        for (name, body, says) in cases {
            let r = try client.request("POST", "/add-checkpoint", body: body)
            #expect(r.status == 400, "\(name): \(r)")
            #expect(r.headers["content-type"] == "application/problem+json", "\(name)")
            #expect((r.json?["detail"] as? String)?.contains(says) == true, "\(name): \(r)")
        }
        let oversize = try w.client().request("POST", "/add-checkpoint", body: [UInt8](repeating: 0x41, count: AddCheckpointRequest.maxBytes + 1))
        #expect(oversize.status == 413, "\(oversize)")
        #expect(witness.stateFiles().count == 2, "lock and the configuration only: nothing cosigned")
        let wrongMethod = try client.request("GET", "/add-checkpoint")
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "POST", "\(wrongMethod)")
        #expect(try client.request("GET", "/no-such-path").status == 404)
        #expect(w.stop() == 0)
    }

    @Test("the witness state survives a restart: the cosigned size is kept, a fork still refused, growth from it cosigned")
    func stateSurvivesRestart() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-restart")
        defer { dir.remove() }
        let forks = try Forks(dir: dir)
        let a4 = try Forks.grow(forks.a, events: 0, count: 1)
        let b4 = try Forks.grow(forks.b, events: 50, count: 1)
        let witness = try WitnessFixture(dir: dir)
        let first = try witness.start(logs: [(Self.origin, Self.logKey)])
        _ = try expectCosignature(try first.client().addCheckpoint(old: 0, note: a4), over: a4, by: witness.verifierKey)
        #expect(first.stop() == 0)

        let second = try witness.start(logs: [(Self.origin, Self.logKey)])
        let client = try second.client()
        let asked = try client.addCheckpoint(old: 0, note: a4)
        #expect(asked.status == 409 && asked.text == "4\n", "\(asked)")
        #expect(try client.addCheckpoint(old: 4, note: b4).status == 409)
        let a6 = try Forks.grow(forks.a, events: 1, count: 2)
        _ = try expectCosignature(try client.addCheckpoint(old: 4, proof: try forks.a.consistencyProof(from: 4, to: 6).hashes, note: a6),
                                  over: a6, by: witness.verifierKey)
        #expect(second.stop() == 0)

        // A restart with another key for the recorded origin is refused at start.
        let conflicting = try CLIHarness.assay(["witness", "serve", "--key", witness.keyFile, "--state", witness.state, "--listen", "127.0.0.1:0",
                                                "--log", "\(Self.origin)=\(Fixtures.strangerKey.verifierKey.description)"])
        #expect(conflicting.exitCode == 2 && conflicting.stderr.contains("already witnessed with the log key"), "\(conflicting)")
    }

    @Test("two witness processes on one state directory: the second refuses to start, the first keeps serving")
    func secondProcessRefused() throws {
        let dir = try TemporaryDirectory(prefix: "assay-witness-twice")
        defer { dir.remove() }
        let a = try Fixtures.ledger(at: dir.file("a.assay"))
        let a3 = try a.signCheckpoint(with: Fixtures.operatorKey)
        let witness = try WitnessFixture(dir: dir)
        let first = try witness.start(logs: [(Self.origin, Self.logKey)])
        let second = try CLIHarness.assay(["witness", "serve", "--key", witness.keyFile, "--state", witness.state, "--listen", "127.0.0.1:0",
                                           "--log", "\(Self.origin)=\(Self.logKey.description)"], timeout: 60)
        #expect(second.exitedNormally && second.exitCode == 2, "\(second)")
        #expect(second.stdout.isEmpty, "it never listened: \(second)")
        #expect(second.stderr.contains("in use by another process"), "\(second)")
        _ = try expectCosignature(try first.client().addCheckpoint(old: 0, note: a3), over: a3, by: witness.verifierKey)
        #expect(first.stop() == 0)
        // Once the first has stopped, the state is free again.
        let third = try witness.start(logs: [(Self.origin, Self.logKey)])
        #expect(try third.client().addCheckpoint(old: 0, note: a3).text == "3\n")
        #expect(third.stop() == 0)
    }
}
