import AssayCrypto
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The OpenAPI 3.1 document (`Schemas/openapi.json`): what the server serves, what it describes,
/// and schemathesis (PyPI) run against the live server with it.
@Suite("server: OpenAPI document", .serialized)
struct OpenAPITests {
    static let documentPath = Vectors.packageRoot.appendingPathComponent("Schemas/openapi.json").path
    static let toolsPath = Vectors.packageRoot.appendingPathComponent("tools/schemathesis").path

    static func document() throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: documentPath), "cannot read \(documentPath)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("GET /openapi.json is Schemas/openapi.json byte for byte, as application/json")
    func servedDocument() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let r = try server.client().request("GET", "/openapi.json")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/json")
        let file = try #require(FileManager.default.contents(atPath: Self.documentPath))
        #expect(r.body == [UInt8](file), "the embedded document differs from Schemas/openapi.json: run python3 tools/openapi-embed.py")
    }

    @Test("the document is OpenAPI 3.1 and describes every route of the service, each with its problems")
    func describesEveryRoute() throws {
        let doc = try Self.document()
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let expected: [(String, String)] = [
            ("/v1/entries", "post"), ("/v1/entries/{seq}", "get"), ("/checkpoint", "get"),
            ("/tile/{L}/{N0}", "get"), ("/tile/{L}/x{N0}/{N1}", "get"), ("/tile/{L}/{N0}.p/{W}", "get"),
            ("/tile/entries/{N0}", "get"), ("/tile/entries/x{N0}/x{N1}/{N2}.p/{W}", "get"),
            ("/v1/bundles/{product}", "get"), ("/01/{gtin}/21/{serial}", "get"), ("/v1/subjects/{id}/entries", "get"),
            ("/healthz", "get"), ("/readyz", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
        ]
        for (path, method) in expected {
            #expect(paths[path]?[method] != nil, "\(method.uppercased()) \(path) is not described")
        }
        // Every 4xx/5xx response is an RFC 9457 problem.
        let components = try #require(doc["components"] as? [String: Any])
        let responses = try #require(components["responses"] as? [String: [String: Any]])
        for (path, ops) in paths {
            for (method, op) in ops {
                let rs = try #require((op as? [String: Any])?["responses"] as? [String: Any], "\(method) \(path) has no responses")
                for (code, response) in rs where code.hasPrefix("4") || code.hasPrefix("5") {
                    var r = response as? [String: Any] ?? [:]
                    if let ref = r["$ref"] as? String { r = responses[String(ref.split(separator: "/").last!)] ?? [:] }
                    let content = r["content"] as? [String: Any]
                    #expect(content?.keys.sorted() == ["application/problem+json"], "\(method) \(path) \(code) is not a problem")
                }
            }
        }
        let problem = try #require((components["schemas"] as? [String: Any])?["Problem"] as? [String: Any])
        #expect((problem["required"] as? [String])?.sorted() == ["detail", "status", "title", "type"])
    }

    /// The bundle schema inside the document is `Schemas/bundle.schema.json`, its `$defs` moved to
    /// `components/schemas/Bundle<Name>`: the same JSON once the references are rewritten.
    @Test("the document's Bundle schema is Schemas/bundle.schema.json")
    func bundleSchemaIsTheFormatsOwn() throws {
        let doc = try Self.document()
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let path = Vectors.packageRoot.appendingPathComponent("Schemas/bundle.schema.json").path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        var bundle = try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let defs = try #require(bundle.removeValue(forKey: "$defs") as? [String: Any])
        bundle.removeValue(forKey: "$schema")
        bundle.removeValue(forKey: "$id")
        func rewrite(_ v: Any) -> Any {
            if let o = v as? [String: Any] {
                var r: [String: Any] = [:]
                for (k, x) in o {
                    if k == "$ref", let s = x as? String, s.hasPrefix("#/$defs/") {
                        let name = String(s.dropFirst("#/$defs/".count))
                        r[k] = "#/components/schemas/Bundle" + name.prefix(1).uppercased() + name.dropFirst()
                    } else {
                        r[k] = rewrite(x)
                    }
                }
                return r
            }
            if let a = v as? [Any] { return a.map(rewrite) }
            return v
        }
        // Compared as canonical text (sorted keys) of the same JSON values.
        func canonical(_ v: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]), as: UTF8.self)
        }
        let inDocBundle = try #require(schemas["Bundle"] as? [String: Any])
        #expect(try canonical(rewrite(bundle)) == canonical(inDocBundle), "components/schemas/Bundle differs from Schemas/bundle.schema.json")
        for (name, def) in defs {
            let key = "Bundle" + name.prefix(1).uppercased() + name.dropFirst()
            let inDoc = try #require(schemas[key] as? [String: Any], "\(key) is missing")
            #expect(try canonical(rewrite(def)) == canonical(inDoc), "\(key) differs from $defs/\(name)")
        }
    }

    /// The `schemathesis` command, from `PATH`.
    static let schemathesis: String? = {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/schemathesis"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }()
    static let isCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// Runs when schemathesis is installed, and always on CI, where its absence is a failure
    /// (`.ci/run` installs it: `pip install schemathesis==4.32.5`).
    @Test("schemathesis against the live server: no 5xx, every status, content type, header and body as documented, schema-invalid requests refused",
          .enabled(if: schemathesis != nil || isCI, "schemathesis is not installed (pip install schemathesis==4.32.5); CI requires it"),
          .timeLimit(.minutes(10)))
    func schemathesisRun() throws {
        let tool = try #require(Self.schemathesis, "schemathesis is not on PATH; install it with: pip install schemathesis==4.32.5")
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        // The document's examples name SN1: submit it so the bundle, Digital Link and subject
        // routes also answer 200 with real bodies for schemathesis to check.
        let client = try server.client()
        let submitted = try client.postJSON("/v1/entries", ServerWorkspace.event(1))
        #expect(submitted.status == 201, "\(submitted)")
        let sizeBefore = try ws.ledgerSize()
        let result = try CLIHarness.run(
            executable: tool,
            ["--config-file", "\(Self.toolsPath)/schemathesis.toml", "--no-color", "run", "http://127.0.0.1:\(server.port)/openapi.json",
             "--max-examples", "25", "--workers", "1", "--seed", "1", "--request-timeout", "30"],
            in: ws.dir.path,
            environment: ["PYTHONPATH": Self.toolsPath, "SCHEMATHESIS_HOOKS": nil],
            timeout: 540)
        #expect(result.exitCode == 0 && result.exitedNormally, "schemathesis found failures:\n\(result.stdout.suffix(20_000))\n\(result.stderr.suffix(4000))")
        // Its summary line: every generated case passed.
        #expect(result.stdout.contains("passed"), "\(result.stdout.suffix(2000))")
        #expect(!result.stdout.contains("not_a_server_error") && !result.stdout.contains("Server error"), "\(result.stdout.suffix(4000))")
        // Thousands of generated requests, none of them a valid signed envelope: nothing written.
        #expect(try ws.ledgerSize() == sizeBefore)
        #expect(try ws.verify().exitCode == 0)
    }

    /// Whether this `assay` has `witness serve` (the witness branch); the test below needs it.
    /// (`assay witness serve --help` alone is not enough: without the subcommand, argument-parser
    /// shows `witness`'s help and exits 0.)
    static let hasWitnessServe: Bool = {
        guard let r = try? CLIHarness.assay(["witness", "serve", "--help"]) else { return false }
        return r.exitCode == 0 && r.stdout.contains("USAGE: assay witness serve")
    }()

    @Test("Schemas/openapi-witness.json against a live assay witness serve: schemathesis passes, and a real cosignature and a 409 size answer are as documented",
          .enabled(if: (schemathesis != nil || isCI) && hasWitnessServe, "needs schemathesis and assay witness serve"),
          .timeLimit(.minutes(10)))
    func witnessDocument() throws {
        let tool = try #require(Self.schemathesis, "schemathesis is not on PATH; install it with: pip install schemathesis==4.32.5")
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let note = try CLIHarness.assay(["checkpoint", "--ledger", ws.ledger, "--key", ws.operatorKeyFile])
        #expect(note.exitCode == 0, "\(note)")
        let logKey = try ws.dir.write("operator.pub", Fixtures.operatorKey.verifierKey.description + "\n")
        let wkey = try CLIHarness.assay(["key", "generate", "--name", "witness.example/w1", "--out", ws.dir.file("w.key"), "--witness"])
        #expect(wkey.exitCode == 0, "\(wkey)")
        let witness = try ListeningChild(["witness", "serve", "--key", ws.dir.file("w.key"), "--log", "\(ServerWorkspace.origin)=\(logKey)",
                                          "--state", ws.dir.file("wstate"), "--listen", "127.0.0.1:0"], dir: ws.dir)
        let doc = Vectors.packageRoot.appendingPathComponent("Schemas/openapi-witness.json").path
        let result = try CLIHarness.run(
            executable: tool,
            ["--config-file", "\(Self.toolsPath)/schemathesis-witness.toml", "--no-color", "run", doc, "--url", "http://127.0.0.1:\(witness.port)",
             "--max-examples", "50", "--workers", "1", "--seed", "1", "--request-timeout", "30"],
            in: ws.dir.path, environment: ["SCHEMATHESIS_HOOKS": nil], timeout: 540)
        #expect(result.exitCode == 0 && result.exitedNormally, "schemathesis found failures:\n\(result.stdout.suffix(20_000))\n\(result.stderr.suffix(4000))")

        // Real answers, checked against what the document says of them.
        func matches(_ text: String, _ pattern: String) -> Bool {
            text.range(of: pattern, options: .regularExpression) != nil
        }
        let client = try HTTPTestClient(port: witness.port)
        let body = Array("old 0\n\n".utf8) + note.stdoutBytes
        let cosigned = try client.request("POST", "/add-checkpoint", headers: [("Content-Type", "text/plain")], body: body)
        #expect(cosigned.status == 200 && cosigned.headers["content-type"] == "text/plain; charset=utf-8", "\(cosigned)")
        #expect(matches(cosigned.text, "^— witness\\.example/w1 [A-Za-z0-9+/=]+\n$"), "\(cosigned.text)")
        let stale = try client.request("POST", "/add-checkpoint", headers: [("Content-Type", "text/plain")], body: body)
        #expect(stale.status == 409 && stale.headers["content-type"] == "text/x.tlog.size" && stale.text == "3\n", "\(stale)")
        let unknown = try client.request("POST", "/add-checkpoint", headers: [("Content-Type", "text/plain")],
                                         body: Array("old 0\n\nother.example/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— x AAAA\n".utf8))
        #expect((400...404).contains(unknown.status) && unknown.headers["content-type"] == "application/problem+json", "\(unknown)")
    }
}

/// A running `assay` child that serves HTTP and prints `listening on http://127.0.0.1:PORT` first.
final class ListeningChild: @unchecked Sendable {
    // @unchecked Sendable: the Process is started in init and afterwards only killed.
    let port: Int
    private let process = Process()

    init(_ arguments: [String], dir: TemporaryDirectory) throws {
        let out = dir.file("child-\(UUID().uuidString).out"), err = out + ".err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.executableURL = URL(fileURLWithPath: try CLIHarness.assayExecutable())
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let text = String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self)
            if let line = text.split(separator: "\n").first, text.contains("\n"), line.hasPrefix("listening on http://127.0.0.1:"),
               let p = Int(line.split(separator: ":").last ?? "") {
                port = p
                return
            }
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        throw TestFailure("assay \(arguments.joined(separator: " ")) did not print its address: \(String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
