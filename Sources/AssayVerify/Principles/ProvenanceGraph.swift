import Foundation
import AssayModel

/// The provenance of one product as the bundle's checked entries describe it: which entries
/// produced each thing, which consumed it, and the component tree under the product.
public struct ProvenanceGraph: Sendable {
    /// A component edge: `parent` consumed `child` in entry `seq`.
    public struct Edge: Sendable, Hashable {
        public let parent: String
        public let child: String
        public let seq: UInt64
    }

    /// Where a component came from: its origin entry, supplier and country.
    public struct Origin: Sendable, Equatable {
        public let id: String
        public let seq: UInt64
        public let supplierKey: String
        public let supplierParty: String
        public let supplierName: String
        public let country: String?
        public let partNumber: String?
    }

    public let product: String
    public let entries: [CheckedEntry]
    public let producers: [String: [CheckedEntry]]
    public let consumers: [String: [CheckedEntry]]
    /// Component edges under the product, breadth first.
    public let edges: [Edge]
    /// Every identifier in the product's tree (the product first).
    public let nodes: [String]
    public let origins: [String: Origin]

    public init(product: String, entries: [CheckedEntry], registry: Registry) {
        self.product = product
        self.entries = entries
        var producers: [String: [CheckedEntry]] = [:], consumers: [String: [CheckedEntry]] = [:]
        for e in entries {
            for id in e.statement.produced { producers[id, default: []].append(e) }
            for id in e.statement.consumed { consumers[id, default: []].append(e) }
        }
        self.producers = producers
        self.consumers = consumers
        var edges: [Edge] = [], nodes: [String] = [product], seen: Set<String> = [product]
        var queue = [product]
        while !queue.isEmpty {
            let id = queue.removeFirst()
            for e in producers[id] ?? [] {
                for c in e.statement.consumed {
                    edges.append(Edge(parent: id, child: c, seq: e.seq))
                    if seen.insert(c).inserted { nodes.append(c); queue.append(c) }
                }
            }
        }
        self.edges = edges
        self.nodes = nodes
        var origins: [String: Origin] = [:]
        for e in entries {
            guard case .supplyChain(let s) = e.statement, s.kind == .componentOrigin else { continue }
            for id in e.statement.produced where origins[id] == nil {
                origins[id] = Origin(id: id, seq: e.seq, supplierKey: e.signer.reference, supplierParty: e.signer.partyId,
                                     supplierName: e.signer.legalName, country: s.event.assay.countryOfOrigin, partNumber: s.event.assay.partNumber)
            }
        }
        self.origins = origins
    }

    /// Entries about the product itself (producing or describing it).
    public var productEntries: [CheckedEntry] { producers[product] ?? [] }
}
