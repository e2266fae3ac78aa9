/// Glue between the statement decoders and the identifier and value types in `Identifiers/`.

/// URN schemes and Digital Link primary keys that `GS1Identifier` understands. Other EPC
/// schemes (GIAI, GRAI, GDTI, …) and other URIs are accepted as opaque identifiers.
private let gs1URNPrefixes = ["urn:epc:id:sgtin:", "urn:epc:class:lgtin:", "urn:epc:idpat:sgtin:", "urn:epc:id:sgln:",
                              "urn:epc:id:pgln:", "urn:epc:id:sscc:"]
private let digitalLinkKeys: Set<Substring> = ["01", "414", "417", "00"]
/// The value lengths of each Digital Link primary key: GTIN 8/12/13/14, GLN 13, SSCC 18 digits.
private let digitalLinkKeyLengths: [Substring: Set<Int>] = ["01": [8, 12, 13, 14], "414": [13], "417": [13], "00": [18]]

/// Whether `s` is written as a GS1 identifier Assay parses (and so must be valid as one).
func isGS1Form(_ s: String) -> Bool {
    // The URN prefix in any ASCII case: RFC 8141 makes `urn` and the namespace case-insensitive,
    // and the EPC parser reads the category and scheme in any case, so `URN:EPC:ID:SGTIN:…`
    // names the same item as `urn:epc:id:sgtin:…` and must be indexed under the same subject.
    if s.utf8.first == UInt8(ascii: "u") || s.utf8.first == UInt8(ascii: "U") {
        let head = String(decoding: s.utf8.prefix(20).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        if gs1URNPrefixes.contains(where: { head.hasPrefix($0) }) { return true }
    }
    let lower = s.prefix(8).lowercased()
    guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
    // GS1's own resolver serves only Digital Links: every identifier on it must be one (so a
    // key written with fullwidth or Arabic-Indic digits is refused, not taken as opaque).
    let afterScheme = s.drop(while: { $0 != "/" }).dropFirst(2)
    if afterScheme.prefix(while: { $0 != "/" && $0 != "?" && $0 != "#" }).lowercased() == "id.gs1.org" { return true }
    // A Digital Link has a primary key segment (01, 414, 417, 00) followed by digits,
    // possibly after a path prefix on a brand's own domain.
    let path = s.drop(while: { $0 != "/" }).dropFirst(2).drop(while: { $0 != "/" })
    let segments = path.prefix(while: { $0 != "?" && $0 != "#" }).split(separator: "/")
    // The key's value must have the key's length: GTIN 8/12/13/14, GLN 13, SSCC 18 ASCII digits.
    let lengths = digitalLinkKeyLengths
    for (i, seg) in segments.enumerated() where digitalLinkKeys.contains(seg) && i + 1 < segments.count {
        let value = segments[i + 1]
        guard value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { continue }
        // On GS1's own resolver every key path is a Digital Link (and must be valid);
        // on other hosts only a value of the key's length makes one.
        if lower.hasPrefix("https://id.gs1.org/") || s.lowercased().hasPrefix("https://id.gs1.org/") || lengths[seg]!.contains(value.utf8.count) { return true }
    }
    return false
}

/// Checks a GS1 identifier (check digits, character sets) when `s` is written as one.
func checkGS1IfApplicable(_ s: String, field: String) throws(ModelError) {
    guard isGS1Form(s) else { return }
    _ = try GS1Identifier(parsing: s, field: field)
}

/// The form identifiers are indexed and compared in: the canonical GS1 Digital Link for GS1
/// identifiers written either way, the text itself otherwise.
public func canonicalSubject(_ s: String) -> String {
    if isCanonicalTradeItemLink(s) { return s }
    guard isGS1Form(s), let id = try? GS1Identifier(parsing: s) else { return s }
    return id.canonical
}

/// Whether `s` is already the canonical Digital Link of a trade item, batch or class:
/// `https://id.gs1.org/01/{14 digits, check digit right}` optionally followed by `/21/` or
/// `/10/` and 1 to 20 characters of `A-Z a-z 0-9 - . _` (set-82 characters that the canonical
/// form never percent-encodes). The full parse would return `s` unchanged for exactly these; this
/// check is the fast path for the identifiers statements name most (tested against the parse).
func isCanonicalTradeItemLink(_ s: String) -> Bool {
    var s = s
    return s.withUTF8 { b -> Bool in
        let head: StaticString = "https://id.gs1.org/01/"
        let h = head.utf8Start
        let hn = head.utf8CodeUnitCount
        guard b.count >= hn + 14 else { return false }
        for i in 0..<hn where b[i] != h[i] { return false }
        var sum = 0, weight = 3
        for i in 0..<13 {
            let d = b[hn + 12 - i]
            guard d >= 48 && d <= 57 else { return false }
            sum += Int(d - 48) * weight
            weight = 4 - weight
        }
        let check = b[hn + 13]
        guard check >= 48 && check <= 57, Int(check - 48) == (10 - sum % 10) % 10 else { return false }
        let rest = hn + 14
        if rest == b.count { return true }
        guard b.count - rest >= 5, b.count - rest <= 24, b[rest] == 0x2F, b[rest + 3] == 0x2F,
              (b[rest + 1] == 0x32 && b[rest + 2] == 0x31) || (b[rest + 1] == 0x31 && b[rest + 2] == 0x30) else { return false }
        for i in (rest + 4)..<b.count {
            let c = b[i]
            let ok = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E || c == 0x5F
            if !ok { return false }
        }
        return true
    }
}

func checkGTIN(_ s: String, field: String) throws(ModelError) { _ = try GTIN(s, field: field) }
func checkCountryCode(_ s: String, field: String) throws(ModelError) { _ = try CountryCode(s, field: field) }
func checkDate(_ s: String, field: String) throws(ModelError) { _ = try CalendarDate(parsing: s, field: field) }
func checkCASNumber(_ s: String, field: String) throws(ModelError) { _ = try CASNumber(s, field: field) }
func checkPercentage(_ v: Double, field: String) throws(ModelError) { _ = try Percentage(v, field: field) }
func checkUnitCode(_ s: String, field: String) throws(ModelError) { _ = try UnitOfMeasure(s, field: field) }

/// A product model: a GTIN as digits, or a GS1 Digital Link of a product class (`…/01/{GTIN}`).
func checkModelIdentifier(_ s: String, field: String) throws(ModelError) {
    if s.allSatisfy(\.isNumber) {
        try checkGTIN(s, field: field)
        return
    }
    let id = try GS1Identifier(parsing: s, field: field)
    guard case .productClass = id.key else {
        throw ModelError(.invalidValue, field: field, "a model is a GTIN or a product-class Digital Link (…/01/{GTIN}), not \(id.canonical)")
    }
}

/// A product model in canonical form: bare GTIN digits become the class Digital Link
/// (`https://id.gs1.org/01/{GTIN-14}`); anything else goes through `canonicalSubject`.
public func canonicalModel(_ s: String) -> String {
    if !s.isEmpty, s.allSatisfy(\.isNumber), let gtin = try? GTIN(s), let id = try? GS1Identifier(.productClass(gtin)) {
        return id.canonical
    }
    return canonicalSubject(s)
}
