import AssayTestSupport
import Foundation
import Testing

/// Reading a ledger: `log` paging, `show` edges, the file format markers, and proof output.
@Suite("log, show and the ledger file")
struct QueryTests {
    @Test("log pages with --from and --limit; show refuses an entry that does not exist")
    func paging() throws {
        let ws = try SharedFixtures.provedWorkspace()
        let seqs = { (r: CLIResult) in r.stdoutLines.map { $0.split(separator: "\t").first.map(String.init) ?? "" } }
        #expect(seqs(try assay("log", "--ledger", ws.ledger, "--from", "9")) == ["9", "10"])
        #expect(seqs(try assay("log", "--ledger", ws.ledger, "--limit", "3")) == ["0", "1", "2"])
        #expect(seqs(try assay("log", "--ledger", ws.ledger, "--from", "11")) == [])
        #expect(seqs(try assay("log", "--ledger", ws.ledger, "--from", "4", "--limit", "1")) == ["4"])
        let missing = try assay("show", "--ledger", ws.ledger, "11")
        expectRefusal(missing, mentioning: ["no entry 11", "11 entries"])
    }

    @Test("log --from beyond 2^63 lists nothing")
    func logFromHuge() throws {
        let ws = try SharedFixtures.provedWorkspace()
        for from in ["9223372036854775808", "18446744073709551615"] {
            let r = try assay("log", "--ledger", ws.ledger, "--from", from)
            expectSuccess(r)
            #expect(r.stdout.isEmpty, "no entry has seq \(from) or more\n\(r)")
        }
    }

    @Test("log --limit 0 lists nothing")
    func logLimitZero() throws {
        let ws = try SharedFixtures.provedWorkspace()
        let r = try assay("log", "--ledger", ws.ledger, "--limit", "0")
        #expect(r.exitCode == 0 || r.exitCode == 2, "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
    }

    @Test("verify-proof --json prints a JSON result")
    func verifyProofJSON() throws {
        let ws = try SharedFixtures.provedWorkspace()
        let r = try assay("verify-proof", "--log-key", ws.pub(.operator), "--json", ws.file("inc3.txt"))
        expectSuccess(r)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any]
        #expect(object?.isEmpty == false, "\(r)")
    }

    @Test("the ledger file is a WAL-mode SQLite database marked with the Assay application id")
    func fileMarkers() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let db = LedgerSQL(path: ws.ledger)
        #expect(try db.exec("PRAGMA application_id;").stdout == "\(0x4153_5359)\n", "application_id is ASCII 'ASSY'")
        #expect(try db.exec("PRAGMA user_version;").stdout == "1\n")
        #expect(try db.exec("PRAGMA journal_mode;").stdout == "wal\n")
        let tables = try db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;").stdoutLines
        #expect(Set(["records", "nodes", "checkpoints", "meta", "subjects"]).isSubset(of: Set(tables)), "\(tables)")
        #expect(try db.exec("SELECT value FROM meta WHERE key = 'origin';").stdout == testOrigin + "\n")
        #expect(try db.triggers().count >= 11, "every append-only trigger is present")
    }

    @Test("a revoked key's earlier entries still verify; the revocation is in the log")
    func revocationKeepsHistory() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let revoked = try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.supplier),
                                "--reason", "superseded")
        expectSuccess(revoked)
        #expect(revoked.stdout.contains(ws.ref(.supplier)) && revoked.stdout.contains("seq 8"), "\(revoked)")
        let log = try assay("log", "--ledger", ws.ledger)
        #expect(log.stdoutLines.last?.contains("\tKeyRevocation\t\(ws.ref(.operator))\t") == true, "\(log)")
        let verified = try assay("verify", "--ledger", ws.ledger)
        expectSuccess(verified)
        #expect(verified.stdout.hasPrefix("OK: 9 entries, "), "\(verified)")
        // A party may revoke its own key: the manufacturer revokes its key, then can no longer append.
        let own = try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.manufacturer), "--public-key", ws.pub(.manufacturer),
                            "--reason", "compromise")
        expectSuccess(own)
        let after = try ws.sign(Statements.event(99), by: .manufacturer, as: "late.dsse.json")
        expectRefusal(try assay("append", "--ledger", ws.ledger, after), mentioning: ["revoked at seq 9"])
    }
}

/// Several processes appending to one ledger at once serialise on SQLite's write lock.
@Suite("concurrent writers")
struct ConcurrencyTests {
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [CLIResult] = []
        func add(_ r: CLIResult) { lock.lock(); items.append(r); lock.unlock() }
        var all: [CLIResult] { lock.lock(); defer { lock.unlock() }; return items }
    }

    @Test("four appends started together all land, contiguously, and the ledger verifies")
    func concurrentAppends() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        var envelopes: [String] = []
        for n in 0..<4 {
            envelopes.append(try ws.sign(Statements.event(500 + n), by: n % 2 == 0 ? .supplier : .manufacturer, as: "c\(n).dsse.json"))
        }
        let ledger = ws.ledger
        let results = Results()
        let paths = envelopes
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            if let r = try? CLIHarness.assay(["append", "--ledger", ledger, paths[i]]) { results.add(r) }
        }
        let all = results.all
        #expect(all.count == 4)
        for r in all { expectSuccess(r) }
        let seqs = all.compactMap { $0.stdout.split(separator: " ").dropFirst(2).first.flatMap { Int($0) } }.sorted()
        #expect(seqs == [8, 9, 10, 11], "\(all)")
        let verified = try assay("verify", "--ledger", ledger)
        expectSuccess(verified)
        #expect(verified.stdout.hasPrefix("OK: 12 entries, "), "\(verified)")
    }
}
