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
    }

    /// The product the data is about as written: a GS1 Digital Link (or EPC URN) of an item
    /// (GTIN + serial), a batch (GTIN + lot) or a model (GTIN only).
    public let subject: String
    public let aspect: Aspect
    /// The aspect's JSON object, validated against the aspect's rules.
    public let data: JSONValue
    public let eventTime: Timestamp

    init(reading r: inout ObjectReader) throws(ModelError) {
        subject = try nonEmpty(try r.string("subject"), field: "subject")
        let id = try GS1Identifier(parsing: subject, field: "subject")
        switch id.key {
        case .item, .batch, .productClass: break
        default:
            throw ModelError(.invalidValue, field: "subject", "must identify a product item (GTIN + serial), batch (GTIN + lot) or model (GTIN), not \(id.canonical)")
        }
        aspect = try r.enumValue("aspect", Aspect.self)
        let d = try r.required("data")
        guard case .object = d else { throw ModelError(.wrongType, field: "data", "must be an object, found \(d.typeName)") }
        data = d
        eventTime = try readEventTime(&r)
    }

    /// The subject in canonical form (the Digital Link on id.gs1.org).
    public var canonicalSubjectId: String { canonicalSubject(subject) }

    /// The product model (`…/01/{GTIN}`) the subject belongs to: whose brand owner holds the
    /// static facts.
    public var model: String? { productModel(of: subject) }
}
