/// A CAS Registry Number, the Chemical Abstracts Service identifier of a substance
/// (`7732-18-5`, water), as used for substances of concern.
///
/// Written as 2 to 7 digits (no leading zero), a hyphen, 2 digits, a hyphen and one check
/// digit: the last digit is the sum of the other digits weighted 1, 2, 3, … from the right,
/// modulo 10.
public struct CASNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The number as written, hyphens included.
    public let text: String

    /// Checks the form and the check digit of a CAS Registry Number.
    /// - Parameters:
    ///   - text: the number with its two hyphens.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for another form or a wrong check digit
    ///   ("CAS number 7732-18-4 has check digit 4, expected 5").
    public init(_ text: String, field: String = "") throws(ModelError) {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 3, (2...7).contains(groups[0].utf8.count), groups[1].utf8.count == 2, groups[2].utf8.count == 1,
              groups.allSatisfy({ GS1.isAllDigits($0) }) else {
            throw ModelError(.invalidValue, field: field,
                             "\(GS1.quoted(text)) is not a CAS registry number of the form NNNNNNN-NN-N (2 to 7 digits, 2 digits, a check digit)")
        }
        guard groups[0].first != "0" else {
            throw ModelError(.invalidValue, field: field, "CAS number \(text) must not start with a zero")
        }
        let expected = Self.checkDigit(forBody: String(groups[0] + groups[1]))!
        let found = Int(groups[2].utf8.first! - 48)
        guard found == expected else {
            throw ModelError(.invalidValue, field: field, "CAS number \(text) has check digit \(found), expected \(expected)")
        }
        self.text = text
    }

    /// The CAS check digit of `body` (the digits before the check digit, without hyphens):
    /// digits weighted 1, 2, 3, … from the right, summed, modulo 10.
    /// - Returns: nil if `body` is empty or holds a non-digit.
    public static func checkDigit(forBody body: String) -> Int? {
        guard GS1.isAllDigits(body) else { return nil }
        var sum = 0
        for (i, c) in body.utf8.reversed().enumerated() { sum += (i + 1) * Int(c - 48) }
        return sum % 10
    }

    /// Whether `text` is a well-formed CAS Registry Number with the right check digit.
    public static func isValid(_ text: String) -> Bool { (try? CASNumber(text)) != nil }

    /// The number as written.
    public var description: String { text }

    /// Orders numerically by the registry number (not by text).
    public static func < (a: CASNumber, b: CASNumber) -> Bool {
        let x = a.text.filter { $0 != "-" }, y = b.text.filter { $0 != "-" }
        return x.count != y.count ? x.count < y.count : x < y
    }
}
