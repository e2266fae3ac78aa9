import Testing
@testable import AssayModel

@Suite("GS1 check digits and keys")
struct GS1KeyTests {
    /// Keys from GS1 examples and the EPCIS vectors, each with a correct check digit.
    static let validKeys = [
        "96385074",            // GTIN-8
        "036000291452",        // GTIN-12 (UPC-A)
        "614141000036",        // GTIN-12, GS1 US example company prefix 0614141
        "4006381333931",       // GTIN-13
        "5901234123457",       // GTIN-13, GS1 example
        "04012345111118",      // GTIN-14 of urn:epc:id:sgtin:4012345.011111.987
        "10614141073464",      // GTIN-14 of urn:epc:id:sgtin:0614141.107346.2017
        "70614141123451",      // GTIN-14 in the EPCIS Digital Link example
        "4012345000009",       // GLN used in the project docs: its check digit 9 is right
        "106141412345678908",  // SSCC, GS1 example
    ]

    @Test("accepts GS1 keys with the right check digit", arguments: validKeys)
    func validCheckDigit(_ key: String) throws {
        #expect(GS1.isValidCheckDigit(key))
        try GS1.validateCheckDigit(key, field: "k")
        let body = String(key.dropLast())
        #expect(GS1.checkDigit(forBody: body) == Int(String(key.last!)))
    }

    @Test("rejects every wrong check digit of a valid key", arguments: validKeys)
    func everyWrongDigit(_ key: String) {
        let body = key.dropLast()
        for d in 0...9 where String(d) != String(key.last!) {
            #expect(!GS1.isValidCheckDigit(body + String(d)))
        }
    }

    @Test("names the check digit found and the one expected")
    func wrongCheckDigitMessage() {
        let e = expectModelError(field: "epcList[0]") {
            try GS1.validateCheckDigit("04012345000017", key: "GTIN", field: "epcList[0]")
        }
        #expect(e?.message == "GTIN 04012345000017 has check digit 7, expected 6")
        expectModelError("GLN 4012345000008 has check digit 8, expected 9", field: "bizLocation") {
            try GLN("4012345000008", field: "bizLocation")
        }
    }

    @Test("isValidCheckDigit is false for non-digits, empty and single digits")
    func notDigits() {
        for s in ["", "0", "40123450000O9", "4012345 000009", "-4012345000009", "４０１２３４５０００００９"] {
            #expect(!GS1.isValidCheckDigit(s), "\(s)")
        }
        #expect(GS1.checkDigit(forBody: "") == nil)
        #expect(GS1.checkDigit(forBody: "12a") == nil)
        expectModelError("digits only") { try GS1.validateCheckDigit("12a4", key: "GTIN") }
        expectModelError("too short") { try GS1.validateCheckDigit("7", key: "GTIN") }
    }

    @Test("GTIN-8, -12 and -13 are padded to 14 digits")
    func gtinPadding() throws {
        #expect(try GTIN("96385074").digits == "00000096385074")
        #expect(try GTIN("614141000036").digits == "00614141000036")
        #expect(try GTIN("4006381333931").digits == "04006381333931")
        #expect(try GTIN("10614141073464").digits == "10614141073464")
        #expect(try GTIN("4012345111118") == GTIN("04012345111118"))
        #expect(try GTIN("10614141073464").indicator == "1")
    }

    @Test("GTINs of the wrong length or with non-digits are rejected", arguments: [
        ("4012345", "has 7 digits; a GTIN has 8, 12, 13 or 14"),
        ("04012345111118" + "0", "has 15 digits"),
        ("40123451111", "has 11 digits"),
        ("", "digits only"),
        ("0401234511111X", "digits only"),
        (" 4012345111118", "digits only"),
    ])
    func gtinRejects(_ text: String, _ fragment: String) {
        expectModelError(fragment, field: "gtin") { try GTIN(text, field: "gtin") }
    }

    @Test("GLN and SSCC lengths")
    func glnAndSSCC() throws {
        #expect(try GLN("4012345000009").digits == "4012345000009")
        expectModelError("has 14 digits; a GLN has 13") { try GLN("04012345000009") }
        expectModelError("digits only") { try GLN("40123450000a9") }
        #expect(try SSCC("106141412345678908").digits == "106141412345678908")
        expectModelError("has 17 digits; an SSCC has 18") { try SSCC("10614141234567890") }
        expectModelError("SSCC 106141412345678907 has check digit 7, expected 8") { try SSCC("106141412345678907") }
    }

    @Test("keys built from EPC parts get their check digit computed")
    func fromParts() throws {
        #expect(try GTIN(companyPrefix: "4012345", indicatorAndItemReference: "011111").digits == "04012345111118")
        #expect(try GTIN(companyPrefix: "0614141", indicatorAndItemReference: "107346").digits == "10614141073464")
        #expect(try GLN(companyPrefix: "4012345", reference: "00000").digits == "4012345000009")
        #expect(try GLN(companyPrefix: "401234500000", reference: "").digits == "4012345000009")
        #expect(try SSCC(companyPrefix: "0614141", extensionAndSerialReference: "1234567890").digits == "106141412345678908")
        expectModelError("have 12 digits together; an SGTIN needs 13") {
            try GTIN(companyPrefix: "4012345", indicatorAndItemReference: "01111")
        }
        expectModelError("has 5 digits; it must have 6 to 12") {
            try GTIN(companyPrefix: "40123", indicatorAndItemReference: "45011111")
        }
        expectModelError("have 13 digits together; a GLN needs 12") { try GLN(companyPrefix: "4012345", reference: "000001") }
    }

    @Test("the GS1 AI encodable character set 82 has 82 characters")
    func characterSet82() throws {
        #expect(Set(GS1.encodableCharacterSet82).count == 82)
        for b in UInt8(0)..<128 {
            #expect(GS1.isCharacter82(b) == GS1.encodableCharacterSet82.utf8.contains(b))
        }
        #expect(GS1.isEncodable82("ABC-123/x"))
        #expect(!GS1.isEncodable82(""))
        #expect(!GS1.isEncodable82(String(repeating: "9", count: 21)))
        try GS1.validateEncodable82(String(repeating: "9", count: 20), name: "serial (AI 21)")
        expectModelError("serial (AI 21)", "21 characters long, at most 20") {
            try GS1.validateEncodable82(String(repeating: "9", count: 21), name: "serial (AI 21)")
        }
        expectModelError("\"@\"", "outside the GS1 AI encodable character set 82") {
            try GS1.validateEncodable82("a@b", name: "serial (AI 21)")
        }
        expectModelError("U+00E9") { try GS1.validateEncodable82("café", name: "lot (AI 10)") }
        expectModelError("U+0020") { try GS1.validateEncodable82("a b", name: "lot (AI 10)") }
        expectModelError("must not be empty") { try GS1.validateEncodable82("", name: "lot (AI 10)") }
    }
}
