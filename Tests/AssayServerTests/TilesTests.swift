import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The log as C2SP tlog-tiles from a real `assay serve` process: what `/tile/…` answers and with
/// which headers, that no path leaves the tile space, and that independent readers — the Python
/// reader in tools/ (standard library only) and `assay verify --server` — see every acknowledged
/// entry at its seq under a checkpoint that verifies.
@Suite("server: tiles", .serialized)
struct TilesTests {
    static let origin = ServerWorkspace.origin
    static var logKey: String { ServerWorkspace.logKey.description }

    /// Submits events `range` one request each from `threads` threads; returns (seq, leafHash) of every 201.
    static func submitConcurrently(_ server: ServerProcess, _ range: Range<Int>, threads: Int) throws -> [(UInt64, Digest)] {
        let acks = Locked<[(UInt64, Digest)]>([])
        let per = (range.count + threads - 1) / threads
        try onThreads(threads) { t in
            let client = try server.client()
            for n in (range.lowerBound + t * per)..<min(range.upperBound, range.lowerBound + (t + 1) * per) {
                let r = try client.postJSON("/v1/entries", ServerWorkspace.event(n))
                guard r.status == 201, let obj = r.json else { throw TestFailure("event \(n): \(r)") }
                let receipt = try EntryReceipt(obj)
                acks.withLock { $0.append((receipt.seq, receipt.leafHash)) }
            }
        }
        return acks.withLock { $0 }
    }

    /// Submits events `range` in one batch request.
    static func submitBatch(_ server: ServerProcess, _ range: Range<Int>) throws {
        let body = Array("{\"envelopes\":[".utf8) + range.map { ServerWorkspace.event($0) }.joined(separator: Array(",".utf8)) + Array("]}".utf8)
        let r = try server.client().postJSON("/v1/entries", body)
        guard r.status == 201 else { throw TestFailure("batch: \(r)") }
    }

    /// Runs tools/tlog-tiles-read.py against `url`.
    static func pythonReader(_ url: String, dump: String? = nil) throws -> CLIResult {
        let script = Vectors.packageRoot.appendingPathComponent("tools/tlog-tiles-read.py").path
        return try CLIHarness.run(executable: "/usr/bin/env", ["python3", script, url] + (dump.map { ["--dump", $0] } ?? []))
    }

    @Test("concurrent submissions, then two independent readers see every acknowledged entry at its seq under a checkpoint that verifies")
    func concurrentThenRead() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let acks = try Self.submitConcurrently(server, 0..<320, threads: 8)
        #expect(acks.count == 320)
        #expect(Set(acks.map(\.0)).count == 320, "every acknowledged entry has its own seq")
        let url = "http://127.0.0.1:\(server.port)"

        // The Python reader: tiles and bundles fetched with urllib, leaves recomputed from the
        // entries, upper tiles from the level below, the root per RFC 6962.
        let py = try Self.pythonReader(url)
        #expect(py.exitCode == 0, "\(py)")
        let read = try #require(try JSONSerialization.jsonObject(with: Data(py.stdoutBytes)) as? [String: Any])
        let size = try #require(read["size"] as? Int)
        #expect(size == 323, "genesis, two registrations and 320 events")
        let entries = try #require(read["entries"] as? [[Any]])
        #expect(entries.count == size)
        var leaves: [UInt64: String] = [:]
        for e in entries { if let seq = e[0] as? Int, let leaf = e[1] as? String { leaves[UInt64(seq)] = leaf } }
        for (seq, leaf) in acks { #expect(leaves[seq] == leaf.base64, "acknowledged entry \(seq)") }
        // The checkpoint the Python reader recomputed the root of verifies under the log key.
        let note = try server.client().request("GET", "/checkpoint")
        let cp = try SignedCheckpoint(parsing: note.body, logKey: ServerWorkspace.logKey, origin: Self.origin, extensions: .assayLedger)
        #expect(cp.checkpoint.size == UInt64(size) && Base64.encode(cp.checkpoint.rootHash) == read["root"] as? String)

        // assay verify --server: the Swift tiles reader, then every entry check of a ledger verify.
        let v = try CLIHarness.assay(["verify", "--server", url, "--log-key", Self.logKey, "--origin", Self.origin, "--json"])
        #expect(v.exitCode == 0, "\(v)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(v.stdoutBytes)) as? [String: Any])
        #expect(report["ok"] as? Bool == true && report["treeSize"] as? Int == size && report["entriesChecked"] as? Int == size)
        #expect(report["tilesChecked"] as? Int == 3, "tile/0/000, tile/0/001.p/67, tile/1/000.p/1")
        #expect(((report["report"] as? [String: Any])?["signers"] as? Int) == 3)
    }

    @Test("full tiles are immutable, partial ones short-lived; bytes are the tree's hashes and the records")
    func tileResponses() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        try Self.submitBatch(server, 0..<300) // 303 records
        let client = try server.client()
        let full = try client.request("GET", "/tile/0/000")
        #expect(full.status == 200)
        #expect(full.headers["content-type"] == "application/octet-stream")
        #expect(full.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(full.body.count == 8192)
        let partial = try client.request("GET", "/tile/0/001.p/47")
        #expect(partial.status == 200 && partial.body.count == 47 * 32)
        #expect(partial.headers["cache-control"] == "public, max-age=10")
        let upper = try client.request("GET", "/tile/1/000.p/1")
        #expect(upper.status == 200 && upper.body.count == 32)
        let bundle = try client.request("GET", "/tile/entries/000")
        #expect(bundle.status == 200 && bundle.headers["cache-control"] == "public, max-age=31536000, immutable")
        let smaller = try client.request("GET", "/tile/entries/001.p/5")
        #expect(smaller.status == 200 && smaller.headers["cache-control"] == "public, max-age=10")

        // Against the ledger file itself: leaf hashes, the level 1 hash, the record bytes.
        server.signal(SIGTERM)
        _ = server.wait()
        let ledger = try Ledger.open(at: ws.ledger, readOnly: true)
        let leaves = try (0..<303).map { try ledger.record(at: UInt64($0)).leafHash }
        #expect(full.body == leaves[0..<256].flatMap(\.bytes))
        #expect(partial.body == leaves[256..<303].flatMap(\.bytes))
        #expect(upper.body == Merkle.root(ofLeafHashes: Array(leaves[0..<256])).bytes)
        let records = try (0..<256).map { try ledger.record(at: UInt64($0)).record.recordBytes }
        #expect(bundle.body == records.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 })
        let five = try (256..<261).map { try ledger.record(at: UInt64($0)).record.recordBytes }
        #expect(smaller.body == five.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 })
    }

    static let malformed = [
        "/tile/0/../0/000", "/tile/../checkpoint", "/tile/0/%2e%2e/000", "/tile/0/x001%2F000", "/tile/0/000%2F..%2F..%2Fcheckpoint",
        "/tile/00/000", "/tile/01/000", "/tile/64/000", "/tile/0/0000", "/tile/0/00", "/tile/0/x000/000", "/tile//0/000",
        "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/0/000.p/05", "/tile/0/000.p/", "/tile/0/000.p", "/tile/entries/00",
        "/tile/entries/000.p/1/2", "/tile/-1/000", "/tile/0/+00", "/tile/data/000", "/tile/0/000/",
    ]

    static let beyond = [
        "/tile/0/001", "/tile/0/000", "/tile/0/000.p/5", "/tile/1/000.p/1", "/tile/entries/000.p/5", "/tile/7/000.p/1", "/tile/63/000.p/1",
        "/tile/0/x018/x446/x744/x073/x709/x551/615", "/tile/0/x018/x446/x744/x073/x709/x551/616",
        "/tile/entries/x999/x999/x999/x999/x999/x999/x999/999",
    ]

    @Test("malformed tile paths are 400 problems, tiles beyond the tree 404 problems, and nothing changes")
    func badPaths() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201) // 4 records, one checkpoint
        let before = try client.request("GET", "/checkpoint").text
        for path in Self.malformed {
            let r = try client.request("GET", path)
            #expect(r.status == 400, "\(path): \(r)")
            #expect(r.headers["content-type"] == "application/problem+json", "\(path)")
            #expect((r.json?["type"] as? String) == "urn:assay:problem:malformed-tile-path", "\(path): \(r)")
            let detail = r.json?["detail"] as? String ?? ""
            #expect(detail.hasPrefix("malformed tile path: "), "\(path): \(detail)")
        }
        for path in Self.beyond {
            let r = try client.request("GET", path)
            #expect(r.status == 404, "\(path): \(r)")
            #expect((r.json?["type"] as? String) == "urn:assay:problem:no-such-tile", "\(path): \(r)")
        }
        // What the tree has is still served, the same as before.
        let tile = try client.request("GET", "/tile/0/000.p/4")
        #expect(tile.status == 200 && tile.body.count == 128)
        #expect(try client.request("GET", "/tile/entries/000.p/4").status == 200)
        #expect(try client.request("GET", "/checkpoint").text == before)
        server.signal(SIGTERM)
        _ = server.wait()
        #expect(try ws.ledgerSize() == 4)
        #expect(try ws.verify().exitCode == 0)
    }

    @Test("a tile is served only for the published tree: records no checkpoint covers yet are not")
    func onlyPublished() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201) // checkpoint of size 4
        // Two records appended by another process: in the ledger, under no checkpoint.
        let files = try (2...3).map { try ws.dir.write("e\($0).dsse.json", ServerWorkspace.event($0)) }
        let appended = try CLIHarness.assay(["append", "--ledger", ws.ledger] + files)
        #expect(appended.exitCode == 0, "\(appended)")
        #expect(try client.request("GET", "/tile/0/000.p/4").status == 200)
        for path in ["/tile/0/000.p/5", "/tile/0/000.p/6", "/tile/entries/000.p/5"] {
            #expect(try client.request("GET", path).status == 404, "\(path) is beyond the published tree")
        }
        // The next group's checkpoint covers them.
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(4)).status == 201)
        let six = try client.request("GET", "/tile/0/000.p/6")
        #expect(six.status == 200 && six.body.count == 6 * 32)
    }
}
