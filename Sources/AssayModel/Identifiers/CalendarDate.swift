/// A calendar date without a time, ISO 8601 extended form `YYYY-MM-DD` (RFC 3339
/// `full-date`), such as a manufacturing date or a security-support end date.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, 0…9999.
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…28, 29, 30 or 31 as the month and year allow.
    public let day: Int

    /// Parses `YYYY-MM-DD` and checks that the day exists in the (proleptic Gregorian) calendar.
    /// - Parameters:
    ///   - text: exactly ten characters, `2024-02-29`.
    ///   - field: the JSON path of the field being parsed, for the error.
    /// - Throws: `ModelError.invalidValue` for another form, a month outside 1…12 or a day the
    ///   month does not have ("2023-02-29 is not a calendar date: February 2023 has 28 days").
    public init(parsing text: String, field: String = "") throws(ModelError) {
        let b = Array(text.utf8)
        func number(_ r: Range<Int>) -> Int? {
            guard b[r].allSatisfy(GS1.isDigit) else { return nil }
            return b[r].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else {
            throw ModelError(.invalidValue, field: field, "\(GS1.quoted(text)) is not a date of the form YYYY-MM-DD")
        }
        try self.init(year: y, month: m, day: d, field: field)
    }

    /// A date from its parts, checked against the calendar.
    /// - Parameters:
    ///   - year: 0…9999.
    ///   - month: 1…12.
    ///   - day: 1 up to the length of the month.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the part out of range.
    public init(year: Int, month: Int, day: Int, field: String = "") throws(ModelError) {
        func text() -> String { Self.format(year, month, day) }
        guard (0...9999).contains(year) else {
            throw ModelError(.invalidValue, field: field, "year \(year) is outside 0000…9999")
        }
        guard (1...12).contains(month) else {
            throw ModelError(.invalidValue, field: field, "\(text()) is not a calendar date: month \(month) is outside 1…12")
        }
        let days = Timestamp.daysInMonth(year, month)
        guard day >= 1 && day <= days else {
            throw ModelError(.invalidValue, field: field,
                             "\(text()) is not a calendar date: \(Self.monthNames[month - 1]) \(year) has \(days) days")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int { Timestamp.daysFromCivil(year, month, day) }

    /// `YYYY-MM-DD`.
    public var description: String { Self.format(year, month, day) }

    /// Orders chronologically.
    public static func < (a: CalendarDate, b: CalendarDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    static func format(_ y: Int, _ m: Int, _ d: Int) -> String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
