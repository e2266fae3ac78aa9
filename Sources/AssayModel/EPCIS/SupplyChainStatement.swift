/// A supply-chain fact recorded as an EPCIS 2.0 event, classified into the Assay kind it is
/// (component origin, manufacturing step, product assembly, end of life, correction, or
/// another supply-chain event), with the fields that kind requires checked.
public struct SupplyChainStatement: Sendable, Equatable {
    public let kind: StatementKind
    public let event: EPCISEvent

    /// End-of-life business steps (CBV).
    static let endOfLifeSteps: Set<String> = ["collecting", "disassembling", "destroying", "decommissioning"]

    /// Business steps of an Aggregation/AssociationEvent that make it a product assembly (or
    /// a change to one); an unspecified step counts as assembling. Others (packing, loading,
    /// receiving …) are logistics: supply-chain events.
    static let assemblySteps: Set<String?> = [nil, "assembling", "repairing", "replacing", "installing", "removing"]

    /// Classifies a decoded event and checks what its kind requires.
    public init(event e: EPCISEvent) throws(ModelError) {
        event = e
        // An extension business step (a URI) is not one of the CBV words below.
        let step: String? = e.bizStep.map { $0.standard ?? "extension:" + $0.description }
        var classified = StatementKind.supplyChainEvent
        func require(_ ok: Bool, _ field: String, _ why: String) throws(ModelError) {
            if !ok { throw ModelError(.missingField, field: field, why).inKind(classified.rawValue) }
        }
        if e.errorDeclaration != nil {
            kind = .correction
            return
        }
        switch e.type {
        case .objectEvent where e.action == .add && step == "commissioning":
            kind = .componentOrigin
            classified = kind
            try require(e.bizLocation != nil, "bizLocation", "a component origin names the facility (bizLocation)")
            try require(e.assay.partNumber != nil, "ilmd.assay:partNumber", "a component origin gives the part number")
            try require(e.assay.countryOfOrigin != nil, "ilmd.assay:countryOfOrigin", "a component origin gives the country of origin")
        case .objectEvent where e.action == .delete || step.map(Self.endOfLifeSteps.contains) == true,
             .transformationEvent where step.map(Self.endOfLifeSteps.contains) == true:
            kind = .endOfLife
            classified = kind
            try require(e.bizLocation != nil, "bizLocation", "an end-of-life event names the recycler's or repairer's facility")
            try require(e.assay.endOfLifeStatus != nil, "assay:endOfLifeStatus", "an end-of-life event says what became of the item")
        case .transformationEvent:
            kind = .manufacturingStep
            classified = kind
            try require(!(e.inputEPCList.isEmpty && e.inputQuantityList.isEmpty), "inputEPCList", "a manufacturing step names its inputs")
            try require(!(e.outputEPCList.isEmpty && e.outputQuantityList.isEmpty), "outputEPCList", "a manufacturing step names its outputs")
            try require(e.bizStep != nil, "bizStep", "a manufacturing step names its business step (assembling, encoding, inspecting …)")
            if step == "encoding" {
                try require(e.assay.firmware != nil, "ilmd.assay:firmware", "an encoding step records the firmware image digest")
            }
        case .aggregationEvent where Self.assemblySteps.contains(step), .associationEvent where Self.assemblySteps.contains(step):
            kind = .productAssembly
            classified = kind
            // A first assembly (not a repair, an installation or a removal) says where and when.
            if e.action == .add && (step == nil || step == "assembling") {
                try require(e.assay.placeOfManufacture != nil || e.bizLocation != nil, "assay:placeOfManufacture",
                            "a product assembly gives the place of manufacture (assay:placeOfManufacture or bizLocation)")
                try require(e.assay.manufacturingDate != nil, "assay:manufacturingDate", "a product assembly gives the date of manufacture")
            }
        default:
            kind = .supplyChainEvent
        }
    }
}
