import AssayModel
import Foundation
import Testing

/// Formerly refused valid EPCIS 2.0 events are accepted, with what Assay's principles need
/// left for the audit (`missingFacts`); formerly accepted invalid events are refused naming
/// the field and the standard's rule.
@Suite("Accept the standard, judge at audit time")
struct AcceptTheStandardTests {
    static func event(_ members: String) -> [UInt8] {
        Array(("{\"@context\": [\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"], "
            + "\"eventTime\": \"2026-11-18T14:00:00+01:00\", \"eventTimeZoneOffset\": \"+01:00\", " + members + "}").utf8)
    }

    static func statement(_ members: String) throws -> SupplyChainStatement {
        guard case .supplyChain(let s) = try Statement.decode(event(members)) else { throw ModelError(.unknownKind, "not an event") }
        return s
    }

    @Test("a commissioning without part number, facility or country is a component origin missing those facts")
    func bareCommissioning() throws {
        let s = try Self.statement("\"type\": \"ObjectEvent\", \"action\": \"ADD\", \"bizStep\": \"commissioning\", \"epcList\": [\"urn:epc:id:sgtin:4012345.000002.77\"]")
        #expect(s.kind == .componentOrigin)
        #expect(s.missingFacts.map(\.fact) == ["country of origin", "part number", "facility"])
    }

    @Test("standard master data counts: cbvmda and gs1 country of origin, lot number, expiration date")
    func standardMasterData() throws {
        let s = try Self.statement("\"type\": \"ObjectEvent\", \"action\": \"ADD\", \"bizStep\": \"commissioning\", \"epcList\": [], \"bizLocation\": {\"id\": \"urn:epc:id:sgln:4012345.00001.0\"}, \"ilmd\": {\"cbvmda:countryOfOrigin\": \"FR\", \"cbvmda:lotNumber\": \"L1\", \"cbvmda:itemExpirationDate\": \"2030-01-01\", \"assay:partNumber\": \"P-1\"}")
        #expect(s.event.assay.countryOfOrigin == "FR" && s.event.assay.lotNumber == "L1" && s.event.assay.itemExpirationDate == "2030-01-01")
        #expect(s.missingFacts.isEmpty)
        let g = try Self.statement("\"type\": \"ObjectEvent\", \"action\": \"ADD\", \"bizStep\": \"commissioning\", \"epcList\": [], \"ilmd\": {\"gs1:countryOfOrigin\": {\"gs1:countryCode\": \"IT\"}}")
        #expect(g.event.assay.countryOfOrigin == "IT")
        #expect { try Statement.decode(Self.event("\"type\": \"ObjectEvent\", \"action\": \"ADD\", \"epcList\": [], \"ilmd\": {\"cbvmda:countryOfOrigin\": \"FR\", \"assay:countryOfOrigin\": \"DE\"}")) } throws: {
            ($0 as? ModelError)?.field == "ilmd.assay:countryOfOrigin"
        }
    }

    @Test("a sensor ObjectEvent about a place, a TransformationEvent without bizStep, an AssociationEvent ADD without place or date are accepted")
    func formerlyRefused() throws {
        let sensor = try Self.statement("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\", \"readPoint\": {\"id\": \"urn:epc:id:sgln:4012345.00001.0\"}, \"sensorElementList\": [{\"sensorReport\": [{\"type\": \"Temperature\", \"value\": 21.5, \"uom\": \"CEL\"}]}]")
        #expect(sensor.kind == .supplyChainEvent && sensor.event.sensorElements.first?.reports.first?.value == 21.5)
        let step = try Self.statement("\"type\": \"TransformationEvent\", \"inputEPCList\": [\"urn:epc:id:sgtin:4012345.000002.1\"], \"outputEPCList\": [\"urn:epc:id:sgtin:4012345.000001.1\"]")
        #expect(step.kind == .manufacturingStep && step.missingFacts.isEmpty)
        let assembly = try Self.statement("\"type\": \"AssociationEvent\", \"action\": \"ADD\", \"parentID\": \"urn:epc:id:sgtin:4012345.000001.1\", \"childEPCs\": [\"urn:epc:id:sgtin:4012345.000002.1\"]")
        #expect(assembly.kind == .productAssembly && assembly.missingFacts.map(\.fact) == ["place of manufacture"])
    }

    @Test("refused naming the field and the standard's rule", arguments: [
        ("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\", \"readPoint\": {\"id\": \"urn:epc:id:sgln:4012345.00001.0\"}, \"sensorElementList\": [{\"sensorReport\": [{\"type\": \"Temperature\", \"value\": \"21.5\"}]}]",
         "sensorElementList[0].sensorReport[0].value", "must be a number"),
        ("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\", \"epcList\": [], \"sensorElementList\": [{\"sensorReport\": [{\"type\": \"Temperature\", \"calibrated\": true}]}]",
         "sensorElementList[0].sensorReport[0].calibrated", "is not a member of a sensorReport"),
        ("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\", \"epcList\": [], \"sensorElementList\": [{\"sensorReport\": [{\"type\": \"Heat\"}]}]",
         "sensorElementList[0].sensorReport[0].type", "not an EPCIS 2.0 measurement type"),
        ("\"type\": \"ObjectEvent\", \"action\": \"ADD\", \"epcList\": [], \"ilmd\": {\"lotNumber\": \"L1\"}", "ilmd.lotNumber", "qualified name"),
        ("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\", \"epcList\": [], \"bizTransactionList\": [{\"type\": \"urn:epcglobal:cbv:btt:order\", \"bizTransaction\": \"urn:example:po:1\"}]",
         "bizTransactionList[0].type", "not a CBV 2.0 business transaction type"),
        ("\"type\": \"ObjectEvent\", \"action\": \"OBSERVE\"", "epcList", "names its objects"),
    ])
    func refused(_ c: (String, String, String)) {
        #expect { try Statement.decode(Self.event(c.0)) } throws: { e in
            guard let e = e as? ModelError else { return false }
            return e.field == c.1 && e.message.contains(c.2)
        }
    }
}
