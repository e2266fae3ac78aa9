import Testing
@testable import AssayModel

@Suite("EPC pure-identity URNs")
struct EPCURNTests {
    /// Each URN scheme with the Digital Link it converts to (check digits computed by hand
    /// from the GS1 algorithm; the SSCC is the GS1 General Specifications example).
    static let pairs: [(urn: String, digitalLink: String, prefixLength: Int)] = [
        ("urn:epc:id:sgtin:4012345.011111.987", "https://id.gs1.org/01/04012345111118/21/987", 7),
        ("urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/10614141073464/21/2017", 7),
        ("urn:epc:id:sgtin:9520001.012346.10000001001", "https://id.gs1.org/01/09520001123467/21/10000001001", 7),
        ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877", 7),
        ("urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456", 7),
        ("urn:epc:id:sgln:4012345.00001.0", "https://id.gs1.org/414/4012345000016", 7),
        ("urn:epc:id:sgln:0012345.11111.400", "https://id.gs1.org/414/0012345111112/254/400", 7),
        ("urn:epc:id:sgln:952005385.481.0", "https://id.gs1.org/414/9520053854814", 9),
        ("urn:epc:id:sgln:401234500000..0", "https://id.gs1.org/414/4012345000009", 12),
        ("urn:epc:id:pgln:0614141.00777", "https://id.gs1.org/417/0614141007776", 7),
        ("urn:epc:id:pgln:4012345.00225", "https://id.gs1.org/417/4012345002256", 7),
        ("urn:epc:id:pgln:401234500000.", "https://id.gs1.org/417/4012345000009", 12),
        ("urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908", 7),
        ("urn:epc:id:sgtin:012345678901.0.S1", "https://id.gs1.org/01/00123456789012/21/S1", 12),
        ("urn:epc:id:sgtin:401234.7011111.X", "https://id.gs1.org/01/74012340111112/21/X", 6),
    ]

    @Test("URN to Digital Link and back, for every scheme", arguments: pairs)
    func roundTrip(_ pair: (urn: String, digitalLink: String, prefixLength: Int)) throws {
        let fromURN = try GS1Identifier(epcURN: pair.urn)
        #expect(fromURN.canonical == pair.digitalLink)
        #expect(fromURN.companyPrefixLength == pair.prefixLength)
        #expect(try fromURN.epcURN() == pair.urn)

        let fromLink = try GS1Identifier(digitalLink: pair.digitalLink)
        #expect(fromLink == fromURN)
        #expect(try fromLink.epcURN(companyPrefixLength: pair.prefixLength) == pair.urn)
        #expect(try GS1Identifier(parsing: pair.urn) == fromLink)
    }

    @Test("every company prefix length 6…12 splits and rebuilds the same key", arguments: pairs)
    func everyPrefixLength(_ pair: (urn: String, digitalLink: String, prefixLength: Int)) throws {
        let id = try GS1Identifier(digitalLink: pair.digitalLink)
        for l in 6...12 {
            let urn = try id.epcURN(companyPrefixLength: l)
            let back = try GS1Identifier(epcURN: urn)
            #expect(back == id, "\(urn)")
            #expect(back.companyPrefixLength == l)
            #expect(try back.epcURN() == urn)
        }
    }

    @Test("a Digital Link needs the company prefix length to become a URN")
    func prefixLengthRequired() throws {
        let id = try GS1Identifier(digitalLink: "https://example.com/01/04012345111118/21/987")
        expectModelError("needs the GS1 company prefix length", "cannot be derived from the number alone", field: "epcList[0]") {
            try id.epcURN(field: "epcList[0]")
        }
        expectModelError("company prefix length 5 is outside 6…12") { try id.epcURN(companyPrefixLength: 5) }
        expectModelError("company prefix length 13 is outside 6…12") { try id.epcURN(companyPrefixLength: 13) }
        // A length given explicitly wins over the remembered one.
        let urn = try GS1Identifier(epcURN: "urn:epc:id:sgtin:4012345.011111.987")
        #expect(try urn.epcURN(companyPrefixLength: 9) == "urn:epc:id:sgtin:401234511.0111.987")
    }

    @Test("TDS escapes round-trip: URN -> Digital Link -> URN")
    func escapes() throws {
        let urn = "urn:epc:id:sgtin:4012345.011111.A%2FB%25C%26D%3CE%3EF%3FG%22H"
        let id = try GS1Identifier(epcURN: urn)
        #expect(id.key == .item(try GTIN("04012345111118"), serial: "A/B%C&D<E>F?G\"H"))
        #expect(id.canonical == "https://id.gs1.org/01/04012345111118/21/A%2FB%25C%26D%3CE%3EF%3FG%22H")
        #expect(try GS1Identifier(digitalLink: id.canonical).epcURN(companyPrefixLength: 7) == urn)

        // Characters a URN writes raw but a Digital Link escapes.
        let rawURN = "urn:epc:class:lgtin:4012345.011111.!'()*+,-.:;=_"
        let lot = try GS1Identifier(epcURN: rawURN)
        #expect(lot.canonical == "https://id.gs1.org/01/04012345111118/10/%21%27%28%29%2A%2B%2C-.%3A%3B%3D_")
        #expect(try GS1Identifier(digitalLink: lot.canonical).epcURN(companyPrefixLength: 7) == rawURN)

        // Needless escapes and lower-case hex are accepted and written canonically.
        let loose = try GS1Identifier(epcURN: "urn:epc:id:sgln:0012345.11111.%41%2f1")
        #expect(loose.key == .location(try GLN("0012345111112"), extension: "A/1"))
        #expect(try loose.epcURN() == "urn:epc:id:sgln:0012345.11111.A%2F1")

        // Every character of the set survives URN -> Digital Link -> URN.
        let all = Array(GS1.encodableCharacterSet82)
        for start in stride(from: 0, to: all.count, by: 20) {
            let chunk = String(all[start..<min(start + 20, all.count)])
            let a = try GS1Identifier(.batch(try GTIN("04012345111118"), lot: chunk), companyPrefixLength: 7)
            let urn = try a.epcURN()
            let b = try GS1Identifier(epcURN: urn)
            #expect(b == a, "\(urn)")
            #expect(try GS1Identifier(digitalLink: b.canonical).epcURN(companyPrefixLength: 7) == urn)
        }
    }

    @Test("the prefix and scheme may be written in upper case")
    func caseOfPrefix() throws {
        let id = try GS1Identifier(epcURN: "URN:EPC:ID:SGTIN:4012345.011111.abc")
        #expect(try id.epcURN() == "urn:epc:id:sgtin:4012345.011111.abc")
    }

    @Test("a URN in any ASCII case is GS1 form: the same subject as its lower-case spelling, in every field that indexes it; a bad one is refused where identifiers must parse")
    func caseOfPrefixIndexesTheSameSubject() throws {
        let item = "https://id.gs1.org/01/04012345000016/21/SN-0001"
        for spelling in ["urn:epc:id:sgtin:4012345.000001.SN-0001", "URN:EPC:ID:SGTIN:4012345.000001.SN-0001",
                         "Urn:Epc:Id:Sgtin:4012345.000001.SN-0001"] {
            #expect(canonicalSubject(spelling) == item, "\(spelling)")
            let generic = "{\"type\":\"GenericEvent\",\"subject\":\"\(spelling)\",\"action\":\"inspected\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
            #expect(try Statement.decode(Array(generic.utf8)).subjects == [item], "\(spelling)")
            let epcis = "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"\(spelling)\"]}"
            #expect(try Statement.decode(Array(epcis.utf8)).subjects == [item], "\(spelling)")
        }
        #expect(canonicalSubject("URN:EPC:CLASS:LGTIN:4012345.000001.L1") == "https://id.gs1.org/01/04012345000016/10/L1")
        #expect(canonicalSubject("URN:EPC:ID:SGLN:4012345.00001.0") == "https://id.gs1.org/414/4012345000016")
        // Other schemes stay opaque, and only ASCII letters fold (a dotted capital I is not an i).
        #expect(canonicalSubject("URN:EPC:ID:GIAI:4012345.1") == "URN:EPC:ID:GIAI:4012345.1")
        #expect(canonicalSubject("URN:EPC:\u{130}D:SGTIN:4012345.000001.X") == "URN:EPC:\u{130}D:SGTIN:4012345.000001.X")
        // In GS1 form, so it must parse: a wrong check structure is refused in an EPCIS list.
        let bad = "{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"URN:EPC:ID:SGTIN:4012345.01.SN-0001\"]}"
        #expect(throws: ModelError.self) { _ = try Statement.decode(Array(bad.utf8)) }
    }

    @Test("rejects malformed URNs, naming the rule", arguments: [
        ("urn:epc:id:giai:4000001.111", "EPC scheme giai, which Assay does not identify things by"),
        ("urn:epc:id:sscc", "must have the form urn:epc:id:{scheme}:{value}"),
        ("urn:epc:class:foo:4000001.111.1", "EPC scheme foo"),
        ("urn:epc:tag:sgtin-96:3.4012345.011111.987", "EPC tag encoding, not a pure identity"),
        ("urn:epc:raw:96.x3074257BF7194E4000001A85", "EPC raw encoding"),
        ("urn:epc:foo:sgtin:4012345.011111.987", "unknown EPC category foo"),
        ("urn:isbn:9780345418913", "must start with urn:epc:"),
        ("urn:epc:id:sgtin:4012345.011111", "must have 3 dot-separated parts"),
        ("urn:epc:id:sgtin:4012345.01111.987", "have 12 digits together; an SGTIN needs 13"),
        ("urn:epc:id:sgtin:40123.45011111.987", "GS1 company prefix 40123 has 5 digits; it must have 6 to 12"),
        ("urn:epc:id:sgtin:4012345678901..987", "has 13 digits; it must have 6 to 12"),
        ("urn:epc:id:sgtin:40123A5.011111.987", "GS1 company prefix \"40123A5\" must consist of digits only"),
        ("urn:epc:id:sgtin:4012345.0111A1.987", "must consist of digits only"),
        ("urn:epc:id:sgtin:4012345.011111.", "serial (AI 21) must not be empty"),
        ("urn:epc:id:sgtin:4012345.011111.123456789012345678901", "21 characters long, at most 20"),
        ("urn:epc:id:sgtin:4012345.011111.a/b", "\"/\", which an EPC URN must escape as %2F"),
        ("urn:epc:id:sgtin:4012345.011111.a&b", "\"&\", which an EPC URN must escape as %26"),
        ("urn:epc:id:sgtin:4012345.011111.a?b", "must escape as %3F"),
        ("urn:epc:id:sgtin:4012345.011111.a@b", "\"@\", which is outside the GS1 AI encodable character set 82"),
        ("urn:epc:id:sgtin:4012345.011111.a b", "U+0020"),
        ("urn:epc:id:sgtin:4012345.011111.a%2", "malformed escape"),
        ("urn:epc:id:sgtin:4012345.011111.%40", "outside the GS1 AI encodable character set 82"),
        ("urn:epc:class:lgtin:4012345.011111.é", "lot (AI 10)", ),
        ("urn:epc:idpat:sgtin:4012345.011111.5", "not a product class pattern"),
        ("urn:epc:idpat:sgtin:4012345.*.*", "must consist of digits only"),
        ("urn:epc:id:sgln:4012345.00001", "must have 3 dot-separated parts"),
        ("urn:epc:id:sgln:4012345.0001.0", "have 11 digits together; a GLN needs 12"),
        ("urn:epc:id:sgln:4012345.00001.%30", "GLN extension \"0\" is reserved"),
        ("urn:epc:id:pgln:0614141.00777.1", "must have 2 dot-separated parts"),
        ("urn:epc:id:pgln:0614141", "must have 2 dot-separated parts"),
        ("urn:epc:id:sscc:0614141.123456789", "have 16 digits together; an SSCC needs 17"),
        ("urn:epc:id:sscc:0614141.1234567890.1", "must have 2 dot-separated parts"),
    ])
    func rejects(_ urn: String, _ fragment: String) {
        expectModelError(fragment, field: "childEPCs[1]") { try GS1Identifier(epcURN: urn, field: "childEPCs[1]") }
        expectModelError(fragment, field: "childEPCs[1]") { try GS1Identifier(parsing: urn, field: "childEPCs[1]") }
    }
}
