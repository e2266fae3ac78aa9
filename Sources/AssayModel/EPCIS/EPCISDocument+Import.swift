extension EPCISDocument {
    /// The `type` values `assay import epcis` signs: the five EPCIS 2.0 event types.
    public static let importableTypes = Set(EPCISEvent.EventType.allCases.map(\.rawValue))

    /// The statements an import signs, one per event, in document order: each event's
    /// canonical JSON, checked by `Statement.decode`.
    ///
    /// All or nothing, and decided before any key is used: an empty event list, or any member
    /// that is not an EPCIS 2.0 event (not an object, no string `type`, an Assay kind such as a
    /// registration, revocation, commitment, genesis or generic event) refuses the whole
    /// document, naming the member's index.
    /// - Throws: `ModelError` naming `eventList[i]`.
    public func importablePayloads() throws(ModelError) -> [[UInt8]] {
        guard !events.isEmpty else { throw ModelError(.missingField, "the document holds no events") }
        for (i, e) in events.enumerated() {
            guard case .object(let o) = e else {
                throw ModelError(.wrongType, "eventList[\(i)]: not a JSON object; import signs EPCIS events only")
            }
            guard case .string(let type)? = o["type"] else {
                throw ModelError(.missingField, "eventList[\(i)]: no string \"type\" member; import signs EPCIS events only")
            }
            guard Self.importableTypes.contains(type) else {
                throw ModelError(.invalidValue, "eventList[\(i)]: type \(JSONWriter.quote(String(type.prefix(60)))) is not an EPCIS event; import signs EPCIS events only")
            }
        }
        var payloads: [[UInt8]] = []
        for (i, e) in events.enumerated() {
            let payload = Array(e.serialized.utf8)
            let statement: Statement
            do { statement = try Statement.decode(payload) } catch {
                throw ModelError(error.code, "event \(i + 1) (eventList[\(i)]): \(error.description)")
            }
            guard case .supplyChain = statement else {
                throw ModelError(.invalidValue, "eventList[\(i)]: kind \(statement.kind.rawValue) is not an EPCIS event; import signs EPCIS events only")
            }
            payloads.append(payload)
        }
        return payloads
    }
}
