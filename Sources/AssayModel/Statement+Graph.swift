/// What a statement says about the flow of things: which identifiers it brings into being
/// (or describes) and which it consumes. All identifiers are in canonical form
/// (`canonicalSubject`). Bundle export and the provenance checks walk these edges.
extension Statement {
    /// Identifiers this statement produces or describes: commissioned objects (component
    /// origin), outputs (manufacturing step), the assembled parent (product assembly), the
    /// object of an end-of-life or other event, a commitment's model, a generic event's subject.
    public var produced: [String] {
        switch self {
        case .genericEvent(let g): [canonicalSubject(g.subject)]
        case .lifecycleCommitment(let c): [canonicalModel(c.model)]
        case .supplyChain(let s):
            switch s.event.type {
            case .transformationEvent:
                (s.event.outputEPCList + s.event.outputQuantityList.map(\.epcClass)).map(canonicalSubject)
            case .aggregationEvent, .associationEvent:
                s.event.parentID.map { [canonicalSubject($0)] } ?? []
            default:
                (s.event.epcList + s.event.quantityList.map(\.epcClass)).map(canonicalSubject)
            }
        default: []
        }
    }

    /// Identifiers this statement consumes: a manufacturing step's inputs, an assembly's
    /// children (for an ADD; a DELETE releases them).
    public var consumed: [String] {
        guard case .supplyChain(let s) = self else { return [] }
        switch s.event.type {
        case .transformationEvent:
            return (s.event.inputEPCList + s.event.inputQuantityList.map(\.epcClass)).map(canonicalSubject)
        case .aggregationEvent, .associationEvent:
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
