/// A unit of measure as a UN/ECE Recommendation 20 common code (`KGM` kilogram, `GRM` gram,
/// `MTR` metre, `LTR` litre, `C62` one), the codes EPCIS 2.0 uses in `uom`.
///
/// The shape is checked (2 or 3 upper-case letters or digits); the full Rec 20 list has
/// about two thousand codes, so a well-formed code outside `known` is accepted and
/// `isKnown` says whether it is one of the common ones.
public struct UnitOfMeasure: Sendable, Hashable, CustomStringConvertible {
    /// The code.
    public let code: String

    /// Checks the shape of a Rec 20 code.
    /// - Parameters:
    ///   - code: 2 or 3 upper-case letters or digits.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for any other shape (`kg`, `KILO`, `kg/m`).
    public init(_ code: String, field: String = "") throws(ModelError) {
        let b = Array(code.utf8)
        guard (2...3).contains(b.count), b.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || GS1.isDigit($0) }) else {
            throw ModelError(.invalidValue, field: field,
                             "unit \(GS1.quoted(code)) is not a UN/ECE Recommendation 20 code: 2 or 3 upper-case letters or digits expected (e.g. KGM, MTR, C62)")
        }
        self.code = code
    }

    /// Whether the code is one of the common units in `known`.
    public var isKnown: Bool { Self.known[code] != nil }

    /// The unit's name, for a code in `known`.
    public var name: String? { Self.known[code] }

    /// The code.
    public var description: String { code }

    /// Common Rec 20 codes for supply-chain and product data, with their names.
    public static let known: [String: String] = [
        "C62": "one", "H87": "piece", "EA": "each", "NAR": "number of articles", "PR": "pair", "SET": "set",
        "KGM": "kilogram", "GRM": "gram", "MGM": "milligram", "MC": "microgram", "TNE": "tonne (metric ton)",
        "LBR": "pound", "ONZ": "ounce",
        "LTR": "litre", "MLT": "millilitre", "MTQ": "cubic metre", "CMQ": "cubic centimetre",
        "MTR": "metre", "CMT": "centimetre", "MMT": "millimetre", "KMT": "kilometre",
        "MTK": "square metre", "CMK": "square centimetre",
        "KWH": "kilowatt hour", "WHR": "watt hour", "AMH": "ampere hour", "WTT": "watt", "KWT": "kilowatt",
        "VLT": "volt", "AMP": "ampere",
        "SEC": "second", "MIN": "minute", "HUR": "hour", "DAY": "day", "MON": "month", "ANN": "year",
        "CEL": "degree Celsius", "P1": "percent",
    ]
}
