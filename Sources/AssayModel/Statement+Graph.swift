/// What a statement says about the flow of things: which identifiers it brings into being
/// (or describes) and which it consumes, by its kind. All identifiers are in canonical form
/// (`canonicalSubject`). Bundle export and the provenance checks walk these edges.
extension Statement {
    /// Identifiers this statement defines (or, for an end of life, describes): commissioned
    /// objects (component origin), outputs (manufacturing step), the assembled parent (product
    /// assembly), the objects of an end of life, a commitment's model. Supply-chain events that
    /// only mention an item (shipping, packing, receiving), generic events and corrections
    /// define nothing: they are history, never a substitute for an origin or an assembly.
    public var produced: [String] {
        switch self {
        case .lifecycleCommitment(let c): [canonicalModel(c.model)]
        case .supplyChain(let s):
            switch s.kind {
            case .componentOrigin:
                (s.event.epcList + s.event.quantityList.map(\.epcClass)).map(canonicalSubject)
            case .manufacturingStep:
                (s.event.outputEPCList + s.event.outputQuantityList.map(\.epcClass)).map(canonicalSubject)
            case .productAssembly:
                s.event.parentID.map { [canonicalSubject($0)] } ?? []
            case .endOfLife:
                s.event.objectIdentifiers.map(canonicalSubject)
            default: []
            }
        default: []
        }
    }

    /// Identifiers this statement consumes: a manufacturing step's inputs, an assembly's
    /// children (for an ADD; a DELETE releases them).
    public var consumed: [String] {
        guard case .supplyChain(let s) = self else { return [] }
        switch s.kind {
        case .manufacturingStep:
            return (s.event.inputEPCList + s.event.inputQuantityList.map(\.epcClass)).map(canonicalSubject)
        case .productAssembly:
            guard s.event.action == .add else { return [] }
            return (s.event.childEPCs + s.event.childQuantityList.map(\.epcClass)).map(canonicalSubject)
        default:
            return []
        }
    }
}

/// The product model (class) of an item or batch identifier: `…/01/{GTIN}`, or nil when the
/// identifier is not a GS1 item, batch or class.
public func productModel(of id: String) -> String? {
    guard let g = try? GS1Identifier(parsing: id) else { return nil }
    switch g.key {
    case .item(let gtin, _), .batch(let gtin, _), .productClass(let gtin):
        return (try? GS1Identifier(.productClass(gtin)))?.canonical
    default:
        return nil
    }
}

/// Whether an identifier names one serialised item (SGTIN or SSCC), which can be consumed once.
public func isSerialisedItem(_ id: String) -> Bool {
    guard let g = try? GS1Identifier(parsing: id) else { return false }
    switch g.key {
    case .item, .logisticUnit: return true
    default: return false
    }
}
