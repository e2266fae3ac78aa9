import AssayTestSupport
import Foundation
import Testing
@testable import AssayModel

/// Every GS1 identifier in the EPCIS 2.0 standard's examples (`shared/vectors/epcis/examples`)
/// either parses, and converts URN -> Digital Link -> URN back to the same text, or is
/// refused with a `ModelError` naming the rule: never a crash.
@Suite("GS1 identifiers in the EPCIS examples")
struct IdentifierVectorTests {
    static let prefixes = ["urn:epc:id:", "urn:epc:class:", "https://id.gs1.org/"]

    /// Forms Assay identifies things by: none of these may be refused.
    static let supported = [
        "urn:epc:id:sgtin:", "urn:epc:class:lgtin:", "urn:epc:idpat:sgtin:", "urn:epc:id:sgln:", "urn:epc:id:pgln:",
        "urn:epc:id:sscc:", "https://id.gs1.org/01/", "https://id.gs1.org/414/", "https://id.gs1.org/417/",
        "https://id.gs1.org/00/",
    ]

    /// The identifier-like strings of every `.jsonld` example, each with the first file it appears in.
    static func identifiers() throws -> [(text: String, file: String)] {
        let files = try Vectors.files(under: "epcis/examples", ext: "jsonld")
        #expect(!files.isEmpty, "no .jsonld files under \(Vectors.directory.path)/epcis/examples")
        var seen: Set<String> = []
        var out: [(text: String, file: String)] = []
        for file in files {
            let json = try JSONValue.parse(try Vectors.bytes(file), limits: .init(maxBytes: 1 << 24, maxDepth: 256))
            var strings: [String] = []
            collect(json, into: &strings)
            for s in strings where prefixes.contains(where: s.hasPrefix) && seen.insert(s).inserted {
                out.append((s, file))
            }
        }
        return out
    }

    static func collect(_ value: JSONValue, into out: inout [String]) {
        switch value {
        case .string(let s): out.append(s)
        case .array(let a): for v in a { collect(v, into: &out) }
        case .object(let o): for key in o.keys.sorted() { collect(o[key]!, into: &out) }
        case .null, .bool, .number: break
        }
    }

    @Test("each identifier parses and round-trips, or is refused naming the rule")
    func everyIdentifier() throws {
        let all = try Self.identifiers()
        #expect(all.count > 50)
        var parsed = 0
        var rejected: [(String, ModelError)] = []
        for (text, file) in all {
            do {
                let id = try GS1Identifier(parsing: text, field: file)
                parsed += 1
                let again = try GS1Identifier(parsing: id.canonical)
                #expect(again == id, "\(text)")
                if id.companyPrefixLength != nil {
                    // URN -> Digital Link -> URN, with the company prefix length the URN gave.
                    let urn = try id.epcURN()
                    #expect(urn == text, "URN round trip of \(text)")
                    #expect(try again.epcURN(companyPrefixLength: id.companyPrefixLength) == urn)
                } else {
                    #expect(id.canonical == text, "Digital Link round trip of \(text)")
                    #expect(throws: ModelError.self) { try id.epcURN() }
                }
            } catch {
                #expect(error.code == .invalidValue, "\(text): \(error)")
                #expect(error.field == file)
                #expect(error.message.contains("not") || error.message.contains("must"), "\(text): \(error.message)")
                #expect(!Self.supported.contains(where: text.hasPrefix), "supported form refused: \(text): \(error.message)")
                rejected.append((text, error))
            }
        }
        #expect(parsed > 0)
        #expect(parsed + rejected.count == all.count)
        if ProcessInfo.processInfo.environment["ASSAY_VERBOSE"] != nil {
            print("EPCIS example identifiers: \(all.count) distinct, \(parsed) parsed, \(rejected.count) refused")
            for (text, error) in rejected { print("  refused \(text): \(error.message)") }
        }
    }

    @Test("the EPCIS example pairs an SGTIN URN with its Digital Link")
    func digitalLinkExample() throws {
        // Example_9.6.1 is published twice: with EPC URNs and with Digital Links.
        let urn = try GS1Identifier(epcURN: "urn:epc:id:sgtin:0614141.107346.2017")
        let link = try GS1Identifier(digitalLink: "https://id.gs1.org/01/70614141123451/21/2017")
        #expect(urn.canonical == "https://id.gs1.org/01/10614141073464/21/2017")
        #expect(link.gtin?.digits == "70614141123451")
        let all = try Self.identifiers().map(\.text)
        #expect(all.contains("https://id.gs1.org/01/70614141123451/21/2017"))
        #expect(all.contains("urn:epc:id:sgtin:0614141.107346.2017"))
    }
}
