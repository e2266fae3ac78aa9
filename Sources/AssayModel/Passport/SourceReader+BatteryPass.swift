/// Readers for the value types the Battery Pass schemas share.
extension SourceReader {
    /// A string with `format: "uri"`.
    mutating func uri(_ key: String) throws(ModelError) -> String {
        let s = try string(key)
        try BatteryPassRules.uri(s, field: fieldPath(key))
        return s
    }

    mutating func optionalURI(_ key: String) throws(ModelError) -> String? {
        guard let s = try optionalString(key) else { return nil }
        try BatteryPassRules.uri(s, field: fieldPath(key))
        return s
    }

    /// A string matching the Battery Pass `Timestamp` pattern (`lastUpdate`).
    mutating func passTimestamp(_ key: String) throws(ModelError) -> String {
        let s = try string(key)
        try BatteryPassRules.containsDateTime(s, field: fieldPath(key))
        return s
    }

    /// A number within `min…max`, compared exactly.
    mutating func number(_ key: String, in min: Int64, _ max: Int64) throws(ModelError) -> JSONNumber {
        let n = try number(key)
        try BatteryPassRules.range(n, min, max, field: fieldPath(key))
        return n
    }

    /// A nested object read by `read`; unknown members are allowed, as the Battery Pass
    /// schemas leave `additionalProperties` open.
    mutating func part<T>(_ key: String, _ read: (inout SourceReader) throws(ModelError) -> T) throws(ModelError) -> T {
        var r = try object(key)
        return try read(&r)
    }

    mutating func optionalPart<T>(_ key: String, _ read: (inout SourceReader) throws(ModelError) -> T) throws(ModelError) -> T? {
        guard var r = try optionalObject(key) else { return nil }
        return try read(&r)
    }
}

/// A postal address (`PostalAddressEntity`): all three members required.
public struct PostalAddress: Sendable, Equatable {
    public let addressCountry: String
    public let postalCode: String
    public let streetAddress: String

    init(reading r: inout SourceReader) throws(ModelError) {
        addressCountry = try r.string("addressCountry")
        postalCode = try r.string("postalCode")
        streetAddress = try r.string("streetAddress")
    }
}

/// A measured value with the time it was last updated (the Battery Pass `…Entity` objects of
/// battery condition: `{"<name>Value": number, "lastUpdate": timestamp}`).
public struct TimedReading: Sendable, Equatable {
    public let value: JSONNumber
    public let lastUpdate: String

    init(reading r: inout SourceReader, value key: String) throws(ModelError) {
        value = try r.number(key)
        lastUpdate = try r.passTimestamp("lastUpdate")
    }
}
