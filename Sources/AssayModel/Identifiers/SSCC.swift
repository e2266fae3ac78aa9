/// A Serial Shipping Container Code: the 18-digit GS1 key of a logistic unit (a pallet, a
/// case), AI 00, its check digit verified.
public struct SSCC: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 18 digits, the last one the verified check digit.
    public let digits: String

    /// Parses an SSCC and verifies its check digit.
    /// - Parameters:
    ///   - text: 18 digits.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for a non-digit, a length other than 18 or a wrong check digit.
    public init(_ text: String, field: String = "") throws(ModelError) {
        try GS1.validateKeyDigits(text, key: "SSCC", kind: "an SSCC", lengths: [18], lengthsText: "18", field: field)
        self.digits = text
    }

    /// Builds an SSCC from its EPC parts (EPC Tag Data Standard, SSCC): the extension digit,
    /// then the company prefix, then the rest of the serial reference, then the computed
    /// check digit.
    /// - Parameters:
    ///   - companyPrefix: the GS1 company prefix, 6 to 12 digits.
    ///   - extensionAndSerialReference: the extension digit followed by the serial
    ///     reference; with the company prefix, 17 digits.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the part that is not digits or the wrong total length.
    public init(companyPrefix: String, extensionAndSerialReference: String, field: String = "") throws(ModelError) {
        digits = try GS1.keyDigits(companyPrefix: companyPrefix, rest: extensionAndSerialReference, bodyLength: 17, leadDigitFirst: true,
                                   partName: "extension and serial reference", partPhrase: "extension with serial reference",
                                   needs: "an SSCC needs 17 before its check digit", field: field)
    }

    /// The 18 digits.
    public var description: String { digits }

    /// Orders by the digits.
    public static func < (a: SSCC, b: SSCC) -> Bool { a.digits < b.digits }

    /// Splits the SSCC into its EPC parts for a given company prefix length.
    func epcParts(companyPrefixLength l: Int) -> (companyPrefix: String, extensionAndSerialReference: String) {
        let d = Array(digits.utf8)
        return (String(decoding: d[1...l], as: UTF8.self), String(decoding: [d[0]] + d[(l + 1)..<17], as: UTF8.self))
    }
}
