import AssayTestSupport
import Foundation
import Testing

/// `assay import epcis` reads EPCIS 2.0 XML by the standard's XML↔JSON mapping: the XML twin of a
/// GS1 example, imported into one ledger, yields the same signed events as the JSON-LD example
/// imported into another (compared through `export --epcis`), and importing it again appends
/// nothing.
@Suite("import epcis: XML")
struct EPCISXMLImportTests {
    static let xml = Vectors.packageRoot.appendingPathComponent("Tests/Fixtures/epcis-xml/Example_9.6.1-ObjectEvent.xml").path
    static let product = "urn:epc:id:sgtin:0614141.107346.2018"

    /// The events of `doc` (imported into a fresh ledger) as `export --epcis` gives them back.
    static func exportedEvents(importing doc: String) throws -> (events: [Any], importOutput: String, again: String) {
        let ws = try EPCISExportTests.ledger()
        defer { ws.remove() }
        let first = try ws.must("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        let again = try ws.must("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        try ws.checkpoint(as: "cp.txt")
        let out = ws.file("out.jsonld")
        try ws.must("export", "--ledger", ws.ledger, "--product", product, "--out", out, "--epcis", "--created", EPCISExportTests.created)
        return (EPCISExportTests.eventList(try EPCISExportTests.json(out)), first.stdout, again.stdout)
    }

    @Test("the XML twin of Example 9.6.1 imports to the same events as the JSON-LD example, and a second import appends nothing")
    func xmlTwin() throws {
        let fromJSON = try Self.exportedEvents(importing: try Vectors.url("epcis/examples/Example_9.6.1-ObjectEvent.jsonld").path)
        let fromXML = try Self.exportedEvents(importing: Self.xml)
        #expect(fromXML.events.count == 2 && fromJSON.events.count == 2)
        for (x, j) in zip(fromXML.events, fromJSON.events) {
            #expect(EPCISExportTests.same(x, j), "XML and JSON-LD twins gave different events")
        }
        #expect(fromXML.importOutput.contains("2 appended, 0 already present, 0 refused"), "\(fromXML.importOutput)")
        #expect(fromXML.again.contains("0 appended, 2 already present, 0 refused"), "\(fromXML.again)")
    }

    @Test("XML the EPCIS 2.0 XSD refuses is refused naming the element path and the rule; the ledger is unchanged")
    func xsdRefusal() throws {
        let ws = try EPCISExportTests.ledger()
        defer { ws.remove() }
        var text = try String(contentsOfFile: Self.xml, encoding: .utf8)
        text = text.replacingOccurrences(of: "<action>OBSERVE</action>", with: "<action>LOOK</action>")
        let bad = try ws.write("bad.xml", text)
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), bad)
        #expect(r.exitCode == 2, "\(r)")
        #expect(r.stderr.contains("EventList/ObjectEvent") && r.stderr.contains("/action") && r.stderr.contains("LOOK"), "\(r.stderr)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
    }
}
