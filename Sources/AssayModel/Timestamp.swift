/// An RFC 3339 date-time with an explicit offset (`2026-05-01T10:00:00Z`,
/// `2026-05-01T12:00:00.250+02:00`), kept as written and as milliseconds since the epoch.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text exactly as it appeared in the statement.
    public let text: String
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let epochMillis: Int64
    /// The offset from UTC in minutes.
    public let offsetMinutes: Int

    public var description: String { text }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.epochMillis < b.epochMillis }
    public static func == (a: Timestamp, b: Timestamp) -> Bool { a.epochMillis == b.epochMillis }
    public func hash(into h: inout Hasher) { h.combine(epochMillis) }

    /// Parses RFC 3339 `date-time` (section 5.6); a zone offset is mandatory.
    public init(parsing text: String, field: String = "") throws(ModelError) {
        let b = Array(text.utf8)
        func bad(_ why: String) -> ModelError {
            ModelError(.invalidValue, field: field, "\"\(text.prefix(40))\" is not an RFC 3339 date-time with offset: \(why)")
        }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for k in from..<from + len {
                guard b[k] >= 48 && b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58, let s = num(17, 2) else {
            throw bad("expected YYYY-MM-DDTHH:MM:SS")
        }
        guard (1...12).contains(mo) else { throw bad("month out of range") }
        guard d >= 1 && d <= Self.daysInMonth(y, mo) else { throw bad("day out of range") }
        guard h < 24, mi < 60, s <= 60 else { throw bad("time out of range") }
        var k = 19
        var millis = 0
        if k < b.count, b[k] == UInt8(ascii: ".") {
            k += 1
            let start = k
            while k < b.count, b[k] >= 48 && b[k] <= 57 { k += 1 }
            guard k > start else { throw bad("empty fraction") }
            let digits = Array(b[start..<min(k, start + 3)]) + [UInt8](repeating: 48, count: max(0, 3 - (k - start)))
            millis = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard k < b.count else { throw bad("missing zone offset (Z or ±HH:MM)") }
        var offset = 0
        if b[k] == UInt8(ascii: "Z") || b[k] == UInt8(ascii: "z") {
            k += 1
        } else if b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
            guard let oh = num(k + 1, 2), k + 3 < b.count, b[k + 3] == 58, let om = num(k + 4, 2), oh < 24, om < 60 else {
                throw bad("malformed zone offset")
            }
            offset = (oh * 60 + om) * (b[k] == UInt8(ascii: "-") ? -1 : 1)
            k += 6
        } else {
            throw bad("missing zone offset (Z or ±HH:MM)")
        }
        guard k == b.count else { throw bad("trailing characters") }
        let days = Self.daysFromCivil(y, mo, d)
        let secs = Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + min(s, 59)) - Int64(offset * 60)
        self.text = text
        self.epochMillis = secs * 1000 + Int64(millis)
        self.offsetMinutes = offset
    }

    /// A UTC timestamp from milliseconds since the epoch, written with millisecond precision.
    public init(epochMillis: Int64) {
        self.epochMillis = epochMillis
        self.offsetMinutes = 0
        let secs = epochMillis >= 0 ? epochMillis / 1000 : (epochMillis - 999) / 1000
        let ms = Int(epochMillis - secs * 1000)
        let days = Int(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
        let rem = Int(secs - Int64(days) * 86400)
        let (y, m, d) = Self.civilFromDays(days)
        func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        self.text = "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem / 60 % 60, 2)):\(p(rem % 60, 2))" + (ms == 0 ? "" : ".\(p(ms, 3))") + "Z"
    }

    /// The offset in EPCIS `eventTimeZoneOffset` form (`+02:00`).
    public var offsetText: String {
        let a = abs(offsetMinutes)
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return (offsetMinutes < 0 ? "-" : "+") + p(a / 60) + ":" + p(a % 60)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// Checks an EPCIS `eventTimeZoneOffset` (`±HH:MM`).
public func validateZoneOffset(_ s: String, field: String) throws(ModelError) {
    let b = Array(s.utf8)
    guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == 58,
          let h = Int(String(decoding: b[1...2], as: UTF8.self)), let m = Int(String(decoding: b[4...5], as: UTF8.self)),
          b[1...2].allSatisfy({ $0 >= 48 && $0 <= 57 }), b[4...5].allSatisfy({ $0 >= 48 && $0 <= 57 }),
          h <= 14, m < 60 else {
        throw ModelError(.invalidValue, field: field, "\"\(s.prefix(20))\" is not a zone offset of the form ±HH:MM")
    }
}
