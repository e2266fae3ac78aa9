/// Reads the fields of one JSON object, remembering which were read so that unknown
/// fields can be refused, and naming the field's JSON path in every error.
public struct ObjectReader {
    public let path: String
    public let fields: [String: JSONValue]
    /// Keys looked up so far (objects are small: a list beats hashing), and how many of
    /// them are present, so that `finish` knows without a search when every field was read.
    private var seen: [String] = []
    private var presentSeen = 0

    /// - Throws: `ModelError.wrongType` unless `value` is an object.
    public init(_ value: JSONValue, path: String = "") throws(ModelError) {
        guard case .object(let o) = value else {
            throw ModelError(.wrongType, field: path, "must be an object, found \(value.typeName)")
        }
        self.path = path
        self.fields = o
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public mutating func optional(_ key: String) -> JSONValue? {
        let v = fields[key]
        if !seen.contains(key) {
            seen.append(key)
            if v != nil { presentSeen += 1 }
        }
        if case .null? = v { return nil }
        return v
    }

    public mutating func required(_ key: String) throws(ModelError) -> JSONValue {
        guard let v = optional(key) else {
            throw ModelError(.missingField, field: fieldPath(key), "is required")
        }
        return v
    }

    public mutating func string(_ key: String) throws(ModelError) -> String {
        try Self.string(try required(key), at: fieldPath(key))
    }

    public mutating func optionalString(_ key: String) throws(ModelError) -> String? {
        guard let v = optional(key) else { return nil }
        return try Self.string(v, at: fieldPath(key))
    }

    public mutating func number(_ key: String) throws(ModelError) -> Double {
        let v = try required(key)
        guard case .number(let d) = v else {
            throw ModelError(.wrongType, field: fieldPath(key), "must be a number, found \(v.typeName)")
        }
        return d
    }

    public mutating func optionalNumber(_ key: String) throws(ModelError) -> Double? {
        guard optional(key) != nil else { return nil }
        return try number(key)
    }

    public mutating func optionalBool(_ key: String) throws(ModelError) -> Bool? {
        guard let v = optional(key) else { return nil }
        guard case .bool(let b) = v else {
            throw ModelError(.wrongType, field: fieldPath(key), "must be true or false, found \(v.typeName)")
        }
        return b
    }

    public mutating func array(_ key: String, nonEmpty: Bool = false) throws(ModelError) -> [JSONValue] {
        let v = try required(key)
        guard case .array(let a) = v else {
            throw ModelError(.wrongType, field: fieldPath(key), "must be an array, found \(v.typeName)")
        }
        if nonEmpty && a.isEmpty { throw ModelError(.invalidValue, field: fieldPath(key), "must not be empty") }
        return a
    }

    public mutating func optionalArray(_ key: String, nonEmpty: Bool = false) throws(ModelError) -> [JSONValue]? {
        guard optional(key) != nil else { return nil }
        return try array(key, nonEmpty: nonEmpty)
    }

    public mutating func stringArray(_ key: String, nonEmpty: Bool = false) throws(ModelError) -> [String] {
        var out: [String] = []
        for (i, v) in try array(key, nonEmpty: nonEmpty).enumerated() {
            out.append(try Self.string(v, at: "\(fieldPath(key))[\(i)]"))
        }
        return out
    }

    public mutating func optionalStringArray(_ key: String, nonEmpty: Bool = false) throws(ModelError) -> [String]? {
        guard optional(key) != nil else { return nil }
        return try stringArray(key, nonEmpty: nonEmpty)
    }

    public mutating func object(_ key: String) throws(ModelError) -> ObjectReader {
        try ObjectReader(try required(key), path: fieldPath(key))
    }

    public mutating func optionalObject(_ key: String) throws(ModelError) -> ObjectReader? {
        guard let v = optional(key) else { return nil }
        return try ObjectReader(v, path: fieldPath(key))
    }

    public mutating func timestamp(_ key: String) throws(ModelError) -> Timestamp {
        try Timestamp(parsing: try string(key), field: fieldPath(key))
    }

    public mutating func optionalTimestamp(_ key: String) throws(ModelError) -> Timestamp? {
        guard let s = try optionalString(key) else { return nil }
        return try Timestamp(parsing: s, field: fieldPath(key))
    }

    /// Reads a string field whose value must be one of an enum's raw values.
    public mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(ModelError) -> E where E.RawValue == String {
        let s = try string(key)
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw ModelError(.invalidValue, field: fieldPath(key), "\"\(s)\" is not one of: \(allowed)")
        }
        return e
    }

    /// Refuses any field not read. Keys with a namespace prefix (`ext:field`), the
    /// extension mechanism of EPCIS, are allowed when `allowExtensions` is true.
    public func finish(allowExtensions: Bool = false) throws(ModelError) {
        if presentSeen == fields.count { return }
        for key in fields.keys.sorted() where !seen.contains(key) {
            if allowExtensions && (key.contains(":") || key.hasPrefix("@")) { continue }
            throw ModelError(.unknownField, field: fieldPath(key), "is not a field of this statement")
        }
    }

    static func string(_ v: JSONValue, at path: String) throws(ModelError) -> String {
        guard case .string(let s) = v else {
            throw ModelError(.wrongType, field: path, "must be a string, found \(v.typeName)")
        }
        return s
    }
}
