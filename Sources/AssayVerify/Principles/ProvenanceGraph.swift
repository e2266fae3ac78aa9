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

    /// The graph in Graphviz DOT: product → components → origins → suppliers and countries.
    public func dot() -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = "digraph provenance {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
        out += "  \(q(product)) [style=bold];\n"
        for e in edges { out += "  \(q(e.parent)) -> \(q(e.child)) [label=\(q("seq \(e.seq)"))];\n" }
        for id in nodes {
            guard let o = origins[id] else { continue }
            let supplier = "\(o.supplierName) (\(o.supplierParty))"
            out += "  \(q(supplier)) [shape=ellipse];\n  \(q(id)) -> \(q(supplier)) [label=\(q("origin seq \(o.seq)"))];\n"
            if let c = o.country { out += "  \(q("country " + c)) [shape=diamond];\n  \(q(supplier)) -> \(q("country " + c));\n" }
        }
        return out + "}\n"
    }

    /// The graph as a Mermaid flowchart.
    public func mermaid() -> String {
        var ids: [String: String] = [:]
        func n(_ s: String) -> String {
            if let v = ids[s] { return v }
            let v = "n\(ids.count)"
            ids[s] = v
            return v
        }
        func label(_ s: String) -> String { s.replacingOccurrences(of: "\"", with: "'") }
        var out = "flowchart LR\n"
        out += "  \(n(product))[\"\(label(product))\"]\n"
        for e in edges {
            out += "  \(n(e.parent))[\"\(label(e.parent))\"] -->|seq \(e.seq)| \(n(e.child))[\"\(label(e.child))\"]\n"
        }
        for id in nodes {
            guard let o = origins[id] else { continue }
            let s = "\(o.supplierName) (\(o.supplierParty))"
            out += "  \(n(id)) -->|origin seq \(o.seq)| \(n(s))([\"\(label(s))\"])\n"
            if let c = o.country { out += "  \(n(s)) --> \(n("country " + c)){\"\(c)\"}\n" }
        }
        return out
    }
}
