import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// What a 201 promises: the entry is committed. Killing the server (SIGKILL) during a load
/// loses nothing acknowledged and leaves no partial group; SIGTERM answers what is in flight,
/// then exits 0.
@Suite("server: durability and shutdown", .serialized)
struct DurabilityTests {
    /// The ledger's records as `assay log --json` lists them: leaf hash (hex) by seq.
    static func leaves(_ ws: ServerWorkspace) throws -> [UInt64: String] {
        let r = try CLIHarness.assay(["log", "--json", "--ledger", ws.ledger])
        guard r.exitCode == 0 else { throw TestFailure("assay log failed:\n\(r)") }
        var out: [UInt64: String] = [:]
        for line in r.stdout.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let seq = obj["seq"] as? Int, let leaf = obj["leafHash"] as? String else { throw TestFailure("bad log line \(line)") }
            out[UInt64(seq)] = leaf
        }
        return out
    }

    /// The tree size of the latest stored checkpoint (nil when there is none).
    static func latestCheckpointSize(_ ws: ServerWorkspace) throws -> Int? {
        let r = try CLIHarness.assay(["checkpoint", "--latest", "--json", "--ledger", ws.ledger])
        guard r.exitCode == 0 else { return nil }
        return (try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])?["size"] as? Int
    }

    @Test("kill -9 during a submission load, 5 rounds: every 201-acknowledged entry is there after restart, assay verify OK, no partial group")
    func killDuringLoad() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let acked = Locked<[UInt64: Digest]>([:])
        let next = Locked<Int>(0)
        for round in 0..<5 {
            let server = try ServerProcess(ws)
            let stop = Locked<Bool>(false)
            let killer = Thread {
                usleep(useconds_t(300_000 + round * 150_000))
                server.signal(SIGKILL)
                stop.withLock { $0 = true }
            }
            killer.start()
            // Clients submit until their connection dies; only complete 201 answers count.
            try? onThreads(16) { _ in
                let client = try server.client()
                while !stop.withLock({ $0 }) {
                    let n = next.withLock { v -> Int in v += 1; return v }
                    let r: HTTPTestResponse
                    do { r = try client.postJSON("/v1/entries", ServerWorkspace.event(1_000_000 + n)) } catch { return }
                    guard r.status == 201, let obj = r.json else { throw TestFailure("round \(round): \(r)") }
                    let receipt = try EntryReceipt(obj)
                    acked.withLock { $0[receipt.seq] = receipt.leafHash }
                }
            }
            let end = server.wait()
            #expect(end.signal == SIGKILL, "round \(round): the server was killed, not stopped (\(end.status.map(String.init) ?? "-"))")

            // After the crash: the file verifies, every acknowledged entry is there with its
            // leaf hash, and the latest checkpoint covers the whole ledger (a group and its
            // checkpoint commit together, so no group is half there).
            let verify = try ws.verify()
            #expect(verify.exitCode == 0, "round \(round): \(verify)")
            let leaves = try Self.leaves(ws)
            let ackedNow = acked.withLock { $0 }
            let missing = ackedNow.filter { leaves[$0.key] != $0.value.hex }
            #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged entries missing or different, e.g. seq \(missing.keys.sorted().prefix(5))")
            if let cp = try Self.latestCheckpointSize(ws) {
                #expect(cp == leaves.count, "round \(round): latest checkpoint size \(cp), ledger has \(leaves.count) records")
            }
        }
        let total = acked.withLock { $0.count }
        #expect(total > 50, "the load acknowledged \(total) entries over 5 rounds")

        // The restarted server carries on from where the file is.
        let server = try ServerProcess(ws)
        let client = try server.client()
        let r = try client.postJSON("/v1/entries", ServerWorkspace.event(7))
        #expect(r.status == 201, "\(r)")
        let receipt = try EntryReceipt(try #require(r.json))
        #expect(Int(receipt.seq) == (try Self.leaves(ws).count) - 1)
    }

    @Test("SIGTERM: a request in flight is answered 201 and committed, new connections are refused, exit 0")
    func gracefulShutdown() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        // A request in flight: its head and half its body are sent before the signal.
        let envelope = ServerWorkspace.event(42)
        let inFlight = try server.client()
        try inFlight.write(Array("POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(envelope.count)\r\n\r\n".utf8)
                           + envelope.prefix(envelope.count / 2))
        usleep(200_000)
        server.signal(SIGTERM)
        usleep(300_000)
        #expect(server.isRunning, "the server waits for the request in flight")
        try inFlight.write(Array(envelope.suffix(envelope.count - envelope.count / 2)))
        let r = try inFlight.readResponse()
        #expect(r.status == 201, "\(r)")
        let receipt = try EntryReceipt(try #require(r.json))
        let end = server.wait(timeout: 30)
        #expect(end.status == 0 && !end.timedOut, "exit \(end.status.map(String.init) ?? "signal \(end.signal ?? -1)")\n\(end.stderr.suffix(2000))")
        #expect(throws: (any Error).self, "no new connections after shutdown") { _ = try HTTPTestClient(port: server.port).request("GET", "/healthz") }
        #expect(try Self.leaves(ws)[receipt.seq] == receipt.leafHash.hex)
        #expect(try ws.verify().exitCode == 0)
    }

    @Test("a shutdown that cannot finish (another process holds the file's write lock): exit 3 after --shutdown-timeout with one critical line naming the submission in flight, which is never answered; nothing is written")
    func shutdownDeadline() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let before = try ws.ledgerSize()
        let server = try ServerProcess(ws, extraArguments: ["--shutdown-timeout", "2"])
        // Another process takes the write lock and keeps it: the group commit waits for it
        // (SQLite's busy timeout, 30 s).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: try CLIHarness.sqliteExecutable())
        holder.arguments = [ws.ledger]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer {
            if holder.isRunning { holder.terminate() }
            holder.waitUntilExit()
        }
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 1;\n".utf8))
        usleep(500_000)
        let envelope = ServerWorkspace.event(43)
        let client = try server.client()
        try client.write(Array("POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(envelope.count)\r\n\r\n".utf8) + envelope)
        usleep(700_000)
        let start = Date()
        server.signal(SIGTERM)
        let end = server.wait(timeout: 30)
        let took = Date().timeIntervalSince(start)
        #expect(end.status == 3 && !end.timedOut, "exit \(end.status.map(String.init) ?? "signal \(end.signal ?? -1)") after \(took) s\n\(end.stderr.suffix(2000))")
        #expect(took >= 1.5 && took < 15, "the deadline is 2 s; the server ended after \(took) s")
        let lines = end.stderr.split(separator: "\n").filter { $0.contains("shutdown did not finish within 2 s") }
        #expect(lines.count == 1 && lines[0].contains("1 submission(s) in flight"), "\(end.stderr.suffix(2000))")
        #expect(throws: (any Error).self, "the submission in flight got no answer") { _ = try client.readResponse() }
        // With the lock released, the ledger is as it was and verifies.
        try? input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(try ws.ledgerSize() == before)
        #expect(try ws.verify().exitCode == 0)
    }

    @Test("SIGTERM during a load: every answer received is a 201 whose entry is committed; exit 0")
    func shutdownDuringLoad() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let acked = Locked<[UInt64: Digest]>([:])
        let next = Locked<Int>(0)
        let signaller = Thread {
            usleep(500_000)
            server.signal(SIGTERM)
        }
        signaller.start()
        try onThreads(16) { _ in
            let client = try server.client()
            while true {
                let n = next.withLock { v -> Int in v += 1; return v }
                let r: HTTPTestResponse
                do { r = try client.postJSON("/v1/entries", ServerWorkspace.event(2_000_000 + n)) } catch { return }
                guard r.status == 201, let obj = r.json else { throw TestFailure("\(r)") }
                let receipt = try EntryReceipt(obj)
                acked.withLock { $0[receipt.seq] = receipt.leafHash }
            }
        }
        let end = server.wait(timeout: 30)
        #expect(end.status == 0 && !end.timedOut, "\(end.stderr.suffix(2000))")
        let leaves = try Self.leaves(ws)
        let all = acked.withLock { $0 }
        #expect(!all.isEmpty)
        #expect(all.allSatisfy { leaves[$0.key] == $0.value.hex })
        #expect(try ws.verify().exitCode == 0)
    }
}
