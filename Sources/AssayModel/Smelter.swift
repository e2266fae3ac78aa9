/// What a party registration declares about a smelter or refiner: its Responsible Minerals
/// Initiative facility id, the one mineral that id is for, and its conformance status under an
/// assessment programme (Regulation (EU) 2017/821 Art. 4–7; Regulation (EU) 2023/1542 Art. 48–52).
/// The operator vouches for it, as for the rest of the registration.
public struct Smelter: Sendable, Equatable {
    /// Where the smelter stands in its assessment programme (the RMI's terms).
    public enum ConformanceStatus: String, CaseIterable, Sendable, Hashable {
        /// Assessed and found conformant with the programme's standard.
        case conformant
        /// Committed to an assessment, or being assessed: not conformant yet.
        case active
        /// Assessed and found not conformant (or withdrawn from the assessment).
        case nonConformant = "non-conformant"
    }

    /// The RMI smelter id: `CID` and six digits (`CID001070`).
    public let rmiId: String
    /// The mineral the smelter processes under this id.
    public let metal: Mineral
    public let conformanceStatus: ConformanceStatus
    /// When the status was assessed (`YYYY-MM-DD`).
    public let assessedOn: String?
    /// The assessment programme (`RMAP`, `LBMA`, `RJC` …).
    public let programme: String?
    /// Where the smelter is: an ISO 3166-1 alpha-2 code.
    public let country: String?

    /// A smelter declaration from its values; `RegistryStatements.registration` and
    /// `Statement.decode` check it.
    public init(rmiId: String, metal: Mineral, conformanceStatus: ConformanceStatus, assessedOn: String? = nil,
                programme: String? = nil, country: String? = nil) {
        self.rmiId = rmiId
        self.metal = metal
        self.conformanceStatus = conformanceStatus
        self.assessedOn = assessedOn
        self.programme = programme
        self.country = country
    }

    /// Reads the `smelter` object of a party registration.
    init(reading r: inout ObjectReader) throws(ModelError) {
        rmiId = try r.string("rmiId")
        try Self.checkRMIId(rmiId, field: r.fieldPath("rmiId"))
        metal = try r.enumValue("metal", Mineral.self)
        conformanceStatus = try r.enumValue("conformanceStatus", ConformanceStatus.self)
        assessedOn = try r.optionalString("assessedOn")
        if let d = assessedOn { try checkDate(d, field: r.fieldPath("assessedOn")) }
        let programmeField = r.fieldPath("programme")
        programme = try r.optionalString("programme").map { s throws(ModelError) in try nonEmpty(s, field: programmeField, max: 256) }
        country = try r.optionalString("country")
        if let c = country { try checkCountryCode(c, field: r.fieldPath("country")) }
        try r.finish()
    }

    /// Checks an RMI smelter id: `CID` followed by exactly six ASCII digits.
    /// - Throws: `ModelError.invalidValue` naming `field`.
    public static func checkRMIId(_ id: String, field: String) throws(ModelError) {
        let b = Array(id.utf8)
        guard b.count == 9, id.hasPrefix("CID"), b[3...].allSatisfy(GS1.isDigit) else {
            throw ModelError(.invalidValue, field: field, "\(GS1.quoted(id)) is not an RMI smelter id: CID and six digits expected (CID001070)")
        }
    }

    /// The declaration as compact JSON, members in a fixed order.
    public var json: String {
        var f: [(String, String)] = [("rmiId", JSONWriter.quote(rmiId)), ("metal", JSONWriter.quote(metal.rawValue)),
                                     ("conformanceStatus", JSONWriter.quote(conformanceStatus.rawValue))]
        if let assessedOn { f.append(("assessedOn", JSONWriter.quote(assessedOn))) }
        if let programme { f.append(("programme", JSONWriter.quote(programme))) }
        if let country { f.append(("country", JSONWriter.quote(country))) }
        return JSONWriter.object(f)
    }

    /// `CID001070 (tin, conformant under RMAP, assessed 2026-05-01, MY)`.
    public var summary: String {
        var s = "\(rmiId) (\(metal.rawValue), \(conformanceStatus.rawValue)"
        if let programme { s += " under \(programme)" }
        if let assessedOn { s += ", assessed \(assessedOn)" }
        if let country { s += ", \(country)" }
        return s + ")"
    }
}
