import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// EPCIS 2.0 XML documents, read by the standard's XML↔JSON mapping into the JSON-LD
/// `EPCISDocument` that Assay signs, after checking them against the rules of the EPCIS 2.0
/// XSD (`EPCglobal-epcis-2_0.xsd`) that bear on events.
///
/// The mapping, in short (EPCIS 2.0 §9 and the JSON-LD context):
/// - each event element becomes an object with `type` = the element name; its child elements
///   become members of the same name; lists (`epcList/epc`, `quantityList/quantityElement`,
///   `bizTransactionList/bizTransaction`, `sourceList/source`, `sensorElementList/sensorElement`,
///   `correctiveEventIDs/correctiveEventID`, `persistentDisposition/set|unset`) become arrays;
///   an empty list is left out, as if absent;
/// - `quantity` and the numeric `sensorReport` attributes become JSON numbers, `booleanValue` a
///   boolean; every other value is a string, with the surrounding white space removed;
/// - a CBV URN (`urn:epcglobal:cbv:bizstep:commissioning`, `…:disp:`, `…:btt:`, `…:sdt:`,
///   `…:er:`) or CBV web URI naming a standard term becomes the bare term (`commissioning`),
///   and `gs1:Temperature` in a sensor report's `type` or `exception` becomes `Temperature`;
///   any other value (an extension URI) is kept as written;
/// - user extension elements (any namespace other than the EPCIS one) become members named
///   `prefix:localName`: text-only elements become strings, elements with children become
///   objects, repeated siblings become arrays; extension attributes become string members;
/// - `@context` is the EPCIS 2.0 context followed by one `{prefix: namespace}` object per
///   namespace the document declares, ordered by prefix (XML gives declarations no order), leaving out the namespaces the
///   EPCIS context already defines (epcis, cbv, cbvmda, gs1, …) and those of XML itself
///   (the EPCIS XML namespace, xsi, sbdh).
///
/// Refusals name the element path (`/EPCISDocument/EPCISBody/EventList/ObjectEvent[2]/action`,
/// indices count same-named siblings from 1) and the XSD rule broken.
public enum EPCISXML {
    /// The EPCIS 2.0 XML namespace of `EPCISDocument`.
    public static let namespace = "urn:epcglobal:epcis:xsd:2"
    /// The JSON-LD context every mapped document starts with.
    public static let contextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

    /// Whether `bytes` look like XML rather than JSON: the first byte that is not white space
    /// (after an optional UTF-8 byte order mark) is `<`.
    public static func looksLikeXML(_ bytes: [UInt8]) -> Bool {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: "<")
    }

    /// The JSON-LD `EPCISDocument` an EPCIS 2.0 XML document maps to: serialise it
    /// (`.serialized`) and pass the bytes to `EPCISDocument(bytes:)` to split it into events.
    /// - Throws: `ModelError` whose message starts with the element path and names the XSD rule.
    public static func jsonDocument(from bytes: [UInt8]) throws(ModelError) -> JSONValue {
        guard bytes.count <= EPCISDocument.maxBytes else {
            throw ModelError(.tooLarge, "XML document is \(bytes.count) bytes, over the limit of \(EPCISDocument.maxBytes)")
        }
        let (root, declarations) = try XMLTree.parse(bytes)
        var m = Mapper(root: root, declarations: declarations)
        return try m.document()
    }
}

// MARK: - Parsing into a small tree

/// One XML element, namespaces resolved.
final class XMLNode {
    let local: String
    let uri: String
    let prefix: String?
    /// Attributes as (prefix or nil, local name, namespace URI or "", value), in document order.
    var attributes: [(prefix: String?, local: String, uri: String, value: String)] = []
    var children: [XMLNode] = []
    var text = ""
    var path: String

    init(local: String, uri: String, prefix: String?, path: String) {
        self.local = local
        self.uri = uri
        self.prefix = prefix
        self.path = path
    }

    var isStandard: Bool { uri.isEmpty }
    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    func attribute(_ name: String) -> String? {
        attributes.first { $0.uri.isEmpty && $0.prefix == nil && $0.local == name }?.value
    }
}

enum XMLTree {
    /// Parses well-formed XML (no DTD, no external entities) into a tree.
    static func parse(_ bytes: [UInt8]) throws(ModelError) -> (XMLNode, [(prefix: String, uri: String)]) {
        try refuseDTD(bytes)
        let delegate = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let ok = parser.parse()
        if let e = delegate.failure { throw e }
        // libxml2 may recover from some errors; a document it had to repair is refused all the same.
        guard ok, parser.parserError == nil, delegate.parseError == nil, delegate.stack.isEmpty, delegate.ended,
              let root = delegate.root else {
            let reason = (delegate.parseError ?? parser.parserError).map { "\($0.localizedDescription)" }
                ?? (delegate.stack.isEmpty ? "parse failed" : "element \(delegate.stack.last!.local) is not closed")
            throw ModelError(.malformedJSON, "not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber)): \(reason)")
        }
        return (root, delegate.declarations)
    }

    /// Refuses a document type declaration in the prolog: EPCIS XML has none, and refusing it
    /// rules out entity expansion. The prolog is read as XML's grammar has it (white space,
    /// processing instructions, comments) up to the first element or `<!DOCTYPE`.
    static func refuseDTD(_ b: [UInt8]) throws(ModelError) {
        var i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func at(_ s: String) -> Bool { b[i...].starts(with: Array(s.utf8)) }
        func skip(past end: String) {
            let e = Array(end.utf8)
            while i < b.count, !b[i...].starts(with: e) { i += 1 }
            i = min(b.count, i + e.count)
        }
        while i < b.count {
            if [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 }
            else if at("<?") { skip(past: "?>") }
            else if at("<!--") { skip(past: "-->") }
            else if at("<!DOCTYPE") { throw ModelError(.invalidValue, "XML: a document type declaration (DTD) is not allowed in an EPCIS document") }
            else { return }
        }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []
        /// In-scope prefix bindings, innermost last; "" is the default namespace.
        var scopes: [[String: String]] = [[:]]
        var pending: [String: String] = [:]
        /// Every declaration, in document order, for `@context`.
        var declarations: [(prefix: String, uri: String)] = []
        var failure: ModelError?
        var siblingCounts: [[String: Int]] = [[:]]
        var parseError: (any Error)?
        var ended = false

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
            if self.parseError == nil { self.parseError = parseError }
        }

        func parserDidEndDocument(_ parser: XMLParser) { ended = true }

        func fail(_ parser: XMLParser, _ e: ModelError) {
            if failure == nil { failure = e }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartMappingPrefix prefix: String, toURI namespaceURI: String) {
            pending[prefix] = namespaceURI
            declarations.append((prefix, namespaceURI))
        }

        func parser(_ parser: XMLParser, foundElementDeclarationWithName elementName: String, model: String) {
            fail(parser, ModelError(.invalidValue, "XML: a DTD is not allowed in an EPCIS document"))
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            fail(parser, ModelError(.invalidValue, "XML: entity declarations are not allowed in an EPCIS document"))
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
            fail(parser, ModelError(.invalidValue, "XML: entity declarations are not allowed in an EPCIS document"))
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            var scope = scopes.last ?? [:]
            for (p, u) in pending { scope[p] = u }
            pending = [:]
            scopes.append(scope)
            let q = qName ?? elementName
            let prefix: String? = q.firstIndex(of: ":").map { String(q[..<$0]) }
            let local = q.firstIndex(of: ":").map { String(q[q.index(after: $0)...]) } ?? elementName
            let uri = namespaceURI ?? (prefix.flatMap { scope[$0] } ?? scope[""] ?? "")
            let n = siblingCounts[siblingCounts.count - 1][q, default: 0] + 1
            siblingCounts[siblingCounts.count - 1][q] = n
            siblingCounts.append([:])
            let parentPath = stack.last?.path ?? ""
            let node = XMLNode(local: local, uri: uri, prefix: prefix,
                               path: parentPath + "/" + (stack.isEmpty || n == 1 ? local : "\(local)[\(n)]"))
            for (name, value) in attributeDict.sorted(by: { $0.key < $1.key }) {
                if name == "xmlns" || name.hasPrefix("xmlns:") { continue }
                if let c = name.firstIndex(of: ":") {
                    let p = String(name[..<c])
                    let l = String(name[name.index(after: c)...])
                    if p == "xml" {
                        node.attributes.append((p, l, "http://www.w3.org/XML/1998/namespace", value))
                        continue
                    }
                    guard let u = scope[p] else {
                        fail(parser, ModelError(.invalidValue, "XML \(node.path)/@\(name): the prefix \(p) is not declared"))
                        return
                    }
                    node.attributes.append((p, l, u, value))
                } else {
                    node.attributes.append((nil, name, "", value))
                }
            }
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let top = stack.last, top.local == elementName || (qName ?? "").hasSuffix(":" + top.local) || qName == top.local else {
                fail(parser, ModelError(.malformedJSON, "not well-formed XML (line \(parser.lineNumber)): end tag \(qName ?? elementName) does not match"))
                return
            }
            stack.removeLast()
            scopes.removeLast()
            siblingCounts.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
        }
    }
}

// MARK: - The XSD's content models

/// One element of an XSD sequence: name, minOccurs, maxOccurs (nil = unbounded).
struct Particle {
    let name: String
    let min: Int
    let max: Int?
    init(_ name: String, _ min: Int = 0, _ max: Int? = 1) {
        self.name = name
        self.min = min
        self.max = max
    }
}

enum XSD {
    static let base: [Particle] = [
        .init("eventTime", 1), .init("recordTime"), .init("eventTimeZoneOffset", 1), .init("eventID"),
        .init("errorDeclaration"), .init("certificationInfo"), .init("baseExtension"),
    ]
    static let tail: [Particle] = [.init("sensorElementList"), .init("persistentDisposition")]
    static let where_: [Particle] = [.init("bizStep"), .init("disposition"), .init("readPoint"), .init("bizLocation")]

    /// Each event type's sequence (EPCISEventType followed by the type's own), all with a
    /// trailing `##other` wildcard.
    static let events: [String: [Particle]] = [
        "ObjectEvent": base + [.init("epcList"), .init("action", 1)] + where_ +
            [.init("bizTransactionList"), .init("quantityList"), .init("sourceList"), .init("destinationList")] +
            tail + [.init("ilmd"), .init("extension")],
        "AggregationEvent": base + [.init("parentID"), .init("childEPCs"), .init("action", 1)] + where_ +
            [.init("bizTransactionList"), .init("childQuantityList"), .init("sourceList"), .init("destinationList")] +
            tail + [.init("extension")],
        "TransactionEvent": base + [.init("bizTransactionList", 1), .init("parentID"), .init("epcList"), .init("action", 1)] + where_ +
            [.init("quantityList"), .init("sourceList"), .init("destinationList")] + tail + [.init("extension")],
        "TransformationEvent": base + [.init("inputEPCList"), .init("inputQuantityList"), .init("outputEPCList"),
                                       .init("outputQuantityList"), .init("transformationID")] + where_ +
            [.init("bizTransactionList"), .init("sourceList"), .init("destinationList")] + tail + [.init("ilmd"), .init("extension")],
        "AssociationEvent": base + [.init("parentID", 1), .init("childEPCs"), .init("childQuantityList"), .init("action", 1)] + where_ +
            [.init("bizTransactionList"), .init("sourceList"), .init("destinationList")] + tail + [.init("extension")],
    ]

    static let epcLists: Set<String> = ["epcList", "childEPCs", "inputEPCList", "outputEPCList"]
    static let quantityLists: Set<String> = ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"]
    static let uriLeaves: Set<String> = ["eventID", "certificationInfo", "parentID", "transformationID"]
    static let timeLeaves: Set<String> = ["eventTime", "recordTime"]

    static let metadataTimes: Set<String> = ["time", "startTime", "endTime"]
    static let metadataStrings: Set<String> = ["deviceID", "deviceMetadata", "rawData", "bizRules", "dataProcessingMethod"]
    static let reportDoubles: Set<String> = ["value", "minValue", "maxValue", "sDev", "meanValue", "percRank", "percValue"]
    static let reportStrings: Set<String> = [
        "component", "stringValue", "uriValue", "uom", "chemicalSubstance", "microorganism", "deviceID",
        "deviceMetadata", "rawData", "dataProcessingMethod", "coordinateReferenceSystem",
    ]

    /// `DateTimeStamp`: `YYYY-MM-DDThh:mm:ss(.f+)?` and a zone (`Z` or `±hh:mm`, at most ±14:00).
    static func isDateTimeStamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= b.count, r.allSatisfy({ (0x30...0x39).contains(b[$0]) }) else { return nil }
            return r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) }
        }
        guard b.count >= 20, let _ = digits(0..<4), b[4] == 0x2D, let mo = digits(5..<7), b[7] == 0x2D,
              let d = digits(8..<10), b[10] == 0x54, let h = digits(11..<13), b[13] == 0x3A,
              let mi = digits(14..<16), b[16] == 0x3A, let se = digits(17..<19),
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 60 else { return false }
        var i = 19
        if i < b.count, b[i] == 0x2E {
            i += 1
            let start = i
            while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }
            guard i > start else { return false }
        }
        if i == b.count - 1 && b[i] == 0x5A { return true }
        guard i + 6 == b.count, b[i] == 0x2B || b[i] == 0x2D, let zh = digits(i + 1..<i + 3), b[i + 3] == 0x3A,
              let zm = digits(i + 4..<i + 6), zm < 60 else { return false }
        return zh < 14 || (zh == 14 && zm == 0)
    }

    /// `xsd:decimal`: optional sign, digits with an optional fraction, no exponent.
    static func decimal(_ s: String) -> Double? {
        var body = Substring(s)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.contains(where: { !$0.isEmpty }) else { return nil }
        return Double(s.hasPrefix("+") ? String(s.dropFirst()) : s)
    }

    /// `xsd:double` restricted to values JSON can carry (no INF, -INF or NaN).
    static func double(_ s: String) -> Double? {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
              let d = Double(s), d.isFinite else { return nil }
        return d
    }
}

// MARK: - Mapping

struct Mapper {
    let root: XMLNode
    let declarations: [(prefix: String, uri: String)]
    /// prefix → namespace, for `@context`, in first-declaration order.
    var contextEntries: [(String, String)] = []

    init(root: XMLNode, declarations: [(prefix: String, uri: String)]) {
        self.root = root
        self.declarations = declarations
    }

    /// Prefixes the EPCIS 2.0 JSON-LD context defines itself.
    static let contextPrefixes: Set<String> = ["epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms"]
    /// Namespaces of the XML binding that have no JSON-LD counterpart.
    static let xmlOnlyNamespaces: Set<String> = [
        EPCISXML.namespace, "http://www.w3.org/2001/XMLSchema-instance", "urn:epcglobal:xsd:1",
        "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader", "http://www.w3.org/XML/1998/namespace",
    ]

    func fail(_ node: XMLNode, _ code: ModelError.Code, _ rule: String) -> ModelError {
        ModelError(code, "XML \(node.path): \(rule)")
    }

    mutating func document() throws(ModelError) -> JSONValue {
        guard root.local == "EPCISDocument", root.uri == EPCISXML.namespace else {
            let ns = root.uri.isEmpty ? "no namespace" : "namespace \(root.uri)"
            throw fail(root, .unknownKind, "the root element must be EPCISDocument in namespace \(EPCISXML.namespace) (found \(root.local) in \(ns))")
        }
        guard let version = root.attribute("schemaVersion") else {
            throw fail(root, .missingField, "attribute schemaVersion is required (XSD epcglobal:Document)")
        }
        guard XSD.decimal(version.trimmed) != nil else {
            throw fail(root, .invalidValue, "schemaVersion \(JSONWriter.quote(version)) is not an xsd:decimal")
        }
        guard let created = root.attribute("creationDate") else {
            throw fail(root, .missingField, "attribute creationDate is required (XSD epcglobal:Document)")
        }
        guard XSD.isDateTimeStamp(created.trimmed) else {
            throw fail(root, .invalidValue, "creationDate \(JSONWriter.quote(created)) is not a dateTime with a time zone (XSD DateTimeStamp pattern)")
        }
        try collectContext(root)
        let body = try sequence(root, [.init("EPCISHeader"), .init("EPCISBody", 1), .init("extension")], other: true)
        var events: [JSONValue] = []
        if let b = body["EPCISBody"]?.first {
            let parts = try sequence(b, [.init("EventList"), .init("extension")], other: true)
            if let ext = parts["extension"]?.first, let c = ext.children.first {
                throw fail(c, .unknownField, "EPCISBody/extension content has no JSON-LD mapping; not imported")
            }
            if let list = parts["EventList"]?.first {
                for e in list.children {
                    guard e.isStandard else {
                        throw fail(e, e.uri == EPCISXML.namespace ? .unknownField : .unknownKind,
                                   "EventList holds ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent elements (unqualified); \(e.uri == EPCISXML.namespace ? "an element in the EPCIS namespace is not allowed here" : "a user-defined event type has no JSON-LD mapping")")
                    }
                    if e.local == "extension" {
                        throw fail(e, .unknownKind, "EventList/extension (1.x placement or user event types) is not imported; EPCIS 2.0 puts TransformationEvent and AssociationEvent directly in EventList")
                    }
                    guard XSD.events[e.local] != nil else {
                        throw fail(e, .unknownKind, "unknown element in EventList (XSD EventListType: ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)")
                    }
                    events.append(try event(e))
                }
            }
        }
        var context: [JSONValue] = [.string(EPCISXML.contextURL)]
        for (p, u) in contextEntries { context.append(.object([p: .string(u)])) }
        return .object([
            "@context": .array(context),
            "type": .string("EPCISDocument"),
            "schemaVersion": .string(version.trimmed),
            "creationDate": .string(created.trimmed),
            "epcisBody": .object(["eventList": .array(events)]),
        ])
    }

    /// Namespace declarations that become `@context` entries; a prefix bound to two namespaces is refused.
    mutating func collectContext(_ root: XMLNode) throws(ModelError) {
        // The declarations the parser reported, and every prefix the tree uses.
        var seen: [String: String] = [:]
        func walk(_ n: XMLNode, _ out: inout [(String, String, XMLNode)]) {
            if let p = n.prefix, !n.uri.isEmpty { out.append((p, n.uri, n)) }
            for a in n.attributes { if let p = a.prefix, !a.uri.isEmpty { out.append((p, a.uri, n)) } }
            for c in n.children { walk(c, &out) }
        }
        var used: [(String, String, XMLNode)] = []
        for d in declarations { used.append((d.prefix, d.uri, root)) }
        walk(root, &used)
        // Namespace declarations are unordered in XML, so the context lists them by prefix.
        used.sort { Array($0.0.utf16).lexicographicallyPrecedes(Array($1.0.utf16)) }
        for (p, u, n) in used {
            if let old = seen[p] {
                guard old == u else {
                    throw fail(n, .invalidValue, "prefix \(p) is bound to both \(old) and \(u); JSON-LD needs one namespace per prefix")
                }
                continue
            }
            seen[p] = u
            if Self.xmlOnlyNamespaces.contains(u) || Self.contextPrefixes.contains(p) || p == "xml" || p.isEmpty { continue }
            contextEntries.append((p, u))
        }
    }


    /// Checks `node`'s element children against an XSD sequence and groups them by name;
    /// extension (namespaced) children, allowed after the sequence when `other`, go under "##other".
    func sequence(_ node: XMLNode, _ particles: [Particle], other: Bool) throws(ModelError) -> [String: [XMLNode]] {
        var groups: [String: [XMLNode]] = [:]
        var position = 0
        var sawOther = false
        let names = particles.map(\.name)
        for c in node.children {
            if !c.isStandard {
                if c.uri == EPCISXML.namespace {
                    throw fail(c, .unknownField, "unknown element in the EPCIS namespace (the XSD's elements here are unqualified: \(names.joined(separator: ", ")))")
                }
                guard other else {
                    throw fail(c, .unknownField, "no extension elements are allowed here (XSD sequence: \(names.joined(separator: ", ")))")
                }
                sawOther = true
                groups["##other", default: []].append(c)
                continue
            }
            guard let i = names.firstIndex(of: c.local) else {
                throw fail(c, .unknownField, "unknown element (XSD sequence of \(node.local): \(names.joined(separator: ", ")); user extensions must be in their own namespace)")
            }
            if sawOther {
                throw fail(c, .invalidValue, "out of order: standard elements come before extension elements (XSD: the ##other wildcard ends the sequence)")
            }
            if i < position {
                throw fail(c, .invalidValue, "out of order: \(c.local) must come before \(names[position]) (XSD sequence: \(names.joined(separator: ", ")))")
            }
            position = i
            groups[c.local, default: []].append(c)
            if let max = particles[i].max, groups[c.local]!.count > max {
                throw fail(c, .invalidValue, "\(c.local) occurs more than \(max == 1 ? "once" : "\(max) times") (XSD maxOccurs=\(max))")
            }
        }
        for p in particles where (groups[p.name]?.count ?? 0) < p.min {
            throw fail(node, .missingField, "required element \(p.name) is missing (XSD minOccurs=\(p.min))")
        }
        return groups
    }

    func leaf(_ node: XMLNode) throws(ModelError) -> String {
        if let c = node.children.first {
            throw fail(c, .unknownField, "\(node.local) has simple content; no child elements are allowed")
        }
        return node.trimmedText
    }

    func time(_ node: XMLNode) throws(ModelError) -> String {
        let s = try leaf(node)
        guard XSD.isDateTimeStamp(s) else {
            throw fail(node, .invalidValue, "\(JSONWriter.quote(String(s.prefix(60)))) is not a dateTime with a time zone (XSD DateTimeStamp pattern)")
        }
        return s
    }

    /// A CBV vocabulary value: the bare term when the URN or web URI names a standard one.
    static func cbv(_ raw: String, urn: String, web: String, terms: Set<String>) -> String {
        for prefix in [urn, web] where raw.hasPrefix(prefix) {
            let word = String(raw.dropFirst(prefix.count))
            if terms.contains(word) { return word }
        }
        return raw
    }

    static let bizTransactionTypes: Set<String> = ["bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"]
    static let sourceDestTypes: Set<String> = ["owning_party", "possessing_party", "location"]

    mutating func event(_ e: XMLNode) throws(ModelError) -> JSONValue {
        let particles = XSD.events[e.local]!
        let g = try sequence(e, particles, other: true)
        var o: [String: JSONValue] = ["type": .string(e.local)]
        for p in particles {
            guard let nodes = g[p.name], let n = nodes.first else { continue }
            let name = p.name
            switch name {
            case _ where XSD.timeLeaves.contains(name):
                o[name] = .string(try time(n))
            case "eventTimeZoneOffset", "eventID", "certificationInfo", "parentID", "transformationID":
                o[name] = .string(try leaf(n))
            case "action":
                let a = try leaf(n)
                guard ["ADD", "OBSERVE", "DELETE"].contains(a) else {
                    throw fail(n, .invalidValue, "\(JSONWriter.quote(String(a.prefix(40)))) is not one of ADD, OBSERVE, DELETE (XSD ActionType enumeration)")
                }
                o[name] = .string(a)
            case "bizStep":
                o[name] = .string(Self.cbv(try leaf(n), urn: "urn:epcglobal:cbv:bizstep:", web: "https://ref.gs1.org/cbv/BizStep-", terms: CBV.bizSteps))
            case "disposition":
                o[name] = .string(Self.cbv(try leaf(n), urn: "urn:epcglobal:cbv:disp:", web: "https://ref.gs1.org/cbv/Disp-", terms: CBV.dispositions))
            case "readPoint", "bizLocation":
                let parts = try sequence(n, [.init("id", 1), .init("extension")], other: true)
                if let c = parts["extension"]?.first?.children.first {
                    throw fail(c, .unknownField, "\(name)/extension content (##local) has no JSON-LD mapping; not imported")
                }
                var place: [String: JSONValue] = ["id": .string(try leaf(parts["id"]![0]))]
                try extensionMembers(parts, into: &place, at: n)
                o[name] = .object(place)
            case _ where XSD.epcLists.contains(name):
                let parts = try sequence(n, [.init("epc", 0, nil)], other: false)
                var ids: [JSONValue] = []
                for epc in parts["epc"] ?? [] { ids.append(.string(try leaf(epc))) }
                if !ids.isEmpty { o[name] = .array(ids) }
            case _ where XSD.quantityLists.contains(name):
                let list = try quantities(n)
                if !list.isEmpty { o[name] = .array(list) }
            case "bizTransactionList":
                let parts = try sequence(n, [.init("bizTransaction", 1, nil)], other: false)
                var list: [JSONValue] = []
                for bt in parts["bizTransaction"]! {
                    var m: [String: JSONValue] = ["bizTransaction": .string(try leaf(bt))]
                    if let t = bt.attribute("type") {
                        m["type"] = .string(Self.cbv(t.trimmed, urn: "urn:epcglobal:cbv:btt:", web: "https://ref.gs1.org/cbv/BTT-", terms: Self.bizTransactionTypes))
                    }
                    try checkAttributes(bt, allowed: ["type"])
                    list.append(.object(m))
                }
                o[name] = .array(list)
            case "sourceList", "destinationList":
                let member = name == "sourceList" ? "source" : "destination"
                let parts = try sequence(n, [.init(member, 1, nil)], other: false)
                var list: [JSONValue] = []
                for sd in parts[member]! {
                    guard let t = sd.attribute("type") else {
                        throw fail(sd, .missingField, "attribute type is required (XSD SourceDestType)")
                    }
                    try checkAttributes(sd, allowed: ["type"])
                    list.append(.object([
                        member: .string(try leaf(sd)),
                        "type": .string(Self.cbv(t.trimmed, urn: "urn:epcglobal:cbv:sdt:", web: "https://ref.gs1.org/cbv/SDT-", terms: Self.sourceDestTypes)),
                    ]))
                }
                o[name] = .array(list)
            case "sensorElementList":
                o[name] = try sensorElements(n)
            case "persistentDisposition":
                let parts = try sequence(n, [.init("unset", 0, nil), .init("set", 0, nil)], other: false)
                var pd: [String: JSONValue] = [:]
                for key in ["set", "unset"] {
                    guard let nodes = parts[key] else { continue }
                    var values: [JSONValue] = []
                    for d in nodes {
                        values.append(.string(Self.cbv(try leaf(d), urn: "urn:epcglobal:cbv:disp:", web: "https://ref.gs1.org/cbv/Disp-", terms: CBV.dispositions)))
                    }
                    pd[key] = .array(values)
                }
                o[name] = .object(pd)
            case "errorDeclaration":
                o[name] = try errorDeclaration(n)
            case "ilmd":
                let parts = try sequence(n, [.init("extension")], other: true)
                if let c = parts["extension"]?.first?.children.first {
                    throw fail(c, .unknownField, "ilmd/extension content (##local) has no JSON-LD mapping; not imported")
                }
                var ilmd: [String: JSONValue] = [:]
                try extensionMembers(parts, into: &ilmd, at: n)
                o[name] = .object(ilmd)
            case "extension", "baseExtension":
                // EPCIS 2.0: an event's extension holds ##other elements only; they map as members of the event.
                let parts = try sequence(n, [], other: true)
                try extensionMembers(parts, into: &o, at: n)
            default:
                throw fail(n, .unknownField, "no mapping for \(name)")
            }
        }
        try extensionMembers(g, into: &o, at: e)
        try extensionAttributes(e, into: &o, allowed: [])
        return .object(o)
    }

    func quantities(_ n: XMLNode) throws(ModelError) -> [JSONValue] {
        let parts = try sequence(n, [.init("quantityElement", 0, nil)], other: false)
        var out: [JSONValue] = []
        for q in parts["quantityElement"] ?? [] {
            let f = try sequence(q, [.init("epcClass", 1), .init("quantity"), .init("uom")], other: false)
            var m: [String: JSONValue] = ["epcClass": .string(try leaf(f["epcClass"]![0]))]
            if let qn = f["quantity"]?.first {
                let s = try leaf(qn)
                guard let d = XSD.decimal(s) else {
                    throw fail(qn, .invalidValue, "\(JSONWriter.quote(String(s.prefix(40)))) is not an xsd:decimal")
                }
                m["quantity"] = .number(d)
            }
            if let u = f["uom"]?.first {
                guard f["quantity"] != nil else {
                    throw fail(u, .invalidValue, "uom is only allowed after quantity (XSD QuantityElementType)")
                }
                m["uom"] = .string(try leaf(u))
            }
            out.append(.object(m))
        }
        return out
    }

    mutating func errorDeclaration(_ n: XMLNode) throws(ModelError) -> JSONValue {
        // XSD ErrorDeclarationType: a repeatable choice, in any order; the JSON mapping has one of each.
        var m: [String: JSONValue] = [:]
        var others: [String: [XMLNode]] = [:]
        for c in n.children {
            if !c.isStandard {
                if c.uri == EPCISXML.namespace { throw fail(c, .unknownField, "unknown element in the EPCIS namespace") }
                others["##other", default: []].append(c)
                continue
            }
            let key = c.local
            guard ["declarationTime", "reason", "correctiveEventIDs", "extension"].contains(key) else {
                throw fail(c, .unknownField, "unknown element (XSD ErrorDeclarationType: declarationTime, reason, correctiveEventIDs, extension)")
            }
            guard m[key] == nil && !(key == "extension" && others["##ext"] != nil) else {
                throw fail(c, .invalidValue, "\(key) occurs more than once; the JSON mapping has one")
            }
            switch key {
            case "declarationTime": m[key] = .string(try time(c))
            case "reason":
                m[key] = .string(Self.cbv(try leaf(c), urn: "urn:epcglobal:cbv:er:", web: "https://ref.gs1.org/cbv/ER-", terms: CBV.errorReasons))
            case "correctiveEventIDs":
                let parts = try sequence(c, [.init("correctiveEventID", 0, nil)], other: false)
                var ids: [JSONValue] = []
                for id in parts["correctiveEventID"] ?? [] { ids.append(.string(try leaf(id))) }
                m[key] = .array(ids)
            default:
                let parts = try sequence(c, [], other: true)
                others["##ext"] = []
                try extensionMembers(parts, into: &m, at: c)
            }
        }
        try extensionMembers(others, into: &m, at: n)
        return .object(m)
    }

    func sensorElements(_ n: XMLNode) throws(ModelError) -> JSONValue {
        let parts = try sequence(n, [.init("sensorElement", 1, nil), .init("extension")], other: false)
        if let ext = parts["extension"]?.first, let c = ext.children.first {
            throw fail(c, .unknownField, "sensorElementList/extension content has no JSON-LD mapping")
        }
        var list: [JSONValue] = []
        for se in parts["sensorElement"]! {
            let f = try sequence(se, [.init("sensorMetadata"), .init("sensorReport", 1, nil), .init("extension")], other: true)
            var m: [String: JSONValue] = [:]
            if let md = f["sensorMetadata"]?.first {
                var meta: [String: JSONValue] = [:]
                for a in md.attributes where a.uri.isEmpty {
                    if XSD.metadataTimes.contains(a.local) {
                        guard XSD.isDateTimeStamp(a.value.trimmed) else {
                            throw fail(md, .invalidValue, "attribute \(a.local) \(JSONWriter.quote(String(a.value.prefix(60)))) is not a dateTime with a time zone (XSD DateTimeStamp pattern)")
                        }
                        meta[a.local] = .string(a.value.trimmed)
                    } else if XSD.metadataStrings.contains(a.local) {
                        meta[a.local] = .string(a.value.trimmed)
                    }
                }
                try extensionAttributes(md, into: &meta, allowed: XSD.metadataTimes.union(XSD.metadataStrings))
                _ = try leaf(md)
                m["sensorMetadata"] = .object(meta)
            }
            var reports: [JSONValue] = []
            for r in f["sensorReport"]! {
                var rep: [String: JSONValue] = [:]
                for a in r.attributes where a.uri.isEmpty {
                    let v = a.value.trimmed
                    switch a.local {
                    case "type", "exception":
                        rep[a.local] = .string(v.hasPrefix("gs1:") ? String(v.dropFirst(4)) : v.hasPrefix("https://gs1.org/voc/") ? String(v.dropFirst(20)) : v)
                    case "time":
                        guard XSD.isDateTimeStamp(v) else {
                            throw fail(r, .invalidValue, "attribute time \(JSONWriter.quote(String(v.prefix(60)))) is not a dateTime with a time zone (XSD DateTimeStamp pattern)")
                        }
                        rep["time"] = .string(v)
                    case "booleanValue":
                        guard let b = ["true": true, "1": true, "false": false, "0": false][v] else {
                            throw fail(r, .invalidValue, "attribute booleanValue \(JSONWriter.quote(String(v.prefix(20)))) is not an xsd:boolean")
                        }
                        rep["booleanValue"] = .bool(b)
                    case "hexBinaryValue":
                        guard v.count % 2 == 0, v.allSatisfy(\.isHexDigit) else {
                            throw fail(r, .invalidValue, "attribute hexBinaryValue is not xsd:hexBinary")
                        }
                        rep["hexBinaryValue"] = .string(v)
                    case _ where XSD.reportDoubles.contains(a.local):
                        guard let d = XSD.double(v) else {
                            throw fail(r, .invalidValue, "attribute \(a.local) \(JSONWriter.quote(String(v.prefix(40)))) is not a finite xsd:double")
                        }
                        rep[a.local] = .number(d)
                    case _ where XSD.reportStrings.contains(a.local):
                        rep[a.local] = .string(v)
                    default:
                        break
                    }
                }
                try extensionAttributes(r, into: &rep, allowed: XSD.reportDoubles.union(XSD.reportStrings)
                    .union(["type", "exception", "time", "booleanValue", "hexBinaryValue"]))
                _ = try leaf(r)
                reports.append(.object(rep))
            }
            m["sensorReport"] = .array(reports)
            if let ext = f["extension"]?.first, let c = ext.children.first {
                throw fail(c, .unknownField, "sensorElement/extension content (##local) has no JSON-LD mapping")
            }
            try extensionMembers(f, into: &m, at: se)
            list.append(.object(m))
        }
        return .array(list)
    }

    /// Unqualified attributes must be the type's own; namespaced ones become `prefix:name` members.
    func extensionAttributes(_ n: XMLNode, into m: inout [String: JSONValue], allowed: Set<String>) throws(ModelError) {
        for a in n.attributes {
            if a.uri.isEmpty {
                guard allowed.contains(a.local) else {
                    throw fail(n, .unknownField, "attribute \(a.local) is not defined for \(n.local) (XSD); extension attributes must be namespaced")
                }
                continue
            }
            if a.uri == "http://www.w3.org/2001/XMLSchema-instance" || a.uri == "http://www.w3.org/XML/1998/namespace" { continue }
            guard a.uri != EPCISXML.namespace else {
                throw fail(n, .unknownField, "attribute \(a.prefix ?? ""):\(a.local) in the EPCIS namespace is not defined (XSD)")
            }
            m["\(a.prefix ?? ""):\(a.local)"] = .string(a.value)
        }
    }

    func checkAttributes(_ n: XMLNode, allowed: Set<String>) throws(ModelError) {
        var ignored: [String: JSONValue] = [:]
        try extensionAttributes(n, into: &ignored, allowed: allowed)
        guard ignored.isEmpty else {
            throw fail(n, .unknownField, "extension attributes on \(n.local) have no JSON-LD mapping")
        }
    }

    /// The `##other` children of a checked sequence, as `prefix:name` members of `m`.
    func extensionMembers(_ groups: [String: [XMLNode]], into m: inout [String: JSONValue], at parent: XMLNode) throws(ModelError) {
        guard let nodes = groups["##other"] else { return }
        var byKey: [String: [JSONValue]] = [:]
        var order: [String] = []
        for n in nodes {
            let key = try memberName(n)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(try extensionValue(n))
        }
        for k in order {
            guard m[k] == nil else { throw fail(parent, .invalidValue, "member \(k) would be given twice") }
            let v = byKey[k]!
            m[k] = v.count == 1 ? v[0] : .array(v)
        }
    }

    func memberName(_ n: XMLNode) throws(ModelError) -> String {
        guard let p = n.prefix, !p.isEmpty else {
            throw fail(n, .invalidValue, "an extension element in a default namespace has no JSON-LD name; give its namespace a prefix")
        }
        return "\(p):\(n.local)"
    }

    /// An extension element's value: its text, or an object of its children (repeated ones as arrays).
    func extensionValue(_ n: XMLNode) throws(ModelError) -> JSONValue {
        var attrs: [String: JSONValue] = [:]
        for a in n.attributes {
            if a.uri == "http://www.w3.org/2001/XMLSchema-instance" || a.uri == "http://www.w3.org/XML/1998/namespace" { continue }
            guard let p = a.prefix else {
                throw fail(n, .invalidValue, "unqualified attribute \(a.local) on an extension element has no JSON-LD name")
            }
            attrs["\(p):\(a.local)"] = .string(a.value)
        }
        if n.children.isEmpty && attrs.isEmpty { return .string(n.trimmedText) }
        if !n.trimmedText.isEmpty {
            throw fail(n, .invalidValue, "mixed content (text beside child elements or attributes) has no JSON-LD mapping")
        }
        for c in n.children where c.isStandard || c.uri == EPCISXML.namespace {
            throw fail(c, .invalidValue, "an element inside an extension must be namespaced to have a JSON-LD name")
        }
        var m = attrs
        try extensionMembers(["##other": n.children], into: &m, at: n)
        return .object(m)
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
