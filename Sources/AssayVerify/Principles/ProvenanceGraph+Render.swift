import Foundation

extension ProvenanceGraph {
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
