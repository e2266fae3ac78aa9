/// What a manufacturer commits to for a product model (or a range of serials): security
/// support until a date (UK PSTI, EU CRA), vulnerability handling, backend lifetime, repair
/// information and spare parts (EU Right to Repair), take-back and recycling (WEEE),
/// dismantling information, and what happens on insolvency; and the declared facts the CRA
/// and PSTI name: the expected use time, how security updates are delivered, the software
/// BOM, the vulnerability disclosure policy and a manufacturer contact.
public struct LifecycleCommitment: Sendable, Equatable {
    /// A document: where it is and its digest, so a later change is visible.
    public struct Document: Sendable, Equatable {
        /// Where the document is (http or https).
        public let url: String
        /// Its digest (`sha256:` and 64 lower-case hex digits).
        public let digest: String

        /// A document reference (checked when the statement is decoded).
        public init(url: String, digest: String) {
            self.url = url
            self.digest = digest
        }
    }

    /// A spare part, until when it is available and in how many days it is delivered.
    public struct SparePart: Sendable, Equatable {
        public let partNumber: String
        /// `YYYY-MM-DD`.
        public let availableUntil: String
        public let deliveryDays: Int

        /// A spare part (checked when the statement is decoded).
        public init(partNumber: String, availableUntil: String, deliveryDays: Int) {
            self.partNumber = partNumber
            self.availableUntil = availableUntil
            self.deliveryDays = deliveryDays
        }
    }

    /// How the product is taken back, and under which recycling scheme.
    public struct TakeBack: Sendable, Equatable {
        public let channel: String
        public let recyclingScheme: String

        /// A take-back channel and scheme (checked when the statement is decoded).
        public init(channel: String, recyclingScheme: String) {
            self.channel = channel
            self.recyclingScheme = recyclingScheme
        }
    }

    /// The product model: a GTIN (14 digits) as GS1 Digital Link or bare digits.
    public let model: String
    /// Optional serial range within the model.
    public let serialFrom: String?
    public let serialTo: String?
    /// Date (YYYY-MM-DD) the model was first placed on the market.
    public let placedOnMarket: String
    /// Date (YYYY-MM-DD) security updates end: an end date, never only a duration.
    public let securitySupportEnd: String
    public let vulnerabilityContact: String
    public let vulnerabilityResponseDays: Int
    /// Date (YYYY-MM-DD) until which any backend service the product needs will run.
    public let backendServiceMinimumEnd: String?
    public let repairInformation: Document
    public let spareParts: [SparePart]
    public let takeBack: TakeBack
    public let dismantlingInformation: Document?
    public let insolvencyContinuity: String
    /// How long the product is expected to be in use (CRA Art. 13(8): the support period
    /// reflects it), an ISO 8601 duration of years and months. Judged at audit: the support end
    /// must not be before `placedOnMarket` plus this.
    public let expectedUseTime: YearMonthDuration?
    /// How security updates reach the product (CRA Annex II(7); PSTI): over the air, by app …
    public let securityUpdateMechanism: String?
    /// The software bill of materials (CRA Annex I Part II(1)): where it is and its digest.
    public let sbom: Document?
    /// Where the coordinated vulnerability disclosure policy is published (CRA Annex I Part
    /// II(5); PSTI Schedule 1 §2): an http(s) URL.
    public let vulnerabilityDisclosurePolicy: String?
    /// How to reach the manufacturer (CRA Art. 13(16), Annex II(1)): a URI (https:…, mailto:…, tel:…).
    public let manufacturerContact: String?
    public let eventTime: Timestamp

    init(reading r: inout ObjectReader) throws(ModelError) {
        _ = r.optional("@context")
        var scope = try r.object("scope")
        model = try scope.string("model")
        try checkModelIdentifier(model, field: scope.fieldPath("model"))
        serialFrom = try scope.optionalString("serialFrom")
        serialTo = try scope.optionalString("serialTo")
        if (serialFrom == nil) != (serialTo == nil) {
            throw ModelError(.missingField, field: scope.fieldPath(serialFrom == nil ? "serialFrom" : "serialTo"), "a serial range needs both ends")
        }
        try scope.finish()
        placedOnMarket = try r.string("placedOnMarket")
        try checkDate(placedOnMarket, field: "placedOnMarket")
        securitySupportEnd = try r.string("securitySupportEnd")
        try checkDate(securitySupportEnd, field: "securitySupportEnd")
        guard securitySupportEnd > placedOnMarket else {
            throw ModelError(.invalidValue, field: "securitySupportEnd", "\(securitySupportEnd) must be after placedOnMarket \(placedOnMarket)")
        }
        vulnerabilityContact = try nonEmpty(try r.string("vulnerabilityContact"), field: "vulnerabilityContact")
        guard isAbsoluteURI(vulnerabilityContact) else {
            throw ModelError(.invalidValue, field: "vulnerabilityContact", "must be a URI (https:… or mailto:…)")
        }
        vulnerabilityResponseDays = try Self.positiveInt(&r, "vulnerabilityResponseDays")
        backendServiceMinimumEnd = try r.optionalString("backendServiceMinimumEnd")
        if let b = backendServiceMinimumEnd { try checkDate(b, field: "backendServiceMinimumEnd") }
        repairInformation = try Self.document(&r, "repairInformation")!
        var parts: [SparePart] = []
        for (i, v) in try r.array("spareParts").enumerated() {
            var p = try ObjectReader(v, path: "spareParts[\(i)]")
            let pn = try nonEmpty(try p.string("partNumber"), field: p.fieldPath("partNumber"))
            let until = try p.string("availableUntil")
            try checkDate(until, field: p.fieldPath("availableUntil"))
            let days = try Self.positiveInt(&p, "deliveryDays")
            try p.finish()
            parts.append(SparePart(partNumber: pn, availableUntil: until, deliveryDays: days))
        }
        spareParts = parts
        var tb = try r.object("takeBack")
        takeBack = TakeBack(channel: try nonEmpty(try tb.string("channel"), field: tb.fieldPath("channel")),
                            recyclingScheme: try nonEmpty(try tb.string("recyclingScheme"), field: tb.fieldPath("recyclingScheme")))
        try tb.finish()
        dismantlingInformation = try Self.document(&r, "dismantlingInformation", required: false)
        insolvencyContinuity = try nonEmpty(try r.string("insolvencyContinuity"), field: "insolvencyContinuity", max: 4096)
        expectedUseTime = try r.optionalString("expectedUseTime").map { s throws(ModelError) in
            try YearMonthDuration(parsing: s, field: "expectedUseTime")
        }
        securityUpdateMechanism = try r.optionalString("securityUpdateMechanism").map { s throws(ModelError) in
            try nonEmpty(s, field: "securityUpdateMechanism", max: 4096)
        }
        sbom = try Self.document(&r, "sbom", required: false)
        vulnerabilityDisclosurePolicy = try r.optionalString("vulnerabilityDisclosurePolicy")
        if let url = vulnerabilityDisclosurePolicy { try Self.checkURL(url, field: "vulnerabilityDisclosurePolicy") }
        manufacturerContact = try r.optionalString("manufacturerContact")
        if let c = manufacturerContact {
            _ = try nonEmpty(c, field: "manufacturerContact")
            guard isAbsoluteURI(c) else {
                throw ModelError(.invalidValue, field: "manufacturerContact", "must be a URI (https:…, mailto:… or tel:…)")
            }
        }
        eventTime = try readEventTime(&r)
    }

    /// An http(s) URL with something after the scheme, no white space, at most 1024 bytes.
    static func checkURL(_ url: String, field: String) throws(ModelError) {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ModelError(.invalidValue, field: field, "must be an http(s) URL")
        }
        guard url.utf8.count <= 1024, isAbsoluteURI(url) else {
            throw ModelError(.invalidValue, field: field, "must be an http(s) URL without white space, at most 1024 bytes")
        }
    }

    /// Whether the commitment covers `item` (canonical id): same model, and the serial within
    /// `serialFrom…serialTo` when a range is given (numeric when both ends and the serial are
    /// digits, otherwise by character order).
    public func covers(_ item: String) -> Bool {
        guard productModel(of: item) == canonicalModel(model) else { return false }
        guard let from = serialFrom, let to = serialTo else { return true }
        guard let g = try? GS1Identifier(parsing: item), case .item(_, let serial) = g.key else { return false }
        if let f = UInt64(from), let t = UInt64(to), let s = UInt64(serial) { return f <= s && s <= t }
        if from.count == to.count && serial.count == from.count { return from <= serial && serial <= to }
        let digits = { (x: String) in x.filter(\.isNumber) }
        if let f = UInt64(digits(from)), let t = UInt64(digits(to)), let s = UInt64(digits(serial)),
           from.filter({ !$0.isNumber }) == serial.filter({ !$0.isNumber }) {
            return f <= s && s <= t
        }
        return from <= serial && serial <= to
    }

    static func positiveInt(_ r: inout ObjectReader, _ key: String) throws(ModelError) -> Int {
        let d = try r.number(key)
        guard d == d.rounded(), d >= 1, d <= 100_000 else {
            throw ModelError(.invalidValue, field: r.fieldPath(key), "must be a whole number of days from 1 to 100000, got \(d)")
        }
        return Int(d)
    }

    static func document(_ r: inout ObjectReader, _ key: String, required: Bool = true) throws(ModelError) -> Document? {
        guard var d = required ? try r.object(key) : try r.optionalObject(key) else { return nil }
        let url = try d.string("url")
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ModelError(.invalidValue, field: d.fieldPath("url"), "must be an http(s) URL")
        }
        let digest = try d.string("digest")
        try checkDigest(digest, field: d.fieldPath("digest"))
        try d.finish()
        return Document(url: url, digest: digest)
    }
}
