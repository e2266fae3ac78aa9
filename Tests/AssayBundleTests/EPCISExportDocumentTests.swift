import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import Foundation
import Testing

/// Issue 15, EPCIS out, at the library: `Ledger.exportEPCIS(product:creationDate:)` on the
/// thermostat's ledger gives the EPCIS events of its bundle (its own and its components'), in
/// log order, each exactly as signed, in a document the GS1 EPCIS 2.0 JSON Schema accepts.
@Suite("EPCIS export document")
struct EPCISExportDocumentTests {
    static let created = try! Timestamp(parsing: "2030-01-15T10:00:00Z")

    /// A parsed JSON value written with sorted keys: equal values, equal bytes.
    static func canonical(_ v: Any) throws -> Data { try JSONSerialization.data(withJSONObject: v, options: [.sortedKeys]) }

    @Test("the thermostat's EPCIS events: the bundle's, in log order, as signed; Assay's own kinds left out; valid against the GS1 schema")
    func thermostat() throws {
        let built = try ThermostatFixture().build()
        let doc = try built.ledger.exportEPCIS(product: ThermostatFixture.productURN, creationDate: Self.created)
        // Expected, from the bundle: every entry whose payload is an EPCIS event.
        var expected: [(seq: UInt64, payload: [UInt8])] = []
        for e in built.bundle.entries {
            let payload = try Envelope(json: e.record.envelope).payload
            if case .supplyChain = try Statement.decode(payload) { expected.append((e.record.seq, payload)) }
        }
        #expect(doc.seqs == expected.map(\.seq))
        #expect(doc.seqs == doc.seqs.sorted())
        #expect(doc.omitted == built.bundle.entries.count - expected.count)
        let size = try Checkpoint(parsing: built.checkpoint.text).size
        #expect(doc.product == ThermostatFixture.product && doc.checkpointSize == size)
        for entry: ThermostatFixture.Entry in [.mcuOrigin, .radioOrigin, .batteryOrigin, .pcbOrigin, .firmwareOrigin, .encodingStep, .assembly, .shipping, .endOfLife] {
            #expect(doc.seqs.contains(built.seq(entry)), "\(entry) missing")
        }
        for entry: ThermostatFixture.Entry in [.commitment, .registerManufacturer, .registerChips, .relayOrigin, .plugAssembly] {
            #expect(!doc.seqs.contains(built.seq(entry)), "\(entry) exported")
        }
        #expect(doc.omitted >= 3, "the genesis, registrations and the commitment are in the bundle and left out")
        // The eventList members are the signed payloads, as JSON values (and as text).
        let object = try JSONSerialization.jsonObject(with: Data(doc.json.utf8)) as! [String: Any]
        let list = (object["epcisBody"] as! [String: Any])["eventList"] as! [Any]
        #expect(list.count == expected.count)
        for (member, e) in zip(list, expected) {
            let signed = try JSONSerialization.jsonObject(with: Data(e.payload))
            #expect(try Self.canonical(member) == Self.canonical(signed), "seq \(e.seq) differs from its signed payload")
            #expect(doc.json.contains(String(decoding: e.payload, as: UTF8.self)))
        }
        #expect(object["assay:seqs"] as? [Int] == doc.seqs.map { Int($0) })
        #expect(object["creationDate"] as? String == "2030-01-15T10:00:00Z")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("thermostat-\(UUID().uuidString).jsonld")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(doc.json.utf8).write(to: file)
        let problems = try EPCISSchemaCheck.problems(file.path)
        #expect(problems == nil, "\(problems ?? "")")
    }

    @Test("@context: the GS1 context first, then other URLs, then one object of every term; the first binding of a term wins")
    func mergedContext() throws {
        func parse(_ s: String) throws -> JSONValue { try JSONValue.parse(Array(s.utf8)) }
        let merged = EPCISExportDocument.mergedContext([
            try parse(#"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"http://ns.example.com/epcis/"}]"#),
            try parse(#""https://example.org/other-context.jsonld""#),
            try parse(#"{"ext1":"http://example.com/ext1/","example":"http://elsewhere.example/","rail:n":{"@type":"xsd:integer"}}"#),
            try parse(#"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#"}]"#),
        ])
        #expect(merged == (try parse("""
            ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","https://example.org/other-context.jsonld",
             {"assay":"https://ns.assay.dev/epcis/1#","example":"http://ns.example.com/epcis/","ext1":"http://example.com/ext1/",
              "rail:n":{"@type":"xsd:integer"}}]
            """)))
        #expect(EPCISExportDocument.mergedContext([]) == (try parse(#"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#"}]"#)))
    }

    @Test("the same ledger and creationDate give the same bytes")
    func reproducible() throws {
        let a = try ThermostatFixture().build()
        let b = try ThermostatFixture().build()
        let x = try a.ledger.exportEPCIS(product: ThermostatFixture.product, creationDate: Self.created)
        let y = try b.ledger.exportEPCIS(product: ThermostatFixture.productURN, creationDate: Self.created)
        #expect(x.json == y.json)
    }
}
