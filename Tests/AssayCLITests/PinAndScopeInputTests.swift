import AssayCore
import AssayTestSupport
import Foundation
import Testing

/// Input errors the sound-verdict and file-safety work added: each one line, exit 2, nothing changed.
@Suite("pins, scopes and output destinations refused cleanly")
struct PinAndScopeInputTests {
    @Test("verify --bundle without --origin or --product says the auditor must pin it")
    func pinsRequired() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let bundle = try ws.write("b.assay-bundle", "{}")
        let noOrigin = try assay("verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--product", "urn:example:p")
        expectRefusal(noOrigin, mentioning: ["--origin"])
        let noProduct = try assay("verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", testOrigin)
        expectRefusal(noProduct, mentioning: ["--product"])
    }

    @Test("register --scope with a malformed scope is refused naming it, and registers nothing")
    func badScope() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
        for scope in ["gs1:12", "https://fw.example", "urn:"] {
            let r = try assay("register", "--ledger", ws.ledger, "--key", ws.key(.operator), "--party-id", "urn:example:p",
                              "--legal-name", "P", "--role", "supplier", "--public-key", ws.pub(.supplier), "--scope", scope)
            expectRefusal(r, mentioning: ["--scope 1"])
        }
        #expect(try ws.must("log", "--ledger", ws.ledger).stdoutLines.count == 1, "only the genesis")
    }

    @Test("an output destination that is a directory is refused, and nothing is written in it")
    func directoryDestination() throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect { try DurableFile.write(Array("x".utf8), to: dir) } throws: { ($0 as? DurableFileError)?.message.contains("it is a directory") == true }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
