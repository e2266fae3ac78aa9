import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// Bad submissions get a 4xx RFC 9457 problem whose `detail` is the reason `assay append`
/// gives for the same bytes, and nothing is written: no record, no checkpoint.
@Suite("server: refusals", .serialized)
struct RefusalTests {
    /// An envelope the CLI and the server should both refuse.
    enum BadEnvelope: String, CaseIterable, Sendable {
        case badSignature, unregisteredSigner, malformedJSON, notAnEnvelope, invalidStatement, supplierRegistersParty

        var bytes: [UInt8] {
            switch self {
            case .badSignature:
                // The signature of event 1 over the payload of event 2.
                let one = String(decoding: ServerWorkspace.event(1), as: UTF8.self)
                return Array(one.replacingOccurrences(of: Base64.encode(Array(Fixtures.event(1).utf8)),
                                                      with: Base64.encode(Array(Fixtures.event(2).utf8))).utf8)
            case .unregisteredSigner:
                return Fixtures.envelope(Fixtures.event(1), by: Fixtures.strangerKey)
            case .malformedJSON:
                return Array("{\"payloadType\":\"application/vnd.assay.statement.v1+json\",\"payload\":".utf8)
            case .notAnEnvelope:
                return Array("[1,2,3]".utf8)
            case .invalidStatement:
                return Fixtures.envelope("{\"type\":\"GenericEvent\",\"subject\":\"https://id.gs1.org/01/04012345000016/21/X\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}", by: Fixtures.supplierKey)
            case .supplierRegistersParty:
                // A registration signed by the supplier, who may not register parties.
                return Fixtures.registration(of: Fixtures.strangerKey, roles: [.supplier], by: Fixtures.supplierKey)
            }
        }

        var status: Int {
            switch self {
            case .malformedJSON, .notAnEnvelope, .invalidStatement: 400
            case .badSignature, .unregisteredSigner, .supplierRegistersParty: 422
            }
        }
    }

    @Test("a refused envelope: 4xx problem with the CLI's reason; ledger and checkpoints unchanged", arguments: BadEnvelope.allCases)
    func refused(_ bad: BadEnvelope) throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let r = try client.postJSON("/v1/entries", bad.bytes)
        #expect(r.status == bad.status, "\(r)")
        #expect(r.headers["content-type"] == "application/problem+json")
        let problem = try #require(r.json, "\(r)")
        #expect((problem["status"] as? Int) == r.status)
        #expect((problem["type"] as? String)?.hasPrefix("urn:assay:problem:") == true)
        #expect((problem["title"] as? String)?.isEmpty == false)
        let detail = try #require(problem["detail"] as? String)

        // The CLI, given the same bytes as a file, refuses them with the same reason.
        let file = ws.dir.file("bad.json")
        FileManager.default.createFile(atPath: file, contents: Data(bad.bytes))
        let cli = try CLIHarness.assay(["append", "--ledger", ws.ledger, file])
        #expect(cli.exitCode == 2)
        let cliLine = cli.stderr.trimmingCharacters(in: .newlines)
        #expect(cliLine.hasPrefix("assay: \(file): "), "\(cli)")
        #expect(detail.hasPrefix("envelope: "), "\(detail)")
        #expect(String(detail.dropFirst("envelope: ".count)) == String(cliLine.dropFirst("assay: \(file): ".count)),
                "server: \(detail)\ncli:    \(cliLine)")

        // Nothing was written: 3 records, still no checkpoint.
        #expect(try ws.ledgerSize() == 3)
        #expect(try client.request("GET", "/checkpoint").status == 404)
    }

    @Test("wrong or missing content type: 415 problem, nothing written")
    func wrongContentType() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x"] {
            let r = try client.postJSON("/v1/entries", ServerWorkspace.event(1), contentType: type)
            #expect(r.status == 415, "\(type): \(r)")
            #expect(r.headers["content-type"] == "application/problem+json")
            #expect((r.json?["detail"] as? String)?.contains(type) == true)
        }
        let none = try client.request("POST", "/v1/entries", body: ServerWorkspace.event(1))
        #expect(none.status == 415)
        #expect((none.json?["detail"] as? String)?.contains("missing") == true)
        // Parameters after the media type are fine.
        let charset = try client.postJSON("/v1/entries", ServerWorkspace.event(1), contentType: "application/json; charset=utf-8")
        #expect(charset.status == 201, "\(charset)")
        #expect(try ws.ledgerSize() == 4, "only the last, well-typed submission was appended")
    }

    @Test("oversize: a declared body over 64 MiB, an envelope over the envelope limit, a batch over 1000: 413 problems, nothing written")
    func oversize() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)

        // A declared length over the limit is refused before the body is read.
        let declared = try server.client()
        try declared.send("POST", "/v1/entries", headers: [("Content-Type", "application/json"), ("Content-Length", "\(64 * 1024 * 1024 + 1)")])
        let big = try declared.readResponse()
        #expect(big.status == 413, "\(big)")
        #expect(big.headers["content-type"] == "application/problem+json")
        #expect((big.json?["detail"] as? String) == "the request body is 67108865 bytes, which is over the limit of 67108864 bytes")

        // One envelope over the envelope limit (FORMAT.md §2: 368,640 bytes).
        let client = try server.client()
        let padded = Array("{\"payloadType\":\"x\",\"payload\":\"\(String(repeating: "A", count: 400_000))\",\"signatures\":[]}".utf8)
        let r = try client.postJSON("/v1/entries", padded)
        #expect(r.status == 413, "\(r)")
        #expect((r.json?["detail"] as? String) == "envelope: envelope is \(padded.count) bytes, over the limit of 368640")

        // A batch of 1001 envelopes.
        let many = "{\"envelopes\":[" + (0..<1001).map { String(decoding: ServerWorkspace.event($0), as: UTF8.self) }.joined(separator: ",") + "]}"
        let b = try client.postJSON("/v1/entries", Array(many.utf8))
        #expect(b.status == 413, "\(b)")
        #expect((b.json?["detail"] as? String) == "a batch holds at most 1000 envelopes, this one has 1001")

        #expect(try ws.ledgerSize() == 3)
        #expect(try client.request("GET", "/checkpoint").status == 404)
    }

    @Test("malformed batches: 400 problems naming what is wrong, nothing written")
    func malformedBatches() throws {
        let ws = try ServerWorkspace()
        defer { ws.remove() }
        let server = try ServerProcess(ws)
        let client = try server.client()
        let e = String(decoding: ServerWorkspace.event(1), as: UTF8.self)
        let cases: [(String, String)] = [
            ("{\"envelopes\":[]}", "\"envelopes\" is empty: give at least one envelope"),
            ("{\"envelopes\":{}}", "\"envelopes\" must be an array of DSSE envelopes"),
            ("{\"envelopes\":[\(e)],\"extra\":1}", "a batch is {\"envelopes\":[…]} with no other member; this one also has 1 other"),
        ]
        for (body, detail) in cases {
            let r = try client.postJSON("/v1/entries", Array(body.utf8))
            #expect(r.status == 400, "\(body): \(r)")
            #expect((r.json?["detail"] as? String) == detail)
        }
        #expect(try ws.ledgerSize() == 3)
    }
}
