/// A set of identifiers a party speaks for, as a party registration or a delegation states it.
///
/// Three forms, written as strings:
///
/// | written as | covers |
/// | --- | --- |
/// | `gs1:<GS1 company prefix>` (4 to 12 ASCII digits) | every GS1 key issued under that prefix: GTINs (the prefix starts at the 2nd digit of the GTIN-14), GLNs (1st digit), SSCCs (2nd digit, after the extension digit); so every item, batch, class, location and party identifier built on them |
/// | a GS1 identifier (Digital Link or EPC URN) | that identifier; a product class (`…/01/{GTIN}`) also covers every item and batch of that GTIN |
/// | another absolute URI ending in `/`, `:` or `#` | every non-GS1 identifier that starts with it, byte for byte |
///
/// A party's scopes are vouched for by the ledger operator when it registers the party (the
/// operator checks the GS1 licence or domain ownership); the verifier takes them as stated.
public enum IdentifierScope: Sendable, Hashable, CustomStringConvertible {
    /// A GS1 company prefix: its digits.
    case gs1CompanyPrefix(String)
    /// One GS1 identifier, canonical Digital Link.
    case gs1Identifier(String)
    /// A prefix of non-GS1 URIs.
    case uriPrefix(String)

    /// Parses a scope as written in a registration or delegation.
    /// - Throws: `ModelError.invalidValue` naming the rule broken.
    public init(parsing s: String, field: String = "") throws(ModelError) {
        if s.hasPrefix("gs1:") {
            let digits = s.dropFirst(4)
            guard (4...12).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw ModelError(.invalidValue, field: field, "a GS1 company prefix scope is gs1: followed by 4 to 12 ASCII digits")
            }
            self = .gs1CompanyPrefix(String(digits))
            return
        }
        if isGS1Form(s) {
            let id = try GS1Identifier(parsing: s, field: field)
            self = .gs1Identifier(id.canonical)
            return
        }
        guard isAbsoluteURI(s), let last = s.utf8.last, last == UInt8(ascii: "/") || last == UInt8(ascii: ":") || last == UInt8(ascii: "#") else {
            throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a scope: gs1:<company prefix>, a GS1 identifier, or a URI prefix ending in /, : or #")
        }
        // A prefix must name an authority, not a whole scheme: "https://" or "urn:" alone covers too much.
        let lower = s.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            let afterScheme = s.drop(while: { $0 != "/" }).dropFirst(2)
            let host = afterScheme.prefix(while: { $0 != "/" })
            guard !host.isEmpty, afterScheme.count > host.count else {
                throw ModelError(.invalidValue, field: field, "an http(s) scope must name a host and end with a path \"/\" (https://parts.example/)")
            }
            if host.lowercased() == "id.gs1.org" {
                throw ModelError(.invalidValue, field: field, "identifiers on id.gs1.org are GS1 keys: scope them with gs1:<company prefix> or the identifier itself")
            }
        } else {
            let parts = s.split(separator: ":", omittingEmptySubsequences: true)
            guard parts.count >= 2 else {
                throw ModelError(.invalidValue, field: field, "a URI scope must name more than its scheme (urn:example:parts:)")
            }
        }
        self = .uriPrefix(s)
    }

    /// The scope as written (canonical for GS1 identifiers).
    public var description: String {
        switch self {
        case .gs1CompanyPrefix(let p): "gs1:" + p
        case .gs1Identifier(let id): id
        case .uriPrefix(let p): p
        }
    }

    /// Whether this scope covers `identifier` (in any accepted spelling).
    public func covers(_ identifier: String) -> Bool {
        let canonical = canonicalSubject(identifier)
        let gs1 = isGS1Form(canonical) ? try? GS1Identifier(parsing: canonical) : nil
        switch self {
        case .uriPrefix(let p):
            return gs1 == nil && canonical.utf8.starts(with: p.utf8)
        case .gs1CompanyPrefix(let p):
            guard let gs1 else { return false }
            return Self.companyPrefixPosition(of: gs1.key).utf8.starts(with: p.utf8)
        case .gs1Identifier(let id):
            guard let gs1 else { return false }
            if gs1.canonical == id { return true }
            guard let scope = try? GS1Identifier(parsing: id), case .productClass(let gtin) = scope.key else { return false }
            switch gs1.key {
            case .item(let g, _), .batch(let g, _): return g == gtin
            default: return false
            }
        }
    }

    /// Whether everything `other` covers is covered by this scope (for delegations, which may
    /// hand on only what the delegator holds).
    public func contains(_ other: IdentifierScope) -> Bool {
        switch (self, other) {
        case (.gs1CompanyPrefix(let a), .gs1CompanyPrefix(let b)): return b.hasPrefix(a)
        case (.gs1CompanyPrefix, .gs1Identifier(let id)), (.gs1Identifier, .gs1Identifier(let id)): return covers(id)
        case (.uriPrefix(let a), .uriPrefix(let b)): return b.utf8.starts(with: a.utf8)
        default: return false
        }
    }

    /// The digits of a GS1 key from where its company prefix starts.
    static func companyPrefixPosition(of key: GS1Identifier.Key) -> Substring {
        switch key {
        case .item(let g, _), .batch(let g, _), .productClass(let g): g.digits.dropFirst()
        case .location(let gln, _), .party(let gln): Substring(gln.digits)
        case .logisticUnit(let sscc): sscc.digits.dropFirst()
        }
    }
}

/// Whether `s` is in Unicode Normalization Form C. Identifiers and names that are compared
/// must have one spelling: Assay refuses the others rather than normalising signed bytes.
public func isNFC(_ s: String) -> Bool {
    // ASCII is always NFC; otherwise compare with the composed form, byte for byte.
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return true }
    return Array(nfcComposed(s).utf8) == Array(s.utf8)
}
