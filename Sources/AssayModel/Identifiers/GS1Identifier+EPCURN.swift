/// EPC pure-identity URNs (GS1 EPC Tag Data Standard, sections 6 and 8): parsing and writing.
extension GS1Identifier {
    /// Parses an EPC pure-identity URN.
    ///
    /// Accepted schemes: `urn:epc:id:sgtin:{CP}.{indicator+item ref}.{serial}`,
    /// `urn:epc:class:lgtin:{CP}.{indicator+item ref}.{lot}`,
    /// `urn:epc:idpat:sgtin:{CP}.{indicator+item ref}.*` (every item of the GTIN),
    /// `urn:epc:id:sgln:{CP}.{location ref}.{extension}` (`0` meaning no extension),
    /// `urn:epc:id:pgln:{CP}.{party ref}` and `urn:epc:id:sscc:{CP}.{extension digit+serial ref}`.
    /// The company prefix (CP) has 6 to 12 digits, and with the reference it fills the GS1 key
    /// (13 digits for a GTIN without check digit, 12 for a GLN, 17 for an SSCC); the check
    /// digit is computed. Serials, lots and extensions may hold `"`, `%`, `&`, `/`, `<`, `>`
    /// and `?` only escaped (`%22 %25 %26 %2F %3C %3E %3F`); they are kept decoded. The
    /// company prefix length is remembered for `epcURN(companyPrefixLength:field:)`.
    /// - Parameters:
    ///   - text: the URN as written; `urn:epc:` and the scheme may be in any case.
    ///   - field: the JSON path of the field being parsed, for the error.
    /// - Throws: `ModelError.invalidValue` naming the rule broken, including schemes Assay does
    ///   not identify things by (GIAI, GRAI, GSRN, GDTI, …) and EPC tag or raw encodings.
    public init(epcURN text: String, field: String = "") throws(ModelError) {
        func bad(_ why: String) -> ModelError {
            ModelError(.invalidValue, field: field, "EPC URN \(GS1.quoted(text)) \(why)")
        }
        guard text.prefix(8).lowercased() == "urn:epc:" else { throw bad("must start with urn:epc:") }
        let parts = text.dropFirst(8).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        let category = parts[0].lowercased()
        if category == "tag" || category == "raw" {
            throw bad("is an EPC \(category) encoding, not a pure identity: use the urn:epc:id: form")
        }
        guard parts.count == 3 else { throw bad("must have the form urn:epc:id:{scheme}:{value}") }
        let scheme = parts[1].lowercased()
        let body = parts[2]

        func components(_ count: Int, _ form: String) throws(ModelError) -> [Substring] {
            let c = body.split(separator: ".", maxSplits: count - 1, omittingEmptySubsequences: false)
            guard c.count == count else { throw bad("must have \(count) dot-separated parts: \(form)") }
            return c
        }

        switch (category, scheme) {
        case ("id", "sgtin"), ("class", "lgtin"), ("idpat", "sgtin"):
            let form = category == "idpat" ? "{company prefix}.{indicator and item reference}.*"
                : "{company prefix}.{indicator and item reference}.{\(category == "id" ? "serial" : "lot")}"
            let c = try components(3, form)
            let gtin = try GTIN(companyPrefix: String(c[0]), indicatorAndItemReference: String(c[1]), field: field)
            let key: Key
            switch category {
            case "id":
                key = .item(gtin, serial: try Self.decodeURNComponent(c[2], name: "serial (AI 21)", field: field))
            case "class":
                key = .batch(gtin, lot: try Self.decodeURNComponent(c[2], name: "lot (AI 10)", field: field))
            default:
                guard c[2] == "*" else {
                    throw bad("is not a product class pattern: only {company prefix}.{indicator and item reference}.* is supported")
                }
                key = .productClass(gtin)
            }
            self.init(validated: key, companyPrefixLength: c[0].utf8.count)

        case ("id", "sgln"):
            let c = try components(3, "{company prefix}.{location reference}.{extension}")
            let gln = try GLN(companyPrefix: String(c[0]), reference: String(c[1]), field: field)
            let ext = c[2] == "0" ? nil : try Self.decodeURNComponent(c[2], name: "GLN extension (AI 254)", field: field)
            if let ext { try Self.checkExtension(ext, field: field) }
            self.init(validated: .location(gln, extension: ext), companyPrefixLength: c[0].utf8.count)

        case ("id", "pgln"):
            let c = try components(2, "{company prefix}.{party reference}")
            guard !c[1].contains(".") else { throw bad("must have 2 dot-separated parts: {company prefix}.{party reference}") }
            let gln = try GLN(companyPrefix: String(c[0]), reference: String(c[1]), field: field)
            self.init(validated: .party(gln), companyPrefixLength: c[0].utf8.count)

        case ("id", "sscc"):
            let c = try components(2, "{company prefix}.{extension digit and serial reference}")
            guard !c[1].contains(".") else {
                throw bad("must have 2 dot-separated parts: {company prefix}.{extension digit and serial reference}")
            }
            let sscc = try SSCC(companyPrefix: String(c[0]), extensionAndSerialReference: String(c[1]), field: field)
            self.init(validated: .logisticUnit(sscc), companyPrefixLength: c[0].utf8.count)

        case ("id", _), ("class", _), ("idpat", _):
            throw bad("uses the EPC scheme \(scheme), which Assay does not identify things by: "
                      + "use sgtin, lgtin (class), sgln, pgln or sscc")
        default:
            throw bad("has the unknown EPC category \(category): expected id, class or idpat")
        }
    }

    /// This identifier as an EPC pure-identity URN: `sgtin` for an item, `lgtin` class for a
    /// batch, the `sgtin` pattern `….*` for a product class, `sgln` (extension `0` when there
    /// is none), `pgln` or `sscc`. In serials, lots and extensions the characters
    /// `"` `%` `&` `/` `<` `>` `?` are escaped as the Tag Data Standard requires, nothing else.
    /// - Parameters:
    ///   - companyPrefixLength: the GS1 company prefix length, 6…12; when nil, the length
    ///     remembered from the URN this identifier was parsed from.
    ///   - field: the JSON path of the field being converted, for the error.
    /// - Returns: the URN.
    /// - Throws: `ModelError.invalidValue` when no company prefix length is known (it cannot
    ///   be derived from a GS1 key alone) or it is outside 6…12.
    public func epcURN(companyPrefixLength: Int? = nil, field: String = "") throws(ModelError) -> String {
        guard let l = companyPrefixLength ?? self.companyPrefixLength else {
            throw ModelError(.invalidValue, field: field,
                             "converting \(canonical) to an EPC URN needs the GS1 company prefix length (6 to 12 digits), "
                                 + "which cannot be derived from the number alone: pass companyPrefixLength")
        }
        try Self.checkCompanyPrefixLength(l, field: field)
        switch key {
        case .item(let gtin, let serial):
            let p = gtin.epcParts(companyPrefixLength: l)
            return "urn:epc:id:sgtin:\(p.companyPrefix).\(p.indicatorAndItemReference).\(Self.escapeURNComponent(serial))"
        case .batch(let gtin, let lot):
            let p = gtin.epcParts(companyPrefixLength: l)
            return "urn:epc:class:lgtin:\(p.companyPrefix).\(p.indicatorAndItemReference).\(Self.escapeURNComponent(lot))"
        case .productClass(let gtin):
            let p = gtin.epcParts(companyPrefixLength: l)
            return "urn:epc:idpat:sgtin:\(p.companyPrefix).\(p.indicatorAndItemReference).*"
        case .location(let gln, let ext):
            let p = gln.epcParts(companyPrefixLength: l)
            return "urn:epc:id:sgln:\(p.companyPrefix).\(p.reference).\(ext.map(Self.escapeURNComponent) ?? "0")"
        case .party(let gln):
            let p = gln.epcParts(companyPrefixLength: l)
            return "urn:epc:id:pgln:\(p.companyPrefix).\(p.reference)"
        case .logisticUnit(let sscc):
            let p = sscc.epcParts(companyPrefixLength: l)
            return "urn:epc:id:sscc:\(p.companyPrefix).\(p.extensionAndSerialReference)"
        }
    }

    // MARK: - Internals

    /// Decodes an alphanumeric URN component (TDS `GS3A3Component`): letters, digits and
    /// `! ' ( ) * + , - . : ; = _` raw, anything else as a `%HH` escape; the result must be a
    /// valid AI value (1 to 20 characters of the GS1 AI encodable character set 82).
    static func decodeURNComponent(_ s: Substring, name: String, field: String) throws(ModelError) -> String {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < b.count, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) else {
                    throw ModelError(.invalidValue, field: field,
                                     "\(name) \(GS1.quoted(s)) has a malformed escape (% must be followed by two hex digits)")
                }
                out.append(hi << 4 | lo)
                i += 3
                continue
            }
            if let escape = urnEscapes[c] {
                throw ModelError(.invalidValue, field: field,
                                 "\(name) \(GS1.quoted(s)) contains \(GS1.describe(Unicode.Scalar(c))), which an EPC URN must escape as \(escape)")
            }
            guard c < 0x80, GS1.isCharacter82(c) else {
                let shown = c < 0x80 ? GS1.describe(Unicode.Scalar(c)) : "a non-ASCII character"
                throw ModelError(.invalidValue, field: field,
                                 "\(name) \(GS1.quoted(s)) contains \(shown), which is outside the GS1 AI encodable character set 82")
            }
            out.append(c)
            i += 1
        }
        let decoded = String(decoding: out, as: UTF8.self)
        try GS1.validateEncodable82(decoded, name: name, field: field)
        return decoded
    }

    /// The characters of the GS1 AI encodable character set 82 that an EPC URN writes escaped.
    static let urnEscapes: [UInt8: String] = [
        UInt8(ascii: "\""): "%22", UInt8(ascii: "%"): "%25", UInt8(ascii: "&"): "%26", UInt8(ascii: "/"): "%2F",
        UInt8(ascii: "<"): "%3C", UInt8(ascii: ">"): "%3E", UInt8(ascii: "?"): "%3F",
    ]

    /// Escapes an alphanumeric component for an EPC URN (the seven `urnEscapes` only).
    static func escapeURNComponent(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.isASCII, let escape = urnEscapes[UInt8(scalar.value)] {
                out += escape
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
