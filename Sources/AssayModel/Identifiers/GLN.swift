/// A Global Location Number: the 13-digit GS1 key of a location (AI 414) or of a party
/// (AI 417), its check digit verified.
public struct GLN: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 13 digits, the last one the verified check digit.
    public let digits: String

    /// Parses a GLN and verifies its check digit.
    /// - Parameters:
    ///   - text: 13 digits.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for a non-digit, a length other than 13 or a wrong
    ///   check digit ("GLN 4012345000008 has check digit 8, expected 9").
    public init(_ text: String, field: String = "") throws(ModelError) {
        guard GS1.isAllDigits(text) else {
            throw ModelError(.invalidValue, field: field, "GLN \(GS1.quoted(text)) must consist of digits only")
        }
        let count = text.utf8.count
        guard count == 13 else {
            throw ModelError(.invalidValue, field: field, "GLN \(GS1.quoted(text)) has \(count) digits; a GLN has 13")
        }
        try GS1.validateCheckDigit(text, key: "GLN", field: field)
        self.digits = text
    }

    /// Builds a GLN from its EPC parts (EPC Tag Data Standard, SGLN and PGLN): the company
    /// prefix, then the location or party reference, then the computed check digit.
    /// - Parameters:
    ///   - companyPrefix: the GS1 company prefix, 6 to 12 digits.
    ///   - reference: the location or party reference; with the company prefix, 12 digits
    ///     (empty when the company prefix has 12).
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the part that is not digits or the wrong total length.
    public init(companyPrefix: String, reference: String, field: String = "") throws(ModelError) {
        try GS1Identifier.checkCompanyPrefix(companyPrefix, field: field)
        guard reference.utf8.allSatisfy(GS1.isDigit) else {
            throw ModelError(.invalidValue, field: field, "location or party reference \(GS1.quoted(reference)) must consist of digits only")
        }
        let total = companyPrefix.utf8.count + reference.utf8.count
        guard total == 12 else {
            throw ModelError(.invalidValue, field: field,
                             "company prefix \(companyPrefix) and reference \(reference) have \(total) digits together; a GLN needs 12 before its check digit")
        }
        let body = companyPrefix + reference
        self.digits = body + String(GS1.checkDigit(forBody: body)!)
    }

    /// The 13 digits.
    public var description: String { digits }

    /// Orders by the digits.
    public static func < (a: GLN, b: GLN) -> Bool { a.digits < b.digits }

    /// Splits the GLN into its EPC parts for a given company prefix length.
    func epcParts(companyPrefixLength l: Int) -> (companyPrefix: String, reference: String) {
        let d = Array(digits.utf8)
        return (String(decoding: d[0..<l], as: UTF8.self), String(decoding: d[l..<12], as: UTF8.self))
    }
}
