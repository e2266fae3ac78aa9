import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// Startup refusals, timeouts, readiness, and what the logs may contain.
@Suite("server: operations", .serialized)
struct OperationsTests {
    @Test("refuses to start with a key that is not the operator's, a ledger that does not exist, a port in use, a bad --listen, a number out of range: exit 2, one line")
    func startupRefusals() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let stranger = ws.dir.file("stranger.key")
        FileManager.default.createFile(atPath: stranger, contents: Data(Fixtures.strangerKey.secretKeyText().utf8), attributes: [.posixPermissions: 0o600])
        let wrongKey = try CLIHarness.assay(["serve", "--ledger", ws.ledger, "--key", stranger, "--listen", "127.0.0.1:0"], timeout: 30)
        #expect(wrongKey.exitCode == 2, "\(wrongKey)")
        #expect(wrongKey.stderr.contains("is not the ledger operator's key"), "\(wrongKey)")
        #expect(wrongKey.stdout.isEmpty, "never listened")

        let missing = try CLIHarness.assay(["serve", "--ledger", ws.dir.file("nope.assay"), "--key", ws.operatorKeyFile, "--listen", "127.0.0.1:0"], timeout: 30)
        #expect(missing.exitCode == 2, "\(missing)")
        #expect(missing.stdout.isEmpty)

        // A port already taken.
        let first = try ServerProcess(ws)
        let taken = try CLIHarness.assay(["serve", "--ledger", ws.ledger, "--key", ws.operatorKeyFile, "--listen", "127.0.0.1:\(first.port)"], timeout: 30)
        #expect(taken.exitCode == 2, "\(taken)")
        #expect(taken.stderr.hasSuffix("assay: cannot listen on 127.0.0.1:\(first.port): Address already in use\n"), "\(taken)")
        #expect(taken.stdout.isEmpty)
        first.signal(SIGTERM)
        #expect(first.wait().status == 0)

        let badListen = try CLIHarness.assay(["serve", "--ledger", ws.ledger, "--key", ws.operatorKeyFile, "--listen", "localhost"], timeout: 30)
        #expect(badListen.exitCode == 2)
        #expect(badListen.stderr.contains("--listen localhost is not host:port"), "\(badListen)")

        // Numeric options outside their ranges, the shutdown deadline among them.
        for (option, value, range) in [("--shutdown-timeout", "0", "1…86400"), ("--group-window", "1001", "0…1000"), ("--group-max", "0", "1…100000")] {
            let r = try CLIHarness.assay(["serve", "--ledger", ws.ledger, "--key", ws.operatorKeyFile, "--listen", "127.0.0.1:0", option, value], timeout: 30)
            #expect(r.exitCode == 2, "\(option) \(value): \(r)")
            #expect(r.stderr == "assay: \(option) \(value) is outside \(range)\n", "\(r)")
            #expect(r.stdout.isEmpty, "never listened")
        }
    }

    @Test("a body that does not arrive in time: 408 problem; an idle connection is closed; nothing written")
    func timeouts() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws, extraArguments: ["--body-timeout", "1", "--idle-timeout", "3"])
        let slow = try server.client()
        let envelope = ServerWorkspace.event(1)
        try slow.write(Array("POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(envelope.count)\r\n\r\n".utf8)
                       + envelope.prefix(10))
        let start = Date()
        let r = try slow.readResponse()
        #expect(r.status == 408, "\(r)")
        #expect(r.headers["content-type"] == "application/problem+json")
        #expect((r.json?["detail"] as? String) == "the request body did not arrive within 1 s")
        #expect(Date().timeIntervalSince(start) < 3)

        let idle = try server.client()
        #expect(idle.isClosedByPeer(within: 8), "a connection with no request is closed after the idle timeout")
        // A connection in use is not closed.
        let busy = try server.client()
        #expect(try busy.request("GET", "/healthz").status == 200)
        #expect(try ws.ledgerSize() == 3)
    }

    @Test("readyz: 200 while serving; the logs never carry the operator's secret key")
    func readinessAndLogs() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws, environment: ["ASSAY_LOG": "trace"])
        let client = try server.client()
        let ready = try client.request("GET", "/readyz")
        #expect(ready.status == 200 && ready.text == "ready\n", "\(ready)")
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201)
        #expect(try client.postJSON("/v1/entries", Array("nonsense".utf8)).status == 400)
        server.signal(SIGTERM)
        let end = server.wait()
        #expect(end.status == 0)
        let secret = Fixtures.operatorKey.secretKeyText()
        let secretPart = String(secret.split(separator: "+").last ?? "")
        #expect(secretPart.count > 20)
        #expect(!end.stderr.contains(secretPart) && !end.stdout.contains(secretPart), "the secret key never reaches the logs")
        #expect(!end.stderr.contains("PRIVATE+KEY"))
        #expect(end.stderr.contains("request"), "request lines are logged at debug level:\n\(end.stderr.prefix(1500))")
        #expect(end.stderr.contains("group committed"))
    }
}
