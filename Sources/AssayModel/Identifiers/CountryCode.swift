/// An ISO 3166-1 alpha-2 country code (`DE`, `FR`, `US`), as used for a country of origin.
public struct CountryCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The two upper-case letters.
    public let code: String

    /// Checks that `code` is a currently assigned ISO 3166-1 alpha-2 code.
    /// - Parameters:
    ///   - code: two upper-case letters.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` for anything but two upper-case letters (lower case,
    ///   alpha-3 `DEU`, numeric codes) and for codes not assigned to a country (`XX`, `EU`, `UK`).
    public init(_ code: String, field: String = "") throws(ModelError) {
        let b = Array(code.utf8)
        guard b.count == 2, b.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            let upper = code.uppercased()
            let hint = upper != code && Self.assigned.contains(upper) ? " (codes are written in upper case: \"\(upper)\")" : ""
            throw ModelError(.invalidValue, field: field,
                             "\(GS1.quoted(code)) is not an ISO 3166-1 alpha-2 country code: two upper-case letters expected\(hint)")
        }
        guard Self.assigned.contains(code) else {
            throw ModelError(.invalidValue, field: field, "\"\(code)\" is not an assigned ISO 3166-1 alpha-2 country code")
        }
        self.code = code
    }

    /// Whether `code` is a currently assigned ISO 3166-1 alpha-2 code.
    public static func isAssigned(_ code: String) -> Bool { assigned.contains(code) }

    /// The two letters.
    public var description: String { code }

    /// Orders alphabetically.
    public static func < (a: CountryCode, b: CountryCode) -> Bool { a.code < b.code }

    /// The 249 officially assigned ISO 3166-1 alpha-2 codes (as of ISO 3166-1:2020 and its
    /// newsletters up to 2024). Exceptionally or transitionally reserved codes (`EU`, `UK`,
    /// `AN`) and user-assigned ones (`XK`, `XX`) are not included.
    public static let assigned: Set<String> = [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
        "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ",
        "DE", "DJ", "DK", "DM", "DO", "DZ",
        "EC", "EE", "EG", "EH", "ER", "ES", "ET",
        "FI", "FJ", "FK", "FM", "FO", "FR",
        "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY",
        "HK", "HM", "HN", "HR", "HT", "HU",
        "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT",
        "JE", "JM", "JO", "JP",
        "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
        "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
        "MX", "MY", "MZ",
        "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
        "OM",
        "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY",
        "QA",
        "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
        "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ",
        "UA", "UG", "UM", "US", "UY", "UZ",
        "VA", "VC", "VE", "VG", "VI", "VN", "VU",
        "WF", "WS",
        "YE", "YT",
        "ZA", "ZM", "ZW",
    ]
}
