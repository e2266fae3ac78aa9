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

    /// Classifies a decoded event. Classification never refuses: every event EPCIS 2.0 accepts
    /// is a statement of some kind. What Assay's principles need beyond the standard (a part
    /// number, a country of origin, a facility, a place and date of manufacture, a firmware
    /// digest, an end-of-life status) is judged when a product is audited (`missingFacts`).
    public init(event e: EPCISEvent) throws(ModelError) {
        event = e
        // An extension business step (a URI) is not one of the CBV words below.
        let step: String? = e.bizStep.map { $0.standard ?? "extension:" + $0.description }
        if e.errorDeclaration != nil {
            kind = .correction
            return
        }
        switch e.type {
        case .objectEvent where e.action == .add && step == "commissioning":
            kind = .componentOrigin
        case .objectEvent where e.action == .delete || step.map(Self.endOfLifeSteps.contains) == true,
             .transformationEvent where step.map(Self.endOfLifeSteps.contains) == true:
            kind = .endOfLife
        case .transformationEvent:
            // With or without a business step: a transformation makes its outputs from its inputs.
            kind = .manufacturingStep
        case .aggregationEvent where Self.assemblySteps.contains(step), .associationEvent where Self.assemblySteps.contains(step):
            kind = .productAssembly
        default:
            kind = .supplyChainEvent
        }
    }

    /// Whether this is a first assembly (not a repair, an installation or a removal).
    public var isFirstAssembly: Bool {
        kind == .productAssembly && event.action == .add && (event.bizStep == nil || event.bizStep?.standard == "assembling")
    }

    /// The facts Assay's principles look for that this statement does not give, each as the
    /// field (or fields) that would give it and what it is, e.g.
    /// `("ilmd.cbvmda:countryOfOrigin", "country of origin")`. Empty for kinds that need none.
    /// Standard master data counts: `cbvmda:countryOfOrigin` (or `gs1:countryOfOrigin`) for the
    /// country, `bizLocation` for a facility or place of manufacture, the event time for the
    /// date of manufacture.
    public var missingFacts: [(field: String, fact: String)] {
        var out: [(String, String)] = []
        let e = event
        switch kind {
        case .componentOrigin:
            if e.assay.countryOfOrigin == nil { out.append(("ilmd.cbvmda:countryOfOrigin", "country of origin")) }
            if e.assay.partNumber == nil { out.append(("ilmd.assay:partNumber", "part number")) }
            if e.bizLocation == nil { out.append(("bizLocation", "facility")) }
        case .manufacturingStep:
            if e.inputEPCList.isEmpty && e.inputQuantityList.isEmpty { out.append(("inputEPCList", "inputs")) }
            if e.outputEPCList.isEmpty && e.outputQuantityList.isEmpty { out.append(("outputEPCList", "outputs")) }
            if e.bizStep?.standard == "encoding" && e.assay.firmware == nil { out.append(("ilmd.assay:firmware", "firmware image digest")) }
        case .productAssembly where isFirstAssembly:
            if e.assay.placeOfManufacture == nil && e.bizLocation == nil { out.append(("bizLocation", "place of manufacture")) }
        case .endOfLife:
            if e.assay.endOfLifeStatus == nil { out.append(("assay:endOfLifeStatus", "end-of-life status")) }
            if e.bizLocation == nil { out.append(("bizLocation", "facility")) }
        default:
            break
        }
        return out
    }
}
