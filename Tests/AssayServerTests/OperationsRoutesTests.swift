import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// The operations and bundle routes against a real `assay serve`: /metrics, the per-client rate
/// limit, /v1/bundles, the GS1 Digital Link resolver with content negotiation, the subject
/// lookup, and hostile requests.
@Suite("server: operations routes, bundles and lookups", .serialized)
struct OperationsRoutesTests {
    static let product = "https://id.gs1.org/01/04012345000016/21/SN1"
    static let productURN = "urn:epc:id:sgtin:4012345.000001.SN1"

    /// A generic event about `subject` at second `second` (distinct statements about one subject).
    static func event(about subject: String, second: Int) -> [UInt8] {
        let json = "{\"type\":\"GenericEvent\",\"subject\":\"\(subject)\",\"action\":\"inspected\",\"eventTime\":\"2026-11-20T10:00:\(String(format: "%02d", second))+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
        return Fixtures.envelope(json, by: Fixtures.supplierKey)
    }

    static func encoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))!
    }

    static func scrape(_ client: HTTPTestClient) throws -> PrometheusText {
        let r = try client.request("GET", "/metrics")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(r.text)
    }

    @Test("/metrics is Prometheus text and counts exactly the requests made, by route, method and status; submissions by outcome; tree size")
    func metricsCountRequests() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let before = try Self.scrape(client)
        for _ in 0..<7 { #expect(try client.request("GET", "/healthz").status == 200) }
        for i in 0..<3 { #expect(try client.request("GET", "/no/such/path/\(i)").status == 404) }
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(2)).status == 201)
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(2)).status == 200)
        #expect(try client.postJSON("/v1/entries", Array("{\"payloadType\":".utf8)).status == 400)
        #expect(try client.request("GET", "/v1/bundles/" + Self.encoded("https://id.gs1.org/01/04012345000016/21/SN2")).status == 200)
        #expect(try client.request("PATCH", "/healthz").status == 405)
        let after = try Self.scrape(client)

        func delta(_ route: String, _ method: String, _ status: Int) -> Double {
            let l = ["route": route, "method": method, "status": "\(status)"]
            return after["assay_http_requests_total", l] - before["assay_http_requests_total", l]
        }
        #expect(after.types["assay_http_requests_total"] == "counter")
        #expect(after.types["assay_http_request_duration_seconds"] == "histogram")
        #expect(delta("/healthz", "GET", 200) == 7)
        #expect(delta("NotFound", "GET", 404) == 3)
        #expect(delta("NotFound", "PATCH", 405) == 1)
        #expect(delta("/v1/entries", "POST", 201) == 1)
        #expect(delta("/v1/entries", "POST", 200) == 1)
        #expect(delta("/v1/entries", "POST", 400) == 1)
        #expect(delta("/v1/bundles/{product}", "GET", 200) == 1)
        #expect(delta("/metrics", "GET", 200) == 1, "the first scrape is counted by the second")
        for (outcome, n) in [("accepted", 1.0), ("existing", 1), ("refused", 1), ("failed", 0)] {
            #expect(after["assay_submission_requests_total", ["outcome": outcome]] - before["assay_submission_requests_total", ["outcome": outcome]] == n, "\(outcome)")
        }
        // The latency histogram: as many observations as requests, cumulative buckets, +Inf = count.
        let l = ["route": "/healthz", "method": "GET", "status": "200"]
        #expect(after["assay_http_request_duration_seconds_count", l] == 7)
        var previous = 0.0
        for le in ["0.0005", "0.001", "0.002", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"] {
            let v = after["assay_http_request_duration_seconds_bucket", l.merging(["le": le]) { a, _ in a }]
            #expect(v >= previous, "bucket le=\(le) is below the one before")
            previous = v
        }
        #expect(previous == 7)
        #expect(after["assay_http_request_duration_seconds_sum", l] > 0)
        // Tree size: the ledger's (genesis, two registrations, SN2), as a checkpoint signs it.
        #expect(try ws.ledgerSize() == 4)
        #expect(after["assay_tree_size"] == 4)
        #expect(after["assay_entries_appended"] == 1)
        #expect(after["assay_groups_committed"] >= 1)
        // The one group that appended published one checkpoint, one entry larger.
        #expect(after["assay_group_entries_count"] == 1, "\(after.samples.filter { $0.key.hasPrefix("assay_group") })")
        #expect(after["assay_group_entries_sum"] == 1)
        // The sequencer times each group's commit: the three submissions were sent one after the
        // other, so each was its own group (the existing and the refused one commit nothing, but are timed).
        #expect(after["assay_group_commit_duration_seconds_count"] == 3, "\(after.samples.filter { $0.key.hasPrefix("assay_group_commit") })")
        #expect(after["assay_group_commit_duration_seconds_sum"] > 0)
    }

    @Test("per-client rate limit: 429 problem with Retry-After past the burst, nothing written; other clients, health probes and a later retry pass; X-Forwarded-For only from a trusted proxy")
    func rateLimit() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        // One token every 4 s: the checks below that need the bucket empty run well within that.
        let server = try ServerProcess(ws, extraArguments: ["--rate-limit", "0.25", "--rate-burst", "3"])
        let size = try ws.ledgerSize()
        let a = try server.client()
        for _ in 0..<3 { #expect(try a.request("GET", "/openapi.json").status == 200) }
        let limited = try a.request("GET", "/openapi.json")
        #expect(limited.status == 429, "\(limited)")
        #expect(limited.headers["content-type"] == "application/problem+json")
        #expect(limited.headers["retry-after"] == "4", "a token returns after 4 s at 0.25 per second: \(limited.headers)")
        #expect(limited.json?["type"] as? String == "urn:assay:problem:rate-limited")
        #expect(limited.json?["status"] as? Int == 429)
        #expect((limited.json?["detail"] as? String)?.hasPrefix("too many requests from 127.0.0.1: at most 0.25 per second (bursts of 3)") == true, "\(limited)")
        // Claiming to be someone else does not help when the peer is not a trusted proxy.
        #expect(try a.request("GET", "/openapi.json", headers: [("X-Forwarded-For", "198.51.100.7")]).status == 429)
        // A submission while limited is refused before it is read: nothing written (checked below).
        #expect(try a.postJSON("/v1/entries", ServerWorkspace.event(3)).status == 429)
        // Health probes are never limited.
        #expect(try a.request("GET", "/healthz").status == 200)
        // Another client (another loopback address) has its own bucket.
        let b = try RawConnection.exchange(port: server.port, Array("GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8), from: "127.0.0.2")
        #expect(b.status == 200, "\(b)")
        #expect(try ws.ledgerSize() == size)
        // After Retry-After, the client may go on.
        Thread.sleep(forTimeInterval: 4.1)
        #expect(try a.request("GET", "/openapi.json").status == 200)

        // Behind a trusted proxy, each forwarded client has its own bucket.
        server.signal(SIGTERM)
        #expect(server.wait().status == 0)
        let proxied = try ServerProcess(ws, extraArguments: ["--rate-limit", "0.25", "--rate-burst", "1", "--trusted-proxy", "127.0.0.1"])
        let p = try proxied.client()
        #expect(try p.request("GET", "/openapi.json", headers: [("X-Forwarded-For", "198.51.100.7")]).status == 200)
        let second = try p.request("GET", "/openapi.json", headers: [("X-Forwarded-For", "198.51.100.7")])
        #expect(second.status == 429 && (second.json?["detail"] as? String)?.hasPrefix("too many requests from 198.51.100.7: ") == true, "\(second)")
        #expect(try p.request("GET", "/openapi.json", headers: [("X-Forwarded-For", "203.0.113.9, 198.51.100.8")]).status == 200)
    }

    @Test("GET /v1/bundles/{product} is the bundle assay export writes, byte for byte, for the product in any form; unknown 404, malformed 400")
    func bundleIsExport() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201)
        let out = ws.dir.file("sn1.assay-bundle")
        let export = try CLIHarness.assay(["export", "--ledger", ws.ledger, "--product", Self.product, "--out", out])
        #expect(export.exitCode == 0, "\(export)")
        let expected = try #require(FileManager.default.contents(atPath: out))
        for form in [Self.product, Self.productURN, "https://example.com/dl/01/04012345000016/21/SN1"] {
            let r = try client.request("GET", "/v1/bundles/" + Self.encoded(form))
            #expect(r.status == 200, "\(form): \(r)")
            #expect(r.headers["content-type"] == "application/json")
            #expect(r.body == [UInt8](expected), "\(form): the served bundle differs from assay export's")
        }
        // The bundle verifies offline, pinned to the log key, origin and product.
        let bundleFile = try ws.dir.write("served.assay-bundle", try client.request("GET", "/v1/bundles/" + Self.encoded(Self.product)).body)
        let keyFile = try ws.dir.write("operator.pub", Fixtures.operatorKey.verifierKey.description + "\n")
        // (A lone inspection event leaves provenance and lifecycle unsatisfied: only integrity is asked.)
        let verify = try CLIHarness.assay(["verify", "--bundle", bundleFile, "--log-key", keyFile, "--origin", ServerWorkspace.origin, "--product", Self.product])
        #expect(verify.stdout.contains("Integrity and data security: SATISFIED"), "\(verify)")

        let unknown = try client.request("GET", "/v1/bundles/" + Self.encoded("https://id.gs1.org/01/04012345000016/21/NOPE"))
        #expect(unknown.status == 404 && unknown.headers["content-type"] == "application/problem+json", "\(unknown)")
        #expect((unknown.json?["detail"] as? String)?.contains("no entry") == true, "\(unknown)")
        for (path, detail) in [("/v1/bundles/%ZZ", "product: not a percent-encoded UTF-8 identifier"),
                               ("/v1/bundles/%C3%28", "product: not a percent-encoded UTF-8 identifier"),
                               ("/v1/bundles/a%00b", "product: must not contain control characters"),
                               ("/v1/bundles/" + String(repeating: "a", count: 513), "product: must be 1 to 512 characters")] {
            let r = try client.request("GET", path)
            #expect(r.status == 400 && r.json?["detail"] as? String == detail, "\(path.prefix(40)): \(r)")
        }
    }

    @Test("GS1 Digital Link /01/{gtin}/21/{serial}: JSON gives the bundle, text/html the passport page embedding it, neither 406; a bad check digit 400, an unknown item 404")
    func digitalLink() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201)
        let bundle = try client.request("GET", "/v1/bundles/" + Self.encoded(Self.product))
        #expect(bundle.status == 200)
        let path = "/01/04012345000016/21/SN1"
        for accept in ["application/json", "*/*", "application/*", "text/html;q=0.5, application/json", "application/json;q=0.9, text/html;q=0.1", nil] as [String?] {
            let r = try client.request("GET", path, headers: accept.map { [("Accept", $0)] } ?? [])
            #expect(r.status == 200 && r.headers["content-type"] == "application/json", "Accept \(accept ?? "(none)"): \(r)")
            #expect(r.body == bundle.body, "Accept \(accept ?? "(none)"): not the bundle")
            #expect(r.headers["vary"] == "Accept")
        }
        // GTIN-13 written without its leading zero is the same item.
        #expect(try client.request("GET", "/01/4012345000016/21/SN1", headers: [("Accept", "application/json")]).body == bundle.body)
        for accept in ["text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/*", "application/json;q=0.2, text/html"] {
            let r = try client.request("GET", path, headers: [("Accept", accept)])
            #expect(r.status == 200 && r.headers["content-type"] == "text/html; charset=utf-8", "Accept \(accept): \(r)")
            #expect(r.text.hasPrefix("<!doctype html>") && r.text.contains("<h1>GTIN 04012345000016 · SN1</h1>"), "\(r.text.prefix(2000))")
            #expect(r.text.contains("data-verification=\"unchecked\""), "the page starts unchecked: only the browser's own check may mark it")
            // The passport page embeds exactly the bundle the JSON answer gives (every '<' escaped).
            let embedded = "<script type=\"application/json\" id=\"assay-bundle\">" + bundle.text.replacingOccurrences(of: "<", with: "\\u003c") + "</script>"
            #expect(r.text.contains(embedded), "the page does not embed the bundle")
            #expect(r.headers["content-security-policy"]?.contains("connect-src 'none'") == true, "\(r.headers)")
        }
        for accept in ["image/png", "application/xml", "application/json;q=0, text/html;q=0", "text/plain"] {
            let r = try client.request("GET", path, headers: [("Accept", accept)])
            #expect(r.status == 406 && r.headers["content-type"] == "application/problem+json", "Accept \(accept): \(r)")
            #expect(r.json?["status"] as? Int == 406)
        }
        // A serial made of markup: the page shows the identifier, never the markup.
        let markup = "https://id.gs1.org/01/04012345000016/21/%3Cb%3E%22x%22%26%27"
        #expect(try client.postJSON("/v1/entries", Self.event(about: markup, second: 30)).status == 201)
        let page = try client.request("GET", "/01/04012345000016/21/%3Cb%3E%22x%22%26'", headers: [("Accept", "text/html")])
        #expect(page.status == 200, "\(page)")
        #expect(!page.text.contains("<b>") && !page.text.contains("\"x\"") && page.text.contains("<h1>GTIN 04012345000016 · &lt;b&gt;&quot;x&quot;&amp;'</h1>"), "\(page.text.prefix(2000))")

        let badCheck = try client.request("GET", "/01/04012345000017/21/SN1")
        #expect(badCheck.status == 400 && badCheck.json?["detail"] as? String == "GTIN 04012345000017 has check digit 7, expected 6", "\(badCheck)")
        let badSerial = try client.request("GET", "/01/04012345000016/21/" + String(repeating: "A", count: 21))
        #expect(badSerial.status == 400, "\(badSerial)")
        let unknown = try client.request("GET", "/01/04012345000016/21/SN404", headers: [("Accept", "text/html")])
        #expect(unknown.status == 404 && unknown.headers["content-type"] == "application/problem+json", "\(unknown)")
        #expect(try client.request("GET", "/01/04012345000016/21/SN404").status == 404)
    }

    @Test("a method a path does not have: 405 with Allow naming the methods it has (RFC 9110 §15.5.6); an unknown path or a missing item stays 404")
    func methodNotAllowed() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201)
        let size = try ws.ledgerSize()
        for (method, path, allow) in [("POST", "/checkpoint", "GET"), ("DELETE", "/v1/entries", "POST"), ("GET", "/v1/entries", "POST"),
                                      ("PUT", "/v1/entries/0", "GET"), ("POST", "/tile/0/000", "GET"), ("DELETE", "/tile/entries/x001/234.p/5", "GET"),
                                      ("PATCH", "/01/04012345000016/21/SN1", "GET"), ("POST", "/metrics", "GET")] {
            let r = try client.request(method, path, body: method == "GET" ? nil : Array("{}".utf8))
            #expect(r.status == 405 && r.headers["allow"] == allow, "\(method) \(path): \(r)")
            #expect(r.headers["content-type"] == "application/problem+json" && r.json?["status"] as? Int == 405, "\(method) \(path): \(r)")
        }
        #expect(try client.request("POST", "/no/such/path", body: Array("{}".utf8)).status == 404)
        #expect(try client.request("GET", "/v1/bundles/urn%3Aexample%3Anothing").status == 404, "a missing item is 404, not 405")
        #expect(try client.request("GET", "/v1/entries/0").status == 200, "the right method still works")
        #expect(try ws.ledgerSize() == size, "nothing was written by the refused requests")
    }

    @Test("GET /v1/subjects/{id}/entries: the seqs and kinds of every entry about the subject, in log order, any form of the id, a page at a time")
    func subjectEntries() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let subject = "https://id.gs1.org/01/04012345000016/21/SN7"
        var seqs: [Int] = []
        for second in [1, 2, 3] {
            let r = try client.postJSON("/v1/entries", Self.event(about: subject, second: second))
            #expect(r.status == 201, "\(r)")
            seqs.append(try #require(r.json?["seq"] as? Int))
        }
        #expect(try client.postJSON("/v1/entries", ServerWorkspace.event(8)).status == 201)   // about another item
        func get(_ path: String) throws -> [String: Any] {
            let r = try client.request("GET", path)
            #expect(r.status == 200 && r.headers["content-type"] == "application/json", "\(path): \(r)")
            return r.json ?? [:]
        }
        /// Each entry as "seq kind"; an entry with other members or types shows as such.
        func entries(_ obj: [String: Any]) -> [String] {
            (obj["entries"] as? [[String: Any]] ?? []).map { e in
                guard e.count == 2, let seq = e["seq"] as? Int, let kind = e["kind"] as? String else { return "malformed \(e)" }
                return "\(seq) \(kind)"
            }
        }
        let expected = seqs.map { "\($0) GenericEvent" }
        for form in [subject, "urn:epc:id:sgtin:4012345.000001.SN7"] {
            let all = try get("/v1/subjects/\(Self.encoded(form))/entries")
            #expect(all["subject"] as? String == subject)
            #expect(entries(all) == expected, "\(all)")
            #expect(all["next"] == nil)
        }
        // Paging: two, then the rest after the first page's `next`.
        let first = try get("/v1/subjects/\(Self.encoded(subject))/entries?limit=2")
        #expect(entries(first) == Array(expected.prefix(2)))
        let next = try #require(first["next"] as? Int)
        #expect(next == seqs[1])
        let second = try get("/v1/subjects/\(Self.encoded(subject))/entries?limit=2&after=\(next)")
        #expect(entries(second) == [expected[2]] && second["next"] == nil, "\(second)")
        // The party the supplier's registration is about.
        let party = try get("/v1/subjects/\(Self.encoded("urn:assay-test:party:supplier.example"))/entries")
        #expect(entries(party) == ["1 PartyRegistration"], "\(party)")
        let none = try get("/v1/subjects/\(Self.encoded("https://id.gs1.org/01/04012345000016/21/NONE"))/entries")
        #expect(entries(none).isEmpty && none["entries"] != nil)
        for q in ["limit=0", "limit=10001", "limit=x", "after=-1", "after=99999999999999999999999"] {
            let r = try client.request("GET", "/v1/subjects/\(Self.encoded(subject))/entries?\(q)")
            #expect(r.status == 400 && r.headers["content-type"] == "application/problem+json", "\(q): \(r)")
        }
    }

    @Test("hostile requests (path traversal, bad encodings, wrong content type, bad JSON, oversize, junk, 1 byte/s headers and body): a clean 4xx or a closed connection, nothing written, the server keeps serving")
    func hostileRequests() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws, extraArguments: ["--idle-timeout", "2", "--body-timeout", "3"])
        #expect(try server.client().postJSON("/v1/entries", ServerWorkspace.event(1)).status == 201)
        let size = try ws.ledgerSize()
        let checkpoint = try server.client().request("GET", "/checkpoint").body

        func get(_ path: String) -> [UInt8] { Array("GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8) }
        func post(_ type: String, _ body: String, length: Int? = nil) -> [UInt8] {
            Array("POST /v1/entries HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: \(type)\r\nContent-Length: \(length ?? body.utf8.count)\r\n\r\n\(body)".utf8)
        }
        let cases: [(String, [UInt8], ClosedRange<Int>)] = [
            ("traversal in a bundle id", get("/v1/bundles/..%2F..%2F..%2Fetc%2Fpasswd"), 404...404),
            ("dot segments", get("/../../etc/passwd"), 400...404),
            ("encoded dot segments", get("/%2e%2e/%2e%2e/etc/passwd"), 404...404),
            ("traversal under /tile", get("/tile/../../../etc/passwd"), 400...404),
            ("traversal in a tile index", get("/tile/0/..%2F..%2Fetc%2Fpasswd"), 400...404),
            ("traversal in a Digital Link serial", get("/01/04012345000016/21/..%2F..%2Fledger.assay"), 404...404),
            ("a NUL in a subject id", get("/v1/subjects/a%00/entries"), 400...400),
            ("a broken escape", get("/v1/subjects/%G1/entries"), 400...400),
            ("wrong content type", post("text/plain", "{}"), 415...415),
            ("bad JSON", post("application/json", "{\"payloadType\":"), 400...400),
            ("JSON that is not an envelope", post("application/json", "[1,2,3]"), 400...400),
            ("a declared 100 MB body", post("application/json", "{", length: 100_000_000), 413...413),
            ("a 100 KB header", Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Junk: \(String(repeating: "j", count: 100_000))\r\n\r\n".utf8), 400...431),
            ("junk instead of HTTP", Array("HELLO THERE\r\n\r\n".utf8), 400...400),
            ("a negative content length", post("application/json", "{}", length: -5), 400...400),
        ]
        for (name, raw, expected) in cases {
            let o = try RawConnection.exchange(port: server.port, raw)
            switch o {
            case .closed: break   // the server hung up: acceptable for bytes that are not HTTP
            case .silent: Issue.record("\(name): no answer and the connection stays open")
            case .response(let status, let headers, _):
                #expect(expected.contains(status), "\(name): \(o)")
                // A request the HTTP parser itself refuses (before any route) may get a bare 400/431.
                if headers["content-type"] != nil || ![400, 431].contains(status) {
                    #expect(headers["content-type"] == "application/problem+json", "\(name): \(o)")
                }
            }
        }

        // Headers at one byte per second: the connection is cut once the idle timeout passes
        // without a complete request head (2 s), long before the head is done.
        let slowHead = try RawConnection(port: server.port)
        let head = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: \(String(repeating: "s", count: 60))\r\n\r\n".utf8)
        var sent = 0, cut = false
        let start = Date()
        while sent < head.count, Date().timeIntervalSince(start) < 20 {
            guard slowHead.send([head[sent]]) else { cut = true; break }
            sent += 1
            if slowHead.readable(within: 1) { cut = true; break }
        }
        #expect(cut, "a client sending its head at 1 byte/s was still connected after \(sent) bytes")
        if cut {
            let o = slowHead.outcome(quiet: 0.5, limit: 2)
            #expect(o.status == nil || (400..<500).contains(o.status!), "\(o)")
            #expect(Date().timeIntervalSince(start) < 8)
        }

        // A body at one byte per second: 408 once the body deadline (3 s) passes.
        let envelope = ServerWorkspace.event(9)
        let slowBody = try RawConnection(port: server.port)
        #expect(slowBody.send("POST /v1/entries HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(envelope.count)\r\n\r\n"))
        var answered = false
        let bodyStart = Date()
        for b in envelope where Date().timeIntervalSince(bodyStart) < 20 {
            guard slowBody.send([b]) else { answered = true; break }
            if slowBody.readable(within: 1) { answered = true; break }
        }
        #expect(answered, "a body at 1 byte/s was never cut off")
        let o = slowBody.outcome(quiet: 0.5, limit: 3)
        #expect(o.status == 408 || o.status == nil, "\(o)")
        #expect(Date().timeIntervalSince(bodyStart) < 10)

        // Nothing changed, and the server still answers.
        #expect(try ws.ledgerSize() == size)
        #expect(try server.client().request("GET", "/checkpoint").body == checkpoint)
        #expect(try server.client().request("GET", "/healthz").status == 200)
        #expect(try ws.verify().exitCode == 0)
    }
}
