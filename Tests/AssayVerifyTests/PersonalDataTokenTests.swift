import AssayVerify
import Testing

/// The privacy scanner reads statements as UTF-8 bytes and looks at characters only around an
/// `@` or a `+`: it must find exactly what it found reading characters throughout.
@Suite("Privacy: personal contact data in free text")
struct PersonalDataTokenTests {
    @Test("e-mail addresses and phone numbers are found; identifiers, versions, JSON-LD keys and time zones are not",
          arguments: [
              (#"{"data":{"contact":"jane.doe@example.com"}}"#, ["jane.doe@example.com"]),
              (#"{"note":"write to mailto:ops+tag@mail.example.org today"}"#, ["ops+tag@mail.example.org"]),
              (#"{"owner":"zoë.müller@beispiel.de"}"#, ["zoë.müller@beispiel.de"]),
              (#"{"phone":"+49 89 1234 5678"}"#, ["+49891234 5678".filter(\.isNumber).reduce("+") { $0 + String($1) }]),
              (#"{"tel":"+٤٩٨٩١٢٣٤٥٦٧٨"}"#, ["+٤٩٨٩١٢٣٤٥٦٧٨"]),
              (#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"eventTimeZoneOffset":"+01:00"}"#, []),
              (#"{"firmware":"mcu@1.4.2","key":"acme.example/devices+d59d9cb4"}"#, []),
              (#"{"url":"https://user@example.com/path"}"#, []),
              (#"{"short":"+49 89 12"}"#, []),
          ])
    func tokens(_ text: String, _ expected: [String]) {
        #expect(PersonalData.tokens(in: text) == expected)
    }
}
