import Testing
@testable import AssayModel

@Suite("CAS registry numbers")
struct CASNumberTests {
    @Test("accepts valid numbers", arguments: [
        "7732-18-5",   // water
        "7439-92-1",   // lead
        "7440-43-9",   // cadmium
        "7439-97-6",   // mercury
        "50-00-0",     // formaldehyde
        "117-81-7",    // DEHP
        "1333-86-4",   // carbon black
        "12190-79-3",  // lithium cobalt oxide
        "7440-02-0",   // nickel
        "10043-35-3",  // boric acid
        "1163-19-5",   // decaBDE
    ])
    func accepts(_ text: String) throws {
        #expect(try CASNumber(text).text == text)
        #expect(CASNumber.isValid(text))
    }

    @Test("rejects a wrong check digit, naming the expected one")
    func wrongCheckDigit() {
        let e = expectModelError(field: "substances[0].casNumber") { try CASNumber("7732-18-4", field: "substances[0].casNumber") }
        #expect(e?.message == "CAS number 7732-18-4 has check digit 4, expected 5")
        #expect(!CASNumber.isValid("7732-18-4"))
    }

    @Test("rejects other shapes", arguments: [
        ("7732185", "of the form NNNNNNN-NN-N"),
        ("7-18-5", "of the form"),
        ("12345678-18-5", "of the form"),
        ("7732-1-5", "of the form"),
        ("7732-18-55", "of the form"),
        ("7732-18-", "of the form"),
        ("7732–18–5", "of the form"),
        ("77a2-18-5", "of the form"),
        (" 7732-18-5", "of the form"),
        ("", "of the form"),
        ("07732-18-5", "must not start with a zero"),
    ])
    func rejectsShape(_ text: String, _ fragment: String) {
        expectModelError(fragment) { try CASNumber(text) }
    }

    @Test("check digit: digits weighted 1, 2, 3 … from the right, modulo 10")
    func checkDigit() {
        #expect(CASNumber.checkDigit(forBody: "773218") == 5)
        #expect(CASNumber.checkDigit(forBody: "5000") == 0)
        #expect(CASNumber.checkDigit(forBody: "") == nil)
        #expect(CASNumber.checkDigit(forBody: "7a") == nil)
    }

    @Test("orders numerically")
    func ordering() throws {
        let list = try ["7732-18-5", "50-00-0", "10043-35-3", "117-81-7"].map { s throws(ModelError) in try CASNumber(s) }
        #expect(list.sorted().map(\.text) == ["50-00-0", "117-81-7", "7732-18-5", "10043-35-3"])
    }
}
