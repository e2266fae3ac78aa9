/// Battery Pass v1.2.0 General Product Information (`io.BatteryPass.GeneralProductInformation`):
/// the battery's identity, maker, place and date of manufacture, category, mass and status
/// (Battery Regulation Annex XIII 1(a)). Every member is required, as the schema says.
public struct GeneralProductInformation: Sendable, Equatable {
    public enum BatteryCategory: String, CaseIterable, Sendable {
        case lmt, ev, industrial, stationary
    }

    /// `BatteryStatusEnumeration`: the battery's status (Art. 77(6), Annex XIII 4).
    public enum BatteryStatus: String, CaseIterable, Sendable {
        case original = "Original"
        case repurposed = "Repurposed"
        case reused = "Reused"
        case remanufactured = "Remanufactured"
        case waste = "Waste"
    }

    /// `ContactInformationEntity` (manufacturer, operator).
    public struct ContactInformation: Sendable, Equatable {
        public let contactName: String
        public let postalAddress: PostalAddress
        public let identifier: String
        public let emailAddress: String?
        public let webAddress: String?

        init(reading r: inout SourceReader) throws(ModelError) {
            contactName = try r.string("contactName")
            postalAddress = try r.part("postalAddress") { (r: inout SourceReader) throws(ModelError) in try PostalAddress(reading: &r) }
            identifier = try r.string("identifier")
            emailAddress = try r.optionalString("emailAddress")
            if let e = emailAddress { try BatteryPassRules.generalInformationEmail(e, field: r.fieldPath("emailAddress")) }
            webAddress = try r.optionalURI("webAddress")
        }
    }

    public let productIdentifier: String
    /// `^urn:[a-z0-9]+:[a-z0-9]+$`.
    public let batteryPassportIdentifier: String
    public let batteryCategory: BatteryCategory
    public let manufacturerInformation: ContactInformation
    /// RFC 3339 date-time.
    public let manufacturingDate: String
    public let batteryStatus: BatteryStatus
    public let batteryMass: JSONNumber
    public let manufacturingPlace: PostalAddress
    public let operatorInformation: ContactInformation
    public let puttingIntoService: String
    /// `--MM` (xsd:gMonth), as the schema spells the member.
    public let warrentyPeriod: String

    init(reading r: inout SourceReader) throws(ModelError) {
        productIdentifier = try r.string("productIdentifier")
        batteryPassportIdentifier = try r.string("batteryPassportIdentifier")
        try BatteryPassRules.passportURN(batteryPassportIdentifier, field: r.fieldPath("batteryPassportIdentifier"))
        batteryCategory = try r.enumValue("batteryCategory", BatteryCategory.self)
        manufacturerInformation = try r.part("manufacturerInformation") { (r: inout SourceReader) throws(ModelError) in try ContactInformation(reading: &r) }
        manufacturingDate = try r.string("manufacturingDate")
        try BatteryPassRules.dateTime(manufacturingDate, field: r.fieldPath("manufacturingDate"))
        batteryStatus = try r.enumValue("batteryStatus", BatteryStatus.self)
        batteryMass = try r.number("batteryMass")
        manufacturingPlace = try r.part("manufacturingPlace") { (r: inout SourceReader) throws(ModelError) in try PostalAddress(reading: &r) }
        operatorInformation = try r.part("operatorInformation") { (r: inout SourceReader) throws(ModelError) in try ContactInformation(reading: &r) }
        puttingIntoService = try r.passTimestamp("puttingIntoService")
        warrentyPeriod = try r.string("warrentyPeriod")
        try BatteryPassRules.containsMonth(warrentyPeriod, field: r.fieldPath("warrentyPeriod"))
    }
}
