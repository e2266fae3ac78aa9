/// A JSON value as its source wrote it: object members in their written order, each member's
/// byte range in the source, and numbers as their literal text. Passport data is signed with
/// numbers such as `-4979411194606956234` or `1.6111172e+38`; a `Double` would re-render them
/// differently, so everything that copies signed values onwards (the Battery Pass export)
/// works from this form and writes number literals back byte for byte.
public indirect enum JSONSource: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONSource])
    case object([Member])

    /// One object member: its key, its value and where the value's bytes lie in the parsed
    /// document (`bytes[range]` is the value exactly as written; empty for values built in code).
    public struct Member: Sendable, Equatable {
        public let key: String
        public let value: JSONSource
        public let range: Range<Int>

        public init(key: String, value: JSONSource, range: Range<Int> = 0..<0) {
            self.key = key
            self.value = value
            self.range = range
        }
    }

    /// Parses a JSON document as strictly as `JSONValue.parse` (size and depth limits, no
    /// duplicate keys, valid UTF-8, no lone surrogates, no leading zeros, finite numbers).
    /// - Throws: `ModelError` naming the byte offset and the rule broken.
    public static func parse(_ bytes: [UInt8], limits: JSONValue.Limits = .init()) throws(ModelError) -> JSONSource {
        guard bytes.count <= limits.maxBytes else {
            throw ModelError(.tooLarge, "document is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ModelError(.malformedJSON, "document is not valid UTF-8")
        }
        var p = JSONParser(bytes: bytes, maxDepth: limits.maxDepth)
        p.skipSpace()
        guard p.i < bytes.count else { throw p.fail("document is empty") }
        let v = try p.parseSource()
        p.skipSpace()
        guard p.i == bytes.count else { throw p.fail("unexpected data after the JSON value") }
        return v
    }

    /// The same value as a `JSONValue` (numbers as their `Double` values).
    public var value: JSONValue {
        switch self {
        case .null: .null
        case .bool(let b): .bool(b)
        case .number(let n): .number(n.value)
        case .string(let s): .string(s)
        case .array(let a): .array(a.map(\.value))
        case .object(let m): .object(Dictionary(m.map { ($0.key, $0.value.value) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    /// A value built from a `JSONValue`, numbers written as `JSONValue.serialized` writes them
    /// (for values that were never bytes: a statement decoded from a parsed value).
    public init(_ v: JSONValue) {
        switch v {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let d): self = .number(JSONNumber(rendering: d))
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(JSONSource.init))
        case .object(let o):
            let keys = o.keys.sorted(by: { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) })
            self = .object(keys.map { Member(key: $0, value: JSONSource(o[$0]!)) })
        }
    }

    /// The members of an object (empty for other values).
    public var members: [Member] {
        if case .object(let m) = self { return m }
        return []
    }

    /// The value of an object's member, if the value is an object holding it.
    public subscript(key: String) -> JSONSource? {
        members.first { $0.key == key }?.value
    }

    /// The object with member `key` set to `value`: replaced where it stands, or appended.
    /// Other values are returned unchanged.
    public func setting(_ key: String, to value: JSONSource) -> JSONSource {
        guard case .object(var m) = self else { return self }
        if let i = m.firstIndex(where: { $0.key == key }) {
            m[i] = Member(key: key, value: value)
        } else {
            m.append(Member(key: key, value: value))
        }
        return .object(m)
    }

    /// Compact JSON text: members in their order, number literals exactly as written, strings
    /// escaped as `JSONWriter.quote` escapes them.
    public var serialized: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += n.literal
        case .string(let s): out += JSONWriter.quote(s)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .object(let m):
            out += "{"
            for (i, member) in m.enumerated() {
                if i > 0 { out += "," }
                out += JSONWriter.quote(member.key) + ":"
                member.value.write(into: &out)
            }
            out += "}"
        }
    }

    /// A short name of the value's JSON type, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON number as written (`literal`, RFC 8259 syntax) and its nearest `Double`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal text, byte for byte as signed.
    public let literal: String
    /// The nearest double (always finite: larger literals are refused when parsed).
    public let value: Double

    /// A number from its literal. - Throws: `ModelError.invalidValue` unless `literal` is one
    /// RFC 8259 number with a finite value.
    public init(literal: String) throws(ModelError) {
        var p = JSONParser(bytes: Array(literal.utf8), maxDepth: 1)
        guard !literal.isEmpty, literal.utf8.first == UInt8(ascii: "-") || p.isDigit(literal.utf8.first!) else {
            throw ModelError(.invalidValue, "\"\(literal.prefix(40))\" is not a JSON number")
        }
        let (text, value) = try p.scanNumber()
        guard p.i == literal.utf8.count else { throw ModelError(.invalidValue, "\"\(literal.prefix(40))\" is not a JSON number") }
        self.literal = text
        self.value = value
    }

    init(literal: String, value: Double) {
        self.literal = literal
        self.value = value
    }

    /// The number `d` as `JSONValue.serialized` writes it.
    public init(rendering d: Double) {
        literal = JSONValue.number(d).serialized
        value = d
    }

    public var description: String { literal }

    /// Whether the literal is an integer (no fraction, no exponent), as JSON Schema
    /// validators that keep integers exact (Python's) read it.
    public var isIntegerLiteral: Bool { !literal.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } }

    /// Compares the number with an integer bound exactly, as a JSON Schema `minimum`/`maximum`
    /// does: an integer literal by its exact value (however many digits), any other literal
    /// by its double value compared exactly with the bound.
    /// - Returns: negative, zero or positive as the number is below, at or above `bound`.
    public func compare(to bound: Int64) -> Int {
        if isIntegerLiteral {
            if let v = Int64(literal) { return v < bound ? -1 : (v == bound ? 0 : 1) }
            // Beyond Int64 (the parser guarantees digits): its sign decides.
            return literal.hasPrefix("-") ? -1 : 1
        }
        // A double at or beyond ±2^63 is outside Int64; inside, its floor and ceiling are exact.
        if value >= 9_223_372_036_854_775_808.0 { return 1 }
        if value < -9_223_372_036_854_775_808.0 { return -1 }
        let fl = Int64(value.rounded(.down)), ce = value.rounded(.up) >= 9_223_372_036_854_775_808.0 ? Int64.max : Int64(value.rounded(.up))
        if fl == ce { return fl < bound ? -1 : (fl == bound ? 0 : 1) }
        // Not an integer: strictly between fl and ce.
        return ce <= bound ? -1 : 1
    }
}

extension JSONParser {
    /// Parses one value keeping member order, member byte ranges and number literals.
    mutating func parseSource() throws(ModelError) -> JSONSource {
        guard i < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            try enter()
            i += 1
            var out: [JSONSource.Member] = []
            var keys = Set<String>()
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; depth -= 1; return .object(out) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try parseString()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                let start = i
                let v = try parseSource()
                guard keys.insert(key).inserted else {
                    throw ModelError(.malformedJSON, field: key, "duplicate key \"\(key)\"")
                }
                out.append(JSONSource.Member(key: key, value: v, range: start..<i))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}'")
            }
            depth -= 1
            return .object(out)
        case UInt8(ascii: "["):
            try enter()
            i += 1
            var out: [JSONSource] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; depth -= 1; return .array(out) }
            while true {
                skipSpace()
                out.append(try parseSource())
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; break }
                throw fail("expected ',' or ']'")
            }
            depth -= 1
            return .array(out)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let (text, value) = try scanNumber()
            return .number(JSONNumber(literal: text, value: value))
        default: throw fail("unexpected character")
        }
    }
}
