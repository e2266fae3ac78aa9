import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// `POST /v1/entries` against a real `assay serve` process on 127.0.0.1.
@Suite("server: submit", .serialized)
struct SubmitTests {
    @Test("one envelope: 201 with a proof that verifies against the checkpoint under the log key; the same again: 200, nothing appended")
    func submitOne() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let envelope = ServerWorkspace.event(1)

        let first = try client.postJSON("/v1/entries", envelope)
        #expect(first.status == 201, "\(first)")
        #expect(first.headers["content-type"] == "application/json")
        let receipt = try EntryReceipt(try #require(first.json))
        #expect(receipt.seq == 3, "genesis and two registrations come first")
        #expect(receipt.treeSize == 4)

        // The entry as served: its record bytes hash to the leaf hash, and carry our envelope.
        let entry = try client.request("GET", "/v1/entries/\(receipt.seq)")
        #expect(entry.status == 200, "\(entry)")
        let obj = try #require(entry.json)
        let record = try #require((obj["record"] as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) })
        #expect(SHA256.hash([0x00] + record) == receipt.leafHash, "leaf = SHA-256(0x00 || record)")
        #expect(record.count == 17 + envelope.count && Array(record.suffix(envelope.count)) == envelope)
        #expect(record.first == 0x01 && Array(record[1..<9]) == [0, 0, 0, 0, 0, 0, 0, 3], "version 1, seq 3 big-endian")
        #expect((obj["seq"] as? Int) == 3)
        let served = try JSONSerialization.data(withJSONObject: try #require(obj["envelope"] as? [String: Any]))
        #expect(try JSONSerialization.jsonObject(with: served) as? NSDictionary == JSONSerialization.jsonObject(with: Data(envelope)) as? NSDictionary)

        // GET /checkpoint: the latest signed note, the one the receipt carries.
        let cp = try client.request("GET", "/checkpoint")
        #expect(cp.status == 200)
        #expect(cp.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(cp.text == receipt.checkpoint.note.serialized)

        // The same envelope again: 200 with the existing entry, the ledger does not grow.
        let again = try client.postJSON("/v1/entries", envelope)
        #expect(again.status == 200, "\(again)")
        let second = try EntryReceipt(try #require(again.json))
        #expect(second.seq == receipt.seq && second.leafHash == receipt.leafHash)

        // The same envelope in another JSON layout is the same envelope.
        let spaced = Array(String(decoding: envelope, as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        let third = try client.postJSON("/v1/entries", spaced)
        #expect(third.status == 200, "\(third)")
        #expect((third.json?["seq"] as? Int) == 3)

        server.signal(SIGTERM)
        let end = server.wait()
        #expect(end.status == 0, "\(end.stderr)")
        #expect(try ws.ledgerSize() == 4)
        #expect(try ws.verify().exitCode == 0)
    }

    @Test("GET /v1/entries/{seq}: 404 problem past the end, 400 for a non-number; /healthz and /readyz answer")
    func readsAndHealth() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let missing = try client.request("GET", "/v1/entries/99")
        #expect(missing.status == 404)
        #expect(missing.headers["content-type"] == "application/problem+json")
        #expect((missing.json?["detail"] as? String) == "there is no entry 99 (the ledger has 3 entries)")
        for bad in ["abc", "-1", "01", "18446744073709551616"] {
            let r = try client.request("GET", "/v1/entries/\(bad)")
            #expect(r.status == 400, "\(bad): \(r)")
            #expect((r.json?["status"] as? Int) == 400)
        }
        let genesis = try client.request("GET", "/v1/entries/0")
        #expect(genesis.status == 200)
        #expect(try client.request("GET", "/healthz").status == 200)
        #expect(try client.request("GET", "/readyz").status == 200)
        let nothing = try client.request("GET", "/no/such/route")
        #expect(nothing.status == 404 && nothing.headers["content-type"] == "application/problem+json")
        // No checkpoint is stored before the first group.
        let cp = try client.request("GET", "/checkpoint")
        #expect(cp.status == 404 && (cp.json?["type"] as? String) == "urn:assay:problem:no-checkpoint", "\(cp)")
    }
}
