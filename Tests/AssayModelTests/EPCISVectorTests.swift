@testable import AssayModel
import AssayTestSupport
import Foundation
import Testing

@Suite("EPCIS 2.0 example documents")
struct EPCISVectorTests {
    @Test("every event of every GS1 example is accepted as a kind or rejected naming field and rule; none dropped")
    func examples() throws {
        let dir = try Vectors.url("epcis/examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".jsonld") }.sorted()
        #expect(files.count == 15)
        var accepted = 0, rejected = 0
        for f in files {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(f)))
            let doc = try EPCISDocument(bytes: bytes)
            // Count the events independently of the splitter: no event may be dropped.
            let raw = try JSONSerialization.jsonObject(with: Data(bytes)) as! [String: Any]
            let body = raw["epcisBody"] as! [String: Any]
            let list = (body["eventList"] ?? ((body["queryResults"] as! [String: Any])["resultsBody"] as! [String: Any])["eventList"]) as! [Any]
            #expect(doc.events.count == list.count, "\(f)")
            for (i, e) in doc.events.enumerated() {
                do {
                    let st = try Statement.decode(Array(e.serialized.utf8))
                    #expect(StatementKind.allCases.contains(st.kind))
                    accepted += 1
                } catch {
                    rejected += 1
                    #expect(!error.field.isEmpty, "\(f)[\(i)] rejected without naming a field: \(error)")
                    #expect(error.pointer.hasPrefix("/"), "\(f)[\(i)]: \(error.pointer)")
                    #expect(error.kind != nil && !error.message.isEmpty, "\(f)[\(i)]: \(error)")
                }
            }
        }
        #expect(accepted + rejected == 21)
        #expect(accepted >= 18, "accepted \(accepted), rejected \(rejected)")
    }

    @Test("an event's namespaced extensions are kept and signed as given; unknown plain members are refused")
    func extensions() throws {
        let base = StatementTemplates.byKind["SupplyChainEvent"]!
        let withExt = "{\"example:shipmentRef\": \"SHP-1\"," + base.dropFirst()
        let st = try Statement.decode(Array(withExt.utf8))
        guard case .supplyChain(let s) = st else { Issue.record("not a supply-chain statement"); return }
        #expect(s.event.extensions["example:shipmentRef"] == .string("SHP-1"))
        let plain = "{\"shipmentRef\": \"SHP-1\"," + base.dropFirst()
        #expect { try Statement.decode(Array(plain.utf8)) } throws: { ($0 as? ModelError)?.field == "shipmentRef" }
    }

    @Test("one line names the kind, the JSON Pointer of the field and the rule")
    func errorLine() throws {
        let t = StatementTemplates.byKind["LifecycleCommitment"]!.replacingOccurrences(of: "\"securitySupportEnd\": \"2032-12-31\"", with: "\"securitySupportEnd\": \"2025-12-31\"")
        #expect { try Statement.decode(Array(t.utf8)) } throws: { e in
            let d = (e as! ModelError).description
            return d.hasPrefix("LifecycleCommitment /securitySupportEnd: ") && !d.contains("\n")
        }
        #expect(ModelError(.invalidValue, field: "ilmd.assay:materials[1].substancesOfConcern[0].casNumber", "x").pointer
                == "/ilmd/assay:materials/1/substancesOfConcern/0/casNumber")
        #expect(ModelError(.invalidValue, field: "a/b~c", "x").pointer == "/a~1b~0c")
    }

    @Test("a component named by EPC URN matches its origin named by Digital Link")
    func subjectsNormalised() throws {
        let origin = try Statement.decode(Array(StatementTemplates.byKind["ComponentOrigin"]!.utf8))
        let urnForm = StatementTemplates.byKind["ComponentOrigin"]!
            .replacingOccurrences(of: "https://id.gs1.org/01/04012345000023/10/LOT-2026-11", with: "urn:epc:class:lgtin:4012345.000002.LOT-2026-11")
        let other = try Statement.decode(Array(urnForm.utf8))
        #expect(origin.subjects == other.subjects)
        #expect(origin.subjects == ["https://id.gs1.org/01/04012345000023/10/LOT-2026-11"])
    }

    @Test("every template is valid and of its kind")
    func templates() throws {
        for (kind, json) in StatementTemplates.byKind {
            let st = try Statement.decode(Array(json.utf8))
            #expect(st.kind.rawValue == kind)
        }
        #expect(Set(StatementTemplates.byKind.keys) == Set(StatementKind.allCases.map(\.rawValue)))
    }
}
