/// Battery Pass v1.2.0 Material Composition (`io.BatteryPass.MaterialComposition`): the
/// chemistry, the battery materials (critical raw materials flagged) and hazardous substances
/// with their CAS-shaped identifiers, concentration, impact and location (Battery Regulation
/// Annex VI part A, Annex XIII 1(b)).
public struct MaterialComposition: Sendable, Equatable {
    public struct Chemistry: Sendable, Equatable {
        public let shortName: String
        public let clearName: String
    }

    /// `BatteryLocationEntity`.
    public struct Location: Sendable, Equatable {
        public let componentName: String
        public let componentId: String?

        init(reading r: inout SourceReader) throws(ModelError) {
            componentName = try r.string("componentName")
            componentId = try r.optionalString("componentId")
        }
    }

    public struct Material: Sendable, Equatable {
        public let batteryMaterialLocation: Location
        /// `^\d{2,7}-\d{2}-\d{1}$` (a CAS number's shape; the schema does not check its check digit).
        public let batteryMaterialIdentifier: String
        public let batteryMaterialName: String
        public let batteryMaterialMass: JSONNumber
        public let isCriticalRawMaterial: Bool
    }

    public enum HazardClass: String, CaseIterable, Sendable {
        case acuteToxicity = "AcuteToxicity"
        case skinCorrosionOrIrritation = "SkinCorrosionOrIrritation"
        case eyeDamageOrIrritation = "EyeDamageOrIrritation"
    }

    public struct HazardousSubstance: Sendable, Equatable {
        public let hazardousSubstanceClass: HazardClass
        public let hazardousSubstanceName: String
        public let hazardousSubstanceConcentration: JSONNumber
        public let hazardousSubstanceImpact: [String]
        public let hazardousSubstanceLocation: Location
        public let hazardousSubstanceIdentifier: String
    }

    public let batteryChemistry: Chemistry
    public let batteryMaterials: [Material]
    public let hazardousSubstances: [HazardousSubstance]

    init(reading r: inout SourceReader) throws(ModelError) {
        batteryChemistry = try r.part("batteryChemistry") { (c: inout SourceReader) throws(ModelError) in
            Chemistry(shortName: try c.string("shortName"), clearName: try c.string("clearName"))
        }
        batteryMaterials = try r.objects("batteryMaterials") { (m: inout SourceReader) throws(ModelError) in
            let location = try m.part("batteryMaterialLocation") { (l: inout SourceReader) throws(ModelError) in try Location(reading: &l) }
            let id = try m.string("batteryMaterialIdentifier")
            try BatteryPassRules.casShape(id, field: m.fieldPath("batteryMaterialIdentifier"))
            return Material(batteryMaterialLocation: location, batteryMaterialIdentifier: id, batteryMaterialName: try m.string("batteryMaterialName"),
                            batteryMaterialMass: try m.number("batteryMaterialMass"), isCriticalRawMaterial: try m.bool("isCriticalRawMaterial"))
        }
        hazardousSubstances = try r.objects("hazardousSubstances") { (h: inout SourceReader) throws(ModelError) in
            let cls = try h.enumValue("hazardousSubstanceClass", HazardClass.self)
            let name = try h.string("hazardousSubstanceName")
            let concentration = try h.number("hazardousSubstanceConcentration")
            let impact = try h.strings("hazardousSubstanceImpact")
            let location = try h.part("hazardousSubstanceLocation") { (l: inout SourceReader) throws(ModelError) in try Location(reading: &l) }
            let id = try h.string("hazardousSubstanceIdentifier")
            try BatteryPassRules.casShape(id, field: h.fieldPath("hazardousSubstanceIdentifier"))
            return HazardousSubstance(hazardousSubstanceClass: cls, hazardousSubstanceName: name, hazardousSubstanceConcentration: concentration,
                                      hazardousSubstanceImpact: impact, hazardousSubstanceLocation: location, hazardousSubstanceIdentifier: id)
        }
    }
}
