/// Assay's EPCIS extension fields, in the namespace `assay:` =
/// `https://ns.assay.dev/epcis/1#` (declare it in the event's or document's `@context`).
/// They sit in `ilmd` for ObjectEvents and TransformationEvents and on the event itself
/// for the other types. Every field is optional here; each statement kind says which it needs.
public struct AssayExtension: Sendable, Equatable {
    public static let prefix = "assay:"
    public static let namespace = "https://ns.assay.dev/epcis/1#"

    /// A material in a component, with its recycled share and substances of concern.
    public struct Material: Sendable, Equatable {
        public let name: String
        public let massGrams: Double?
        public let recycledContentPercent: Double?
        public let substancesOfConcern: [Substance]
    }

    /// A substance of concern (REACH SVHC, RoHS) by CAS number and concentration.
    public struct Substance: Sendable, Equatable {
        public let name: String
        public let casNumber: String
        public let concentrationPercent: Double
    }

    /// A firmware image: digest, and how to find its software BOM.
    public struct Firmware: Sendable, Equatable {
        public let imageDigest: String
        public let version: String?
        public let purl: String?
        public let cpe: String?
        public let sbomDigest: String?
    }

    /// A test result recorded at a manufacturing step.
    public struct TestResult: Sendable, Equatable {
        public let name: String
        public let passed: Bool
    }

    public let partNumber: String?
    /// The lot (batch) number: ILMD `cbvmda:lotNumber` (CBV 2.0 master data).
    public let lotNumber: String?
    /// The item expiration date: ILMD `cbvmda:itemExpirationDate` (CBV 2.0 master data), as written.
    public let itemExpirationDate: String?
    public let supplier: String?
    public let manufacturer: String?
    public let countryOfOrigin: String?
    public let manufacturingDate: String?
    public let materials: [Material]
    public let certifications: [String]
    public let firmware: Firmware?
    public let gtin: String?
    public let placeOfManufacture: String?
    /// Digests of documents: `declarationOfConformity`, `manual`, `hardwareBOM`, `softwareBOM`, …
    public let documents: [String: String]
    public let testResults: [TestResult]
    /// End of life: what became of the item (`reused`, `remanufactured`, `repurposed`, `recycled`, `waste`).
    public let endOfLifeStatus: String?
    public let recoveredMaterials: [Material]
    /// End of life: digest of a data-wipe attestation.
    public let dataWipeAttestation: String?
    /// The owning party, for handovers.
    public let owner: String?

    public static let endOfLifeStatuses: Set<String> = ["reused", "remanufactured", "repurposed", "recycled", "waste"]

    init(fields: [String: (JSONValue, String)], cbvmda: [String: JSONValue]) throws(ModelError) {
        var seen = Set<String>()
        func get(_ name: String) -> (JSONValue, String)? {
            seen.insert(prefixOf(name))
            return fields[prefixOf(name)]
        }
        func prefixOf(_ n: String) -> String { AssayExtension.prefix + n }
        func string(_ name: String) throws(ModelError) -> String? {
            guard let (v, path) = get(name) else { return nil }
            guard case .string(let s) = v, !s.isEmpty else {
                throw ModelError(.wrongType, field: path, "must be a non-empty string")
            }
            return s
        }
        partNumber = try string("partNumber")
        supplier = try string("supplier")
        if let supplier { try checkPartyIdentifier(supplier, field: fields[prefixOf("supplier")]!.1) }
        manufacturer = try string("manufacturer")
        if let manufacturer { try checkPartyIdentifier(manufacturer, field: fields[prefixOf("manufacturer")]!.1) }
        owner = try string("owner")
        if let owner { try checkPartyIdentifier(owner, field: fields[prefixOf("owner")]!.1) }
        // Standard master data counts as evidence without an assay: member: the country of origin
        // from ILMD cbvmda:countryOfOrigin (CBV 2.0, ISO 3166-1 alpha-2) or the GS1 Web
        // Vocabulary's gs1:countryOfOrigin (a code, or a gs1:Country with gs1:countryCode).
        // Both the standard and the assay: member are accepted; given together they must agree.
        let own = try string("countryOfOrigin")
        if let own { try checkCountryCode(own, field: fields[prefixOf("countryOfOrigin")]!.1) }
        let standard = try Self.standardCountry(cbvmda)
        if let own, let standard, own != standard.code {
            throw ModelError(.invalidValue, field: fields[prefixOf("countryOfOrigin")]!.1,
                             "\"\(own)\" contradicts \(standard.field) \"\(standard.code)\"")
        }
        countryOfOrigin = standard?.code ?? own
        lotNumber = try Self.standardString(cbvmda, "cbvmda:lotNumber")
        itemExpirationDate = try Self.standardString(cbvmda, "cbvmda:itemExpirationDate")
        manufacturingDate = try string("manufacturingDate")
        if let manufacturingDate { try checkDate(manufacturingDate, field: fields[prefixOf("manufacturingDate")]!.1) }
        gtin = try string("gtin")
        if let gtin { try checkGTIN(gtin, field: fields[prefixOf("gtin")]!.1) }
        placeOfManufacture = try string("placeOfManufacture")
        if let placeOfManufacture { try checkLocationIdentifier(placeOfManufacture, field: fields[prefixOf("placeOfManufacture")]!.1) }
        materials = try Self.materials(get("materials"))
        recoveredMaterials = try Self.materials(get("recoveredMaterials"))
        certifications = try Self.certifications(get("certifications"))
        firmware = try Self.firmware(get("firmware"))
        documents = try Self.documents(get("documents"))
        testResults = try Self.testResults(get("testResults"))
        endOfLifeStatus = try string("endOfLifeStatus")
        if let s = endOfLifeStatus, !Self.endOfLifeStatuses.contains(s) {
            throw ModelError(.invalidValue, field: fields[prefixOf("endOfLifeStatus")]!.1,
                             "\"\(s)\" is not one of: \(Self.endOfLifeStatuses.sorted().joined(separator: ", "))")
        }
        dataWipeAttestation = try string("dataWipeAttestation")
        if let d = dataWipeAttestation { try checkDigest(d, field: fields[prefixOf("dataWipeAttestation")]!.1) }
        for (k, (_, path)) in fields where !seen.contains(k) {
            throw ModelError(.unknownField, field: path, "is not an Assay extension field")
        }
    }

    /// The ILMD names a standard attribute is written under: the CURIE and the full URI.
    static func standardNames(_ curie: String) -> [String] {
        if curie.hasPrefix("cbvmda:") { return [curie, "urn:epcglobal:cbv:mda:" + curie.dropFirst(7)] }
        if curie.hasPrefix("gs1:") { return [curie, "https://gs1.org/voc/" + curie.dropFirst(4), "https://ref.gs1.org/voc/" + curie.dropFirst(4)] }
        return [curie]
    }

    /// A standard string attribute from `ilmd` (non-empty when given).
    static func standardString(_ ilmd: [String: JSONValue], _ curie: String) throws(ModelError) -> String? {
        for name in standardNames(curie) {
            guard let v = ilmd[name] else { continue }
            if case .null = v { continue }
            guard case .string(let s) = v, !s.isEmpty else {
                throw ModelError(.wrongType, field: "ilmd.\(name)", "must be a non-empty string (CBV 2.0 master data)")
            }
            return s
        }
        return nil
    }

    /// The country of origin given in standard master data, with the field it came from.
    static func standardCountry(_ ilmd: [String: JSONValue]) throws(ModelError) -> (code: String, field: String)? {
        for name in standardNames("cbvmda:countryOfOrigin") {
            guard let v = ilmd[name] else { continue }
            if case .null = v { continue }
            guard case .string(let c) = v else {
                throw ModelError(.wrongType, field: "ilmd.\(name)", "must be an ISO 3166-1 alpha-2 country code string (CBV 2.0 master data)")
            }
            try checkCountryCode(c, field: "ilmd.\(name)")
            return (c, "ilmd.\(name)")
        }
        for name in standardNames("gs1:countryOfOrigin") {
            guard let v = ilmd[name] else { continue }
            var code: String?
            switch v {
            case .null: continue
            case .string(let c): code = c
            case .object(let o):
                for k in ["gs1:countryCode", "countryCode", "https://gs1.org/voc/countryCode"] {
                    if case .string(let c)? = o[k] { code = c; break }
                }
            default: break
            }
            guard let code else {
                throw ModelError(.wrongType, field: "ilmd.\(name)", "must be an ISO 3166-1 alpha-2 country code or a gs1:Country with gs1:countryCode")
            }
            try checkCountryCode(code, field: "ilmd.\(name)")
            return (code, "ilmd.\(name)")
        }
        return nil
    }

    /// `assay:certifications`: non-empty strings.
    static func certifications(_ entry: (JSONValue, String)?) throws(ModelError) -> [String] {
        guard let (v, path) = entry else { return [] }
        guard case .array(let a) = v else { throw ModelError(.wrongType, field: path, "must be an array of strings") }
        var out: [String] = []
        for (i, e) in a.enumerated() {
            guard case .string(let s) = e, !s.isEmpty else { throw ModelError(.wrongType, field: "\(path)[\(i)]", "must be a non-empty string") }
            out.append(s)
        }
        return out
    }

    /// `assay:firmware`: image digest, optional version, package URL, CPE and SBOM digest.
    static func firmware(_ entry: (JSONValue, String)?) throws(ModelError) -> Firmware? {
        guard let (v, path) = entry else { return nil }
        var r = try ObjectReader(v, path: path)
        let image = try r.string("imageDigest")
        try checkDigest(image, field: r.fieldPath("imageDigest"))
        let sbom = try r.optionalString("sbomDigest")
        if let sbom { try checkDigest(sbom, field: r.fieldPath("sbomDigest")) }
        let purl = try r.optionalString("purl")
        if let purl, !purl.hasPrefix("pkg:") { throw ModelError(.invalidValue, field: r.fieldPath("purl"), "a package URL starts with pkg:") }
        let cpe = try r.optionalString("cpe")
        if let cpe, !cpe.hasPrefix("cpe:2.3:") && !cpe.hasPrefix("cpe:/") {
            throw ModelError(.invalidValue, field: r.fieldPath("cpe"), "a CPE name starts with cpe:2.3: or cpe:/")
        }
        let f = Firmware(imageDigest: image, version: try r.optionalString("version"), purl: purl, cpe: cpe, sbomDigest: sbom)
        try r.finish()
        return f
    }

    /// `assay:documents`: name → digest.
    static func documents(_ entry: (JSONValue, String)?) throws(ModelError) -> [String: String] {
        guard let (v, path) = entry else { return [:] }
        let r = try ObjectReader(v, path: path)
        var docs: [String: String] = [:]
        for (k, d) in r.fields {
            guard case .string(let s) = d else { throw ModelError(.wrongType, field: r.fieldPath(k), "must be a digest string") }
            try checkDigest(s, field: r.fieldPath(k))
            docs[k] = s
        }
        return docs
    }

    /// `assay:testResults`: name and passed, each.
    static func testResults(_ entry: (JSONValue, String)?) throws(ModelError) -> [TestResult] {
        guard let (v, path) = entry else { return [] }
        guard case .array(let a) = v else { throw ModelError(.wrongType, field: path, "must be an array") }
        var out: [TestResult] = []
        for (i, e) in a.enumerated() {
            var r = try ObjectReader(e, path: "\(path)[\(i)]")
            let name = try r.string("name")
            guard let passed = try r.optionalBool("passed") else { throw ModelError(.missingField, field: r.fieldPath("passed"), "is required") }
            try r.finish()
            out.append(TestResult(name: name, passed: passed))
        }
        return out
    }

    static func materials(_ entry: (JSONValue, String)?) throws(ModelError) -> [Material] {
        guard let (v, path) = entry else { return [] }
        guard case .array(let a) = v else { throw ModelError(.wrongType, field: path, "must be an array of materials") }
        var out: [Material] = []
        for (i, e) in a.enumerated() {
            var r = try ObjectReader(e, path: "\(path)[\(i)]")
            let name = try r.string("name")
            let mass = try r.optionalNumber("massGrams")
            if let mass, !(mass > 0) { throw ModelError(.invalidValue, field: r.fieldPath("massGrams"), "must be positive") }
            let recycled = try r.optionalNumber("recycledContentPercent")
            if let recycled { try checkPercentage(recycled, field: r.fieldPath("recycledContentPercent")) }
            var subs: [Substance] = []
            for (j, s) in (try r.optionalArray("substancesOfConcern") ?? []).enumerated() {
                var sr = try ObjectReader(s, path: "\(r.fieldPath("substancesOfConcern"))[\(j)]")
                let sname = try sr.string("name")
                let cas = try sr.string("casNumber")
                try checkCASNumber(cas, field: sr.fieldPath("casNumber"))
                let c = try sr.number("concentrationPercent")
                try checkPercentage(c, field: sr.fieldPath("concentrationPercent"))
                try sr.finish()
                subs.append(Substance(name: sname, casNumber: cas, concentrationPercent: c))
            }
            try r.finish()
            out.append(Material(name: name, massGrams: mass, recycledContentPercent: recycled, substancesOfConcern: subs))
        }
        return out
    }
}

/// A content digest `sha256:<64 hex>` (or `sha384:`/`sha512:` with their lengths).
public func checkDigest(_ s: String, field: String) throws(ModelError) {
    let lengths = ["sha256:": 64, "sha384:": 96, "sha512:": 128]
    for (p, n) in lengths where s.hasPrefix(p) {
        let hex = s.dropFirst(p.count)
        if hex.utf8.count == n && hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) { return }
    }
    throw ModelError(.invalidValue, field: field, "\"\(s.prefix(80))\" is not a digest of the form sha256:<64 lower-case hex digits>")
}
