/// A GS1 identifier of a thing a statement talks about: a serialised item, a batch, a product
/// class, a location, a party or a logistic unit, in one normal form however it was written.
///
/// Statements may name things by GS1 Digital Link URI (`https://id.gs1.org/01/…/21/…`, or the
/// same path on a brand's own domain) or by EPC pure-identity URN (`urn:epc:id:sgtin:…`).
/// Both parse into the same `Key`; equality and hashing use only the key, so a component
/// named one way matches its origin named the other. The canonical text (`canonical`,
/// `description`) is the Digital Link on `id.gs1.org`.
///
/// | key | Digital Link path | EPC URN |
/// | --- | --- | --- |
/// | `item` | `/01/{GTIN-14}/21/{serial}` | `urn:epc:id:sgtin:{CP}.{indicator+item ref}.{serial}` |
/// | `batch` | `/01/{GTIN-14}/10/{lot}` | `urn:epc:class:lgtin:{CP}.{indicator+item ref}.{lot}` |
/// | `productClass` | `/01/{GTIN-14}` | `urn:epc:idpat:sgtin:{CP}.{indicator+item ref}.*` |
/// | `location` | `/414/{GLN}` (`/254/{extension}`) | `urn:epc:id:sgln:{CP}.{location ref}.{extension or 0}` |
/// | `party` | `/417/{GLN}` | `urn:epc:id:pgln:{CP}.{party ref}` |
/// | `logisticUnit` | `/00/{SSCC}` | `urn:epc:id:sscc:{CP}.{extension digit+serial ref}` |
///
/// An EPC URN splits the GS1 key at the end of the GS1 company prefix, whose length cannot be
/// derived from the digits alone; an identifier parsed from a URN remembers it
/// (`companyPrefixLength`), one parsed from a Digital Link needs it passed to `epcURN(companyPrefixLength:field:)`.
public struct GS1Identifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// What is identified, with its GS1 key and qualifier. Serials, lots and GLN extensions
    /// are kept decoded: no percent-escapes.
    public enum Key: Sendable, Hashable {
        /// One serialised trade item (SGTIN): GTIN (AI 01) and serial (AI 21).
        case item(GTIN, serial: String)
        /// A batch or lot of a trade item (LGTIN): GTIN (AI 01) and lot (AI 10).
        case batch(GTIN, lot: String)
        /// A trade item class, every unit of one GTIN (AI 01).
        case productClass(GTIN)
        /// A physical location (SGLN): GLN (AI 414), with an optional GLN extension (AI 254).
        case location(GLN, extension: String?)
        /// A party, a legal or functional entity (PGLN): party GLN (AI 417).
        case party(GLN)
        /// A logistic unit such as a pallet (SSCC, AI 00).
        case logisticUnit(SSCC)
    }

    /// What the identifier names. Equality, hashing and ordering use only this.
    public let key: Key

    /// The length of the GS1 company prefix, when known (from an EPC URN, or given to
    /// `init(_:companyPrefixLength:field:)`). Not part of the identity.
    public let companyPrefixLength: Int?

    /// An identifier from its parts, validated: serials and lots must be 1 to 20 characters
    /// from the GS1 AI encodable character set 82, as must a GLN extension (which must not be
    /// `"0"`, reserved by EPC URNs for "no extension"); a company prefix length must be 6…12.
    /// - Parameters:
    ///   - key: what is identified.
    ///   - companyPrefixLength: the GS1 company prefix length, if known.
    ///   - field: the JSON path of the field being checked, for the error.
    /// - Throws: `ModelError.invalidValue` naming the rule broken.
    public init(_ key: Key, companyPrefixLength: Int? = nil, field: String = "") throws(ModelError) {
        switch key {
        case .item(_, let serial):
            try GS1.validateEncodable82(serial, name: "serial (AI 21)", field: field)
        case .batch(_, let lot):
            try GS1.validateEncodable82(lot, name: "lot (AI 10)", field: field)
        case .location(_, let ext?):
            try Self.checkExtension(ext, field: field)
        case .location(_, nil), .productClass, .party, .logisticUnit:
            break
        }
        if let l = companyPrefixLength { try Self.checkCompanyPrefixLength(l, field: field) }
        self.key = key
        self.companyPrefixLength = companyPrefixLength
    }

    /// Parses either a GS1 Digital Link URI (`http://` or `https://`) or an EPC URN (`urn:`).
    /// - Parameters:
    ///   - text: the identifier as written in a statement.
    ///   - field: the JSON path of the field being parsed, for the error.
    /// - Throws: `ModelError.invalidValue` naming the rule broken; see
    ///   `init(digitalLink:field:)` and `init(epcURN:field:)`.
    public init(parsing text: String, field: String = "") throws(ModelError) {
        let head = text.prefix(8).lowercased()
        if head.hasPrefix("urn:") {
            try self.init(epcURN: text, field: field)
        } else if head.hasPrefix("https://") || head.hasPrefix("http://") {
            try self.init(digitalLink: text, field: field)
        } else {
            throw ModelError(.invalidValue, field: field,
                             "\(GS1.quoted(text)) is neither a GS1 Digital Link URI (https://…) nor an EPC URN (urn:epc:…)")
        }
    }

    /// Wraps a key already validated by a parser.
    init(validated key: Key, companyPrefixLength: Int?) {
        self.key = key
        self.companyPrefixLength = companyPrefixLength
    }

    /// The canonical text: the GS1 Digital Link URI on `https://id.gs1.org`, the GTIN as 14
    /// digits, serials, lots and extensions percent-encoded except for unreserved characters.
    public var canonical: String { digitalLink() }

    /// The canonical text (`canonical`).
    public var description: String { canonical }

    /// The GTIN of an item, a batch or a product class; nil for locations, parties and logistic units.
    public var gtin: GTIN? {
        switch key {
        case .item(let g, _), .batch(let g, _), .productClass(let g): g
        case .location, .party, .logisticUnit: nil
        }
    }

    /// The GLN of a location or a party; nil otherwise.
    public var gln: GLN? {
        switch key {
        case .location(let g, _), .party(let g): g
        case .item, .batch, .productClass, .logisticUnit: nil
        }
    }

    /// Two identifiers are equal when they name the same thing, however they were written.
    public static func == (a: GS1Identifier, b: GS1Identifier) -> Bool { a.key == b.key }

    /// Hashes the key only, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    /// Orders by canonical text, for stable listings in reports.
    public static func < (a: GS1Identifier, b: GS1Identifier) -> Bool { a.canonical < b.canonical }

    // MARK: - Shared rules

    static func checkCompanyPrefixLength(_ l: Int, field: String) throws(ModelError) {
        guard (6...12).contains(l) else {
            throw ModelError(.invalidValue, field: field, "GS1 company prefix length \(l) is outside 6…12")
        }
    }

    static func checkCompanyPrefix(_ prefix: String, field: String) throws(ModelError) {
        guard GS1.isAllDigits(prefix) else {
            throw ModelError(.invalidValue, field: field, "GS1 company prefix \(GS1.quoted(prefix)) must consist of digits only")
        }
        guard (6...12).contains(prefix.utf8.count) else {
            throw ModelError(.invalidValue, field: field,
                             "GS1 company prefix \(prefix) has \(prefix.utf8.count) digits; it must have 6 to 12")
        }
    }

    static func checkExtension(_ ext: String, field: String) throws(ModelError) {
        try GS1.validateEncodable82(ext, name: "GLN extension (AI 254)", field: field)
        guard ext != "0" else {
            throw ModelError(.invalidValue, field: field,
                             "GLN extension \"0\" is reserved: in an EPC URN it means no extension; omit the extension instead")
        }
    }
}
