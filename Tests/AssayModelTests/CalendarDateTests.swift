import Testing
@testable import AssayModel

@Suite("ISO 8601 calendar dates")
struct CalendarDateTests {
    @Test("accepts real dates", arguments: ["2024-02-29", "2000-02-29", "2023-12-31", "1970-01-01", "0001-01-01", "9999-12-31"])
    func accepts(_ text: String) throws {
        let d = try CalendarDate(parsing: text)
        #expect(d.description == text)
    }

    @Test("rejects days the calendar does not have, naming the rule", arguments: [
        ("2023-02-29", "February 2023 has 28 days"),
        ("1900-02-29", "February 1900 has 28 days"),
        ("2024-02-30", "February 2024 has 29 days"),
        ("2024-04-31", "April 2024 has 30 days"),
        ("2024-01-32", "January 2024 has 31 days"),
        ("2024-01-00", "January 2024 has 31 days"),
        ("2024-13-01", "month 13 is outside 1…12"),
        ("2024-00-10", "month 0 is outside 1…12"),
    ])
    func rejectsCalendar(_ text: String, _ fragment: String) {
        expectModelError("\(text) is not a calendar date", fragment, field: "securitySupportEnd") {
            try CalendarDate(parsing: text, field: "securitySupportEnd")
        }
    }

    @Test("rejects other shapes", arguments: [
        "2024-2-29", "24-02-29", "2024/02/29", "20240229", "2024-02-29T00:00:00Z", "2024-02-29 ", "", "+2024-02-29", "２０２４-02-29",
    ])
    func rejectsShape(_ text: String) {
        expectModelError("is not a date of the form YYYY-MM-DD") { try CalendarDate(parsing: text) }
    }

    @Test("orders chronologically and counts days from the epoch")
    func ordering() throws {
        let a = try CalendarDate(parsing: "2024-02-29")
        let b = try CalendarDate(parsing: "2024-03-01")
        #expect(a < b)
        #expect(b.daysSinceEpoch - a.daysSinceEpoch == 1)
        #expect(try CalendarDate(parsing: "1970-01-01").daysSinceEpoch == 0)
        #expect(try CalendarDate(year: 2030, month: 12, day: 31) == CalendarDate(parsing: "2030-12-31"))
        expectModelError("year 10000 is outside 0000…9999") { try CalendarDate(year: 10000, month: 1, day: 1) }
    }
}
