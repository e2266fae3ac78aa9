/// A GS1 EPCIS 2.0 event in its JSON(-LD) shape, strictly decoded: every standard field is
/// type- and value-checked, identifiers are checked, and any member that is neither a
/// standard field nor a namespaced extension (`prefix:name`) is refused.
public struct EPCISEvent: Sendable, Equatable {
    public enum EventType: String, CaseIterable, Sendable {
        case objectEvent = "ObjectEvent"
        case aggregationEvent = "AggregationEvent"
        case associationEvent = "AssociationEvent"
        case transformationEvent = "TransformationEvent"
        case transactionEvent = "TransactionEvent"
    }

    public enum Action: String, CaseIterable, Sendable {
        case add = "ADD"
        case observe = "OBSERVE"
        case delete = "DELETE"
    }

    /// A `quantityList` element: a class of objects, how many, in which unit.
    public struct Quantity: Sendable, Equatable {
        public let epcClass: String
        public let quantity: Double?
        public let uom: String?
    }

    /// A `sourceList` / `destinationList` element.
    public struct Endpoint: Sendable, Equatable {
        public let type: String
        public let id: String
    }

    /// An EPCIS `errorDeclaration`: this event is declared erroneous; corrections are new events.
    public struct ErrorDeclaration: Sendable, Equatable {
        public let declarationTime: Timestamp
        public let reason: CBV.Value?
        public let correctiveEventIDs: [String]
    }

    public let type: EventType
    public let eventID: String?
    public let eventTime: Timestamp
    public let eventTimeZoneOffset: String
    public let action: Action?
    public let bizStep: CBV.Value?
    public let disposition: CBV.Value?
    public let readPoint: String?
    public let bizLocation: String?
    public let epcList: [String]
    public let quantityList: [Quantity]
    public let parentID: String?
    public let childEPCs: [String]
    public let childQuantityList: [Quantity]
    public let inputEPCList: [String]
    public let inputQuantityList: [Quantity]
    public let outputEPCList: [String]
    public let outputQuantityList: [Quantity]
    public let transformationID: String?
    public let sourceList: [Endpoint]
    public let destinationList: [Endpoint]
    public let errorDeclaration: ErrorDeclaration?
    public let certificationInfo: [String]
    /// `sensorElementList`, checked as EPCIS 2.0 §7.3.5.5 and its JSON Schema define it.
    public let sensorElements: [SensorElement]
    /// Instance/lot master data (EPCIS `ilmd`), raw.
    public let ilmd: [String: JSONValue]
    /// Assay's extension fields (namespace `assay:`), from `ilmd` or the event itself.
    public let assay: AssayExtension
    /// Other namespaced extension members, raw.
    public let extensions: [String: JSONValue]

    /// Every identifier the event names as an object (not locations or parties).
    public var objectIdentifiers: [String] {
        var out = epcList + childEPCs + inputEPCList + outputEPCList
        out += (quantityList + childQuantityList + inputQuantityList + outputQuantityList).map(\.epcClass)
        if let parentID { out.append(parentID) }
        return out
    }

    /// Decodes one event from a JSON object.
    public init(json: JSONValue, path: String = "") throws(ModelError) {
        var r = try ObjectReader(json, path: path)
        let typeName = try r.string("type")
        guard let type = EventType(rawValue: typeName) else {
            throw ModelError(.unknownKind, field: r.fieldPath("type"), "\"\(typeName.prefix(60))\" is not an EPCIS 2.0 event type")
        }
        self.type = type
        _ = r.optional("@context")
        eventID = try r.optionalString("eventID")
        if let eventID, !isAbsoluteURI(eventID) {
            throw ModelError(.invalidValue, field: r.fieldPath("eventID"), "must be a URI (urn:uuid:… or ni:///…)")
        }
        eventTime = try r.timestamp("eventTime")
        eventTimeZoneOffset = try r.string("eventTimeZoneOffset")
        try validateZoneOffset(eventTimeZoneOffset, field: r.fieldPath("eventTimeZoneOffset"))
        _ = try r.optionalTimestamp("recordTime")
        if type == .transformationEvent {
            if r.fields["action"] != nil {
                throw ModelError(.unknownField, field: r.fieldPath("action"), "a TransformationEvent has no action")
            }
            action = nil
        } else {
            action = try r.enumValue("action", Action.self)
        }
        bizStep = try r.optionalString("bizStep").map { s throws(ModelError) in try CBV.bizStep(s, field: r.fieldPath("bizStep")) }
        disposition = try r.optionalString("disposition").map { s throws(ModelError) in try CBV.disposition(s, field: r.fieldPath("disposition")) }
        try Self.checkPersistentDisposition(&r)
        readPoint = try Self.place(&r, "readPoint")
        bizLocation = try Self.place(&r, "bizLocation")
        let epcListGiven = r.fields["epcList"].map { $0 != .null } ?? false
        epcList = try Self.identifiers(&r, "epcList")
        quantityList = try Self.quantities(&r, "quantityList")
        parentID = try r.optionalString("parentID")
        if let parentID { try checkObjectIdentifier(parentID, field: r.fieldPath("parentID")) }
        childEPCs = try Self.identifiers(&r, "childEPCs")
        childQuantityList = try Self.quantities(&r, "childQuantityList")
        inputEPCList = try Self.identifiers(&r, "inputEPCList")
        inputQuantityList = try Self.quantities(&r, "inputQuantityList")
        outputEPCList = try Self.identifiers(&r, "outputEPCList")
        outputQuantityList = try Self.quantities(&r, "outputQuantityList")
        transformationID = try r.optionalString("transformationID")
        if let transformationID, !isAbsoluteURI(transformationID) {
            throw ModelError(.invalidValue, field: r.fieldPath("transformationID"), "must be a URI")
        }
        sourceList = try Self.endpoints(&r, "sourceList", member: "source")
        destinationList = try Self.endpoints(&r, "destinationList", member: "destination")
        let bizTransactionCount = try Self.checkBizTransactions(&r)
        certificationInfo = try Self.certificationInfo(&r)
        errorDeclaration = try Self.errorDeclaration(&r)
        sensorElements = try SensorElement.list(&r)
        var ilmdFields: [String: JSONValue] = [:]
        if let i = try r.optionalObject("ilmd") {
            guard type == .objectEvent || type == .transformationEvent else {
                throw ModelError(.unknownField, field: r.fieldPath("ilmd"), "only ObjectEvent and TransformationEvent carry ilmd")
            }
            if type == .objectEvent, let action, action != .add {
                throw ModelError(.unknownField, field: r.fieldPath("ilmd"),
                                 "an ObjectEvent with action \(action.rawValue) carries no ilmd: instance/lot master data is given when objects are added (EPCIS 2.0 §7.4.2)")
            }
            // EPCIS 2.0 §7.3.6 and the JSON Schema (`ilmd.propertyNames`: format uri): every
            // ILMD attribute is named by a qualified name (prefix:name) or a URI.
            for k in i.fields.keys.sorted() where !isAbsoluteURI(k) {
                throw ModelError(.unknownField, field: i.fieldPath(k),
                                 "an ilmd member must be a qualified name (prefix:name, e.g. cbvmda:lotNumber) or a URI (EPCIS 2.0 §7.3.6)")
            }
            ilmdFields = i.fields
        }
        ilmd = ilmdFields
        (assay, extensions) = try Self.extensionFields(&r, ilmd: ilmdFields)
        try r.finish(allowExtensions: true)
        try checkShape(path: path, epcListGiven: epcListGiven)
        if type == .transactionEvent {
            // EPCIS 2.0 §7.4.5 and its JSON Schema: a TransactionEvent names its business
            // transactions, and its objects (epcList, possibly empty, or quantityList) unless it is a DELETE.
            if bizTransactionCount == 0 {
                throw ModelError(.missingField, field: r.fieldPath("bizTransactionList"), "a TransactionEvent names at least one business transaction (EPCIS 2.0 §7.4.5)")
            }
            if action != .delete && !epcListGiven && quantityList.isEmpty {
                throw ModelError(.missingField, field: r.fieldPath("epcList"), "a TransactionEvent \(action?.rawValue ?? "") names its objects in epcList or quantityList (EPCIS 2.0 §7.4.5)")
            }
        }
    }

    /// `persistentDisposition`: its `set` and `unset` lists hold CBV (or extension) dispositions.
    private static func checkPersistentDisposition(_ r: inout ObjectReader) throws(ModelError) {
        guard var pd = try r.optionalObject("persistentDisposition") else { return }
        var given = false
        for key in ["set", "unset"] {
            guard let list = try pd.optionalStringArray(key, nonEmpty: true) else { continue }
            given = true
            for (i, d) in list.enumerated() {
                _ = try CBV.disposition(d, field: "\(pd.fieldPath(key))[\(i)]")
            }
            try checkUnique(list, field: pd.fieldPath(key))
        }
        try pd.finish()
        if !given { throw ModelError(.missingField, field: pd.fieldPath("set"), "a persistentDisposition gives set or unset") }
    }

    static func checkUnique(_ list: [String], field: String) throws(ModelError) {
        var seen = Set<String>()
        for (i, x) in list.enumerated() where !seen.insert(x).inserted {
            throw ModelError(.invalidValue, field: "\(field)[\(i)]", "\"\(x.prefix(80))\" is listed twice: the list's items are unique")
        }
    }

    /// `bizTransactionList`: each a URI with an optional type.
    @discardableResult
    private static func checkBizTransactions(_ r: inout ObjectReader) throws(ModelError) -> Int {
        guard let bt = try r.optionalArray("bizTransactionList") else { return 0 }
        for (i, v) in bt.enumerated() {
            var b = try ObjectReader(v, path: "\(r.fieldPath("bizTransactionList"))[\(i)]")
            let id = try b.string("bizTransaction")
            guard isAbsoluteURI(id) else { throw ModelError(.invalidValue, field: b.fieldPath("bizTransaction"), "must be a URI") }
            if let t = try b.optionalString("type") { _ = try CBV.businessTransactionType(t, field: b.fieldPath("type")) }
            try b.finish()
        }
        return bt.count
    }

    /// `certificationInfo`: a string or an array of strings.
    private static func certificationInfo(_ r: inout ObjectReader) throws(ModelError) -> [String] {
        guard let cert = r.optional("certificationInfo") else { return [] }
        switch cert {
        case .string(let s):
            guard isAbsoluteURI(s) else { throw ModelError(.invalidValue, field: r.fieldPath("certificationInfo"), "must be a URI") }
            return [s]
        case .array:
            let list = try r.stringArray("certificationInfo")
            for (i, c) in list.enumerated() where !isAbsoluteURI(c) {
                throw ModelError(.invalidValue, field: "\(r.fieldPath("certificationInfo"))[\(i)]", "must be a URI")
            }
            return list
        default: throw ModelError(.wrongType, field: r.fieldPath("certificationInfo"), "must be a string or an array of strings")
        }
    }

    /// `errorDeclaration`: when, why (CBV error reason), and the corrective events' IDs.
    private static func errorDeclaration(_ r: inout ObjectReader) throws(ModelError) -> ErrorDeclaration? {
        guard var e = try r.optionalObject("errorDeclaration") else { return nil }
        let t = try e.timestamp("declarationTime")
        let reason = try e.optionalString("reason").map { s throws(ModelError) in try CBV.errorReason(s, field: e.fieldPath("reason")) }
        let ids = try e.optionalStringArray("correctiveEventIDs") ?? []
        for (i, id) in ids.enumerated() where !isAbsoluteURI(id) {
            throw ModelError(.invalidValue, field: "\(e.fieldPath("correctiveEventIDs"))[\(i)]", "must be an event ID URI")
        }
        try e.finish(allowExtensions: true)
        return ErrorDeclaration(declarationTime: t, reason: reason, correctiveEventIDs: ids)
    }

    /// Assay's fields (in `ilmd` for Object/TransformationEvents, or on the event for all
    /// types, never both) and the other namespaced extension members.
    private static func extensionFields(_ r: inout ObjectReader, ilmd: [String: JSONValue]) throws(ModelError) -> (AssayExtension, [String: JSONValue]) {
        var ext: [String: JSONValue] = [:]
        var assayFields: [String: (JSONValue, String)] = [:]
        for (k, v) in ilmd where k.hasPrefix(AssayExtension.prefix) { assayFields[k] = (v, "ilmd.\(k)") }
        for (k, v) in r.fields where k.contains(":") && !k.hasPrefix("@") {
            if k.hasPrefix(AssayExtension.prefix) {
                if assayFields[k] != nil {
                    throw ModelError(.invalidValue, field: r.fieldPath(k), "is given both in ilmd and on the event")
                }
                assayFields[k] = (v, r.fieldPath(k))
            } else {
                ext[k] = v
            }
        }
        return (try AssayExtension(fields: assayFields, cbvmda: ilmd), ext)
    }

    private func checkShape(path: String, epcListGiven: Bool) throws(ModelError) {
        func p(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }
        let objectFields = ["epcList": !epcList.isEmpty, "quantityList": !quantityList.isEmpty]
        switch type {
        case .objectEvent:
            // EPCIS 2.0 §7.4.2 and its JSON Schema: objects in epcList (which may be empty) or
            // quantityList, or, for a sensor event about a place, sensorElementList and readPoint.
            let sensorAboutPlace = !sensorElements.isEmpty && readPoint != nil
            guard epcListGiven || objectFields.values.contains(true) || sensorAboutPlace else {
                throw ModelError(.missingField, field: p("epcList"),
                                 "an ObjectEvent names its objects in epcList or quantityList, or reports sensor data (sensorElementList) at a readPoint")
            }
            for (k, set) in [("parentID", parentID != nil), ("childEPCs", !childEPCs.isEmpty), ("inputEPCList", !inputEPCList.isEmpty),
                             ("outputEPCList", !outputEPCList.isEmpty)] where set {
                throw ModelError(.unknownField, field: p(k), "is not a field of an ObjectEvent")
            }
        case .aggregationEvent, .associationEvent:
            if (action != .observe || type == .associationEvent) && parentID == nil {
                throw ModelError(.missingField, field: p("parentID"), "is required for an \(type.rawValue) with action \(action?.rawValue ?? "")")
            }
            if action != .delete && childEPCs.isEmpty && childQuantityList.isEmpty {
                throw ModelError(.missingField, field: p("childEPCs"), "an \(type.rawValue) \(action?.rawValue ?? "") names its children in childEPCs or childQuantityList")
            }
            if !epcList.isEmpty { throw ModelError(.unknownField, field: p("epcList"), "is not a field of an \(type.rawValue)") }
        case .transformationEvent:
            guard !(inputEPCList.isEmpty && inputQuantityList.isEmpty && outputEPCList.isEmpty && outputQuantityList.isEmpty) else {
                throw ModelError(.missingField, field: p("outputEPCList"), "a TransformationEvent names inputs or outputs")
            }
            if !epcList.isEmpty { throw ModelError(.unknownField, field: p("epcList"), "is not a field of a TransformationEvent") }
        case .transactionEvent:
            break
        }
    }

    static func place(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> String? {
        guard var o = try r.optionalObject(key) else { return nil }
        let id = try o.string("id")
        try checkLocationIdentifier(id, field: o.fieldPath("id"))
        try o.finish(allowExtensions: true)
        return id
    }

    static func identifiers(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> [String] {
        let ids = try r.optionalStringArray(key) ?? []
        for (i, id) in ids.enumerated() { try checkObjectIdentifier(id, field: "\(r.fieldPath(key))[\(i)]") }
        if key == "epcList" { try checkUnique(ids, field: r.fieldPath(key)) }
        return ids
    }

    static func quantities(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> [Quantity] {
        guard let arr = try r.optionalArray(key) else { return [] }
        var out: [Quantity] = []
        for (i, v) in arr.enumerated() {
            var q = try ObjectReader(v, path: "\(r.fieldPath(key))[\(i)]")
            let cls = try q.string("epcClass")
            try checkObjectIdentifier(cls, field: q.fieldPath("epcClass"))
            let n = try q.optionalNumber("quantity")
            if let n, !(n > 0) { throw ModelError(.invalidValue, field: q.fieldPath("quantity"), "must be positive, got \(n)") }
            let uom = try q.optionalString("uom")
            if let uom { try checkUnitCode(uom, field: q.fieldPath("uom")) }
            if uom != nil && n == nil { throw ModelError(.missingField, field: q.fieldPath("quantity"), "is required when uom is given") }
            try q.finish()
            out.append(Quantity(epcClass: cls, quantity: n, uom: uom))
        }
        return out
    }

    static func endpoints(_ r: inout ObjectReader, _ key: String, member: String) throws(ModelError) -> [Endpoint] {
        guard let arr = try r.optionalArray(key) else { return [] }
        var out: [Endpoint] = []
        for (i, v) in arr.enumerated() {
            var e = try ObjectReader(v, path: "\(r.fieldPath(key))[\(i)]")
            let t = try e.string("type")
            _ = try CBV.sourceDestinationType(t, field: e.fieldPath("type"))
            let id = try e.string(member)
            guard isAbsoluteURI(id) else { throw ModelError(.invalidValue, field: e.fieldPath(member), "must be a URI") }
            try e.finish()
            out.append(Endpoint(type: t, id: id))
        }
        return out
    }
}


extension EPCISEvent {
    /// One `sensorElementList` element (EPCIS 2.0 §7.3.5.5): optional metadata about the
    /// sensor and at least one report. Every standard member is type-checked as the EPCIS 2.0
    /// JSON Schema defines it; any other member must be a qualified name (`prefix:name`) or a
    /// URI, an extension kept as given.
    public struct SensorElement: Sendable, Equatable {
        public let reports: [SensorReport]
    }

    /// One `sensorReport` element: what was measured (`type`) and the reading.
    public struct SensorReport: Sendable, Equatable {
        /// The measurement type: a bare GS1 `MeasurementType` (`Temperature`) or an extension URI.
        public let type: String
        public let value: Double?
        public let uom: String?
        public let exception: String?
    }

    /// `sensorMetadata` members and their value kinds (§7.3.5.5.2).
    static let sensorMetadataMembers: [String: SensorValueKind] = [
        "time": .time, "deviceID": .uri, "deviceMetadata": .uri, "rawData": .uri, "startTime": .time, "endTime": .time,
        "dataProcessingMethod": .uri, "bizRules": .uri,
    ]

    /// `sensorReport` members and their value kinds (§7.3.5.5.3).
    static let sensorReportMembers: [String: SensorValueKind] = [
        "type": .measurementType, "exception": .alertType, "deviceID": .uri, "deviceMetadata": .uri, "rawData": .uri,
        "dataProcessingMethod": .uri, "bizRules": .uri, "time": .time, "microorganism": .uri, "chemicalSubstance": .uri,
        "coordinateReferenceSystem": .uri, "value": .number, "component": .component, "stringValue": .string,
        "booleanValue": .boolean, "hexBinaryValue": .hexBinary, "uriValue": .uri, "minValue": .number, "maxValue": .number,
        "meanValue": .number, "sDev": .number, "percRank": .number, "percValue": .number, "uom": .string,
    ]

    enum SensorValueKind {
        case time, uri, number, string, boolean, hexBinary, measurementType, alertType, component
    }

    static func checkSensorValue(_ v: JSONValue, _ kind: SensorValueKind, field: String) throws(ModelError) {
        func string() throws(ModelError) -> String {
            guard case .string(let s) = v else { throw ModelError(.wrongType, field: field, "must be a string, found \(v.typeName) (EPCIS 2.0 §7.3.5.5)") }
            return s
        }
        switch kind {
        case .number:
            guard case .number = v else { throw ModelError(.wrongType, field: field, "must be a number, found \(v.typeName) (EPCIS 2.0 §7.3.5.5)") }
        case .boolean:
            guard case .bool = v else { throw ModelError(.wrongType, field: field, "must be true or false, found \(v.typeName) (EPCIS 2.0 §7.3.5.5)") }
        case .string:
            _ = try string()
        case .time:
            _ = try Timestamp(parsing: try string(), field: field)
        case .uri:
            let s = try string()
            guard isAbsoluteURI(s) else { throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a URI") }
        case .hexBinary:
            let s = try string()
            guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) }) else {
                throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not hexadecimal binary (xsd:hexBinary)")
            }
        case .measurementType, .alertType:
            let s = try string()
            let (allowed, what) = kind == .measurementType ? (CBV.measurementTypes, "measurement type") : (CBV.sensorAlertTypes, "sensor alert type")
            if allowed.contains(s) { return }
            guard isAbsoluteURI(s), !CBV.isGS1WebVocabulary(s) else {
                throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not an EPCIS 2.0 \(what) (nor an extension URI outside the GS1 Web Vocabulary)")
            }
        case .component:
            let s = try string()
            if CBV.sensorComponents.contains(s) { return }
            guard isAbsoluteURI(s), !CBV.isCBVNamespace(s) else {
                throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not an EPCIS 2.0 sensor component (nor an extension URI)")
            }
        }
    }

    /// Checks an object's members: the standard ones by kind, the others must be qualified names or URIs.
    static func checkSensorMembers(_ r: ObjectReader, _ members: [String: SensorValueKind], what: String) throws(ModelError) {
        for (k, v) in r.fields.sorted(by: { $0.key < $1.key }) {
            if let kind = members[k] {
                if case .null = v { continue }
                try checkSensorValue(v, kind, field: r.fieldPath(k))
            } else if !isAbsoluteURI(k) {
                throw ModelError(.unknownField, field: r.fieldPath(k),
                                 "is not a member of \(what) (EPCIS 2.0 §7.3.5.5); an extension member is a qualified name (prefix:name) or a URI")
            }
        }
    }
}

extension EPCISEvent.SensorElement {
    /// Reads and checks `sensorElementList` (absent: empty).
    static func list(_ r: inout ObjectReader) throws(ModelError) -> [EPCISEvent.SensorElement] {
        guard let list = try r.optionalArray("sensorElementList") else { return [] }
        var out: [EPCISEvent.SensorElement] = []
        for (i, element) in list.enumerated() {
            let e = try ObjectReader(element, path: "\(r.fieldPath("sensorElementList"))[\(i)]")
            for k in e.fields.keys.sorted() where k != "sensorMetadata" && k != "sensorReport" && !isAbsoluteURI(k) {
                throw ModelError(.unknownField, field: e.fieldPath(k),
                                 "is not a member of a sensorElement (sensorMetadata, sensorReport, or an extension prefix:name) (EPCIS 2.0 §7.3.5.5)")
            }
            var er = e
            if let m = try er.optionalObject("sensorMetadata") {
                try EPCISEvent.checkSensorMembers(m, EPCISEvent.sensorMetadataMembers, what: "sensorMetadata")
            }
            let reports = try er.array("sensorReport", nonEmpty: true)
            var parsed: [EPCISEvent.SensorReport] = []
            for (j, report) in reports.enumerated() {
                var rr = try ObjectReader(report, path: "\(er.fieldPath("sensorReport"))[\(j)]")
                try EPCISEvent.checkSensorMembers(rr, EPCISEvent.sensorReportMembers, what: "a sensorReport")
                let type = try rr.string("type")
                let value: Double? = if case .number(let d)? = rr.fields["value"] { d } else { nil }
                let uom: String? = if case .string(let s)? = rr.fields["uom"] { s } else { nil }
                let exception: String? = if case .string(let s)? = rr.fields["exception"] { s } else { nil }
                parsed.append(EPCISEvent.SensorReport(type: type, value: value, uom: uom, exception: exception))
            }
            out.append(EPCISEvent.SensorElement(reports: parsed))
        }
        return out
    }
}
