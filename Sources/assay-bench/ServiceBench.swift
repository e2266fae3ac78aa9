import AssayCrypto
import AssayLedger
import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The service section (issue 17): a real `assay serve` (the release build beside this
/// benchmark) on a fresh ledger with four registered suppliers, loaded over loopback from this
/// process by `LoadGenerator`. Every envelope is signed, and every request encoded, before its
/// phase's clock starts. The figures are held against the in-process batched append rate,
/// measured in the same run on a fresh ledger of its own.
enum ServiceBench {
    struct Options {
        /// Length of each measured phase.
        var seconds = 10.0
        /// Unreported load first (the server's caches, the connections' first requests).
        var warmup = 2.0
        /// Connections of the single-envelope phases.
        var connections = 64
        /// Connections of the batched phase, and envelopes per batch request.
        var batchConnections = 4
        var batch = 1000
        /// Entries appended in-process (batches of `batch`) for the reference rate.
        var referenceEntries = 100_000
        /// Connections of the tile phases.
        var tileConnections = 16

        static let quick = Options(seconds: 3, warmup: 1, referenceEntries: 20_000)
    }

    static func run(dir: String, options o: Options, table: inout ResultTable) throws {
        // The in-process reference: batched append on a fresh ledger, only the append calls timed.
        let reference: Double, referenceCPU: Double
        do {
            let ref = try Fixture(dir: dir, name: "service-ref")
            defer { ref.remove() }
            try ref.grow(to: o.batch * 2, batch: o.batch) // warm-up, not counted
            let before = ref.appendSeconds, cpuBefore = ref.appendCPUSeconds
            try ref.grow(to: o.batch * 2 + o.referenceEntries, batch: o.batch)
            reference = Double(o.referenceEntries) / (ref.appendSeconds - before)
            referenceCPU = (ref.appendCPUSeconds - cpuBefore) / Double(o.referenceEntries)
        }
        let refName = "in-process append, batches of \(o.batch)"
        table.add("service reference: \(refName), fresh ledger, \(o.referenceEntries) entries", reference, "entry/s")
        // The CPU an entry costs on the library's fastest path: the service cannot go faster than
        // the cores divided by what it spends per entry, and spends at least this.
        table.add("service reference: in-process append CPU per entry", referenceCPU * 1e6, "µs")

        // The service's ledger: genesis, the operator, four registered suppliers; the handle is
        // closed before the server opens the file.
        let path: String, keyFile: String, suppliers: [NamedSigningKey], baseSize: UInt64
        do {
            let f = try Fixture(dir: dir, name: "service")
            baseSize = try f.ledger.size()
            path = f.path
            suppliers = f.suppliers
            keyFile = f.path + ".operator-key"
            try? FileManager.default.removeItem(atPath: keyFile)
            guard FileManager.default.createFile(atPath: keyFile, contents: Data(f.op.secretKeyText().utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ValidationErrorText("cannot write the operator key file \(keyFile)")
            }
        }
        defer {
            for s in ["", "-wal", "-shm", ".operator-key", ".serve-log"] { try? FileManager.default.removeItem(atPath: path + s) }
        }
        let server = try ServerChild(ledger: path, key: keyFile, log: path + ".serve-log")
        defer { server.stop() }
        let host = "127.0.0.1:\(server.port)"
        note("service: assay serve listening on \(host), ledger \(path)")

        var nextSerial = 50_000_000
        var acknowledged = 0
        /// `count` new envelopes, each as its own POST /v1/entries request.
        func singles(_ count: Int) -> [ByteBuffer] {
            let items = Fixture.envelopes(start: nextSerial, count: count, suppliers: suppliers)
            nextSerial += count
            return items.map { LoadGenerator.post("/v1/entries", json: $0.bytes, host: host) }
        }
        func load(_ what: String, connections: Int, _ requests: [ByteBuffer], cycle: Bool = false, expect: Int,
                  seconds: Double, pacing: LoadGenerator.Pacing) throws -> LoadGenerator.Result {
            note("service: \(what): \(requests.count) requests ready, \(connections) connections, \(String(format: "%.0f", seconds)) s")
            let before = (server: server.cpuSeconds(), generator: CPUTime.ofThisProcess())
            var r = try LoadGenerator.run(port: server.port, connections: connections, requests: requests, cycle: cycle,
                                          expectStatus: expect, seconds: seconds, pacing: pacing)
            r.serverCPU = server.cpuSeconds() - before.server
            r.generatorCPU = CPUTime.ofThisProcess() - before.generator
            if let f = r.failure { throw ValidationErrorText("service bench, \(what): \(f)\n\(server.logTail())") }
            guard r.unexpected.isEmpty else {
                throw ValidationErrorText("service bench, \(what): answers other than \(expect): \(r.unexpected)\n\(server.logTail())")
            }
            if r.exhausted { note("  (\(what): the pre-signed requests ran out after \(String(format: "%.1f", r.seconds)) s; the rate is over that time)") }
            if expect == 201 { acknowledged += r.completed }
            return r
        }

        /// Where the cores went in a phase: CPU time of the server and of this load generator per
        /// entry (or per request, for reads), and the share of the machine's cores they used
        /// together (below 100%: the server waits on something other than the CPU, such as the disk).
        func cpuFigures(_ what: String, _ r: LoadGenerator.Result, perEntry: Int, unit: String = "entry") {
            let entries = Double(r.completed * perEntry)
            guard entries > 0, r.seconds > 0 else { return }
            table.add("service: \(what), server CPU per \(unit)", r.serverCPU / entries * 1e6, "µs")
            table.add("service: \(what), load generator CPU per \(unit)", r.generatorCPU / entries * 1e6, "µs")
            table.add("service: \(what), cores busy (server + generator)", (r.serverCPU + r.generatorCPU) / r.seconds,
                      "cores", limit: Double(ProcessInfo.processInfo.activeProcessorCount), limitName: "cores")
            // What these costs allow on this machine, everything else being free.
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            table.add("service: \(what), most the cores allow at that CPU per \(unit)", cores * entries / (r.serverCPU + r.generatorCPU),
                      "\(unit)/s")
        }

        // Warm-up, not reported.
        let perSecondCap = 25_000.0
        _ = try load("warm-up", connections: o.connections, singles(Int(perSecondCap * o.warmup)), expect: 201,
                     seconds: o.warmup, pacing: .closed)

        // (a) Single envelopes from 64 keep-alive connections, as fast as the server answers.
        let closed = try load("single submissions", connections: o.connections, singles(Int(perSecondCap * o.seconds)), expect: 201,
                              seconds: o.seconds, pacing: .closed)
        table.add("service: single-envelope submissions, \(o.connections) connections, closed loop", closed.rate, "entry/s",
                  limit: reference, limitName: refName)
        table.add("service: single-envelope latency p50 at that load", closed.percentile(0.5) * 1000, "ms")
        table.add("service: single-envelope latency p99 at that load", closed.percentile(0.99) * 1000, "ms")
        cpuFigures("single-envelope", closed, perEntry: 1)

        // The same at 80% of that rate, paced (open loop): latency from each request's due time.
        // Twice the connections: at 80% of what 64 connections drew, 64 would be busy most of
        // the time, and requests falling due meanwhile would wait in the generator for a free
        // connection (and count that wait), measuring the client's pool instead of the server.
        let offered = closed.rate * 0.8
        let pacedConnections = o.connections * 2
        let paced = try load("paced submissions", connections: pacedConnections, singles(Int(offered * o.seconds) + 1000), expect: 201,
                             seconds: o.seconds, pacing: .open(perSecond: offered))
        table.add("service: paced at 80% (\(Int(offered)) entry/s offered, \(pacedConnections) connections), achieved", paced.rate, "entry/s",
                  limit: offered, limitName: "offered")
        table.add("service: paced at 80%, latency p50", paced.percentile(0.5) * 1000, "ms")
        table.add("service: paced at 80%, latency p99", paced.percentile(0.99) * 1000, "ms")

        // (b) Batched submissions: `batch` envelopes a request, a few connections.
        let batches = Int((reference * 1.5 * o.seconds / Double(o.batch)).rounded(.up)) + o.batchConnections
        var batchRequests: [ByteBuffer] = []
        for _ in 0..<batches {
            let items = Fixture.envelopes(start: nextSerial, count: o.batch, suppliers: suppliers)
            nextSerial += o.batch
            var body = Array("{\"envelopes\":[".utf8)
            for (i, e) in items.enumerated() {
                if i > 0 { body.append(UInt8(ascii: ",")) }
                body += e.bytes
            }
            body += Array("]}".utf8)
            batchRequests.append(LoadGenerator.post("/v1/entries", json: body, host: host))
        }
        let batched = try load("batched submissions", connections: o.batchConnections, batchRequests, expect: 201,
                               seconds: o.seconds, pacing: .closed)
        acknowledged += batched.completed * (o.batch - 1) // each 201 answer acknowledged `batch` entries
        table.add("service: batched submissions (\(o.batch) per request, \(o.batchConnections) connections)",
                  batched.rate * Double(o.batch), "entry/s", limit: reference, limitName: refName)
        table.add("service: batched request latency p50", batched.percentile(0.5) * 1000, "ms")
        cpuFigures("batched", batched, perEntry: o.batch)

        // (c) Tiles: a full hash tile (level 0, 256 hashes) and a full entry bundle (256 records).
        for (name, tilePath) in [("full hash tile /tile/0/000", "/tile/0/000"), ("full entry bundle /tile/entries/000", "/tile/entries/000")] {
            let r = try load(name, connections: o.tileConnections, [LoadGenerator.get(tilePath, host: host)], cycle: true, expect: 200,
                             seconds: o.seconds / 2, pacing: .closed)
            table.add("service: GET \(name), \(o.tileConnections) connections", r.rate, "req/s")
            // A read does no ledger work: its server CPU is what one HTTP request costs here.
            cpuFigures("GET \(name)", r, perEntry: 1, unit: "request")
        }

        // Every acknowledged entry is in the ledger after a clean stop.
        server.stop()
        let size = try Ledger.open(at: path).size()
        guard size == baseSize + UInt64(acknowledged) else {
            throw ValidationErrorText("service bench: \(acknowledged) entries acknowledged with 201 but the ledger holds \(size) (\(baseSize) before the load)")
        }
        note("service: \(acknowledged) acknowledged entries, all in the ledger (\(size) entries); \(server.groupLine())")
    }
}

/// `assay serve` as a child process on 127.0.0.1 with port 0; its log goes to a file.
final class ServerChild {
    let port: Int
    private let process = Process()
    private let logPath: String
    private var stopped = false

    init(ledger: String, key: String, log: String) throws {
        logPath = log
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: try Fixture.assayExecutable())
        process.arguments = ["serve", "--ledger", ledger, "--key", key, "--listen", "127.0.0.1:0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        try process.run()
        var line = Data()
        while !line.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let colon = text.split(separator: "\n").first?.lastIndex(of: ":"),
              let p = Int(text.split(separator: "\n").first![text.index(after: colon)...]) else {
            process.terminate()
            throw ValidationErrorText("assay serve did not print its address: \(text)\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        port = p
    }

    /// SIGTERM, then waits: the server answers what is in flight and exits.
    func stop() {
        guard !stopped else { return }
        stopped = true
        process.terminate()
        process.waitUntilExit()
    }

    /// User and system CPU seconds the server process has used so far (`/proc/PID/stat`).
    func cpuSeconds() -> Double {
        CPUTime.ofProcess(process.processIdentifier)
    }

    func logTail() -> String {
        String(((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(2000))
    }

    /// The sequencer's closing log line (groups committed, entries appended), if present.
    func groupLine() -> String {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").last { $0.contains("sequencer closed") }.map(String.init) ?? "no sequencer summary in the log"
    }
}

/// CPU time used by a process, user and system together.
enum CPUTime {
    /// This process, from getrusage.
    static func ofThisProcess() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(u.ru_utime) + s(u.ru_stime)
    }

    /// Another process, from /proc/PID/stat (fields 14 and 15, in clock ticks); 0 when unreadable.
    static func ofProcess(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
