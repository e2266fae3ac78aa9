/// One part of a product passport, signed by the party that owns it: the static Battery Pass
/// v1.2.0 parts (general product information, carbon footprint, circularity, material
/// composition, performance and durability, supply-chain due diligence, labels) by the
/// manufacturer or its authorised representative, the dynamic ones (battery condition, status)
/// by the party that measured or changed them, and the ESPR generic product passport fields.
///
/// ```
/// {"type":"PassportData","subject":"https://id.gs1.org/01/…/21/…","aspect":"carbonFootprint",
///  "data":{…the Battery Pass part's JSON…},"eventTime":"…","eventTimeZoneOffset":"+01:00"}
/// ```
///
/// `data` is validated by the aspect's rules (`PassportContent`): a Battery Pass part exactly as
/// its published JSON Schema accepts it (unknown members allowed, as the schemas allow them),
/// `status` and `productPassport` by Assay's own closed shapes. Errors name the member's path
/// (`data.batteryMaterials[0].batteryMaterialIdentifier`). The signed bytes of `data` are kept
/// (`dataBytes`, `dataSource`) so that numbers travel onwards exactly as they were signed.
public struct PassportData: Sendable, Equatable {
    /// Which part of the passport `data` holds.
    public enum Aspect: String, CaseIterable, Sendable, Hashable {
        case generalProductInformation
        case carbonFootprint
        case circularity
        case materialComposition
        case performanceAndDurability
        case supplyChainDueDiligence
        case labels
        /// Dynamic: the state of health and other measured condition of one battery.
        case batteryCondition
        /// Dynamic: the battery's status (original, repurposed, reused, remanufactured, waste).
        case status
        /// The ESPR generic product passport fields.
        case productPassport

        /// The Battery Pass parts the manufacturer (or its authorised representative) writes,
        /// and the ESPR product passport: static facts about the product.
        public static let staticAspects: Set<Aspect> = [.generalProductInformation, .carbonFootprint, .circularity, .materialComposition,
                                                        .performanceAndDurability, .supplyChainDueDiligence, .labels, .productPassport]

        /// Whether the aspect is a fact about the product as made (not measured or changed later).
        public var isStatic: Bool { Self.staticAspects.contains(self) }

        /// The roles that may sign this aspect (whose authority over the subject is then
        /// judged by `Registry.authorize`): static aspects the manufacturer or its authorised
        /// representative; the battery's condition whoever measured it; its status whoever
        /// changed it.
        public var writerRoles: Set<Role> {
            switch self {
            case .batteryCondition: [.manufacturer, .repairer, .secondLifeOperator, .recycler]
            case .status: [.manufacturer, .repairer, .secondLifeOperator, .recycler]
            default: [.manufacturer, .authorisedRepresentative]
            }
        }
    }

    /// The product the data is about as written: a GS1 Digital Link (or EPC URN) of an item
    /// (GTIN + serial), a batch (GTIN + lot) or a model (GTIN only); dynamic aspects are about
    /// one item.
    public let subject: String
    public let aspect: Aspect
    /// The aspect's JSON object, validated against the aspect's rules.
    public let data: JSONValue
    public let eventTime: Timestamp
    /// The typed view of `data`.
    public let content: PassportContent
    /// `data` as signed: member order, number literals exactly as written, and each member's
    /// byte range as an offset into `dataBytes`.
    public let dataSource: JSONSource
    /// The exact bytes of `data` in the signed statement (for a statement decoded from a parsed
    /// `JSONValue` rather than bytes: `dataSource.serialized`).
    public let dataBytes: [UInt8]

    /// Reads the statement's members; `source` is the `data` member as parsed from the signed
    /// bytes (with those bytes), when there were bytes.
    init(reading r: inout ObjectReader, source: (member: JSONSource.Member, bytes: [UInt8])?) throws(ModelError) {
        subject = try nonEmpty(try r.string("subject"), field: "subject")
        let id = try GS1Identifier(parsing: subject, field: "subject")
        switch id.key {
        case .item, .batch, .productClass: break
        default:
            throw ModelError(.invalidValue, field: "subject", "must identify a product item (GTIN + serial), batch (GTIN + lot) or model (GTIN), not \(id.canonical)")
        }
        aspect = try r.enumValue("aspect", Aspect.self)
        if !aspect.isStatic {
            guard case .item = id.key else {
                throw ModelError(.invalidValue, field: "subject", "\(aspect.rawValue) is about one battery: the subject must be an item (GTIN + serial), not \(id.canonical)")
            }
        }
        let d = try r.required("data")
        guard case .object = d else { throw ModelError(.wrongType, field: "data", "must be an object, found \(d.typeName)") }
        data = d
        if let source {
            dataBytes = Array(source.bytes[source.member.range])
            // Parsed again on its own, so that member ranges are offsets into `dataBytes`.
            dataSource = try JSONSource.parse(dataBytes, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth))
        } else {
            dataBytes = Array(JSONSource(d).serialized.utf8)
            dataSource = try JSONSource.parse(dataBytes, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth))
        }
        content = try PassportContent(aspect: aspect, data: dataSource, subject: subject)
        eventTime = try readEventTime(&r)
    }

    /// The subject in canonical form (the Digital Link on id.gs1.org).
    public var canonicalSubjectId: String { canonicalSubject(subject) }

    /// The product model (`…/01/{GTIN}`) the subject belongs to: whose brand owner holds the
    /// static facts.
    public var model: String? { productModel(of: subject) }

    /// For a `status` entry that links a new passport to its original: the original battery.
    public var successorOf: String? {
        if case .status(let s) = content { return s.successorOf }
        return nil
    }
}

/// The typed content of a passport aspect's `data`.
public enum PassportContent: Sendable, Equatable {
    case generalProductInformation(GeneralProductInformation)
    case carbonFootprint(CarbonFootprint)
    case circularity(Circularity)
    case materialComposition(MaterialComposition)
    case performanceAndDurability(PerformanceAndDurability)
    case supplyChainDueDiligence(SupplyChainDueDiligence)
    case labels(Labels)
    case batteryCondition(BatteryCondition)
    case status(BatteryStatusChange)
    case productPassport(ProductPassport)

    /// Validates `data` by the aspect's rules.
    /// - Throws: `ModelError` naming the member's path under `data`.
    public init(aspect: PassportData.Aspect, data: JSONSource, subject: String) throws(ModelError) {
        var r = try SourceReader(data, path: "data")
        switch aspect {
        case .generalProductInformation: self = .generalProductInformation(try GeneralProductInformation(reading: &r))
        case .carbonFootprint: self = .carbonFootprint(try CarbonFootprint(reading: &r))
        case .circularity: self = .circularity(try Circularity(reading: &r))
        case .materialComposition: self = .materialComposition(try MaterialComposition(reading: &r))
        case .performanceAndDurability: self = .performanceAndDurability(try PerformanceAndDurability(reading: &r))
        case .supplyChainDueDiligence: self = .supplyChainDueDiligence(try SupplyChainDueDiligence(reading: &r))
        case .labels: self = .labels(try Labels(reading: &r))
        case .batteryCondition: self = .batteryCondition(try BatteryCondition(reading: &r))
        case .status: self = .status(try BatteryStatusChange(reading: &r, subject: subject))
        case .productPassport: self = .productPassport(try ProductPassport(reading: &r, subject: subject))
        }
    }
}
