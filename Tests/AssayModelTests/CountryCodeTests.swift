import Testing
@testable import AssayModel

@Suite("ISO 3166-1 alpha-2 country codes")
struct CountryCodeTests {
    @Test("accepts assigned codes", arguments: ["DE", "FR", "US", "GB", "CN", "SS", "BQ", "CW", "SX", "AX", "TW"])
    func accepts(_ code: String) throws {
        #expect(try CountryCode(code).code == code)
        #expect(CountryCode.isAssigned(code))
    }

    @Test("rejects unassigned codes and other shapes", arguments: [
        ("XX", "not an assigned ISO 3166-1 alpha-2 country code"),
        ("EU", "not an assigned"),
        ("UK", "not an assigned"),
        ("XK", "not an assigned"),
        ("AN", "not an assigned"),
        ("de", "two upper-case letters expected (codes are written in upper case: \"DE\")"),
        ("De", "(codes are written in upper case: \"DE\")"),
        ("xx", "two upper-case letters expected"),
        ("DEU", "two upper-case letters expected"),
        ("276", "two upper-case letters expected"),
        ("D", "two upper-case letters expected"),
        ("", "two upper-case letters expected"),
        ("ÄB", "two upper-case letters expected"),
    ])
    func rejects(_ code: String, _ fragment: String) {
        expectModelError(fragment, field: "ilmd.countryOfOrigin") { try CountryCode(code, field: "ilmd.countryOfOrigin") }
        #expect(!CountryCode.isAssigned(code))
    }

    @Test("the list holds the 249 assigned codes, all well formed")
    func list() {
        #expect(CountryCode.assigned.count == 249)
        for code in CountryCode.assigned {
            #expect(code.utf8.count == 2 && code.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }, "\(code)")
        }
    }
}
