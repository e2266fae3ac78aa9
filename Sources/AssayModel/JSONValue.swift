/// A parsed JSON value. Statements are decoded through it so that every error can name
/// the field and the rule, and so that unknown fields can be refused.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Limits enforced before and during parsing.
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int
        public init(maxBytes: Int = 1 << 20, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    /// Parses a JSON document (RFC 8259) strictly: the size limit is checked before parsing,
    /// the depth limit during it; duplicate object keys, invalid UTF-8, lone surrogates,
    /// leading zeros, trailing commas and trailing garbage are refused.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(ModelError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw ModelError(.tooLarge, "document is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ModelError(.malformedJSON, "document is not valid UTF-8")
        }
        var p = JSONParser(bytes: bytes, maxDepth: limits.maxDepth)
        return try p.parseDocument()
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
