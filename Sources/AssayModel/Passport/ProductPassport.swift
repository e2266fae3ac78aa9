/// The `productPassport` aspect: the generic product passport data of the ESPR (Regulation (EU)
/// 2024/1781, Art. 9 and Annex III): the unique product identifier, GTIN, commodity code,
/// compliance documents with their digests, substances of concern (Art. 7(5)) and the economic
/// operator and facility. Signed by the manufacturer or its authorised representative.
///
/// Members (no others): `uniqueProductIdentifier` (string), `gtin` (optional, the subject's
/// GTIN), `commodityCode` (HS 6, CN 8 or TARIC 10 digits), `complianceDocuments` (array, may be
/// empty), `substancesOfConcern` (array, may be empty: "none"), `economicOperatorId` (party
/// identifier URI), `facilityId` (optional location identifier URI).
public struct ProductPassport: Sendable, Equatable {
    public struct ComplianceDocument: Sendable, Equatable {
        /// What the document is (`declarationOfConformity`, `technicalDocumentation`, `userManual` …).
        public let kind: String
        /// Where it is (http or https).
        public let url: String
        /// Its digest (`sha256:…`), so that a later change is visible.
        public let digest: String
    }

    /// How a concentration is stated.
    public enum ConcentrationUnit: String, CaseIterable, Sendable {
        case percent = "%"
        case milligramsPerKilogram = "mg/kg"
        case partsPerMillion = "ppm"

        /// The largest concentration the unit can express (the whole product).
        var maximum: Int64 { self == .percent ? 100 : 1_000_000 }
    }

    public struct SubstanceOfConcern: Sendable, Equatable {
        public let name: String
        public let casNumber: String?
        public let ecNumber: String?
        public let concentration: JSONNumber
        public let unit: ConcentrationUnit
        /// Where in the product it is (a component, a part).
        public let location: String
    }

    public let uniqueProductIdentifier: String
    public let gtin: String?
    public let commodityCode: String
    public let complianceDocuments: [ComplianceDocument]
    public let substancesOfConcern: [SubstanceOfConcern]
    public let economicOperatorId: String
    public let facilityId: String?

    init(reading r: inout SourceReader, subject: String) throws(ModelError) {
        uniqueProductIdentifier = try nonEmpty(try r.string("uniqueProductIdentifier"), field: r.fieldPath("uniqueProductIdentifier"))
        gtin = try r.optionalString("gtin")
        if let gtin {
            let field = r.fieldPath("gtin")
            let g = try GTIN(gtin, field: field)
            if let id = try? GS1Identifier(parsing: subject), let subjectGTIN = Self.gtin(of: id.key), subjectGTIN != g {
                throw ModelError(.invalidValue, field: field, "GTIN \(gtin) is not the subject's GTIN \(subjectGTIN.digits)")
            }
        }
        commodityCode = try r.string("commodityCode")
        guard [6, 8, 10].contains(commodityCode.utf8.count), commodityCode.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw ModelError(.invalidValue, field: r.fieldPath("commodityCode"), "\"\(commodityCode.prefix(20))\" is not a commodity code: 6 (HS), 8 (CN) or 10 (TARIC) digits")
        }
        complianceDocuments = try r.objects("complianceDocuments") { (d: inout SourceReader) throws(ModelError) in
            let kind = try nonEmpty(try d.string("kind"), field: d.fieldPath("kind"), max: 128)
            let url = try d.string("url")
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), isAbsoluteURI(url) else {
                throw ModelError(.invalidValue, field: d.fieldPath("url"), "must be an http(s) URL")
            }
            let digest = try d.string("digest")
            try checkDigest(digest, field: d.fieldPath("digest"))
            try d.finish()
            return ComplianceDocument(kind: kind, url: url, digest: digest)
        }
        substancesOfConcern = try r.objects("substancesOfConcern") { (s: inout SourceReader) throws(ModelError) in
            let name = try nonEmpty(try s.string("name"), field: s.fieldPath("name"))
            let cas = try s.optionalString("casNumber")
            if let cas { try checkCASNumber(cas, field: s.fieldPath("casNumber")) }
            let ec = try s.optionalString("ecNumber")
            if let ec { try Self.checkECNumber(ec, field: s.fieldPath("ecNumber")) }
            let concentration = try s.number("concentration")
            let unit = try s.enumValue("unit", ConcentrationUnit.self)
            try BatteryPassRules.range(concentration, 0, unit.maximum, field: s.fieldPath("concentration"))
            let location = try nonEmpty(try s.string("location"), field: s.fieldPath("location"))
            try s.finish()
            return SubstanceOfConcern(name: name, casNumber: cas, ecNumber: ec, concentration: concentration, unit: unit, location: location)
        }
        economicOperatorId = try r.string("economicOperatorId")
        try checkPartyIdentifier(economicOperatorId, field: r.fieldPath("economicOperatorId"))
        facilityId = try r.optionalString("facilityId")
        if let facilityId { try checkLocationIdentifier(facilityId, field: r.fieldPath("facilityId")) }
        try r.finish()
    }

    static func gtin(of key: GS1Identifier.Key) -> GTIN? {
        switch key {
        case .item(let g, _), .batch(let g, _), .productClass(let g): g
        default: nil
        }
    }

    /// An EC (EINECS/ELINCS/NLP) number `NNN-NNN-N`: the check digit is the sum of the first six
    /// digits weighted 1 to 6, modulo 11 (a remainder of 10 is never issued).
    static func checkECNumber(_ s: String, field: String) throws(ModelError) {
        let g = s.split(separator: "-", omittingEmptySubsequences: false)
        guard g.count == 3, g[0].utf8.count == 3, g[1].utf8.count == 3, g[2].utf8.count == 1,
              g.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }) else {
            throw ModelError(.invalidValue, field: field, "\"\(s.prefix(40))\" is not an EC number of the form NNN-NNN-N")
        }
        let digits = Array((g[0] + g[1]).utf8).map { Int($0 - 48) }
        let sum = digits.enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element }
        let check = Int(g[2].utf8.first! - 48)
        guard sum % 11 == check else {
            throw ModelError(.invalidValue, field: field, "EC number \(s) has check digit \(check), expected \(sum % 11 == 10 ? "none (remainder 10 is never issued)" : String(sum % 11))")
        }
    }
}
