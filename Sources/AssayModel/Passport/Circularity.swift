/// Battery Pass v1.2.0 Circularity (`io.BatteryPass.Circularity`): dismantling and removal
/// documents, spare-part sources, recycled content of cobalt, lead, lithium and nickel (pre- and
/// post-consumer shares, Art. 8), renewable content, safety measures and end-of-life
/// information (Annex XIII 1(b), 2(d)). Every member is required, as the schema says.
public struct Circularity: Sendable, Equatable {
    public enum DocumentType: String, CaseIterable, Sendable {
        case billOfMaterial = "BillOfMaterial"
        case model3D = "Model3D"
        case dismantlingManual = "DismantlingManual"
        case removalManual = "RemovalManual"
        case otherManual = "OtherManual"
        case drawing = "Drawing"
    }

    public struct Document: Sendable, Equatable {
        public let documentType: DocumentType
        public let mimeType: String
        public let documentURL: String
    }

    public struct Component: Sendable, Equatable {
        public let partName: String
        public let partNumber: String
    }

    public struct SparePartSupplier: Sendable, Equatable {
        public let nameOfSupplier: String
        public let addressOfSupplier: PostalAddress
        public let emailAddressOfSupplier: String
        public let supplierWebAddress: String
        public let components: [Component]
    }

    public enum RecycledMaterial: String, CaseIterable, Sendable {
        case cobalt = "Cobalt"
        case nickel = "Nickel"
        case lithium = "Lithium"
        case lead = "Lead"
    }

    public struct RecycledContent: Sendable, Equatable {
        /// Percent, 0…100.
        public let preConsumerShare: JSONNumber
        public let recycledMaterial: RecycledMaterial
        /// Percent, 0…100.
        public let postConsumerShare: JSONNumber
    }

    public struct SafetyMeasures: Sendable, Equatable {
        public let safetyInstructions: String
        public let extinguishingAgent: [String]
    }

    public struct EndOfLifeInformation: Sendable, Equatable {
        public let wastePrevention: String
        public let separateCollection: String
        public let informationOnCollection: String
    }

    public let dismantlingAndRemovalInformation: [Document]
    public let sparePartSources: [SparePartSupplier]
    public let recycledContent: [RecycledContent]
    public let safetyMeasures: SafetyMeasures
    public let endOfLifeInformation: EndOfLifeInformation
    public let renewableContent: JSONNumber

    init(reading r: inout SourceReader) throws(ModelError) {
        dismantlingAndRemovalInformation = try r.objects("dismantlingAndRemovalInformation") { (d: inout SourceReader) throws(ModelError) in
            Document(documentType: try d.enumValue("documentType", DocumentType.self), mimeType: try d.string("mimeType"), documentURL: try d.uri("documentURL"))
        }
        sparePartSources = try r.objects("sparePartSources") { (s: inout SourceReader) throws(ModelError) in
            let name = try s.string("nameOfSupplier")
            let address = try s.part("addressOfSupplier") { (a: inout SourceReader) throws(ModelError) in try PostalAddress(reading: &a) }
            let email = try s.string("emailAddressOfSupplier")
            try BatteryPassRules.email(email, field: s.fieldPath("emailAddressOfSupplier"))
            let web = try s.uri("supplierWebAddress")
            let components = try s.objects("components") { (c: inout SourceReader) throws(ModelError) in
                Component(partName: try c.string("partName"), partNumber: try c.string("partNumber"))
            }
            return SparePartSupplier(nameOfSupplier: name, addressOfSupplier: address, emailAddressOfSupplier: email, supplierWebAddress: web, components: components)
        }
        recycledContent = try r.objects("recycledContent") { (c: inout SourceReader) throws(ModelError) in
            RecycledContent(preConsumerShare: try c.number("preConsumerShare", in: 0, 100),
                            recycledMaterial: try c.enumValue("recycledMaterial", RecycledMaterial.self),
                            postConsumerShare: try c.number("postConsumerShare", in: 0, 100))
        }
        safetyMeasures = try r.part("safetyMeasures") { (s: inout SourceReader) throws(ModelError) in
            SafetyMeasures(safetyInstructions: try s.uri("safetyInstructions"), extinguishingAgent: try s.strings("extinguishingAgent"))
        }
        endOfLifeInformation = try r.part("endOfLifeInformation") { (e: inout SourceReader) throws(ModelError) in
            EndOfLifeInformation(wastePrevention: try e.uri("wastePrevention"), separateCollection: try e.uri("separateCollection"),
                                 informationOnCollection: try e.uri("informationOnCollection"))
        }
        renewableContent = try r.number("renewableContent")
    }
}
