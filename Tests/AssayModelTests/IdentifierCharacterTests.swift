import Testing
@testable import AssayModel

/// Identifiers a record is indexed under never hold control characters: PostgreSQL `text`
/// cannot store U+0000, so one such submission would fail a whole commit group there.
@Suite("Control characters in identifiers")
struct IdentifierCharacterTests {
    static func generic(subject: String) -> [UInt8] {
        let json = #"{"type":"GenericEvent","subject":"\#(subject)","action":"inspected","data":{"note":"a\u0000b"},"eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
        return Array(json.utf8)
    }

    @Test("a subject with U+0000, U+001F, U+007F or U+0085 is refused, naming the character", arguments: [
        (#"urn:example:x\u0000y"#, "U+0000"), (#"https://id.gs1.org/01/04012345000016/21/A\u001f"#, "U+001F"),
        (#"urn:example:\u007f"#, "U+007F"), (#"urn:example:\u0085z"#, "U+0085"),
    ])
    func refused(subject: String, code: String) {
        expectModelError("contains the control character \(code)", field: "subject") { try Statement.decode(Self.generic(subject: subject)) }
    }

    @Test("an EPCIS eventID with a control character is refused")
    func eventID() {
        let json = #"{"type":"ObjectEvent","eventID":"urn:uuid:\u0000","action":"OBSERVE","epcList":["https://id.gs1.org/01/04012345000016/21/SN-1"],"eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
        expectModelError("U+0000", field: "eventID") { try Statement.decode(Array(json.utf8)) }
    }

    @Test("control characters in signed data (not identifiers) stay allowed; non-ASCII identifiers are fine")
    func allowed() throws {
        let s = try Statement.decode(Self.generic(subject: "urn:example:Grüße-€"))
        #expect(s.subjects == ["urn:example:Grüße-€"])
    }
}
