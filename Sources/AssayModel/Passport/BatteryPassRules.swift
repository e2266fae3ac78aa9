/// The value rules of the Battery Pass v1.2.0 JSON Schemas (draft-04), each applied as the
/// published schema states it — including where the published text is looser or odder than
/// its intent — so that Assay accepts exactly what a schema validator accepts:
///
/// * `pattern` is a search (JSON Schema patterns are not anchored unless they say `^…$`):
///   the date-time pattern of `lastUpdate` and `puttingIntoService` and the month pattern of
///   `warrentyPeriod` have no anchors, so a value that *contains* a match is accepted.
/// * `$` matches only at the very end (ECMA-262, as JSON Schema specifies), `.` any code point
///   but a line terminator, `\d` and `\w` ASCII only.
/// * `format: "uri"` is checked as an RFC 3986 URI (scheme, then URI characters and valid
///   percent-escapes); `format: "date-time"` as an RFC 3339 date-time.
/// * `minimum`/`maximum` compare the number exactly (`JSONNumber.compare(to:)`).
enum BatteryPassRules {
    /// `format: "uri"`: an RFC 3986 URI with a scheme.
    static func uri(_ s: String, field: String) throws(ModelError) {
        let b = Array(s.utf8)
        guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon > 0, isAlpha(b[0]),
              b[..<colon].allSatisfy({ isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }) else {
            throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a URI (format uri: scheme \":\" …, RFC 3986)")
        }
        var i = colon + 1
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < b.count, isHex(b[i + 1]), isHex(b[i + 2]) else {
                    throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a URI: \"%\" must start a percent-escape %HH")
                }
                i += 3
                continue
            }
            guard isAlpha(c) || isDigit(c) || uriSymbols.contains(c) else {
                throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a URI: a character at byte \(i) is not allowed in a URI (RFC 3986)")
            }
            i += 1
        }
    }

    /// `format: "date-time"`: RFC 3339 §5.6 `full-date "T" full-time` with a time offset.
    static func dateTime(_ s: String, field: String) throws(ModelError) {
        let b = Array(s.utf8)
        func digits(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= b.count else { return nil }
            var v = 0
            for k in from..<from + n {
                guard isDigit(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        func bad() -> ModelError {
            ModelError(.invalidValue, field: field, "\"\(s.prefix(60))\" is not an RFC 3339 date-time (format date-time: YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm))")
        }
        guard let y = digits(0, 4), b.count > 19, b[4] == 0x2D, let mo = digits(5, 2), b[7] == 0x2D, let d = digits(8, 2),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"), let h = digits(11, 2), b[13] == 0x3A, let mi = digits(14, 2),
              b[16] == 0x3A, let sec = digits(17, 2) else { throw bad() }
        guard (1...12).contains(mo), d >= 1, d <= Timestamp.daysInMonth(y, mo), h <= 23, mi <= 59, sec <= 60 else { throw bad() }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, isDigit(b[i]) { i += 1 }
            guard i > start else { throw bad() }
        }
        guard i < b.count else { throw bad() }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.count else { throw bad() }
            return
        }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, let oh = digits(i + 1, 2), b[i + 3] == 0x3A,
              let om = digits(i + 4, 2), oh <= 23, om <= 59 else { throw bad() }
    }

    /// `MaterialIdentifierTrait` (a CAS number's shape): `^\d{2,7}-\d{2}-\d{1}$`. The published
    /// schema checks the shape only, not the CAS check digit.
    static func casShape(_ s: String, field: String) throws(ModelError) {
        let g = s.split(separator: "-", omittingEmptySubsequences: false)
        guard g.count == 3, (2...7).contains(g[0].utf8.count), g[1].utf8.count == 2, g[2].utf8.count == 1,
              g.allSatisfy({ $0.utf8.allSatisfy(isDigit) }) else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the CAS number pattern ^\\d{2,7}-\\d{2}-\\d{1}$")
        }
    }

    /// `^urn:[a-z0-9]+:[a-z0-9]+$` (`ProductPassportIdentifierTrait`).
    static func passportURN(_ s: String, field: String) throws(ModelError) {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "urn",
              parts[1...].allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) } }) else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the pattern ^urn:[a-z0-9]+:[a-z0-9]+$")
        }
    }

    /// The `Timestamp` pattern of `lastUpdate`, `rPCLastUpdated` and `puttingIntoService`
    /// (unanchored, so a search): somewhere in the value, four digits, `-MM-DD` (01–12, 01–31),
    /// `T` and `hh:mm:ss` (00–23, 00–59, 00–59) or `24:00:00`.
    static func containsDateTime(_ s: String, field: String) throws(ModelError) {
        let b = Array(s.utf8)
        func two(_ k: Int) -> Int? { isDigit(b[k]) && isDigit(b[k + 1]) ? Int(b[k] - 48) * 10 + Int(b[k + 1] - 48) : nil }
        var found = false
        if b.count >= 19 {
            for i in 0...(b.count - 19) {
                guard b[i..<i + 4].allSatisfy(isDigit), b[i + 4] == 0x2D, let mo = two(i + 5), (1...12).contains(mo), b[i + 7] == 0x2D,
                      let d = two(i + 8), (1...31).contains(d), b[i + 10] == UInt8(ascii: "T"),
                      let h = two(i + 11), b[i + 13] == 0x3A, let mi = two(i + 14), b[i + 16] == 0x3A, let sec = two(i + 17) else { continue }
                if (h <= 23 && mi <= 59 && sec <= 59) || (h == 24 && mi == 0 && sec == 0) { found = true; break }
            }
        }
        guard found else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the Battery Pass date-time pattern (YYYY-MM-DDThh:mm:ss[.frac][Z|±hh:mm])")
        }
    }

    /// The `WarrentyPeriod` pattern (an xsd:gMonth, unanchored): `--` followed by a month 01–12.
    static func containsMonth(_ s: String, field: String) throws(ModelError) {
        let b = Array(s.utf8)
        var found = false
        if b.count >= 4 {
            for i in 0...(b.count - 4) where b[i] == 0x2D && b[i + 1] == 0x2D && isDigit(b[i + 2]) && isDigit(b[i + 3]) {
                let m = Int(b[i + 2] - 48) * 10 + Int(b[i + 3] - 48)
                if (1...12).contains(m) { found = true; break }
            }
        }
        guard found else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the warranty period pattern --MM (a month 01–12, xsd:gMonth)")
        }
    }

    /// The published `EmailAddressTrait` of General Product Information:
    /// `^[w.-]+@[w.-]+.[A-Za-z]{2,}$`. Its backslashes were lost in publication, so `w` is the
    /// letter w: the local part and domain may hold only `w`, `.` and `-`. Assay applies it as
    /// published (the member is optional; leave it out rather than sign a value that fails it).
    static func generalInformationEmail(_ s: String, field: String) throws(ModelError) {
        let set: (Unicode.Scalar) -> Bool = { $0 == "w" || $0 == "." || $0 == "-" }
        guard emailMatches(s, local: set, separator: { $0 != "\n" && $0 != "\r" && $0 != "\u{2028}" && $0 != "\u{2029}" }) else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the published pattern ^[w.-]+@[w.-]+.[A-Za-z]{2,}$ (as published it allows only the letter w, \".\" and \"-\" before the top-level domain)")
        }
    }

    /// `EmailAddressOfSupplierTrait` of Circularity: `^[\w.-]+@[\w.-]+\.[A-Za-z]{2,}$`.
    static func email(_ s: String, field: String) throws(ModelError) {
        let set: (Unicode.Scalar) -> Bool = { $0.isASCII && (isAlpha(UInt8($0.value)) || isDigit(UInt8($0.value)) || $0 == "_" || $0 == "." || $0 == "-") }
        guard emailMatches(s, local: set, separator: { $0 == "." }) else {
            throw ModelError(.invalidValue, field: field, "\(quoted(s)) does not match the e-mail pattern ^[\\w.-]+@[\\w.-]+\\.[A-Za-z]{2,}$")
        }
    }

    /// Whether `s` matches `^[S]+@[S]+X[A-Za-z]{2,}$` for the character class `local` (which
    /// excludes `@`) and the one-character `separator`.
    static func emailMatches(_ s: String, local: (Unicode.Scalar) -> Bool, separator: (Unicode.Scalar) -> Bool) -> Bool {
        let c = Array(s.unicodeScalars)
        var k = 0
        while k < c.count, local(c[k]) { k += 1 }
        guard k >= 1, k < c.count, c[k] == "@" else { return false }
        let r = Array(c[(k + 1)...])
        var p = 0
        while p < r.count, local(r[p]) { p += 1 }
        var q = r.count
        while q > 0, r[q - 1].isASCII, isAlpha(UInt8(r[q - 1].value)) { q -= 1 }
        guard r.count >= 3 else { return false }
        for j in stride(from: 1, through: min(p, r.count - 3), by: 1) where j + 1 >= q && separator(r[j]) {
            return true
        }
        return false
    }

    /// A number within `min…max` inclusive (JSON Schema `minimum`/`maximum`), compared exactly.
    static func range(_ n: JSONNumber, _ min: Int64, _ max: Int64, field: String) throws(ModelError) {
        guard n.compare(to: min) >= 0, n.compare(to: max) <= 0 else {
            throw ModelError(.invalidValue, field: field, "\(n.literal.prefix(40)) is outside \(min)…\(max)")
        }
    }

    static func quoted(_ s: String) -> String { JSONWriter.quote(String(s.prefix(80))) }
    static let uriSymbols: Set<UInt8> = Set("-._~:/?#[]@!$&'()*+,;=".utf8)
    static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
}
