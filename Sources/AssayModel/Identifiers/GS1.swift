/// GS1 check digits and the character rules of GS1 Application Identifier (AI) values,
/// shared by the key types (`GTIN`, `GLN`, `SSCC`) and by `GS1Identifier`.
///
/// Sources: GS1 General Specifications §7.9 (the standard mod-10 check digit calculation)
/// and §7.11 (the GS1 AI encodable character set 82, used by serials, lots and GLN
/// extensions).
public enum GS1 {
    /// The GS1 mod-10 check digit of `body`, a key without its last digit: the digits are
    /// weighted 3, 1, 3, 1, … from the right, and the check digit brings the weighted sum up
    /// to a multiple of ten. One rule serves GTIN-8/12/13/14, GLN, SSCC and the other GS1 keys.
    /// - Parameter body: the digits before the check digit.
    /// - Returns: the check digit (0…9), or nil if `body` is empty or holds a non-digit.
    public static func checkDigit(forBody body: String) -> Int? {
        checkDigit(Array(body.utf8)[...])
    }

    /// Whether `digits` is a GS1 key whose last digit is the right check digit for the
    /// others. Any length from 2 digits up is accepted; length rules belong to the key types.
    /// - Parameter digits: the whole key, check digit included.
    /// - Returns: false for an empty string, a single digit or any non-digit character.
    public static func isValidCheckDigit(_ digits: String) -> Bool {
        let b = Array(digits.utf8)
        guard b.count >= 2, let expected = checkDigit(b.dropLast()), isDigit(b[b.count - 1]) else { return false }
        return Int(b[b.count - 1] - 48) == expected
    }

    /// Checks that `digits` is all digits and ends in the right GS1 check digit.
    /// - Parameters:
    ///   - digits: the whole key, check digit included.
    ///   - key: the key's name in messages (`GTIN`, `GLN`, `SSCC`).
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the key and, for a wrong check digit, the
    ///   digit found and the digit expected ("GTIN 04012345000017 has check digit 7, expected 6").
    public static func validateCheckDigit(_ digits: String, key: String = "GS1 key", field: String = "") throws(ModelError) {
        let b = Array(digits.utf8)
        guard !b.isEmpty, b.allSatisfy(isDigit) else {
            throw ModelError(.invalidValue, field: field, "\(key) \(quoted(digits)) must consist of digits only")
        }
        guard b.count >= 2, let expected = checkDigit(b.dropLast()) else {
            throw ModelError(.invalidValue, field: field, "\(key) \(quoted(digits)) is too short to carry a check digit")
        }
        let found = Int(b[b.count - 1] - 48)
        guard found == expected else {
            throw ModelError(.invalidValue, field: field, "\(key) \(digits) has check digit \(found), expected \(expected)")
        }
    }

    /// The 82 characters GS1 allows in alphanumeric AI values such as a serial (AI 21), a
    /// lot (AI 10) or a GLN extension (AI 254): `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
    public static let encodableCharacterSet82: String =
        "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

    /// Whether `value` is a non-empty string of at most `maxLength` characters, each from the
    /// GS1 AI encodable character set 82.
    public static func isEncodable82(_ value: String, maxLength: Int = 20) -> Bool {
        let b = Array(value.utf8)
        return !b.isEmpty && b.count <= maxLength && b.allSatisfy(isCharacter82)
    }

    /// Checks an alphanumeric AI value (serial, lot, GLN extension): 1 to `maxLength`
    /// characters, each from the GS1 AI encodable character set 82.
    /// - Parameters:
    ///   - value: the value, decoded (no percent-escapes).
    ///   - name: how messages call it, with its AI (`serial (AI 21)`).
    ///   - maxLength: the AI's maximum length (20 for AI 21, 10 and 254).
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the rule broken: empty, too long, or the
    ///   first character outside the set.
    public static func validateEncodable82(_ value: String, name: String, maxLength: Int = 20, field: String = "") throws(ModelError) {
        guard !value.isEmpty else {
            throw ModelError(.invalidValue, field: field, "\(name) must not be empty")
        }
        for scalar in value.unicodeScalars where !(scalar.isASCII && isCharacter82(UInt8(scalar.value))) {
            throw ModelError(.invalidValue, field: field,
                             "\(name) \(quoted(value)) contains \(describe(scalar)), which is outside the GS1 AI encodable character set 82")
        }
        let count = value.utf8.count
        guard count <= maxLength else {
            throw ModelError(.invalidValue, field: field,
                             "\(name) \(quoted(value)) is \(count) characters long, at most \(maxLength) allowed")
        }
    }

    // MARK: - Internal helpers shared by the identifier types

    static func checkDigit(_ body: ArraySlice<UInt8>) -> Int? {
        guard !body.isEmpty else { return nil }
        var sum = 0
        var weight = 3
        for b in body.reversed() {
            guard isDigit(b) else { return nil }
            sum += Int(b - 48) * weight
            weight = 4 - weight
        }
        return (10 - sum % 10) % 10
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    static func isAllDigits(_ s: some StringProtocol) -> Bool { !s.isEmpty && s.utf8.allSatisfy(isDigit) }

    static func isCharacter82(_ b: UInt8) -> Bool {
        switch b {
        case 0x21, 0x22, 0x25...0x2F, 0x30...0x39, 0x3A...0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A: true
        default: false
        }
    }

    /// `value` in double quotes, cut to 80 characters, for messages.
    static func quoted(_ value: some StringProtocol) -> String {
        value.count > 80 ? "\"\(value.prefix(80))…\"" : "\"\(value)\""
    }

    /// A character for messages: `"@"`, or its code point when it is invisible or not ASCII.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, scalar.value > 0x20, scalar.value < 0x7F { return "\"\(Character(scalar))\"" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

extension GS1 {
    /// Checks a GS1 key written as digits: digits only, one of the allowed lengths, and the
    /// right check digit. `kind` names the key with its article ("a GLN").
    static func validateKeyDigits(_ text: String, key: String, kind: String, lengths: [Int], lengthsText: String,
                                  field: String) throws(ModelError) {
        guard isAllDigits(text) else {
            throw ModelError(.invalidValue, field: field, "\(key) \(quoted(text)) must consist of digits only")
        }
        let count = text.utf8.count
        guard lengths.contains(count) else {
            throw ModelError(.invalidValue, field: field, "\(key) \(quoted(text)) has \(count) digits; \(kind) has \(lengthsText)")
        }
        try validateCheckDigit(text, key: key, field: field)
    }

    /// Builds a key's digits from its EPC parts: the company prefix and the rest (whose first
    /// digit goes in front when `leadDigitFirst`, as the indicator of an SGTIN or the extension
    /// digit of an SSCC does), then the computed check digit.
    /// - Parameters:
    ///   - partName: the rest, for the digits-only message ("location or party reference").
    ///   - partPhrase: the rest, for the length message ("reference").
    ///   - needs: the length rule ("a GLN needs 12 before its check digit").
    static func keyDigits(companyPrefix: String, rest: String, bodyLength: Int, leadDigitFirst: Bool,
                          partName: String, partPhrase: String, needs: String, field: String) throws(ModelError) -> String {
        try GS1Identifier.checkCompanyPrefix(companyPrefix, field: field)
        guard rest.utf8.allSatisfy(isDigit), !(leadDigitFirst && rest.isEmpty) else {
            throw ModelError(.invalidValue, field: field, "\(partName) \(quoted(rest)) must consist of digits only")
        }
        let total = companyPrefix.utf8.count + rest.utf8.count
        guard total == bodyLength else {
            throw ModelError(.invalidValue, field: field,
                             "company prefix \(companyPrefix) and \(partPhrase) \(rest) have \(total) digits together; \(needs)")
        }
        let body = leadDigitFirst ? String(rest.prefix(1)) + companyPrefix + String(rest.dropFirst()) : companyPrefix + rest
        return body + String(checkDigit(forBody: body)!)
    }
}
