import AssayCrypto
import AssayLedger
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL section (issue 19): the same figures on a SQLite file and on a PostgreSQL
/// ledger, in one run, each PostgreSQL figure as a ratio to the SQLite one — batched append,
/// single durable append latency, full `assay verify`, and submissions through `assay serve`
/// (one server on the SQLite file; two servers sharing the PostgreSQL ledger, the connections
/// split between them).
///
/// The PostgreSQL server is the one `tools/ci/postgres.sh` starts (its superuser URL in
/// `ASSAY_TEST_POSTGRES_URL`, or `--postgres`): the section creates a database of its own,
/// owned by `assay_owner`, runs `Schemas/postgres/setup.sql` in it for the writer role `assay`
/// (both roles made when missing; `trust` authentication on loopback is assumed, as that
/// script sets up), and drops it at the end.
enum PostgresBench {
    struct Options {
        var entries = 20_000
        var batch = 1000
        var latencySamples = 200
        var seconds = 10.0
        var connections = 64
        var batchConnections = 4

        static let quick = Options(entries: 4000, batch: 500, latencySamples: 50, seconds: 3)
    }

    struct Figures {
        var append = 0.0, p50 = 0.0, p99 = 0.0, verify = 0.0, single = 0.0, batched = 0.0
    }

    static func run(admin: String, dir: String, options o: Options, table: inout ResultTable) throws {
        let database = try BenchDatabase(admin: admin)
        defer { database.drop() }
        note("postgres: ledger database \(database.name) on \(database.server)")
        let sqlite = try measure(dir: dir, postgres: nil, servers: 1, options: o)
        let postgres = try measure(dir: dir, postgres: database.writerURL, servers: 2, options: o)
        let same = "SQLite, same run"
        table.add("SQLite: append, batches of \(o.batch), to \(o.entries) entries", sqlite.append, "entry/s")
        table.add("PostgreSQL: append, batches of \(o.batch), to \(o.entries) entries", postgres.append, "entry/s", limit: sqlite.append, limitName: same)
        table.add("SQLite: single durable append p50", sqlite.p50 * 1000, "ms")
        table.add("SQLite: single durable append p99", sqlite.p99 * 1000, "ms")
        table.add("PostgreSQL: single durable append p50", postgres.p50 * 1000, "ms", limit: sqlite.p50 * 1000, limitName: same)
        table.add("PostgreSQL: single durable append p99", postgres.p99 * 1000, "ms", limit: sqlite.p99 * 1000, limitName: same)
        table.add("SQLite: full verify (assay verify)", sqlite.verify, "entry/s")
        table.add("PostgreSQL: full verify (assay verify)", postgres.verify, "entry/s", limit: sqlite.verify, limitName: same)
        table.add("SQLite, one assay serve: single-envelope submissions, \(o.connections) connections", sqlite.single, "entry/s")
        table.add("PostgreSQL, two assay serve: single-envelope submissions, \(o.connections) connections", postgres.single, "entry/s",
                  limit: sqlite.single, limitName: same)
        table.add("SQLite, one assay serve: batched submissions (\(o.batch) per request)", sqlite.batched, "entry/s")
        table.add("PostgreSQL, two assay serve: batched submissions (\(o.batch) per request)", postgres.batched, "entry/s",
                  limit: sqlite.batched, limitName: same)
    }

    static func measure(dir: String, postgres: String?, servers: Int, options o: Options) throws -> Figures {
        let backend = postgres == nil ? "SQLite" : "PostgreSQL"
        var f = Figures()
        let location: String, keyFile: String, suppliers: [NamedSigningKey], baseSize: UInt64
        do {
            let fixture = try Fixture(dir: dir, name: "backend-\(backend)", postgres: postgres)
            try fixture.grow(to: o.batch, batch: o.batch) // warm-up, not counted
            let before = fixture.appendSeconds, start = Int(try fixture.ledger.size())
            try fixture.grow(to: o.entries, batch: o.batch)
            f.append = Double(o.entries - start) / (fixture.appendSeconds - before)
            let lat = try fixture.singleAppendLatencies(count: o.latencySamples)
            (f.p50, f.p99) = (lat.p50, lat.p99)
            location = fixture.path
            suppliers = fixture.suppliers
            keyFile = (dir as NSString).appendingPathComponent("assay-bench-\(backend)-\(getpid()).operator-key")
            try? FileManager.default.removeItem(atPath: keyFile)
            guard FileManager.default.createFile(atPath: keyFile, contents: Data(fixture.op.secretKeyText().utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationErrorText("cannot write the operator key file \(keyFile)")
            }
            baseSize = try fixture.ledger.size()
        }
        defer {
            try? FileManager.default.removeItem(atPath: keyFile)
            if postgres == nil { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + s) } }
        }
        let v = try Fixture.verifyInChildProcess(ledger: location)
        f.verify = Double(baseSize) / v.seconds
        note("\(backend): append \(Int(f.append))/s, verify \(Int(f.verify))/s of \(baseSize) entries")

        let children = try (0..<servers).map { i in
            try ServerChild(ledger: location, key: keyFile, log: keyFile + ".serve-\(i).log")
        }
        defer { for c in children { c.stop() } }
        let ports = children.map(\.port)
        let host = "127.0.0.1:\(ports[0])"
        var serial = 70_000_000
        var acknowledged = 0
        func run(_ what: String, connections: Int, _ requests: [ByteBuffer], entriesPerAnswer: Int) throws -> LoadGenerator.Result {
            let r = try LoadGenerator.run(ports: ports, connections: connections, requests: requests, cycle: false,
                                          expectStatus: 201, seconds: o.seconds, pacing: .closed)
            let tails = children.map { $0.logTail() }.joined(separator: "\n")
            if let failure = r.failure { throw ValidationErrorText("\(backend) \(what): \(failure)\n\(tails)") }
            guard r.unexpected.isEmpty else { throw ValidationErrorText("\(backend) \(what): answers other than 201: \(r.unexpected)\n\(tails)") }
            if r.exhausted { note("  (\(backend) \(what): the pre-signed requests ran out after \(String(format: "%.1f", r.seconds)) s)") }
            acknowledged += r.completed * entriesPerAnswer
            return r
        }
        func singles(_ count: Int) -> [ByteBuffer] {
            let items = Fixture.envelopes(start: serial, count: count, suppliers: suppliers)
            serial += count
            return items.map { LoadGenerator.post("/v1/entries", json: $0.bytes, host: host) }
        }
        let cap = 20_000.0
        _ = try run("warm-up", connections: o.connections, singles(Int(cap)), entriesPerAnswer: 1)
        f.single = try run("single submissions", connections: o.connections, singles(Int(cap * o.seconds)), entriesPerAnswer: 1).rate
        var batches: [ByteBuffer] = []
        for _ in 0..<(Int((f.append * 1.5 * o.seconds / Double(o.batch)).rounded(.up)) + o.batchConnections) {
            let items = Fixture.envelopes(start: serial, count: o.batch, suppliers: suppliers)
            serial += o.batch
            var body = Array("{\"envelopes\":[".utf8)
            for (i, e) in items.enumerated() {
                if i > 0 { body.append(UInt8(ascii: ",")) }
                body += e.bytes
            }
            body += Array("]}".utf8)
            batches.append(LoadGenerator.post("/v1/entries", json: body, host: host))
        }
        f.batched = try run("batched submissions", connections: o.batchConnections, batches, entriesPerAnswer: o.batch).rate * Double(o.batch)
        for c in children { c.stop() }
        let size = try Ledger.open(at: location).size()
        guard size == baseSize + UInt64(acknowledged) else {
            throw ValidationErrorText("\(backend): \(acknowledged) entries acknowledged with 201 but the ledger holds \(size) (\(baseSize) before the load)")
        }
        note("\(backend): \(acknowledged) acknowledged entries through \(servers) server(s), all in the ledger")
        return f
    }
}

/// A database of the benchmark's own on a PostgreSQL server, made and dropped with `psql`.
struct BenchDatabase {
    let admin: String
    let name = "assay_bench_\(getpid())"
    let writerURL: String
    let server: String

    init(admin: String) throws {
        guard var c = URLComponents(string: admin), c.host != nil || c.queryItems?.contains(where: { $0.name == "host" }) == true else {
            throw ValidationErrorText("--postgres \(admin) is not a postgres://USER@HOST:PORT/DATABASE URL")
        }
        self.admin = admin
        server = "\(c.host ?? "socket"):\(c.port ?? 5432)"
        let setup = FileManager.default.currentDirectoryPath + "/Schemas/postgres/setup.sql"
        guard FileManager.default.fileExists(atPath: setup) else {
            throw ValidationErrorText("run the benchmark from the checkout's root (looked for \(setup))")
        }
        try Self.psql(admin, ["-c", """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'assay_owner') THEN CREATE ROLE assay_owner LOGIN; END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'assay') THEN CREATE ROLE assay LOGIN; END IF;
            END $$
            """, "-c", "DROP DATABASE IF EXISTS \(name)", "-c", "CREATE DATABASE \(name) OWNER assay_owner"])
        c.user = "assay_owner"
        c.password = nil
        c.path = "/" + name
        try Self.psql(c.string!, ["-v", "assay_role=assay", "-f", setup])
        c.user = "assay"
        writerURL = c.string!
    }

    func drop() {
        _ = try? Self.psql(admin, ["-c", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    static func psql(_ url: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url] + arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ValidationErrorText("psql failed (\(p.terminationStatus)): \(String(decoding: message, as: UTF8.self).prefix(500))")
        }
    }
}
