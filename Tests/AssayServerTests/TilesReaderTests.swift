import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import AssayVerify
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Clients of a real `assay serve`: the tiles reader in-process, `assay verify --server` as a
/// monitor (a log showing two histories under one key and origin is caught), `assay submit`
/// and `assay export --server`.
@Suite("server: tiles readers and clients", .serialized)
struct TilesReaderTests {
    static let origin = ServerWorkspace.origin
    static var logKey: String { ServerWorkspace.logKey.description }

    static func verify(_ url: String, state: String? = nil, json: Bool = false) throws -> CLIResult {
        try CLIHarness.assay(["verify", "--server", url, "--log-key", logKey, "--origin", origin]
                             + (state.map { ["--state", $0] } ?? []) + (json ? ["--json"] : []))
    }

    /// Runs `body` on a thread of its own (the ledger walk must not run on a Swift concurrency thread).
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            let t = Thread { c.resume(with: Result { try body() }) }
            t.stackSize = 4 << 20
            t.start()
        }
    }

    /// A `TilesReader` fetch over HTTP (URLSession), 404 as nil.
    static func httpFetch(_ base: String) -> TilesReader.Fetch {
        { path in
            let (data, response) = try await URLSession.shared.data(from: URL(string: base + "/" + path)!)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if status == 404 { return nil }
            guard status == 200 else { throw TestFailure("GET \(path): \(status)") }
            return [UInt8](data)
        }
    }

    @Test("in process: the tiles reader and the ledger walk over HTTP check every entry of a served log")
    func readerInProcess() async throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        _ = try TilesTests.submitConcurrently(server, 0..<40, threads: 4)
        let url = "http://127.0.0.1:\(server.port)"
        let audit = TiledLogAudit(reader: TilesReader(fetch: Self.httpFetch(url)), logKey: ServerWorkspace.logKey, origin: Self.origin)
        let fetched = try await audit.fetch(saved: nil)
        #expect(fetched.tree.size == 43 && fetched.tree.entriesChecked == 43)
        let report = try await Self.onThread { try audit.verify(fetched) }
        #expect(report.ok, "\(String(describing: report.failure))")
        #expect(report.entries == 43 && report.checkpointsChecked == 1 && report.signers == 3)
        #expect(report.root.bytes == fetched.checkpoint.checkpoint.rootHash)

        // The wrong key or origin: the served checkpoint does not verify.
        let stranger = TiledLogAudit(reader: TilesReader(fetch: Self.httpFetch(url)), logKey: Fixtures.strangerKey.verifierKey, origin: Self.origin)
        await #expect(throws: TilesError(.badCheckpoint, "")) { try await stranger.fetch(saved: nil) }
        let elsewhere = TiledLogAudit(reader: TilesReader(fetch: Self.httpFetch(url)), logKey: ServerWorkspace.logKey, origin: "other.example/log")
        await #expect(throws: TilesError(.badCheckpoint, "")) { try await elsewhere.fetch(saved: nil) }
    }

    @Test("monitor: a log that grows stays consistent and the state follows it")
    func monitorFollowsGrowth() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let state = ws.dir.file("monitor.checkpoint")
        let server = try ServerProcess(ws)
        let url = "http://127.0.0.1:\(server.port)"
        try TilesTests.submitBatch(server, 0..<10)
        let first = try Self.verify(url, state: state)
        #expect(first.exitCode == 0, "\(first)")
        #expect(first.stdout.contains("checkpoint size 13") && first.stdout.contains("saved to \(state)"), "\(first)")
        let saved = try SignedCheckpoint(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: state))), logKey: ServerWorkspace.logKey)
        #expect(saved.checkpoint.size == 13)
        try TilesTests.submitBatch(server, 10..<300)
        let second = try Self.verify(url, state: state, json: true)
        #expect(second.exitCode == 0, "\(second)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(second.stdoutBytes)) as? [String: Any])
        #expect(obj["consistentWith"] as? Int == 13 && obj["treeSize"] as? Int == 303)
        let now = try SignedCheckpoint(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: state))), logKey: ServerWorkspace.logKey)
        #expect(now.checkpoint.size == 303)
    }

    @Test("monitor: two ledgers under the same key and origin, served one after the other, are caught as two histories naming both checkpoints")
    func monitorCatchesFork() throws {
        let a = try ServerWorkspace()
        let b = try ServerWorkspace()
        let c = try ServerWorkspace()
        defer { a.remove(); b.remove(); c.remove() }
        let state = a.dir.file("monitor.checkpoint")

        // History A: genesis, two registrations, events 0 … 4.
        let serverA = try ServerProcess(a)
        try TilesTests.submitBatch(serverA, 0..<5)
        let seenA = try Self.verify("http://127.0.0.1:\(serverA.port)", state: state)
        #expect(seenA.exitCode == 0, "\(seenA)")
        serverA.signal(SIGTERM)
        _ = serverA.wait()
        let savedA = try [UInt8](Data(contentsOf: URL(fileURLWithPath: state)))

        // History B: the same genesis and registrations, then other events, and a larger tree.
        let serverB = try ServerProcess(b)
        try TilesTests.submitBatch(serverB, 100..<110)
        let urlB = "http://127.0.0.1:\(serverB.port)"
        #expect(try Self.verify(urlB).exitCode == 0, "on its own, history B is a sound log")
        let fork = try Self.verify(urlB, state: state)
        #expect(fork.exitCode == 1, "\(fork)")
        let line = fork.stderr
        #expect(line.contains("two histories"), "\(line)")
        #expect(line.contains("saved checkpoint \(Self.origin) size 8") && line.contains("served checkpoint size 13"), "\(line)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: state))) == savedA, "the state keeps the checkpoint seen before")
        // With --json, both checkpoints as evidence.
        let evidence = try Self.verify(urlB, state: state, json: true)
        #expect(evidence.exitCode == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(evidence.stdoutBytes)) as? [String: Any])
        #expect(obj["ok"] as? Bool == false)
        #expect((obj["savedCheckpoint"] as? String).map { Array($0.utf8) } == savedA)
        let served = try #require((obj["servedCheckpoint"] as? String).map { Array($0.utf8) })
        #expect(try SignedCheckpoint(parsing: served, logKey: ServerWorkspace.logKey).checkpoint.size == 13)
        serverB.signal(SIGTERM)
        _ = serverB.wait()

        // History C: smaller than what the monitor saw.
        let serverC = try ServerProcess(c)
        try TilesTests.submitBatch(serverC, 200..<202)
        let rollback = try Self.verify("http://127.0.0.1:\(serverC.port)", state: state)
        #expect(rollback.exitCode == 1 && rollback.stderr.contains("two histories") && rollback.stderr.contains("smaller"), "\(rollback)")
    }

    @Test("verify --server with a witness policy: the served checkpoint's cosignature counts, a missing one fails")
    func witnessPolicy() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        do {
            let ledger = try Ledger.open(at: ws.ledger)
            let note = try ledger.signCheckpoint(with: Fixtures.operatorKey)
            let line = Cosignature.sign(checkpointText: note.text, timestamp: 1_795_168_800, key: Fixtures.witnessKey)
            let cosigned = SignedNote(text: note.text, signatures: note.signatures + [line])
            #expect(try ledger.addCosignatures(note: Array(cosigned.serialized.utf8)) == 1)
        }
        let server = try ServerProcess(ws)
        let url = "http://127.0.0.1:\(server.port)"
        let witness = Fixtures.witnessKey.verifierKey.description
        let other = Fixtures.key("other-witness.example", seed: 9, witness: true).verifierKey.description
        let ok = try CLIHarness.assay(["verify", "--server", url, "--log-key", Self.logKey, "--origin", Self.origin,
                                       "--witness-key", witness, "--witnesses-needed", "1"])
        #expect(ok.exitCode == 0, "\(ok)")
        let short = try CLIHarness.assay(["verify", "--server", url, "--log-key", Self.logKey, "--origin", Self.origin,
                                          "--witness-key", witness, "--witness-key", other, "--witnesses-needed", "2"])
        #expect(short.exitCode == 1, "\(short)")
        #expect(short.stderr.contains("with 2 witness cosignature(s)") && short.stderr.contains("1 valid witness cosignatures, policy needs 2"), "\(short.stderr)")
    }

    @Test("an entry that fails the entry checks is caught through the tiles, though the operator signed a checkpoint over it")
    func entryChecksThroughTiles() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        // The operator appends, behind the append checks, an event signed by an unregistered key
        // and signs a checkpoint over it: the tiles and the checkpoint agree.
        do {
            let ledger = try Ledger.open(at: ws.ledger)
            let forged = Fixtures.envelope(Fixtures.event(7), by: Fixtures.strangerKey)
            try ledger.store.write { tx in
                _ = try tx.append(envelope: forged, kind: "GenericEvent", signer: Fixtures.strangerKey.keyReference.description,
                                  subjects: ["https://id.gs1.org/01/04012345000016/21/SN7"], now: Fixtures.time(5000))
            }
            _ = try ledger.signCheckpoint(with: Fixtures.operatorKey)
        }
        let server = try ServerProcess(ws)
        let r = try Self.verify("http://127.0.0.1:\(server.port)")
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stderr.contains("verification failed at seq 3") && r.stderr.contains(Fixtures.strangerKey.name), "\(r.stderr)")
    }

    @Test("a static copy of a log whose entry bundle was changed is refused, naming the entry")
    func staticCopyTampered() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        try TilesTests.submitBatch(server, 0..<5)
        let copy = ws.dir.file("static")
        let dumped = try TilesTests.pythonReader("http://127.0.0.1:\(server.port)", dump: copy)
        #expect(dumped.exitCode == 0, "\(dumped)")
        server.signal(SIGTERM)
        _ = server.wait()

        // The copy served by Python's http.server is a tlog-tiles log `assay verify --server` accepts …
        let web = try StaticServer(directory: copy)
        defer { web.stop() }
        let sound = try Self.verify(web.url)
        #expect(sound.exitCode == 0, "\(sound)")
        // … until one byte of entry 5's envelope changes.
        let bundlePath = copy + "/tile/entries/000.p/8"
        var bundle = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundlePath)))
        var entries = try EntryBundle.parse(bundle)
        entries[5][entries[5].count - 3] ^= 0x01
        bundle = try EntryBundle.encode(entries)
        try Data(bundle).write(to: URL(fileURLWithPath: bundlePath))
        let tampered = try Self.verify(web.url)
        #expect(tampered.exitCode == 1, "\(tampered)")
        #expect(tampered.stderr.contains("entry 5 in tile/entries/000.p/8 does not hash to the leaf hash of tile/0/000.p/8"), "\(tampered.stderr)")
    }

    @Test("assay submit: one request per envelope or one batch, seq per envelope, proofs checked with --log-key; a refusal names the file and the reason")
    func submitCommand() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let url = "http://127.0.0.1:\(server.port)"
        let files = try (1...3).map { try ws.dir.write("e\($0).dsse.json", ServerWorkspace.event($0)) }
        let one = try CLIHarness.assay(["submit", "--server", url, files[0], files[1]])
        #expect(one.exitCode == 0, "\(one)")
        #expect(one.stdoutLines == ["appended seq 3: \(files[0])", "appended seq 4: \(files[1])"])
        let batch = try CLIHarness.assay(["submit", "--server", url, "--batch", "--json", "--log-key", Self.logKey, files[1], files[2]])
        #expect(batch.exitCode == 0, "\(batch)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(batch.stdoutBytes)) as? [String: Any])
        let results = try #require(obj["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["present", "appended"])
        #expect(results.map { $0["seq"] as? Int } == [4, 5])
        #expect(results.allSatisfy { ($0["checkpoint"] as? String)?.isEmpty == false && $0["inclusionProof"] is [String] })

        // A proof that does not verify under the given key is refused.
        let wrongKey = try CLIHarness.assay(["submit", "--server", url, "--log-key", Fixtures.strangerKey.verifierKey.description, files[0]])
        #expect(wrongKey.exitCode == 1, "\(wrongKey)")

        let forged = try ws.dir.write("forged.dsse.json", Fixtures.envelope(Fixtures.event(9), by: Fixtures.strangerKey))
        let refused = try CLIHarness.assay(["submit", "--server", url, files[2], forged])
        #expect(refused.exitCode == 2, "\(refused)")
        #expect(refused.stdoutLines == ["already present seq 5: \(files[2])"])
        #expect(refused.stderr.hasPrefix("assay: \(forged): ") && refused.stderr.contains("stranger.example"), "\(refused.stderr)")
        let unreachable = try CLIHarness.assay(["submit", "--server", "http://127.0.0.1:1", files[0]])
        #expect(unreachable.exitCode == 2 && unreachable.stderr.contains("cannot reach"), "\(unreachable)")
    }

    @Test("assay export --server: a server without the product's bundle is a clean input error")
    func exportWithoutBundle() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let out = ws.dir.file("p.assay-bundle")
        let r = try CLIHarness.assay(["export", "--server", "http://127.0.0.1:\(server.port)", "--product",
                                      "https://id.gs1.org/01/04012345000016/21/SN1", "--out", out])
        #expect(r.exitCode == 2, "\(r)")
        #expect(r.stderr.contains("has no bundle for https://id.gs1.org/01/04012345000016/21/SN1 (404)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("assay export --server writes the bundle the server exports, the same bytes as export --ledger")
    func exportFromServer() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        try TilesTests.submitBatch(server, 0..<3)
        let product = "https://id.gs1.org/01/04012345000016/21/SN1"
        let remote = ws.dir.file("remote.assay-bundle"), local = ws.dir.file("local.assay-bundle")
        let r = try CLIHarness.assay(["export", "--server", "http://127.0.0.1:\(server.port)", "--product", product, "--out", remote])
        #expect(r.exitCode == 0, "\(r)")
        server.signal(SIGTERM)
        _ = server.wait()
        #expect(try CLIHarness.assay(["export", "--ledger", ws.ledger, "--product", product, "--out", local]).exitCode == 0)
        let served = FileManager.default.contents(atPath: remote)
        #expect(served != nil && served == FileManager.default.contents(atPath: local))
    }
}

/// Python's http.server serving a directory on 127.0.0.1 (a static tlog-tiles log).
final class StaticServer: @unchecked Sendable {
    // @unchecked Sendable: the process is started in init, then only stopped.
    let process = Process()
    let url: String

    init(directory: String) throws {
        let out = directory + ".http.out"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, "0"]
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var port: Int? = nil
        while port == nil, Date() < deadline {
            let text = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
            // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
            if let r = text.range(of: " port ") {
                port = Int(text[r.upperBound...].prefix { $0.isNumber })
            } else {
                usleep(20_000)
            }
        }
        guard let port else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("python3 -m http.server did not start")
        }
        url = "http://127.0.0.1:\(port)"
    }

    /// Kills the server (SIGKILL: a child of the test process may have SIGTERM blocked).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
