import AssayCrypto
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Several `assay serve` processes on one PostgreSQL ledger: each takes submissions, one group
/// commit sequences at a time (the advisory lock), kill -9 of one loses nothing acknowledged,
/// makes no fork or gap, and every survivor serves what any of them acknowledged.
@Suite("assay serve on PostgreSQL", PostgresTestServer.trait)
struct PostgresServersTests {
    @Test("three servers, one PostgreSQL ledger, kill -9 of one mid-load: every 201 is in the ledger once, contiguous, verify OK, survivors serve every entry")
    func threeServersKillOne() throws {
        let ws = try ServerWorkspace(postgres: true)
        defer { ws.remove() }
        let servers = try (0..<3).map { _ in try ServerProcess(ws) }
        let acked = Locked<[(seq: UInt64, leaf: Digest, server: Int)]>([])
        let next = Locked<Int>(0)
        let stop = Locked<Bool>(false)
        let victim = 0
        let killer = Thread {
            usleep(1_500_000)
            servers[victim].signal(SIGKILL)
            usleep(1_500_000)
            stop.withLock { $0 = true }
        }
        killer.start()
        try? onThreads(12) { t in
            let s = t % servers.count
            let client = try servers[s].client()
            while !stop.withLock({ $0 }) {
                let n = next.withLock { v -> Int in v += 1; return v }
                let r: HTTPTestResponse
                do { r = try client.postJSON("/v1/entries", ServerWorkspace.event(2_000_000 + n)) } catch {
                    if s == victim { return } // its connection died with it
                    throw error
                }
                guard r.status == 201, let obj = r.json else { throw TestFailure("server \(s): \(r)") }
                let receipt = try EntryReceipt(obj)
                acked.withLock { $0.append((receipt.seq, receipt.leafHash, s)) }
            }
        }
        let end = servers[victim].wait()
        #expect(end.signal == SIGKILL)
        let receipts = acked.withLock { $0 }
        #expect(receipts.count > 30, "the load acknowledged \(receipts.count) entries")
        #expect(Set(receipts.map(\.server)).count == 3, "every server acknowledged entries: \(Set(receipts.map(\.server)))")
        // No fork: one leaf per acknowledged seq.
        var bySeq: [UInt64: Digest] = [:]
        for r in receipts {
            if let other = bySeq[r.seq] { #expect(other == r.leaf, "seq \(r.seq) acknowledged with two leaves (a fork)") }
            bySeq[r.seq] = r.leaf
        }
        #expect(bySeq.count == receipts.count, "an acknowledged seq given twice")

        let verify = try ws.verify()
        #expect(verify.exitCode == 0, "\(verify)")
        let leaves = try DurabilityTests.leaves(ws)
        #expect(leaves.keys.sorted() == Array(0..<UInt64(leaves.count)), "the ledger's seqs are contiguous")
        let missing = bySeq.filter { leaves[$0.key] != $0.value.hex }
        #expect(missing.isEmpty, "\(missing.count) acknowledged entries missing or different, e.g. seq \(missing.keys.sorted().prefix(5))")

        // A survivor serves an entry the killed server acknowledged, and accepts more.
        if let fromVictim = receipts.first(where: { $0.server == victim }) {
            let r = try servers[1].client().request("GET", "/v1/entries/\(fromVictim.seq)")
            #expect(r.status == 200, "\(r)")
        }
        let more = try servers[2].client().postJSON("/v1/entries", ServerWorkspace.event(9))
        #expect(more.status == 201, "\(more)")
        #expect(try EntryReceipt(try #require(more.json)).seq == UInt64(leaves.count), "the next entry follows the last one")
        for s in servers.dropFirst() { s.signal(SIGTERM) }
        for s in servers.dropFirst() { #expect(s.wait().status == 0) }
    }

    @Test("the connection to PostgreSQL lost in a group's transaction: a 503 that says what is known, nothing acknowledged; the ledger verifies and holds the entry exactly when it was committed; the same envelope again is 200 with that seq or 201; the server reconnects and goes on",
          arguments: [CommitCuttingProxy.Cut.midTransaction, .beforeCommit, .afterCommit])
    func connectionLostInCommit(_ cut: CommitCuttingProxy.Cut) throws {
        let ws = try ServerWorkspace(postgres: true)
        defer { ws.remove() }
        // The server reaches PostgreSQL only through the relay.
        let direct = try #require(URLComponents(string: ws.ledger))
        let proxy = try CommitCuttingProxy(upstreamPort: try #require(direct.port))
        defer { proxy.stop() }
        var relayed = direct
        relayed.port = proxy.port
        let server = try ServerProcess(ledger: try #require(relayed.string), keyFile: ws.operatorKeyFile, outputDirectory: ws.dir.path)
        let client = try server.client()
        let first = try client.postJSON("/v1/entries", ServerWorkspace.event(1))
        #expect(first.status == 201, "\(first)")
        let before = try EntryReceipt(try #require(first.json))

        proxy.arm(cut)
        let lost = try client.postJSON("/v1/entries", ServerWorkspace.event(2))
        #expect(proxy.cutCount == 1, "\(cut): the relay did not cut the connection")
        #expect(lost.status == 503, "\(cut): \(lost)")
        #expect(lost.headers["retry-after"] == "1", "\(lost)")
        #expect(lost.text.contains("commit-failed"), "\(lost)")
        if cut == .midTransaction {
            // Lost before COMMIT was sent: PostgreSQL rolls back, and the answer may say so.
            #expect(lost.text.contains("nothing of this submission was written"), "\(cut): \(lost)")
        } else {
            // Lost with the COMMIT sent or about to be: whether it committed is unknown.
            #expect(lost.text.contains("lost during COMMIT") && lost.text.contains("submit the same envelopes again")
                    && !lost.text.contains("nothing of this submission was written"), "\(cut): \(lost)")
        }

        // The ledger (read directly) verifies and holds the entry exactly when it was committed.
        let verify = try ws.verify()
        #expect(verify.exitCode == 0, "\(verify)")
        let committed = cut == .afterCommit
        #expect(try ws.ledgerSize() == Int(before.seq) + (committed ? 2 : 1), "\(cut)")

        // Submitted again, through the reconnected server: the committed entry, or a new one at the same place.
        let again = try client.postJSON("/v1/entries", ServerWorkspace.event(2))
        #expect(again.status == (committed ? 200 : 201), "\(cut): \(again)")
        #expect(try EntryReceipt(try #require(again.json)).seq == before.seq + 1)
        let next = try client.postJSON("/v1/entries", ServerWorkspace.event(3))
        #expect(next.status == 201, "\(next)")
        #expect(try EntryReceipt(try #require(next.json)).seq == before.seq + 2)
        #expect(try ws.verify().exitCode == 0)
        server.signal(SIGTERM)
        #expect(server.wait().status == 0)
    }
}
