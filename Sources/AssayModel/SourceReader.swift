/// Reads the members of one JSON object kept as its source wrote it (`JSONSource`), as
/// `ObjectReader` does for a `JSONValue`: it names the member's JSON path in every error and
/// remembers which members were read, so that unknown ones can be refused where a schema
/// closes an object. Unlike `ObjectReader`, a member holding `null` is present and of the wrong
/// type: a JSON Schema `"type": "string"` refuses `null`.
public struct SourceReader {
    public let path: String
    public let members: [JSONSource.Member]
    private var seen: Set<String> = []

    /// - Throws: `ModelError.wrongType` unless `value` is an object.
    public init(_ value: JSONSource, path: String) throws(ModelError) {
        guard case .object(let m) = value else {
            throw ModelError(.wrongType, field: path, "must be an object, found \(value.typeName)")
        }
        self.path = path
        self.members = m
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member's value, if present (`null` included).
    public mutating func optional(_ key: String) -> JSONSource? {
        seen.insert(key)
        return members.first { $0.key == key }?.value
    }

    public mutating func required(_ key: String) throws(ModelError) -> JSONSource {
        guard let v = optional(key) else { throw ModelError(.missingField, field: fieldPath(key), "is required") }
        return v
    }

    public mutating func string(_ key: String) throws(ModelError) -> String {
        try Self.string(try required(key), at: fieldPath(key))
    }

    public mutating func optionalString(_ key: String) throws(ModelError) -> String? {
        guard let v = optional(key) else { return nil }
        return try Self.string(v, at: fieldPath(key))
    }

    public mutating func number(_ key: String) throws(ModelError) -> JSONNumber {
        try Self.number(try required(key), at: fieldPath(key))
    }

    public mutating func optionalNumber(_ key: String) throws(ModelError) -> JSONNumber? {
        guard let v = optional(key) else { return nil }
        return try Self.number(v, at: fieldPath(key))
    }

    public mutating func bool(_ key: String) throws(ModelError) -> Bool {
        let v = try required(key)
        guard case .bool(let b) = v else {
            throw ModelError(.wrongType, field: fieldPath(key), "must be true or false, found \(v.typeName)")
        }
        return b
    }

    public mutating func object(_ key: String) throws(ModelError) -> SourceReader {
        try SourceReader(try required(key), path: fieldPath(key))
    }

    public mutating func optionalObject(_ key: String) throws(ModelError) -> SourceReader? {
        guard let v = optional(key) else { return nil }
        return try SourceReader(v, path: fieldPath(key))
    }

    /// An array member's elements, each with its JSON path (`key[i]`).
    public mutating func array(_ key: String) throws(ModelError) -> [(path: String, value: JSONSource)] {
        try Self.elements(try required(key), at: fieldPath(key))
    }

    public mutating func optionalArray(_ key: String) throws(ModelError) -> [(path: String, value: JSONSource)]? {
        guard let v = optional(key) else { return nil }
        return try Self.elements(v, at: fieldPath(key))
    }

    /// An array of objects, each read by `read`.
    public mutating func objects<T>(_ key: String, _ read: (inout SourceReader) throws(ModelError) -> T) throws(ModelError) -> [T] {
        var out: [T] = []
        for (p, v) in try array(key) {
            var r = try SourceReader(v, path: p)
            out.append(try read(&r))
        }
        return out
    }

    /// An array of strings.
    public mutating func strings(_ key: String) throws(ModelError) -> [String] {
        var out: [String] = []
        for (p, v) in try array(key) { out.append(try Self.string(v, at: p)) }
        return out
    }

    /// A string member whose value must be one of an enum's raw values.
    public mutating func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(ModelError) -> E where E.RawValue == String {
        try Self.enumValue(try string(key), E.self, at: fieldPath(key))
    }

    public mutating func optionalEnumValue<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type) throws(ModelError) -> E? where E.RawValue == String {
        guard let s = try optionalString(key) else { return nil }
        return try Self.enumValue(s, E.self, at: fieldPath(key))
    }

    /// Refuses any member not read, unless `allowUnknown` (a schema that leaves
    /// `additionalProperties` open).
    public func finish(allowUnknown: Bool = false) throws(ModelError) {
        guard !allowUnknown else { return }
        for m in members where !seen.contains(m.key) {
            throw ModelError(.unknownField, field: fieldPath(m.key), "is not a member of this object")
        }
    }

    static func string(_ v: JSONSource, at path: String) throws(ModelError) -> String {
        guard case .string(let s) = v else { throw ModelError(.wrongType, field: path, "must be a string, found \(v.typeName)") }
        return s
    }

    static func number(_ v: JSONSource, at path: String) throws(ModelError) -> JSONNumber {
        guard case .number(let n) = v else { throw ModelError(.wrongType, field: path, "must be a number, found \(v.typeName)") }
        return n
    }

    static func elements(_ v: JSONSource, at path: String) throws(ModelError) -> [(path: String, value: JSONSource)] {
        guard case .array(let a) = v else { throw ModelError(.wrongType, field: path, "must be an array, found \(v.typeName)") }
        return a.enumerated().map { ("\(path)[\($0.offset)]", $0.element) }
    }

    static func enumValue<E: RawRepresentable & CaseIterable>(_ s: String, _: E.Type, at path: String) throws(ModelError) -> E where E.RawValue == String {
        guard let e = E(rawValue: s) else {
            throw ModelError(.invalidValue, field: path, "\"\(s.prefix(60))\" is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return e
    }
}
