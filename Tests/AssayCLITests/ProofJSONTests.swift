import AssayTestSupport
import Foundation
import Testing

@Suite("verify-proof JSON forms")
struct ProofJSONTests {
    @Test("an inclusion proof carrying only the leaf hash verifies; a stray member is refused")
    func leafHashOnly() throws {
        let ws = try SharedFixtures.provedWorkspace()
        let r = try assay("prove", "inclusion", "--ledger", ws.ledger, "--seq", "3", "--json")
        #expect(r.exitCode == 0, "\(r)")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        object.removeValue(forKey: "record")
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let ok = try dir.write("p.json", try JSONSerialization.data(withJSONObject: object).map { $0 })
        let v = try assay("verify-proof", "--log-key", ws.pub(.operator), ok)
        #expect(v.exitCode == 0 && v.stdout.hasPrefix("OK: entry 3"), "\(v)")
        // A wrong carried leaf hash fails verification.
        object["leafHash"] = String(repeating: "0", count: 64)
        let bad = try dir.write("bad.json", try JSONSerialization.data(withJSONObject: object).map { $0 })
        let w = try assay("verify-proof", "--log-key", ws.pub(.operator), bad)
        #expect(w.exitCode == 1, "\(w)")
        // Unknown members are refused rather than ignored.
        object["bogus"] = 1
        let stray = try dir.write("stray.json", try JSONSerialization.data(withJSONObject: object).map { $0 })
        let x = try assay("verify-proof", "--log-key", ws.pub(.operator), stray)
        #expect(x.exitCode == 2 && x.stderr.contains("bogus"), "\(x)")
    }
}
