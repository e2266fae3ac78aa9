import AssayTestSupport
import Foundation
import Testing

/// Appending an envelope the ledger already holds returns the existing entry, as Rekor does,
/// and says so: nothing is appended a second time.
@Suite("append of an envelope already present")
struct DuplicateAppendTests {
    @Test("the second append of the same envelope prints 'already present at seq N', appends nothing; --json says alreadyPresent")
    func secondAppend() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
        try ws.must("register", "--ledger", ws.ledger, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4012345000009",
                    "--legal-name", "Chips Ltd", "--role", "supplier", "--public-key", ws.pub(.supplier))
        let event = try ws.write("e.json", #"{"type":"GenericEvent","subject":"https://id.gs1.org/01/04012345000016/21/SN1","action":"inspected","eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#)
        let env = try ws.write("e.dsse", try ws.must("sign", "--key", ws.key(.supplier), event).stdout)
        let first = try ws.must("append", "--ledger", ws.ledger, env)
        #expect(first.stdout.hasPrefix("appended seq 2"), "\(first)")
        let again = try ws.must("append", "--ledger", ws.ledger, env)
        #expect(again.stdout.hasPrefix("already present at seq 2"), "\(again)")
        let json = try ws.must("append", "--ledger", ws.ledger, "--json", env)
        let line = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(line["seq"] as? Int == 2 && line["alreadyPresent"] as? Bool == true, "\(json)")
        let log = try ws.must("log", "--ledger", ws.ledger)
        #expect(log.stdoutLines.count == 3, "genesis, registration, one event: \(log)")
        try ws.must("verify", "--ledger", ws.ledger)
    }
}
