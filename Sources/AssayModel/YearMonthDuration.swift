/// An ISO 8601 duration of whole years and months (`P7Y`, `P5Y6M`, `P18M`): the form a
/// manufacturer declares a product's expected use time in (EU CRA Art. 13(8)).
///
/// Accepted: `P`, then `nY` and/or `nM` in that order, at least one present, `n` one to four
/// ASCII digits, not all of them zero. Weeks, days and times (`P1W`, `P30D`, `PT5H`), signs,
/// fractions and lower-case designators are refused: an expected use time is counted in
/// calendar years and months.
public struct YearMonthDuration: Sendable, Hashable, CustomStringConvertible {
    /// The years part (0 when only months are given).
    public let years: Int
    /// The months part (0 when only years are given); may exceed 11 (`P18M`).
    public let months: Int
    /// The text as written (`P5Y6M`).
    public let text: String

    /// Parses an ISO 8601 year-month duration.
    /// - Parameters:
    ///   - text: `P7Y`, `P5Y6M`, `P18M` …
    ///   - field: the JSON path of the field being parsed, for the error.
    /// - Throws: `ModelError.invalidValue` naming the field for any other form, or a zero duration.
    public init(parsing text: String, field: String = "") throws(ModelError) {
        func bad(_ why: String) -> ModelError {
            ModelError(.invalidValue, field: field,
                       "\(GS1.quoted(text)) is not an ISO 8601 duration of years and months (P7Y, P5Y6M, P18M): \(why)")
        }
        var b = Array(text.utf8)[...]
        guard b.first == UInt8(ascii: "P") else { throw bad("it must start with P") }
        b = b.dropFirst()
        var parts: [UInt8: Int] = [:]
        var order: [UInt8] = []
        while !b.isEmpty {
            let digits = b.prefix(while: GS1.isDigit)
            guard !digits.isEmpty else { throw bad("a number must come before each of Y and M") }
            guard digits.count <= 4 else { throw bad("at most four digits per part") }
            b = b.dropFirst(digits.count)
            guard let designator = b.first else { throw bad("the number \(String(decoding: digits, as: UTF8.self)) has no Y or M after it") }
            guard designator == UInt8(ascii: "Y") || designator == UInt8(ascii: "M") else {
                throw bad("only years (Y) and months (M) are allowed, not \(GS1.quoted(String(decoding: [designator], as: UTF8.self)))")
            }
            guard parts[designator] == nil, order.last != UInt8(ascii: "M") else { throw bad("years come first, then months, each once") }
            parts[designator] = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
            order.append(designator)
            b = b.dropFirst()
        }
        guard !order.isEmpty else { throw bad("it gives neither years nor months") }
        years = parts[UInt8(ascii: "Y")] ?? 0
        months = parts[UInt8(ascii: "M")] ?? 0
        guard years + months > 0 else { throw bad("it must be longer than zero") }
        self.text = text
    }

    /// The whole duration in months.
    public var totalMonths: Int { years * 12 + months }

    /// `date` plus this duration, as ISO 8601 and XML Schema add a duration to a date: add the
    /// months, and when the day does not exist in the month reached, take that month's last day
    /// (2027-01-31 + P1M = 2027-02-28). Nil when the result would be after the year 9999.
    public func added(to date: CalendarDate) -> CalendarDate? {
        let zeroBased = date.month - 1 + totalMonths
        let year = date.year + zeroBased / 12, month = zeroBased % 12 + 1
        guard year <= 9999 else { return nil }
        return try? CalendarDate(year: year, month: month, day: min(date.day, Timestamp.daysInMonth(year, month)))
    }

    /// The text as written.
    public var description: String { text }
}
