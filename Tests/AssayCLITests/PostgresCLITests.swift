import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The built `assay` on a `postgres://` ledger: the happy path, two processes appending at once,
/// kill -9 of an appending process, and `migrate` both ways with identical roots.
@Suite("assay on PostgreSQL", PostgresTestServer.trait)
struct PostgresCLITests {
    static let product = "https://id.gs1.org/01/04012345000016/21/SN3"

    @Test("init, register, append, log, checkpoint, export, verify on a postgres:// ledger; the password never printed")
    func happyPath() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let L = db.writerURL
        let created = try assay("init", "--ledger", L, "--key", ws.key(.operator), "--origin", testOrigin)
        expectSuccess(created)
        #expect(created.stdout.hasPrefix("created postgres://\(PostgresTestServer.writerRole)@"), "\(created)")
        #expect(!created.stdout.contains("assay-test"), "the password was printed: \(created)")
        let again = try assay("init", "--ledger", L, "--key", ws.key(.operator), "--origin", testOrigin)
        expectRefusal(again, mentioning: ["already holds a ledger"])

        expectSuccess(try assay("register", "--ledger", L, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4012345000009",
                                "--legal-name", "Anna Components GmbH", "--role", "supplier", "--public-key", ws.pub(.supplier)))
        expectSuccess(try assay("register", "--ledger", L, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4098765000003",
                                "--legal-name", "Bob Makers AG", "--role", "manufacturer", "--public-key", ws.pub(.manufacturer)))
        let one = try assay("append", "--ledger", L, try ws.sign(Statements.event(3), by: .supplier, as: "e3.json"))
        expectSuccess(one)
        #expect(one.stdoutLines == ["appended seq 3 GenericEvent by \(ws.ref(.supplier))"], "\(one)")
        try ws.appendEvents(4, from: 4, ledger: L)
        // The same envelope again appends nothing.
        let repeated = try assay("append", "--ledger", L, ws.file("e3.json"))
        expectSuccess(repeated)
        #expect(repeated.stdout.contains("seq 3"), "\(repeated)")

        let log = try assay("log", "--ledger", L)
        expectSuccess(log)
        #expect(log.stdoutLines.map { $0.split(separator: "\t").first.map(String.init) } == (0..<8).map { Optional("\($0)") }, "\(log)")

        let cp = try ws.checkpoint(as: "cp8.txt", ledger: L)
        #expect(try ws.text(cp).contains("\n8\n"), "a checkpoint of size 8")
        let bundle = ws.file("p.assay-bundle")
        expectSuccess(try assay("export", "--ledger", L, "--product", Self.product, "--out", bundle))
        let audit = try assay("verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", testOrigin,
                              "--product", Self.product, "--at", "2030-01-15", "--json")
        #expect(audit.exitCode == 0 || audit.exitCode == 1, "\(audit)")
        #expect(audit.stdout.contains("\"integrity\"") || audit.stdout.contains("integrity"), "\(audit)")

        let verified = try assay("verify", "--ledger", L)
        expectSuccess(verified)
        #expect(verified.stdout.contains("8"), "\(verified)")

        // The same bundle from a SQLite copy of this ledger: byte for byte.
        let copy = ws.file("copy.assay")
        expectSuccess(try assay("migrate", "--from", L, "--to", copy))
        let fromCopy = ws.file("q.assay-bundle")
        expectSuccess(try assay("export", "--ledger", copy, "--product", Self.product, "--out", fromCopy))
        #expect(try ws.read(bundle) == ws.read(fromCopy), "the bundle exported from PostgreSQL differs from the one exported from its SQLite copy")
    }

    /// A fresh database holding a registered ledger (`registered`), the workspace with the keys, and the ledger's URL.
    func registeredDatabase() throws -> (PostgresTestDatabase, Workspace, String) {
        let db = try PostgresTestServer.freshDatabase()
        let ws: Workspace
        do { ws = try Workspace.keysOnly() } catch { db.drop(); throw error }
        do { try registered(ws, db.writerURL) } catch { db.drop(); ws.remove(); throw error }
        return (db, ws, db.writerURL)
    }

    /// A ledger with the supplier and manufacturer registered, by the CLI.
    func registered(_ ws: Workspace, _ L: String) throws {
        try ws.must("init", "--ledger", L, "--key", ws.key(.operator), "--origin", testOrigin)
        try ws.must("register", "--ledger", L, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4012345000009",
                    "--legal-name", "Anna Components GmbH", "--role", "supplier", "--public-key", ws.pub(.supplier))
    }

    @Test("two processes appending to one PostgreSQL ledger at once: contiguous, no fork, verify OK")
    func concurrentProcesses() throws {
        let (db, ws, L) = try registeredDatabase()
        defer { db.drop(); ws.remove() }
        let perWriter = 12
        let files = try (0..<(2 * perWriter)).map { try ws.sign(Statements.event(100 + $0), by: .supplier, as: "c\($0).json") }
        let results = LockedResults()
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for i in 0..<perWriter {
                let r = Result { try assay("append", "--ledger", L, files[w * perWriter + i]) }
                results.add(r)
            }
        }
        var seqs: [Int] = []
        for r in results.all {
            let out = try r.get()
            expectSuccess(out)
            if let s = out.stdout.split(separator: " ").dropFirst(2).first, let n = Int(s) { seqs.append(n) }
        }
        #expect(seqs.sorted() == Array(2..<(2 + 2 * perWriter)), "acknowledged seqs \(seqs.sorted())")
        let verified = try assay("verify", "--ledger", L, "--json")
        expectSuccess(verified)
        #expect(verified.stdout.contains("\"entries\":\(2 + 2 * perWriter)"), "\(verified)")
    }

    @Test("a server that stops answering: the statement gives up after ASSAY_POSTGRES_ANSWER_TIMEOUT, closing the connection, with a one-line error; the ledger is unchanged")
    func answerTimeout() throws {
        let (db, ws, L) = try registeredDatabase()
        defer { db.drop(); ws.remove() }
        // Another session holds an exclusive lock on the records for 30 s: every read of them waits.
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [db.superuserURL, "-q", "-c", "BEGIN; LOCK TABLE assay.records IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;"]
        psql.standardOutput = FileHandle.nullDevice
        psql.standardError = FileHandle.nullDevice
        try psql.run()
        defer { if psql.isRunning { psql.terminate() }; psql.waitUntilExit() }
        var locked = false
        for _ in 0..<100 where !locked {
            let r = try CLIHarness.run(executable: "/usr/bin/psql", [db.superuserURL, "-tA", "-c",
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'records' AND l.mode = 'AccessExclusiveLock' AND l.granted"])
            locked = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1"
            if !locked { usleep(100_000) }
        }
        #expect(locked, "the lock was not taken")
        let r = try CLIHarness.assay(["log", "--ledger", L], environment: ["ASSAY_POSTGRES_ANSWER_TIMEOUT": "2"])
        #expect(r.exitCode != 0, "\(r)")
        #expect(r.stderr.contains("no answer from the server within 2 s, so the connection was closed"), "\(r.stderr)")
        // End the locking session on the server (a killed psql leaves its backend sleeping).
        _ = try CLIHarness.run(executable: "/usr/bin/psql", [db.superuserURL, "-tA", "-c",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE assay.records%' AND pid <> pg_backend_pid()"])
        psql.waitUntilExit()
        expectSuccess(try assay("verify", "--ledger", L))
    }

    @Test("kill -9 of an appending process: every acknowledged entry stays, the ledger verifies, the next append works")
    func killNine() throws {
        let (db, ws, L) = try registeredDatabase()
        defer { db.drop(); ws.remove() }
        let count = 30
        let files = try (0..<count).map { try ws.sign(Statements.event(200 + $0), by: .supplier, as: "k\($0).json") }
        let out = ws.file("acks.txt")
        let script = "for f in " + files.joined(separator: " ") + "; do \"$ASSAY\" append --ledger \"$L\" \"$f\" || exit 1; done"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        var env = ProcessInfo.processInfo.environment
        env["ASSAY"] = try CLIHarness.assayExecutable()
        env["L"] = L
        p.environment = env
        FileManager.default.createFile(atPath: out, contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for a few acknowledgements, then kill -9 whichever append is running, and the loop.
        let deadline = Date().addingTimeInterval(60)
        while (try ws.text(out)).split(separator: "\n").count < 5 && Date() < deadline && p.isRunning { usleep(20_000) }
        usleep(UInt32.random(in: 0...40_000))
        let children = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/task/\(p.processIdentifier)/children", encoding: .utf8)) ?? ""
        kill(p.processIdentifier, SIGKILL)
        for c in children.split(separator: " ").compactMap({ Int32($0) }) { kill(c, SIGKILL) }
        p.waitUntilExit()
        let acked = try ws.text(out).split(separator: "\n").compactMap { line -> Int? in
            line.hasPrefix("appended seq ") ? Int(line.split(separator: " ")[2]) : nil
        }
        #expect(acked.count >= 5, "acknowledged before the kill: \(acked)")
        #expect(acked == Array(2..<(2 + acked.count)), "acknowledged seqs \(acked)")
        // Every acknowledged entry is there, with its envelope.
        let raw = try PostgresTamperer(url: db.superuserURL)
        for (i, seq) in acked.enumerated() {
            let stored = try raw.blob("SELECT envelope FROM records WHERE seq = ?1", [.int(Int64(seq))])
            let sent = try ws.read(files[i]).filter { $0 != 0x0A }
            #expect(stored != nil && stored! == sent, "seq \(seq)")
        }
        let size = try raw.query("SELECT count(*) FROM records", []).first?.first
        #expect(size == .int(Int64(2 + acked.count)) || size == .int(Int64(3 + acked.count)), "at most the killed append's entry beyond the acknowledged ones: \(String(describing: size))")
        expectSuccess(try assay("verify", "--ledger", L))
        let next = try assay("append", "--ledger", L, files[count - 1])
        expectSuccess(next)
        expectSuccess(try assay("verify", "--ledger", L))
    }

    @Test("migrate SQLite → PostgreSQL → SQLite: the same records, nodes, subjects, event ids, checkpoints, cosignatures and root; refuses a non-empty target")
    func migrateBothWays() throws {
        let db = try PostgresTestServer.freshDatabase()
        defer { db.drop() }
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp = try ws.checkpoint(as: "cp8.txt")
        let state = ws.file("witness-state")
        try ws.must("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator))
        let cosigned = try ws.write("cp8w.txt", try ws.must("witness", "cosign", "--checkpoint", cp, "--key", ws.key(.witness), "--state", state).stdout)
        try ws.must("cosignatures", "add", "--ledger", ws.ledger, cosigned)
        try ws.appendEvents(3, from: 40, ledger: ws.ledger)
        try ws.checkpoint(as: "cp11.txt")

        let there = try assay("migrate", "--from", ws.ledger, "--to", db.writerURL, "--json")
        expectSuccess(there)
        #expect(there.stdout.contains("\"records\":11") && there.stdout.contains("\"checkpoints\":2") && there.stdout.contains("\"cosignatures\":1"), "\(there)")
        #expect(!there.stdout.contains("assay-test"), "the password was printed")
        let back = ws.file("back.assay")
        let home = try assay("migrate", "--from", db.writerURL, "--to", back, "--json")
        expectSuccess(home)

        func root(_ r: CLIResult) -> String? {
            (try? JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])?["root"] as? String
        }
        #expect(root(there) != nil && root(there) == root(home), "roots: \(there.stdout) \(home.stdout)")
        for L in [ws.ledger, db.writerURL, back] { expectSuccess(try assay("verify", "--ledger", L)) }
        let latest = try [ws.ledger, db.writerURL, back].map { try assay("checkpoint", "--ledger", $0, "--latest").stdout }
        #expect(latest[0] == latest[1] && latest[1] == latest[2] && latest[0].contains("\n11\n"), "\(latest)")

        // Row for row, the original file and the round trip agree.
        for sql in ["SELECT seq, appended_at, kind, signer, hex(envelope), hex(leaf_hash), hex(chain_hash) FROM records ORDER BY seq",
                    "SELECT id, hex(hash) FROM nodes ORDER BY id", "SELECT subject, seq FROM subjects ORDER BY seq, subject",
                    "SELECT id, seq FROM event_ids ORDER BY seq, id", "SELECT size, created_at, hex(note) FROM checkpoints ORDER BY size",
                    "SELECT size, witness, key_id, hex(body), line, created_at FROM cosignatures ORDER BY size, witness, key_id",
                    "SELECT key, value FROM meta ORDER BY key"] {
            let a = try CLIHarness.sqlite3(ws.ledger, sql), b = try CLIHarness.sqlite3(back, sql)
            #expect(a.exitCode == 0 && !a.stdout.isEmpty || sql.contains("event_ids"), "\(a)")
            #expect(a.stdout == b.stdout, "\(sql) differs after the round trip")
        }

        let refused = try assay("migrate", "--from", ws.ledger, "--to", db.writerURL)
        expectRefusal(refused, mentioning: ["already holds a ledger"])
        let refusedFile = try assay("migrate", "--from", db.writerURL, "--to", back)
        expectRefusal(refusedFile, mentioning: ["already exists"])
    }
}

/// Results gathered from several threads.
final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<CLIResult, any Error>] = []
    func add(_ r: Result<CLIResult, any Error>) { lock.withLock { results.append(r) } }
    var all: [Result<CLIResult, any Error>] { lock.withLock { results } }
}
