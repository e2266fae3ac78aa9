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
        try GS1.validateKeyDigits(text, key: "GLN", kind: "a GLN", lengths: [13], lengthsText: "13", field: field)
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
        digits = try GS1.keyDigits(companyPrefix: companyPrefix, rest: reference, bodyLength: 12, leadDigitFirst: false,
                                   partName: "location or party reference", partPhrase: "reference",
                                   needs: "a GLN needs 12 before its check digit", field: field)
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
