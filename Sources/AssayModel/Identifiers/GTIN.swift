/// A Global Trade Item Number: the GS1 key of a trade item (a product model, not one unit of
/// it). Kept as 14 digits: a GTIN-8, GTIN-12 or GTIN-13 is left-padded with zeros, as GS1
/// Digital Link and EPCIS do, so that one product has one `GTIN` value however it was written.
public struct GTIN: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The GTIN-14 form: 14 digits, the last one the verified check digit.
    public let digits: String

    /// Parses a GTIN-8, -12, -13 or -14 and verifies its check digit.
    /// - Parameters:
    ///   - text: the digits, without spaces or separators.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for a non-digit, a length other than 8, 12, 13 or 14,
    ///   or a wrong check digit ("GTIN 04012345000017 has check digit 7, expected 6").
    public init(_ text: String, field: String = "") throws(ModelError) {
        try GS1.validateKeyDigits(text, key: "GTIN", kind: "a GTIN", lengths: [8, 12, 13, 14], lengthsText: "8, 12, 13 or 14", field: field)
        self.digits = String(repeating: "0", count: 14 - text.utf8.count) + text
    }

    /// Builds a GTIN from its EPC parts (EPC Tag Data Standard, SGTIN): the indicator digit,
    /// then the company prefix, then the rest of the item reference, then the computed check
    /// digit.
    /// - Parameters:
    ///   - companyPrefix: the GS1 company prefix, 6 to 12 digits.
    ///   - indicatorAndItemReference: the indicator digit followed by the item reference;
    ///     together with the company prefix, 13 digits.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the part that is not digits or the wrong total length.
    public init(companyPrefix: String, indicatorAndItemReference: String, field: String = "") throws(ModelError) {
        digits = try GS1.keyDigits(companyPrefix: companyPrefix, rest: indicatorAndItemReference, bodyLength: 13, leadDigitFirst: true,
                                   partName: "indicator and item reference", partPhrase: "indicator with item reference",
                                   needs: "an SGTIN needs 13", field: field)
    }

    /// The first digit of the GTIN-14: the packaging level indicator (0 for GTIN-8/12/13).
    public var indicator: Character { digits.first! }

    /// The GTIN-14 digits.
    public var description: String { digits }

    /// Orders by the 14 digits.
    public static func < (a: GTIN, b: GTIN) -> Bool { a.digits < b.digits }

    /// Splits the GTIN into its EPC parts for a given company prefix length.
    /// - Returns: the company prefix and the indicator digit followed by the item reference.
    func epcParts(companyPrefixLength l: Int) -> (companyPrefix: String, indicatorAndItemReference: String) {
        let d = Array(digits.utf8)
        let prefix = String(decoding: d[1...l], as: UTF8.self)
        let reference = String(decoding: [d[0]] + d[(l + 1)..<13], as: UTF8.self)
        return (prefix, reference)
    }
}
