/// GS1 Digital Link URIs (GS1 Digital Link standard, URI syntax): parsing and writing.
extension GS1Identifier {
    /// Parses a GS1 Digital Link URI used as an identifier.
    ///
    /// Accepted: `https://` (or `http://`) and any host, optionally with a port and with a
    /// path prefix before the GS1 key (`https://brand.example/p/01/…`); then one of
    /// `/01/{GTIN}`, `/01/{GTIN}/10/{lot}`, `/01/{GTIN}/21/{serial}`,
    /// `/01/{GTIN}/10/{lot}/21/{serial}`, `/414/{GLN}`, `/414/{GLN}/254/{extension}`,
    /// `/417/{GLN}` or `/00/{SSCC}` at the end of the path. A GTIN-8, -12 or -13 is padded to
    /// 14 digits; check digits are verified; serials, lots and extensions are percent-decoded
    /// (RFC 3986) and must be 1 to 20 characters from the GS1 AI encodable character set 82.
    ///
    /// A lot written before a serial (`/10/{lot}/21/{serial}`) is checked and then left out:
    /// GTIN and serial alone name the item (GS1 General Specifications), and the same item
    /// written as an SGTIN URN carries no lot.
    ///
    /// Refused: a query string or fragment (an identifier is the path alone), user
    /// information, empty path segments, characters that must be percent-encoded, other GS1
    /// keys (GIAI, GRAI, GDTI, …) and AI 22 (consumer product variant).
    /// - Parameters:
    ///   - text: the URI as written.
    ///   - field: the JSON path of the field being parsed, for the error.
    /// - Throws: `ModelError.invalidValue` naming the rule broken.
    public init(digitalLink text: String, field: String = "") throws(ModelError) {
        func bad(_ why: String) -> ModelError {
            ModelError(.invalidValue, field: field, "Digital Link \(GS1.quoted(text)) \(why)")
        }
        let b = Array(text.utf8)
        let head = text.prefix(8).lowercased()
        let start: Int
        if head.hasPrefix("https://") {
            start = 8
        } else if head.hasPrefix("http://") {
            start = 7
        } else {
            throw bad("must start with https://")
        }
        if b.contains(UInt8(ascii: "?")) || b.contains(UInt8(ascii: "#")) {
            throw bad("must not carry a query string or fragment: an identifier is the path alone")
        }
        let pathStart = b[start...].firstIndex(of: UInt8(ascii: "/")) ?? b.count
        try Self.checkAuthority(b[start..<pathStart], bad: bad)
        guard pathStart < b.count else { throw bad("has no path: expected a GS1 key such as /01/{GTIN}") }
        let raw = b[(pathStart + 1)...].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard !raw.contains(where: \.isEmpty) else { throw bad("has an empty path segment (// or a trailing /)") }
        var segments: [String] = []
        for r in raw { segments.append(try Self.percentDecode(r, bad: bad)) }

        let n = segments.count
        for length in [6, 4, 2] where length <= n {
            let tail = Array(segments[(n - length)...])
            let ais = stride(from: 0, to: length, by: 2).map { tail[$0] }
            guard Self.isSupportedPath(ais) else { continue }
            let values = stride(from: 1, to: length, by: 2).map { tail[$0] }
            self.init(validated: try Self.key(ais: ais, values: values, field: field), companyPrefixLength: nil)
            return
        }
        for k in stride(from: n - 2, through: 0, by: -1) {
            if let name = Self.otherPrimaryKeys[segments[k]] {
                throw bad("uses GS1 key AI \(segments[k]) (\(name)), which Assay does not identify things by: "
                          + "use GTIN (AI 01), GLN (AI 414, 417) or SSCC (AI 00)")
            }
            if segments[k] == "22", k >= 2, segments[k - 2] == "01" {
                throw bad("uses AI 22 (consumer product variant), which Assay does not support")
            }
        }
        throw bad("does not end in a GS1 key path Assay supports: /01/{GTIN}[/10/{lot}][/21/{serial}], "
                  + "/414/{GLN}[/254/{extension}], /417/{GLN} or /00/{SSCC}")
    }

    /// This identifier as a GS1 Digital Link URI on `https://{host}`.
    ///
    /// The GTIN is written with 14 digits; in serials, lots and extensions every character but
    /// the RFC 3986 unreserved ones (`A-Z a-z 0-9 - . _ ~`) is percent-encoded with upper-case hex.
    /// - Parameter host: the host (and port) to use, as given; `id.gs1.org` gives the canonical form.
    /// - Returns: the URI.
    public func digitalLink(host: String = "id.gs1.org") -> String {
        let stem = "https://" + host
        switch key {
        case .item(let gtin, let serial): return "\(stem)/01/\(gtin.digits)/21/\(Self.percentEncode(serial))"
        case .batch(let gtin, let lot): return "\(stem)/01/\(gtin.digits)/10/\(Self.percentEncode(lot))"
        case .productClass(let gtin): return "\(stem)/01/\(gtin.digits)"
        case .location(let gln, nil): return "\(stem)/414/\(gln.digits)"
        case .location(let gln, let ext?): return "\(stem)/414/\(gln.digits)/254/\(Self.percentEncode(ext))"
        case .party(let gln): return "\(stem)/417/\(gln.digits)"
        case .logisticUnit(let sscc): return "\(stem)/00/\(sscc.digits)"
        }
    }

    // MARK: - Internals

    /// GS1 primary keys that may start a Digital Link path but that Assay does not use, for messages.
    static let otherPrimaryKeys: [String: String] = [
        "253": "GDTI", "255": "GCN", "401": "GINC", "402": "GSIN", "8003": "GRAI", "8004": "GIAI",
        "8006": "ITIP", "8010": "CPID", "8013": "GMN", "8017": "GSRNP", "8018": "GSRN",
    ]

    /// Whether the AIs of a path tail form one of the supported key paths.
    static func isSupportedPath(_ ais: [String]) -> Bool {
        switch ais {
        case ["01"], ["01", "21"], ["01", "10"], ["01", "10", "21"], ["414"], ["414", "254"], ["417"], ["00"]: true
        default: false
        }
    }

    static func key(ais: [String], values: [String], field: String) throws(ModelError) -> Key {
        switch ais[0] {
        case "01":
            let gtin = try GTIN(values[0], field: field)
            switch ais.count {
            case 1:
                return .productClass(gtin)
            case 2 where ais[1] == "10":
                try GS1.validateEncodable82(values[1], name: "lot (AI 10)", field: field)
                return .batch(gtin, lot: values[1])
            default:
                if ais[1] == "10" { try GS1.validateEncodable82(values[1], name: "lot (AI 10)", field: field) }
                let serial = values[values.count - 1]
                try GS1.validateEncodable82(serial, name: "serial (AI 21)", field: field)
                return .item(gtin, serial: serial)
            }
        case "414":
            let gln = try GLN(values[0], field: field)
            if ais.count == 2 {
                try checkExtension(values[1], field: field)
                return .location(gln, extension: values[1])
            }
            return .location(gln, extension: nil)
        case "417":
            return .party(try GLN(values[0], field: field))
        default:
            return .logisticUnit(try SSCC(values[0], field: field))
        }
    }

    /// Checks `host[:port]`: no user information, a non-empty host name of letters, digits,
    /// dots and hyphens, a numeric port.
    static func checkAuthority(_ a: ArraySlice<UInt8>, bad: (String) -> ModelError) throws(ModelError) {
        guard !a.contains(UInt8(ascii: "@")) else { throw bad("must not carry user information (…@) before the host") }
        let parts = a.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts[0]
        func isHostByte(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || GS1.isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
        guard !host.isEmpty, host.allSatisfy(isHostByte), host.first != UInt8(ascii: "."), host.last != UInt8(ascii: ".") else {
            throw bad("has no valid host name (letters, digits, dots and hyphens)")
        }
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 5, parts[1].allSatisfy(GS1.isDigit) else {
                throw bad("has an invalid port")
            }
        }
    }

    /// Decodes one path segment (RFC 3986): `%HH` escapes become bytes; raw characters must be
    /// allowed in a path segment (unreserved, sub-delims, `:` and `@`).
    static func percentDecode(_ segment: ArraySlice<UInt8>, bad: (String) -> ModelError) throws(ModelError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(segment.count)
        var i = segment.startIndex
        while i < segment.endIndex {
            let c = segment[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < segment.endIndex,
                      let hi = hexValue(segment[i + 1]), let lo = hexValue(segment[i + 2]) else {
                    throw bad("has a malformed percent-escape (% must be followed by two hex digits)")
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                guard isPathCharacter(c) else {
                    let shown = c < 0x80 ? GS1.describe(Unicode.Scalar(c)) : "a non-ASCII character"
                    throw bad("contains \(shown), which must be percent-encoded in a URI path")
                }
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3986 `pchar` minus `%`: unreserved, sub-delims, `:` and `@`.
    static func isPathCharacter(_ c: UInt8) -> Bool {
        switch c {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="): true
        case UInt8(ascii: ":"), UInt8(ascii: "@"): true
        default: false
        }
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Percent-encodes every byte but the RFC 3986 unreserved characters.
    static func percentEncode(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            switch c {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(c)
            default:
                out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
