extension PassportData {
    /// Builds a PassportData statement (compact JSON, fixed member order) from an aspect's
    /// data as written, and validates it.
    ///
    /// `data` is written compactly with its members in their order and its numbers exactly as
    /// the literal text gave them (`JSONSource.serialized`): what is signed is what was written.
    /// - Parameters:
    ///   - subject: the item, batch or model (GS1 Digital Link or EPC URN).
    ///   - aspect: which part of the passport `data` is.
    ///   - data: the aspect's JSON text (UTF-8).
    ///   - eventTime: when the fact was established (its offset becomes `eventTimeZoneOffset`).
    /// - Returns: the statement's bytes, which `Statement.decode` accepts.
    /// - Throws: `ModelError` naming the member at fault (`data.…` for the data).
    public static func statement(subject: String, aspect: Aspect, data: [UInt8], eventTime: Timestamp) throws(ModelError) -> [UInt8] {
        let source: JSONSource
        do {
            source = try JSONSource.parse(data, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth - 1))
        } catch {
            throw ModelError(error.code, field: "data", error.message).inKind(StatementKind.passportData.rawValue)
        }
        let json = JSONWriter.object([
            ("type", JSONWriter.quote(StatementKind.passportData.rawValue)), ("subject", JSONWriter.quote(subject)),
            ("aspect", JSONWriter.quote(aspect.rawValue)), ("data", source.serialized),
            ("eventTime", JSONWriter.quote(eventTime.text)), ("eventTimeZoneOffset", JSONWriter.quote(eventTime.offsetText)),
        ])
        let bytes = Array(json.utf8)
        _ = try Statement.decode(bytes)
        return bytes
    }
}
