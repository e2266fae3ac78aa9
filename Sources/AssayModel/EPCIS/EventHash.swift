/// The CBV 2.0 EPCIS event hash ID (CBV 2.0 §8.9; GS1's reference generator,
/// github.com/RalphTro/epcis-event-hash-generator): a syntax-independent fingerprint of an
/// event, `ni:///sha-256;<hex>?ver=CBV2.0`. This type builds the canonical pre-hash string;
/// the SHA-256 of its UTF-8 bytes (AssayCrypto) makes the ID (`EventHash.id(digestHex:)`).
///
/// The pre-hash string is `eventType=<type>` followed by the event's fields in the canonical
/// order (`order`), each written `name=value` (a structure: its name, then its children in
/// their own canonical order, then any other member of it, sorted), with no separator; the
/// elements of a list are sorted (UTF-8 code unit order). `eventID`, `recordTime`,
/// `errorDeclaration`, `@context`, `type` and comments are left out. Every other member (the
/// business transaction, source and destination lists, `ilmd`, user extensions) follows,
/// sorted as written strings, as the reference generator writes them: a business transaction,
/// source or destination as `type=…` then its value.
///
/// Values are normalised: timestamps in the ordered fields to UTC with milliseconds
/// (`2020-03-04T10:00:30.000Z`); every GS1 key written as an EPC URN (pure identity, class or
/// ID pattern: SGTIN, SSCC, SGLN, GRAI, GIAI, GSRN, GSRN-P, GDTI, CPI, SGCN, GINC, GSIN, ITIP,
/// UPUI, PGLN, LGTIN) or as a GS1 Digital Link on any host (AI or short names, query string
/// dropped, a CPV dropped, the lot dropped when a serial is given) to the canonical Digital
/// Link on `https://id.gs1.org` (`KeyNormaliser`); bare CBV values of the vocabulary-typed
/// fields (bizStep, disposition, persistentDisposition set/unset, business transaction,
/// source and destination types, sensor report type, exception and component) and
/// `urn:epcglobal:cbv:` URNs to their web vocabulary URI; numbers without trailing zeros;
/// strings trimmed.
///
/// Prefixes (`prefix:name` in member names and values) expand through the event's
/// `@context`: its inline definitions, and built-in tables for the known remote contexts (the
/// EPCIS 2.0 standard context defines `epcis`, `cbv`, `cbvmda`, `gs1`, `rdfs`, `owl`, `xsd`,
/// `dcterms`). Nothing is fetched: a prefix defined only by another remote context is left as
/// written (as the reference generator leaves it), so such a member hashes by its prefix.
public enum EventHash {
    /// The ID for a hex SHA-256 digest of the pre-hash string.
    public static func id(digestHex: String) -> String { "ni:///sha-256;\(digestHex)?ver=CBV2.0" }

    /// Whether `text` has the shape of an event hash ID (any algorithm, any version).
    public static func isHashID(_ text: String) -> Bool { text.hasPrefix("ni:///") }

    /// One node of the event as the algorithm reads it: a name, a value, children.
    struct Node {
        var name: String
        /// The value, trimmed, prefixes expanded, vocabulary applied (not yet normalised).
        var text: String
        var children: [Node]
        /// Children kept in their given order (a business transaction, source or destination: type, then value).
        var keepOrder = false
    }

    /// A field of the canonical order, with the order of its children (nil: a plain value).
    struct Field {
        let name: String
        let children: [Field]?
        init(_ name: String, _ children: [Field]? = nil) {
            self.name = name
            self.children = children
        }
    }

    static let quantity = [Field("quantityElement", [Field("epcClass"), Field("quantity"), Field("uom")])]
    static let epcs = [Field("epc")]
    /// The canonical property order (after `eventType`). Business transactions, sources and
    /// destinations are written with the remaining members, as the reference generator does.
    static let order: [Field] = [
        Field("eventTime"), Field("eventTimeZoneOffset"), Field("certificationInfo"), Field("parentID"),
        Field("epcList", epcs), Field("inputEPCList", epcs), Field("childEPCs", epcs),
        Field("quantityList", quantity), Field("childQuantityList", quantity), Field("inputQuantityList", quantity),
        Field("outputEPCList", epcs), Field("outputQuantityList", quantity),
        Field("action"), Field("transformationID"), Field("bizStep"), Field("disposition"),
        Field("persistentDisposition", [Field("set"), Field("unset")]),
        Field("readPoint", [Field("id")]), Field("bizLocation", [Field("id")]),
        Field("sensorElementList", [Field("sensorElement", [
            Field("sensorMetadata", ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                                     "dataProcessingMethod", "bizRules"].map { Field($0) }),
            Field("sensorReport", ["type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                                   "time", "microorganism", "chemicalSubstance", "value", "component", "stringValue",
                                   "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue",
                                   "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem"].map { Field($0) }),
        ])]),
    ]

    /// Members of the event never hashed.
    static let ignored: Set<String> = ["eventID", "recordTime", "errorDeclaration", "@context", "type", "rdfs:comment", "comment"]
    /// Members never hashed at any depth.
    static let ignoredInside: Set<String> = ["@context", "rdfs:comment", "comment"]

    /// What each list's elements are called (a list member of another name gives one node per element).
    static let elementNames = [
        "epcList": "epc", "inputEPCList": "epc", "childEPCs": "epc", "outputEPCList": "epc",
        "quantityList": "quantityElement", "childQuantityList": "quantityElement",
        "inputQuantityList": "quantityElement", "outputQuantityList": "quantityElement",
        "sensorElementList": "sensorElement",
        // A business transaction, source or destination is written without a name of its own.
        "bizTransactionList": "", "sourceList": "", "destinationList": "",
    ]

    /// The value member of a business transaction, source or destination, by list.
    static let pairValue = ["bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination"]

    /// The vocabulary of each `@vocab`-typed field of the EPCIS 2.0 context (by parent and
    /// member name): a bare value `v` stands for `<prefix>v`.
    static let vocabulary = [
        "bizStep": "https://ref.gs1.org/cbv/BizStep-", "disposition": "https://ref.gs1.org/cbv/Disp-",
        "persistentDisposition.set": "https://ref.gs1.org/cbv/Disp-", "persistentDisposition.unset": "https://ref.gs1.org/cbv/Disp-",
        "bizTransactionList.type": "https://ref.gs1.org/cbv/BTT-", "sourceList.type": "https://ref.gs1.org/cbv/SDT-",
        "destinationList.type": "https://ref.gs1.org/cbv/SDT-", "sensorReport.type": "https://gs1.org/voc/",
        "sensorReport.exception": "https://gs1.org/voc/", "sensorReport.component": "https://ref.gs1.org/cbv/Comp-",
    ]

    /// The remote contexts Assay knows without fetching them, with the prefixes they define.
    public static let knownContexts: [String: [String: String]] = {
        let epcis = ["epcis": "https://ref.gs1.org/epcis/", "cbv": "https://ref.gs1.org/cbv/", "cbvmda": "urn:epcglobal:cbv:mda:",
                     "gs1": "https://gs1.org/voc/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                     "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
                     "dcterms": "http://purl.org/dc/terms/"]
        return ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld": epcis,
                "https://gs1.github.io/EPCIS/epcis-context.jsonld": epcis,
                "https://ref.gs1.org/standards/epcis/epcis-context.jsonld": epcis]
    }()

    /// The prefix → namespace map of a JSON-LD `@context`, entries in order (a later
    /// definition wins): inline definitions (a string, or an object's `@id`), and the prefixes
    /// of the known remote contexts (`knownContexts`); any other remote context adds nothing.
    public static func namespaces(_ context: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        func add(_ c: JSONValue) {
            switch c {
            case .array(let a): a.forEach(add)
            case .string(let url): for (k, v) in knownContexts[url] ?? [:] { out[k] = v }
            case .object(let o):
                for (k, v) in o where !k.hasPrefix("@") {
                    switch v {
                    case .string(let ns): out[k] = ns
                    case .object(let d): if case .string(let ns)? = d["@id"] { out[k] = ns }
                    default: break
                    }
                }
            default: break
            }
        }
        if let context { add(context) }
        return out
    }

    /// The canonical pre-hash string of one event (a JSON object). Prefixes resolve through the
    /// event's own `@context` (for a stored event: the merged one).
    public static func preHash(_ event: JSONValue) -> String {
        guard case .object(let o) = event else { return "" }
        let ns = namespaces(o["@context"])
        var type = ""
        if case .string(let t)? = o["type"] { type = t }
        var nodes = o.filter { !ignored.contains($0.key) }.flatMap { node($0.key, $0.value, parent: "", ns: ns) }
        var out = "eventType=" + type
        out += ordered(&nodes, order: order)
        out += nodes.map(generic).sorted(by: utf8Less).joined()
        return out
    }

    static func utf8Less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// The nodes for one member: a list gives one node per element (inside a node named after
    /// the list when its elements have a name of their own).
    static func node(_ key: String, _ value: JSONValue, parent: String, ns: [String: String]) -> [Node] {
        let name = expand(key, ns: ns, asValue: false)
        switch value {
        case .array(let a):
            if let element = elementNames[key], parent.isEmpty {
                return [Node(name: name, text: "", children: a.flatMap { node(element, $0, parent: key, ns: ns) })]
            }
            return a.flatMap { node(key, $0, parent: parent, ns: ns) }
        case .object(let m):
            var children = m.filter { !ignoredInside.contains($0.key) }.flatMap { node($0.key, $0.value, parent: key.isEmpty ? parent : key, ns: ns) }
            var keepOrder = false
            if key.isEmpty, let valueName = pairValue[parent] {
                // A business transaction, source or destination: its type, then its value, then anything else sorted.
                let first = children.filter { $0.name == "type" } + children.filter { $0.name == valueName }
                let rest = children.filter { $0.name != "type" && $0.name != valueName }.sorted { utf8Less(generic($0), generic($1)) }
                children = first + rest
                keepOrder = true
            }
            return [Node(name: name, text: "", children: children, keepOrder: keepOrder)]
        case .string(let s):
            let prefix = vocabulary[parent.isEmpty ? key : "\(parent).\(key)"]
            return [Node(name: name, text: vocabularyValue(s, prefix: prefix, ns: ns), children: [])]
        case .number(let d):
            return [Node(name: name, text: number(d), children: [])]
        case .bool(let b):
            return [Node(name: name, text: b ? "true" : "false", children: [])]
        case .null:
            return []
        }
    }

    /// A string value trimmed, its prefix expanded, and a bare word of a vocabulary-typed field
    /// (`prefix` given) written as its vocabulary URI.
    static func vocabularyValue(_ raw: String, prefix: String?, ns: [String: String]) -> String {
        let s = raw.trimmingWhitespace
        if let prefix, !s.isEmpty, !s.contains(":") { return prefix + s }
        return expand(s, ns: ns, asValue: true)
    }

    /// `prefix:name` → `{namespace}name` (a key) or `namespacename` (a value).
    static func expand(_ text: String, ns: [String: String], asValue: Bool) -> String {
        guard let colon = text.firstIndex(of: ":"), let uri = ns[String(text[..<colon])] else { return text }
        let rest = text[text.index(after: colon)...]
        // `https://…` is a URI, not a CURIE, whatever the context says about `https`.
        if rest.hasPrefix("//") { return text }
        return asValue ? uri + rest : "{" + uri + "}" + rest
    }

    /// The pre-hash string of the fields in `order`, consuming the nodes it uses.
    static func ordered(_ nodes: inout [Node], order: [Field]) -> String {
        var out = ""
        for f in order {
            let matching = nodes.filter { $0.name == f.name }
            nodes.removeAll { $0.name == f.name }
            var values: [String] = []
            for n in matching {
                var children = n.children
                var inner = f.children.map { ordered(&children, order: $0) } ?? ""
                // What the order does not name inside a structure (an extension of readPoint …) follows it, sorted.
                inner += children.map(generic).sorted(by: utf8Less).joined()
                let value = n.text.isEmpty ? "" : "=" + orderedValue(n)
                if !value.isEmpty || !inner.isEmpty { values.append(n.name + value + inner) }
            }
            out += values.sorted(by: utf8Less).joined()
        }
        return out
    }

    /// A value of an ordered field: a time in UTC with milliseconds, anything else canonical.
    static func orderedValue(_ n: Node) -> String {
        let lower = n.name.lowercased()
        if lower.contains("time") && !lower.contains("offset") { return utcMillis(n.text) ?? n.text }
        return canonical(n.text)
    }

    /// A node outside the canonical order: name, value, children sorted (a business
    /// transaction, source or destination: in their own order).
    static func generic(_ n: Node) -> String {
        let children = n.children.map(generic)
        return n.name + (n.text.isEmpty ? "" : "=" + canonical(n.text)) + (n.keepOrder ? children : children.sorted(by: utf8Less)).joined()
    }

    /// A value in its canonical form: CBV URNs as web vocabulary URIs, numbers without
    /// trailing zeros, GS1 keys as canonical Digital Links.
    static func canonical(_ text: String) -> String {
        let cbv: [(String, String)] = [("urn:epcglobal:cbv:bizstep:", "BizStep-"), ("urn:epcglobal:cbv:disp:", "Disp-"),
                                       ("urn:epcglobal:cbv:btt:", "BTT-"), ("urn:epcglobal:cbv:sdt:", "SDT-"), ("urn:epcglobal:cbv:er:", "ER-")]
        for (urn, web) in cbv where text.hasPrefix(urn) { return "https://ref.gs1.org/cbv/" + web + text.dropFirst(urn.count) }
        if let d = Double(text), text.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true { return number(d) }
        return KeyNormaliser.digitalLink(text) ?? text
    }

    /// A number as Python's `str(float)` writes it, without a trailing `.0`.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) }
        return "\(d)"
    }

    /// An RFC 3339 date-time in UTC with milliseconds (`…T10:00:30.000Z`); nil if it is not one.
    /// Digits beyond the millisecond are rounded (to the nearest, half to even).
    public static func utcMillis(_ text: String) -> String? {
        guard let t = try? Timestamp(parsing: text) else { return nil }
        // Timestamp keeps whole milliseconds; round from the written fraction.
        var millis = t.epochMillis
        let b = Array(text.utf8)
        if b.count > 20, b[19] == UInt8(ascii: ".") {
            var digits: [Int] = []
            var k = 20
            while k < b.count, b[k] >= 48, b[k] <= 57 { digits.append(Int(b[k] - 48)); k += 1 }
            if digits.count > 3 {
                let truncated = digits[0] * 100 + digits[1] * 10 + digits[2]
                // Timestamp's own millisecond: recover the truncated value, then round.
                let base = millis - Int64(((Int(millis % 1000) + 1000) % 1000) - truncated)
                let rest = digits[3...]
                let half = rest.first! > 5 || (rest.first! == 5 && (rest.dropFirst().contains { $0 != 0 } || truncated % 2 == 1))
                millis = base + (half ? 1 : 0)
            }
        }
        return Timestamp(epochMillis: millis).utcMillisText
    }
}

extension Timestamp {
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    var utcMillisText: String {
        let ms = ((epochMillis % 1000) + 1000) % 1000
        let secs = (epochMillis - ms) / 1000
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        // Civil from days (Howard Hinnant).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int64, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2)).\(pad(ms, 3))Z"
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension EventHash {
    /// GS1 keys to the canonical GS1 Digital Link on `https://id.gs1.org`, as the event hash
    /// algorithm needs them (CBV 2.0 §8.9, Tag Data Standard 2.x §6–§7 and §12 for the EPC URNs,
    /// GS1 Digital Link 1.x for the web URIs): the most specific key only, no query string, no
    /// consumer product variant, characters `! ( ) * + , :` percent-encoded, any other escape
    /// kept as written (with upper-case hex). Anything that is not a GS1 key gives nil.
    enum KeyNormaliser {
        static let root = "https://id.gs1.org/"

        /// The canonical Digital Link of an EPC URN or GS1 Digital Link; nil if `text` is neither.
        static func digitalLink(_ text: String) -> String? {
            if text.hasPrefix("urn:epc:") { return epcURN(text) }
            if text.hasPrefix("https://") || text.hasPrefix("http://") { return webURI(text) }
            return nil
        }

        // MARK: EPC URNs

        static func isDigits(_ s: Substring, _ count: ClosedRange<Int>? = nil) -> Bool {
            !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } && (count?.contains(s.count) ?? true)
        }

        /// The GS1 mod-10 check digit of `digits`.
        static func checkDigit(_ digits: String) -> String {
            var sum = 0
            for (i, c) in digits.utf8.reversed().enumerated() { sum += Int(c - 48) * (i % 2 == 0 ? 3 : 1) }
            return String((10 - sum % 10) % 10)
        }

        /// A TDS component (serial, asset reference …): the URN's characters (`A-Z a-z 0-9 ! ' ( ) * + , - . : ; = _`
        /// or `%` and two hex digits).
        static func isComponent(_ s: Substring, max: Int) -> Bool {
            guard !s.isEmpty, s.count <= max * 3 else { return false }
            var b = Array(s.utf8)[...]
            var count = 0
            while let c = b.first {
                if c == UInt8(ascii: "%") {
                    guard b.count >= 3, hex(b[b.startIndex + 1]), hex(b[b.startIndex + 2]) else { return false }
                    b = b.dropFirst(3)
                } else {
                    guard isAlnum(c) || "!'()*+,-.:;=_".utf8.contains(c) else { return false }
                    b = b.dropFirst()
                }
                count += 1
            }
            return count <= max
        }

        static func hex(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c) }
        static func isAlnum(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) }

        /// `! ( ) * + , :` percent-encoded (GS1 Digital Link 1.x Table 7-1), escapes with upper-case hex.
        static func encode(_ s: Substring) -> String {
            var out = ""
            var b = Array(s.utf8)[...]
            while let c = b.first {
                if c == UInt8(ascii: "%"), b.count >= 3, hex(b[b.startIndex + 1]), hex(b[b.startIndex + 2]) {
                    out += "%" + String(decoding: b[(b.startIndex + 1)...(b.startIndex + 2)], as: UTF8.self).uppercased()
                    b = b.dropFirst(3)
                    continue
                }
                switch c {
                case UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                     UInt8(ascii: ","), UInt8(ascii: ":"):
                    out += "%" + String(c, radix: 16, uppercase: true)
                default:
                    out += String(UnicodeScalar(c))
                }
                b = b.dropFirst()
            }
            return out
        }

        /// The 14-digit GTIN of a company prefix and item reference (indicator digit first).
        static func gtin(_ cp: Substring, _ ir: Substring) -> String? {
            guard isDigits(cp, 6...12), isDigits(ir), cp.count + ir.count == 13 else { return nil }
            let raw = String(ir.prefix(1)) + cp + ir.dropFirst()
            return raw + checkDigit(raw)
        }

        /// A 13-digit key (GLN, GRAI/GDTI/SGCN base) of a company prefix and reference: 12 digits and the check digit.
        static func key13(_ cp: Substring, _ ref: Substring, lead: String = "") -> String? {
            guard isDigits(cp, 6...12), ref.isEmpty || isDigits(ref), cp.count + ref.count == 12 else { return nil }
            let raw = lead + cp + ref
            return raw + checkDigit(raw)
        }

        static func epcURN(_ text: String) -> String? {
            let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            guard parts.count == 5, parts[0] == "urn", parts[1] == "epc" else { return nil }
            let kind = parts[2], scheme = parts[3], body = parts[4]
            let f = body.split(separator: ".", maxSplits: 4, omittingEmptySubsequences: false)
            func part(_ i: Int) -> Substring { i < f.count ? f[i] : "" }
            switch (kind, scheme) {
            case ("id", "sgtin"), ("id", "upui"):
                let fields = body.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, let g = gtin(fields[0], fields[1]),
                      isComponent(fields[2], max: scheme == "sgtin" ? 20 : 28) else { return nil }
                return root + "01/\(g)/\(scheme == "sgtin" ? "21" : "235")/" + encode(fields[2])
            case ("class", "lgtin"):
                let fields = body.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, let g = gtin(fields[0], fields[1]), isComponent(fields[2], max: 20) else { return nil }
                return root + "01/\(g)/10/" + encode(fields[2])
            case ("idpat", "sgtin"), ("idpat", "upui"):
                guard f.count == 3, part(2) == "*", let g = gtin(part(0), part(1)) else { return nil }
                return root + "01/\(g)"
            case ("id", "sscc"):
                guard f.count == 2, isDigits(part(0), 6...12), isDigits(part(1)), part(0).count + part(1).count == 17 else { return nil }
                let raw = String(part(1).prefix(1)) + part(0) + part(1).dropFirst()
                return root + "00/" + raw + checkDigit(raw)
            case ("id", "sgln"):
                let fields = body.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3, let gln = key13(fields[0], fields[1]), isComponent(fields[2], max: 20) else { return nil }
                return root + "414/" + gln + (fields[2] == "0" ? "" : "/254/" + encode(fields[2]))
            case ("id", "pgln"):
                guard f.count == 2, let gln = key13(part(0), part(1)) else { return nil }
                return root + "417/" + gln
            case ("id", "grai"), ("id", "gdti"), ("id", "sgcn"):
                let fields = body.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
                let ai = ["grai": "8003", "gdti": "253", "sgcn": "255"][String(scheme)]!
                guard fields.count == 3, let base = key13(fields[0], fields[1], lead: scheme == "grai" ? "0" : "") else { return nil }
                let serial = fields[2]
                if scheme == "sgcn" { guard isDigits(serial, 1...12) else { return nil } }
                guard isComponent(serial, max: scheme == "grai" ? 16 : 17) else { return nil }
                return root + ai + "/" + base + encode(serial)
            case ("idpat", "grai"), ("idpat", "gdti"), ("idpat", "sgcn"):
                let ai = ["grai": "8003", "gdti": "253", "sgcn": "255"][String(scheme)]!
                guard f.count == 3, part(2) == "*", let base = key13(part(0), part(1), lead: scheme == "grai" ? "0" : "") else { return nil }
                return root + ai + "/" + base
            case ("id", "giai"), ("id", "ginc"):
                let fields = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                guard fields.count == 2, isDigits(fields[0], 6...12), isComponent(fields[1], max: 30 - fields[0].count) else { return nil }
                return root + (scheme == "giai" ? "8004/" : "401/") + fields[0] + encode(fields[1])
            case ("id", "gsrn"), ("id", "gsrnp"), ("id", "gsin"):
                let length = scheme == "gsin" ? 16 : 17
                guard f.count == 2, isDigits(part(0), 6...12), isDigits(part(1)), part(0).count + part(1).count == length else { return nil }
                let raw = String(part(0) + part(1))
                return root + ["gsrn": "8018/", "gsrnp": "8017/", "gsin": "402/"][String(scheme)]! + raw + checkDigit(raw)
            case ("id", "cpi"), ("idpat", "cpi"):
                guard let last = body.lastIndex(of: "."), let first = body.firstIndex(of: "."), first < last else { return nil }
                let cp = body[..<first], ref = body[body.index(after: first)..<last], serial = body[body.index(after: last)...]
                guard isDigits(cp, 6...12), isComponent(ref, max: 30 - cp.count) else { return nil }
                if kind == "idpat" { return serial == "*" ? root + "8010/" + encode(cp + ref) : nil }
                guard isDigits(serial, 1...12) else { return nil }
                return root + "8010/" + encode(cp + ref) + "/8011/" + serial
            case ("id", "itip"):
                let fields = body.split(separator: ".", maxSplits: 4, omittingEmptySubsequences: false)
                guard fields.count == 5, let g = gtin(fields[0], fields[1]), isDigits(fields[2], 2...2), isDigits(fields[3], 2...2),
                      isComponent(fields[4], max: 20) else { return nil }
                return root + "8006/\(g)\(fields[2])\(fields[3])/21/" + encode(fields[4])
            case ("idpat", "itip"):
                guard f.count == 5, part(4) == "*", let g = gtin(part(0), part(1)), isDigits(part(2), 2...2), isDigits(part(3), 2...2) else { return nil }
                return root + "8006/\(g)\(part(2))\(part(3))"
            default:
                return nil
            }
        }

        // MARK: GS1 Digital Link URIs

        /// Primary keys by AI, with their short names.
        static let shortNames = ["gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017",
                                 "gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402",
                                 "grai": "8003", "giai": "8004"]
        static let primaryKeys: Set<String> = ["01", "8006", "8010", "414", "417", "8017", "8018", "255", "00", "253", "401", "402", "8003", "8004"]
        static let qualifierNames = ["cpv": "22", "lot": "10", "ser": "21"]

        /// A Digital Link on any host to its canonical form; nil if the path holds no primary key
        /// followed by a value and qualifier pairs, or the result is not a well-formed key.
        static func webURI(_ text: String) -> String? {
            var s = Substring(text)
            if let q = s.firstIndex(of: "?") { s = s[..<q] }
            guard let scheme = s.range(of: "://") else { return nil }
            let afterHost = s[scheme.upperBound...]
            guard let slash = afterHost.firstIndex(of: "/") else { return nil }
            var segments = afterHost[afterHost.index(after: slash)...].split(separator: "/", omittingEmptySubsequences: false)
            if segments.last == "" { segments.removeLast() }
            // The primary key: the first segment naming one, followed by a value starting with 4 digits
            // (a path prefix before it is the resolver's own).
            guard let k = segments.indices.first(where: { i in
                let ai = shortNames[String(segments[i])] ?? String(segments[i])
                return primaryKeys.contains(ai) && i + 1 < segments.count && segments[i + 1].prefix(4).allSatisfy(\.isASCIIDigit) && segments[i + 1].count >= 4
            }) else { return nil }
            let key = shortNames[String(segments[k])] ?? String(segments[k])
            var value = String(segments[k + 1])
            var pairs: [(String, Substring)] = []
            var i = k + 2
            while i < segments.count {
                guard i + 1 < segments.count, !segments[i + 1].isEmpty else { return nil }
                pairs.append((qualifierNames[String(segments[i])] ?? String(segments[i]), segments[i + 1]))
                i += 2
            }
            if key == "01" {
                guard isDigits(Substring(value)), [8, 12, 13, 14].contains(value.count) else { return nil }
                value = String(repeating: "0", count: 14 - value.count) + value
            }
            pairs.removeAll { $0.0 == "22" }
            if pairs.contains(where: { $0.0 == "21" }) { pairs.removeAll { $0.0 == "10" } }
            guard valid(key: key, value: value, pairs: pairs) else { return nil }
            return root + key + "/" + encode(Substring(value)) + pairs.map { "/\($0.0)/" + encode($0.1) }.joined()
        }

        /// Whether a key, its value and qualifiers make one of the identifiers EPCIS names.
        static func valid(key: String, value: String, pairs: [(String, Substring)]) -> Bool {
            let v = Substring(value)
            let q = pairs.map(\.0)
            func component(_ s: Substring, _ max: Int) -> Bool { isComponent(s, max: max) }
            switch key {
            case "00": return isDigits(v, 18...18) && q.isEmpty
            case "01":
                guard isDigits(v, 14...14) else { return false }
                switch q {
                case []: return true
                case ["21"], ["10"]: return component(pairs[0].1, 20)
                case ["235"]: return component(pairs[0].1, 28)
                default: return false
                }
            case "8006":
                guard isDigits(v, 18...18) else { return false }
                return q.isEmpty || ((q == ["21"] || q == ["10"]) && component(pairs[0].1, 20))
            case "414": return isDigits(v, 13...13) && (q.isEmpty || (q == ["254"] && component(pairs[0].1, 20)))
            case "417": return isDigits(v, 13...13) && q.isEmpty
            case "8017", "8018": return isDigits(v, 18...18) && q.isEmpty
            case "402": return isDigits(v, 17...17) && q.isEmpty
            case "253": return isDigits(v.prefix(13), 13...13) && (v.count == 13 || component(v.dropFirst(13), 17)) && q.isEmpty
            case "255": return isDigits(v.prefix(13), 13...13) && (v.count == 13 || isDigits(v.dropFirst(13), 1...12)) && q.isEmpty
            case "8003": return isDigits(v.prefix(14), 14...14) && (v.count == 14 || component(v.dropFirst(14), 16)) && q.isEmpty
            case "8004", "401": return component(v, 30) && q.isEmpty
            case "8010": return component(v, 30) && (q.isEmpty || (q == ["8011"] && isDigits(pairs[0].1, 1...12)))
            default: return false
            }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
