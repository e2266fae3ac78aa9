import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// Concurrent submissions are committed in groups: every one is acknowledged with a proof, the
/// sequence numbers are contiguous, and the ledger verifies.
@Suite("server: group commit", .serialized)
struct GroupCommitTests {
    @Test("64 concurrent keep-alive clients × 25 submissions: all 201, seqs contiguous, every proof verifies, assay verify OK")
    func concurrentClients() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let clients = 64, perClient = 25
        let receipts = Locked<[EntryReceipt]>([])
        try onThreads(clients) { c in
            let client = try server.client()
            for i in 0..<perClient {
                let r = try client.postJSON("/v1/entries", ServerWorkspace.event(10_000 + c * perClient + i))
                guard r.status == 201, let obj = r.json else { throw TestFailure("client \(c) item \(i): \(r)") }
                let receipt = try EntryReceipt(obj)
                receipts.withLock { $0.append(receipt) }
            }
        }
        let all = receipts.withLock { $0 }
        #expect(all.count == clients * perClient)
        let seqs = all.map(\.seq).sorted()
        #expect(seqs == Array(3..<UInt64(3 + clients * perClient)), "every acknowledged seq distinct and contiguous after the registrations")
        // Fewer checkpoints than entries: submissions were grouped.
        let sizes = Set(all.map(\.treeSize))
        #expect(sizes.count < all.count, "\(sizes.count) checkpoints for \(all.count) entries")
        // Each entry is in its checkpoint's tree; the largest checkpoint covers them all.
        #expect(all.allSatisfy { $0.seq < $0.treeSize })
        #expect(sizes.max() == UInt64(3 + clients * perClient))

        server.signal(SIGTERM)
        let end = server.wait()
        #expect(end.status == 0, "\(end.stderr.suffix(2000))")
        let verify = try ws.verify()
        #expect(verify.exitCode == 0, "\(verify)")
        #expect(try ws.ledgerSize() == 3 + clients * perClient)
    }

    @Test("a batch with one bad item: the others are committed (201 each), the bad one gets its problem; a batch of nothing new: 200")
    func batchWithOneBadItem() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let good = (0..<5).map { ServerWorkspace.event(100 + $0) }
        let bad = Fixtures.envelope(Fixtures.event(999), by: Fixtures.strangerKey)
        var items = good
        items.insert(bad, at: 2)
        items.append(good[0]) // a repeat within the batch
        let body = "{\"envelopes\":[" + items.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]}"
        let r = try client.postJSON("/v1/entries", Array(body.utf8))
        #expect(r.status == 201, "\(r)")
        let results = try #require(r.json?["results"] as? [[String: Any]], "\(r)")
        try #require(results.count == 7)
        var seqs: [UInt64] = []
        for (i, item) in results.enumerated() where i != 2 && i != 6 {
            #expect((item["status"] as? Int) == 201, "item \(i): \(item)")
            seqs.append(try EntryReceipt(item).seq)
        }
        #expect(seqs == [3, 4, 5, 6, 7], "the good ones take the next seqs, in batch order; the refused one takes none")
        #expect((results[2]["status"] as? Int) == 422)
        let problem = try #require(results[2]["problem"] as? [String: Any])
        #expect((problem["status"] as? Int) == 422)
        #expect((problem["detail"] as? String)?.hasPrefix("envelopes[2]: ") == true, "\(problem)")
        #expect((problem["detail"] as? String)?.contains("stranger.example") == true, "\(problem)")
        #expect((results[6]["status"] as? Int) == 200, "a repeat within the batch is already present")
        #expect((results[6]["seq"] as? Int) == 3)

        // The same good envelopes again: nothing new, 200, each item 200 with its seq.
        let again = "{\"envelopes\":[" + good.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + "]}"
        let r2 = try client.postJSON("/v1/entries", Array(again.utf8))
        #expect(r2.status == 200, "\(r2)")
        let results2 = try #require(r2.json?["results"] as? [[String: Any]])
        #expect(results2.compactMap { $0["status"] as? Int } == [200, 200, 200, 200, 200])
        #expect(results2.compactMap { $0["seq"] as? Int } == [3, 4, 5, 6, 7])

        server.signal(SIGTERM)
        #expect(server.wait().status == 0)
        #expect(try ws.ledgerSize() == 8)
        #expect(try ws.verify().exitCode == 0)
    }
}
