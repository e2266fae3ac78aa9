/// The CBV 2.0 EPCIS event hash ID (CBV 2.0 §8.9; GS1's reference generator,
/// github.com/RalphTro/epcis-event-hash-generator): a syntax-independent fingerprint of an
/// event, `ni:///sha-256;<hex>?ver=CBV2.0`. This type builds the canonical pre-hash string;
/// the SHA-256 of its UTF-8 bytes (AssayCrypto) makes the ID (`EventHash.id(digestHex:)`).
///
/// The pre-hash string is `eventType=<type>` followed by the event's fields in the canonical
/// order below, each written `name=value` (a structure: its name, then its children), with no
/// separator; within a list the elements' strings are sorted (UTF-8 code unit order);
/// `eventID`, `recordTime`, `errorDeclaration`, `@context` and `type` are left out; the
/// remaining members (`ilmd`, user extensions, with prefixes expanded to `{namespace}name`
/// from the `@context`) follow, sorted. Values are normalised: timestamps to UTC with
/// milliseconds (`2020-03-04T10:00:30.000Z`), EPC URNs and Digital Links to the canonical
/// GS1 Digital Link on `https://id.gs1.org`, bare CBV values and `urn:epcglobal:cbv:` URNs to
/// `https://ref.gs1.org/cbv/…` web vocabulary, numbers without trailing zeros, strings trimmed.
public enum EventHash {
    /// The ID for a hex SHA-256 digest of the pre-hash string.
    public static func id(digestHex: String) -> String { "ni:///sha-256;\(digestHex)?ver=CBV2.0" }

    /// Whether `text` has the shape of an event hash ID (any algorithm, any version).
    public static func isHashID(_ text: String) -> Bool { text.hasPrefix("ni:///") }

    /// One node of the event as the algorithm reads it: a name, a text value, children.
    struct Node {
        var name: String
        var text: String
        var children: [Node]
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
    /// The canonical property order (after `eventType`).
    static let order: [Field] = [
        Field("eventTime"), Field("eventTimeZoneOffset"), Field("certificationInfo"), Field("parentID"),
        Field("epcList", epcs), Field("inputEPCList", epcs), Field("childEPCs", epcs),
        Field("quantityList", quantity), Field("childQuantityList", quantity), Field("inputQuantityList", quantity),
        Field("outputEPCList", epcs), Field("outputQuantityList", quantity),
        Field("action"), Field("transformationID"), Field("bizStep"), Field("disposition"),
        Field("persistentDisposition", [Field("set"), Field("unset")]),
        Field("readPoint", [Field("id")]), Field("bizLocation", [Field("id")]),
        Field("bizTransactionList", [Field("", [Field("type"), Field("bizTransaction")])]),
        Field("sourceList", [Field("", [Field("type"), Field("source")])]),
        Field("destinationList", [Field("", [Field("type"), Field("destination")])]),
        Field("sensorElementList", [Field("sensorElement", [
            Field("sensorMetadata", ["time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData",
                                     "dataProcessingMethod", "bizRules"].map { Field($0) }),
            Field("sensorReport", ["type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod",
                                   "time", "microorganism", "chemicalSubstance", "value", "component", "stringValue",
                                   "booleanValue", "hexBinaryValue", "uriValue", "minValue", "maxValue", "meanValue",
                                   "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem"].map { Field($0) }),
        ])]),
    ]

    /// Members never hashed.
    static let ignored: Set<String> = ["eventID", "recordTime", "errorDeclaration", "@context", "type", "rdfs:comment", "comment"]

    /// What each list's elements are called.
    static let elementNames = [
        "epcList": "epc", "inputEPCList": "epc", "childEPCs": "epc", "outputEPCList": "epc",
        "quantityList": "quantityElement", "childQuantityList": "quantityElement",
        "inputQuantityList": "quantityElement", "outputQuantityList": "quantityElement",
        // A business transaction, source or destination is written without a name of its own.
        "bizTransactionList": "", "sourceList": "", "destinationList": "",
        "sensorElementList": "sensorElement", "sensorReport": "sensorReport",
    ]

    /// Prefixes of bare CBV values, by field (JSON-LD `@vocab` of the EPCIS context).
    static let vocabulary = [
        "bizStep": "https://ref.gs1.org/cbv/BizStep-", "disposition": "https://ref.gs1.org/cbv/Disp-",
        "set": "https://ref.gs1.org/cbv/Disp-", "unset": "https://ref.gs1.org/cbv/Disp-",
        "bizTransaction.type": "https://ref.gs1.org/cbv/BTT-", "source.type": "https://ref.gs1.org/cbv/SDT-",
        "destination.type": "https://ref.gs1.org/cbv/SDT-", "sensorReport.type": "https://gs1.org/voc/",
    ]

    /// The prefix → namespace map of a JSON-LD `@context` (string entries are remote contexts).
    public static func namespaces(_ context: JSONValue?) -> [String: String] {
        var out: [String: String] = [:]
        func add(_ c: JSONValue) {
            switch c {
            case .array(let a): a.forEach(add)
            case .object(let o): for (k, v) in o { if case .string(let ns) = v { out[k] = ns } }
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

    /// The nodes for one member: a list gives one node per element.
    static func node(_ key: String, _ value: JSONValue, parent: String, ns: [String: String]) -> [Node] {
        let name = expand(key, ns: ns, asValue: false)
        switch value {
        case .array(let a):
            if let element = elementNames[key] {
                return [Node(name: name, text: "", children: a.flatMap { node(element, $0, parent: key, ns: ns) })]
            }
            return a.flatMap { node(key, $0, parent: parent, ns: ns) }
        case .object(let m):
            var children = m.filter { !ignored.contains($0.key) || $0.key == "type" }.flatMap { node($0.key, $0.value, parent: key, ns: ns) }
            let typed = ["bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination", "sensorElementList": "sensorReport"]
            if key == "sensorReport" || (key.isEmpty && typed[parent] != nil) {
                // Their `type` is a value of the element (a CBV code), not a JSON-LD node type.
                let owner = key.isEmpty ? typed[parent]! : key
                children = children.map { var c = $0; if c.name == "type" { c.text = canonical(String(raw(m["type"])), field: "\(owner).type", ns: ns) }; return c }
            } else {
                children.removeAll { $0.name == "type" }
            }
            return [Node(name: name, text: "", children: children)]
        case .string(let s):
            return [Node(name: name, text: canonical(s, field: key, ns: ns), children: [])]
        case .number(let d):
            return [Node(name: name, text: number(d), children: [])]
        case .bool(let b):
            return [Node(name: name, text: b ? "true" : "false", children: [])]
        case .null:
            return []
        }
    }

    static func raw(_ v: JSONValue?) -> String {
        if case .string(let s)? = v { return s }
        return ""
    }

    /// `prefix:name` → `{namespace}name` (a key) or `namespacename` (a value).
    static func expand(_ text: String, ns: [String: String], asValue: Bool) -> String {
        guard let colon = text.firstIndex(of: ":"), let uri = ns[String(text[..<colon])] else { return text }
        let rest = text[text.index(after: colon)...]
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
                let text = n.text.isEmpty ? "" : "=" + n.text
                if !text.isEmpty || !inner.isEmpty { values.append(n.name + text + inner) }
            }
            out += values.sorted(by: utf8Less).joined()
        }
        return out
    }

    /// A node outside the canonical order: name, value, children sorted.
    static func generic(_ n: Node) -> String {
        n.name + (n.text.isEmpty ? "" : "=" + n.text) + n.children.map(generic).sorted(by: utf8Less).joined()
    }

    /// A value in its canonical form.
    static func canonical(_ raw: String, field: String, ns: [String: String]) -> String {
        let s = raw.trimmingWhitespace
        if field.lowercased().contains("time") && !field.lowercased().contains("offset"), let t = utcMillis(s) { return t }
        let cbv: [(String, String)] = [("urn:epcglobal:cbv:bizstep:", "BizStep-"), ("urn:epcglobal:cbv:disp:", "Disp-"),
                                       ("urn:epcglobal:cbv:btt:", "BTT-"), ("urn:epcglobal:cbv:sdt:", "SDT-"), ("urn:epcglobal:cbv:er:", "ER-")]
        for (urn, web) in cbv where s.hasPrefix(urn) { return "https://ref.gs1.org/cbv/" + web + s.dropFirst(urn.count) }
        if let prefix = vocabulary[field], !s.contains(":") { return prefix + s }
        if let d = Double(s), s.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true { return number(d) }
        let lower = s.prefix(8).lowercased()
        if lower.hasPrefix("urn:epc:") || lower.hasPrefix("https://") || lower.hasPrefix("http://"),
           let id = try? GS1Identifier(parsing: s) {
            return id.canonical
        }
        return expand(s, ns: ns, asValue: true)
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
