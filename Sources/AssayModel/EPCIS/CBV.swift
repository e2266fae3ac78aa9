/// GS1 Core Business Vocabulary 2.0 values that Assay checks: business steps,
/// dispositions, error reasons. A value is accepted in bare form (`commissioning`), as a
/// CBV URN (`urn:epcglobal:cbv:bizstep:commissioning`) or as a CBV web URI
/// (`https://ref.gs1.org/cbv/BizStep-commissioning`); any other absolute URI is an
/// extension value from a declared namespace and is accepted as such.
public enum CBV {
    public static let bizSteps: Set<String> = [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance",
        "cycle_counting", "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
        "entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other", "packing", "picking",
        "receiving", "removing", "repackaging", "repairing", "replacing", "reserving", "retail_selling", "sampling",
        "sensor_reporting", "shipping", "staging_outbound", "stock_taking", "stocking", "storing", "transporting",
        "unloading", "unpacking", "void_shipping",
    ]

    public static let dispositions: Set<String> = [
        "active", "available", "completeness_inferred", "completeness_verified", "conformant", "container_closed",
        "container_open", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress",
        "in_transit", "inactive", "mismatch_class", "mismatch_instance", "mismatch_quantity", "needs_replacement",
        "no_pedigree_match", "non_conformant", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
        "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen", "unavailable", "unknown",
    ]

    public static let errorReasons: Set<String> = ["did_not_occur", "incorrect_data"]

    /// CBV 2.0 business transaction types (§8.5; `testprd`, `testres`, `upevt` are new in 2.0).
    public static let businessTransactionTypes: Set<String> = [
        "bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt",
    ]

    /// CBV 2.0 source/destination types (§8.6).
    public static let sourceDestinationTypes: Set<String> = ["owning_party", "possessing_party", "location"]

    /// EPCIS 2.0 / CBV 2.0 sensor measurement types (`sensorReport.type`; GS1 Web Vocabulary
    /// `gs1:MeasurementType` values, written bare in JSON).
    public static let measurementTypes: Set<String> = [
        "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity", "Altitude", "AmountOfSubstance",
        "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area",
        "Capacitance", "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent", "DoseEquivalentRate",
        "DynamicViscosity", "ElectricCharge", "ElectricCurrent", "ElectricCurrentDensity", "ElectricFieldStrength", "Energy",
        "Exposure", "Force", "Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length",
        "LinearMomentum", "Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity",
        "MagneticVectorPotential", "Mass", "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity",
        "MolalityOfSolute", "MolarEnergy", "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity",
        "RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity",
        "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction",
        "VolumetricFlux", "Wavenumber",
    ]

    /// EPCIS 2.0 sensor alert types (`sensorReport.exception`).
    public static let sensorAlertTypes: Set<String> = ["ALARM_CONDITION", "ERROR_CONDITION"]

    /// EPCIS 2.0 sensor report components (`sensorReport.component`).
    public static let sensorComponents: Set<String> = [
        "x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle", "elevation_angle",
        "easting", "northing", "latitude", "longitude", "altitude",
    ]

    /// Whether `s` is in a namespace GS1 reserves for the CBV (where only CBV values exist).
    static func isCBVNamespace(_ s: String) -> Bool {
        s.hasPrefix("urn:epcglobal:cbv:") || s.hasPrefix("https://ref.gs1.org/cbv/") || s.hasPrefix("https://ns.gs1.org/cbv/")
            || s.hasPrefix("http://ns.gs1.org/cbv/")
    }

    /// Whether `s` is in the GS1 Web Vocabulary's namespace (where only its terms exist).
    static func isGS1WebVocabulary(_ s: String) -> Bool {
        s.hasPrefix("https://gs1.org/voc/") || s.hasPrefix("http://gs1.org/voc/") || s.hasPrefix("https://www.gs1.org/voc/")
            || s.hasPrefix("http://www.gs1.org/voc/")
    }

    /// A vocabulary value in normal form: the bare CBV word, or the extension URI as written.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        case standard(String)
        case `extension`(String)

        public var description: String {
            switch self {
            case .standard(let s), .extension(let s): s
            }
        }

        /// The bare CBV word, if standard.
        public var standard: String? {
            if case .standard(let s) = self { return s }
            return nil
        }
    }

    /// Normalises and checks a vocabulary value.
    /// - Parameters:
    ///   - urnPrefix: e.g. `urn:epcglobal:cbv:bizstep:`; webPrefix e.g. `https://ref.gs1.org/cbv/BizStep-`.
    static func value(_ raw: String, field: String, allowed: Set<String>, urnPrefix: String, webPrefix: String,
                      what: String) throws(ModelError) -> Value {
        var word = raw
        if raw.hasPrefix(urnPrefix) {
            word = String(raw.dropFirst(urnPrefix.count))
        } else if raw.hasPrefix(webPrefix) {
            word = String(raw.dropFirst(webPrefix.count))
        } else if isAbsoluteURI(raw) {
            if isCBVNamespace(raw) {
                throw ModelError(.invalidValue, field: field, "\"\(raw.prefix(80))\" is a CBV URI of the wrong vocabulary for a \(what)")
            }
            return .extension(raw)
        }
        guard allowed.contains(word) else {
            throw ModelError(.invalidValue, field: field, "\"\(raw.prefix(80))\" is not a CBV 2.0 \(what) (nor an extension URI)")
        }
        return .standard(word)
    }

    public static func bizStep(_ raw: String, field: String) throws(ModelError) -> Value {
        try value(raw, field: field, allowed: bizSteps, urnPrefix: "urn:epcglobal:cbv:bizstep:",
                  webPrefix: "https://ref.gs1.org/cbv/BizStep-", what: "business step")
    }

    public static func disposition(_ raw: String, field: String) throws(ModelError) -> Value {
        try value(raw, field: field, allowed: dispositions, urnPrefix: "urn:epcglobal:cbv:disp:",
                  webPrefix: "https://ref.gs1.org/cbv/Disp-", what: "disposition")
    }

    /// A `bizTransactionList[].type`: a CBV 2.0 business transaction type (bare, or its
    /// `urn:epcglobal:cbv:btt:` / `https://ref.gs1.org/cbv/BTT-` form) or an extension URI
    /// outside the CBV's namespaces.
    public static func businessTransactionType(_ raw: String, field: String) throws(ModelError) -> Value {
        try value(raw, field: field, allowed: businessTransactionTypes, urnPrefix: "urn:epcglobal:cbv:btt:",
                  webPrefix: "https://ref.gs1.org/cbv/BTT-", what: "business transaction type")
    }

    /// A `sourceList[].type` / `destinationList[].type`: owning_party, possessing_party,
    /// location (bare, `urn:epcglobal:cbv:sdt:` or `https://ref.gs1.org/cbv/SDT-`) or an extension URI.
    public static func sourceDestinationType(_ raw: String, field: String) throws(ModelError) -> Value {
        try value(raw, field: field, allowed: sourceDestinationTypes, urnPrefix: "urn:epcglobal:cbv:sdt:",
                  webPrefix: "https://ref.gs1.org/cbv/SDT-", what: "source/destination type")
    }

    public static func errorReason(_ raw: String, field: String) throws(ModelError) -> Value {
        try value(raw, field: field, allowed: errorReasons, urnPrefix: "urn:epcglobal:cbv:er:",
                  webPrefix: "https://ref.gs1.org/cbv/ER-", what: "error reason")
    }
}

/// Whether `s` looks like an absolute URI: `scheme:rest`, scheme per RFC 3986, no spaces.
func isAbsoluteURI(_ s: String) -> Bool {
    guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
    let scheme = s[..<colon]
    guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
    guard scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else { return false }
    return s.index(after: colon) < s.endIndex && !s.contains(where: { $0.isWhitespace })
}
