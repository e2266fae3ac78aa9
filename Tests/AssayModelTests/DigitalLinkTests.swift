import Testing
@testable import AssayModel

@Suite("GS1 Digital Link URIs")
struct DigitalLinkTests {
    @Test("parses each supported key path", arguments: [
        ("https://id.gs1.org/01/04012345111118/21/987", GS1Identifier.Key.item(try! GTIN("04012345111118"), serial: "987")),
        ("https://id.gs1.org/01/04012345123456/10/998877", .batch(try! GTIN("04012345123456"), lot: "998877")),
        ("https://id.gs1.org/01/04012345123456", .productClass(try! GTIN("04012345123456"))),
        ("https://id.gs1.org/414/4012345000016", .location(try! GLN("4012345000016"), extension: nil)),
        ("https://id.gs1.org/414/0012345111112/254/400", .location(try! GLN("0012345111112"), extension: "400")),
        ("https://id.gs1.org/417/0614141007776", .party(try! GLN("0614141007776"))),
        ("https://id.gs1.org/00/106141412345678908", .logisticUnit(try! SSCC("106141412345678908"))),
    ])
    func parses(_ uri: String, _ key: GS1Identifier.Key) throws {
        let id = try GS1Identifier(digitalLink: uri)
        #expect(id.key == key)
        #expect(id.canonical == uri)
        #expect(id.description == uri)
        #expect(id.companyPrefixLength == nil)
        #expect(try GS1Identifier(parsing: uri) == id)
        #expect(try GS1Identifier(digitalLink: id.digitalLink(host: "brand.example")) == id)
    }

    @Test("the same item on any host, padded or not, with a path prefix, is one identifier")
    func hostVariation() throws {
        let forms = [
            "https://id.gs1.org/01/04012345111118/21/987",
            "https://id.gs1.org/01/4012345111118/21/987",
            "https://example.com/01/04012345111118/21/987",
            "https://brand.example:8443/products/01/04012345111118/21/987",
            "HTTPS://ID.GS1.ORG/01/04012345111118/21/987",
            "http://example.com/01/04012345111118/21/987",
            "https://id.gs1.org/01/04012345111118/10/LOT1/21/987",
            "https://id.gs1.org/%30%31/04012345111118/21/%39%38%37",
            "urn:epc:id:sgtin:4012345.011111.987",
            "urn:epc:id:sgtin:401234511.0111.987",
        ]
        let ids = try forms.map { text throws(ModelError) in try GS1Identifier(parsing: text) }
        #expect(Set(ids).count == 1)
        for id in ids {
            #expect(id == ids[0])
            #expect(id.hashValue == ids[0].hashValue)
            #expect(id.canonical == "https://id.gs1.org/01/04012345111118/21/987")
        }
        #expect(ids[0].gtin == (try GTIN("04012345111118")))
        #expect(ids[0].gln == nil)
    }

    @Test("GTIN-8, -12 and -13 are padded to 14 digits")
    func padding() throws {
        #expect(try GS1Identifier(digitalLink: "https://id.gs1.org/01/96385074").canonical == "https://id.gs1.org/01/00000096385074")
        #expect(try GS1Identifier(digitalLink: "https://id.gs1.org/01/614141000036/21/A1").canonical
            == "https://id.gs1.org/01/00614141000036/21/A1")
        #expect(try GS1Identifier(digitalLink: "https://example.org/01/4006381333931/10/L").canonical
            == "https://id.gs1.org/01/04006381333931/10/L")
    }

    @Test("a lot before a serial is checked, then left out of the item's identity")
    func lotAndSerial() throws {
        let id = try GS1Identifier(digitalLink: "https://id.gs1.org/01/04012345111118/10/ABC/21/987")
        #expect(id.key == .item(try GTIN("04012345111118"), serial: "987"))
        expectModelError("lot (AI 10)", "outside the GS1 AI encodable character set 82") {
            try GS1Identifier(digitalLink: "https://id.gs1.org/01/04012345111118/10/A~B/21/987")
        }
    }

    @Test("serials and lots are percent-decoded, and encoded again in canonical form")
    func percentEncoding() throws {
        let serial = "A/B%C&D<E>F?G\"H"
        let written = "https://id.gs1.org/01/04012345111118/21/A%2FB%25C%26D%3CE%3EF%3FG%22H"
        let id = try GS1Identifier(digitalLink: written)
        #expect(id.key == .item(try GTIN("04012345111118"), serial: serial))
        #expect(id.canonical == written)

        // Sub-delimiters may be written raw or escaped; the canonical form escapes them.
        let raw = try GS1Identifier(digitalLink: "https://id.gs1.org/01/04012345111118/10/!'()*+,:;=")
        let escaped = try GS1Identifier(digitalLink: "https://id.gs1.org/01/04012345111118/10/%21%27%28%29%2a%2B%2C%3A%3B%3D")
        #expect(raw == escaped)
        #expect(raw.key == .batch(try GTIN("04012345111118"), lot: "!'()*+,:;="))
        #expect(raw.canonical == "https://id.gs1.org/01/04012345111118/10/%21%27%28%29%2A%2B%2C%3A%3B%3D")

        // Every character of the set survives Digital Link -> value -> Digital Link.
        let all = Array(GS1.encodableCharacterSet82)
        for start in stride(from: 0, to: all.count, by: 20) {
            let chunk = String(all[start..<min(start + 20, all.count)])
            let a = try GS1Identifier(.item(try GTIN("04012345111118"), serial: chunk))
            let b = try GS1Identifier(digitalLink: a.canonical)
            #expect(b.key == a.key, "\(chunk)")
            #expect(b.canonical == a.canonical)
        }
    }

    @Test("rejects malformed Digital Links, naming the rule", arguments: [
        ("https://id.gs1.org/01/04012345111118/21/987?17=250101", "must not carry a query string or fragment"),
        ("https://id.gs1.org/01/04012345111118#x", "must not carry a query string or fragment"),
        ("https://id.gs1.org/01/04012345111118/21/987/", "empty path segment"),
        ("https://id.gs1.org//01/04012345111118", "empty path segment"),
        ("https://id.gs1.org", "has no path"),
        ("https://user@id.gs1.org/01/04012345111118", "user information"),
        ("https:///01/04012345111118", "no valid host name"),
        ("https://id.gs1.org:80a/01/04012345111118", "invalid port"),
        ("https://id.gs1.org/01/04012345111117/21/987", "GTIN 04012345111117 has check digit 7, expected 8"),
        ("https://id.gs1.org/01/04012345111/21/987", "has 11 digits"),
        ("https://id.gs1.org/01/040123451111189/21/987", "has 15 digits"),
        ("https://id.gs1.org/01/0401234511111A", "digits only"),
        ("https://id.gs1.org/01/04012345111118/21/123456789012345678901", "21 characters long, at most 20"),
        ("https://id.gs1.org/01/04012345111118/21/a%40b", "\"@\", which is outside the GS1 AI encodable character set 82"),
        ("https://id.gs1.org/01/04012345111118/21/a~b", "\"~\", which is outside the GS1 AI encodable character set 82"),
        ("https://id.gs1.org/01/04012345111118/21/a b", "U+0020, which must be percent-encoded"),
        ("https://id.gs1.org/01/04012345111118/21/a<b", "\"<\", which must be percent-encoded"),
        ("https://id.gs1.org/01/04012345111118/21/é", "a non-ASCII character, which must be percent-encoded"),
        ("https://id.gs1.org/01/04012345111118/21/%C3%A9", "U+00E9"),
        ("https://id.gs1.org/01/04012345111118/21/a%2", "malformed percent-escape"),
        ("https://id.gs1.org/01/04012345111118/21/a%zz", "malformed percent-escape"),
        ("https://id.gs1.org/414/4012345000009/254/0", "GLN extension \"0\" is reserved"),
        ("https://id.gs1.org/414/4012345000008", "GLN 4012345000008 has check digit 8, expected 9"),
        ("https://id.gs1.org/417/401234500000", "has 12 digits; a GLN has 13"),
        ("https://id.gs1.org/00/10614141234567890", "has 17 digits; an SSCC has 18"),
        ("https://id.gs1.org/8004/4000001111", "AI 8004 (GIAI), which Assay does not identify things by"),
        ("https://id.gs1.org/8003/04012345555558987", "AI 8003 (GRAI)"),
        ("https://id.gs1.org/01/04012345111118/22/V1/10/L", "AI 22 (consumer product variant)"),
        ("https://id.gs1.org/01/04012345111118/17/250101", "does not end in a GS1 key path Assay supports"),
        ("https://id.gs1.org/01/04012345111118/21", "does not end in a GS1 key path Assay supports"),
        ("https://id.gs1.org/gtin/04012345111118", "does not end in a GS1 key path Assay supports"),
        ("https://id.gs1.org/01/04012345111118/21/987/10/L", "does not end in a GS1 key path Assay supports"),
        ("https://id.gs1.org/417/4012345000009/254/1", "does not end in a GS1 key path Assay supports"),
    ])
    func rejects(_ uri: String, _ fragment: String) {
        expectModelError(fragment, field: "epcList[3]") { try GS1Identifier(digitalLink: uri, field: "epcList[3]") }
        expectModelError(fragment, field: "epcList[3]") { try GS1Identifier(parsing: uri, field: "epcList[3]") }
    }

    @Test("parsing refuses text that is neither a Digital Link nor a URN")
    func neither() {
        expectModelError("neither a GS1 Digital Link URI", field: "parentID") {
            try GS1Identifier(parsing: "04012345111118", field: "parentID")
        }
        expectModelError("neither") { try GS1Identifier(parsing: "") }
        expectModelError("neither") { try GS1Identifier(parsing: "ftp://id.gs1.org/01/04012345111118") }
        expectModelError("must start with https://") { try GS1Identifier(digitalLink: "ftp://id.gs1.org/01/04012345111118") }
        expectModelError("must start with urn:epc:") { try GS1Identifier(epcURN: "https://id.gs1.org/01/04012345111118") }
    }

    @Test("identifiers built from parts are validated")
    func fromParts() throws {
        let gtin = try GTIN("04012345111118")
        expectModelError("serial (AI 21) must not be empty") { try GS1Identifier(.item(gtin, serial: "")) }
        expectModelError("lot (AI 10)", "at most 20") { try GS1Identifier(.batch(gtin, lot: String(repeating: "x", count: 21))) }
        expectModelError("reserved") { try GS1Identifier(.location(try GLN("4012345000009"), extension: "0")) }
        expectModelError("company prefix length 13 is outside 6…12") { try GS1Identifier(.productClass(gtin), companyPrefixLength: 13) }
        let id = try GS1Identifier(.productClass(gtin), companyPrefixLength: 7)
        #expect(try id.epcURN() == "urn:epc:idpat:sgtin:4012345.011111.*")
    }

    @Test("orders by canonical text")
    func ordering() throws {
        let a = try GS1Identifier(parsing: "https://id.gs1.org/417/0614141007776")
        let b = try GS1Identifier(parsing: "https://id.gs1.org/01/04012345111118")
        let c = try GS1Identifier(parsing: "https://id.gs1.org/414/4012345000016")
        #expect([a, b, c].sorted() == [b, c, a])
    }
}
