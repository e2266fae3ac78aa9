public import AssayVerify

import Foundation

extension ProvenanceGraph {
    /// The graph in Graphviz DOT: product → components → origins → suppliers and countries,
    /// and every party of the tree with its tier (dashed edges: the hand-over that reached it;
    /// smelters and refiners as hexagons with their RMI id, mineral and conformance status).
    ///
    /// Nodes have generated ids (`n0`, `n1`, …) and carry their text only in a `label`
    /// attribute, escaped by `dotLabel(_:)`: a name can neither close its string nor start a
    /// statement, and two names that render alike stay two nodes.
    public func dot() -> String {
        var ids: [String: String] = [:]
        var declarations = ""
        func n(_ key: String, label: String? = nil, shape: String? = nil, bold: Bool = false) -> String {
            if let v = ids[key] { return v }
            let v = "n\(ids.count)"
            ids[key] = v
            declarations += "  \(v) [label=\(Self.dotLabel(label ?? key))\(shape.map { ", shape=\($0)" } ?? "")\(bold ? ", style=bold" : "")];\n"
            return v
        }
        func party(_ id: String) -> String {
            guard let t = tiers.first(where: { $0.partyId == id }) else { return n("party " + id, label: id, shape: "ellipse") }
            return n("party " + id, label: Self.partyLabel(t), shape: t.smelters.isEmpty ? "ellipse" : "hexagon")
        }
        var body = ""
        _ = n(product, bold: true)
        for e in edges { body += "  \(n(e.parent)) -> \(n(e.child)) [label=\(Self.dotLabel("seq \(e.seq)"))];\n" }
        for id in nodes {
            guard let o = origins[id] else { continue }
            let supplier = party(o.supplierParty)
            body += "  \(n(id)) -> \(supplier) [label=\(Self.dotLabel("origin seq \(o.seq)"))];\n"
            if let c = o.country { body += "  \(supplier) -> \(n("country " + c, shape: "diamond"));\n" }
        }
        for t in tiers {
            let p = party(t.partyId)
            if let via = t.via {
                body += "  \(party(via.consumerParty)) -> \(p) [label=\(Self.dotLabel("tier \(t.tier): seq \(via.seq)")), style=dashed];\n"
            }
        }
        return "digraph provenance {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n" + declarations + body + "}\n"
    }

    /// The graph as a Mermaid flowchart, with the same parties and tiers as `dot()`. Node ids
    /// are generated (`n0`, `n1`, …); every label is a quoted string escaped by `mermaidLabel(_:)`.
    public func mermaid() -> String {
        var ids: [String: String] = [:]
        func n(_ s: String) -> String {
            if let v = ids[s] { return v }
            let v = "n\(ids.count)"
            ids[s] = v
            return v
        }
        let label = Self.mermaidLabel
        func party(_ id: String) -> String {
            let key = "party " + id
            guard let t = tiers.first(where: { $0.partyId == id }) else { return "\(n(key))([\"\(label(id))\"])" }
            return t.smelters.isEmpty ? "\(n(key))([\"\(label(Self.partyLabel(t)))\"])" : "\(n(key)){{\"\(label(Self.partyLabel(t)))\"}}"
        }
        var out = "flowchart LR\n"
        out += "  \(n(product))[\"\(label(product))\"]\n"
        for e in edges {
            out += "  \(n(e.parent))[\"\(label(e.parent))\"] -->|seq \(e.seq)| \(n(e.child))[\"\(label(e.child))\"]\n"
        }
        for id in nodes {
            guard let o = origins[id] else { continue }
            out += "  \(n(id)) -->|origin seq \(o.seq)| \(party(o.supplierParty))\n"
            if let c = o.country { out += "  \(n("party " + o.supplierParty)) --> \(n("country " + c)){\"\(label(c))\"}\n" }
        }
        for t in tiers {
            if let via = t.via {
                out += "  \(party(via.consumerParty)) -.->|tier \(t.tier): seq \(via.seq)| \(party(t.partyId))\n"
            }
        }
        return out
    }

    /// `Name (party id) · tier N`, and for a smelter or refiner its declarations
    /// (`· smelter CID001070 (tin, conformant …)`).
    static func partyLabel(_ t: PartyTier) -> String {
        "\(t.legalName) (\(t.partyId)) · tier \(t.tier)" + t.smelters.map { " · smelter \($0.smelter.summary)" }.joined()
    }

    /// Whether a scalar would act on a reader rather than show: C0 and C1 controls, DEL, the
    /// Unicode bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and the line
    /// and paragraph separators (U+2028, U+2029).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
            || (0x2066...0x2069).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    /// A Mermaid quoted-label body: ASCII letters, digits, space and `.,-_/:()+@=~'!?%*` and
    /// non-ASCII characters stay as they are; every other ASCII character (`"`, `#`, `;`, `&`, `<`,
    /// `>`, `|`, brackets, backtick, backslash …) becomes Mermaid's entity code `#<decimal>;`
    /// (`#34;` for `"`), and controls (newline included) become a space (white space) or U+FFFD,
    /// so a label can neither close its string nor start a new statement or line.
    public static func mermaidLabel(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            if isControl(c) {
                out += c == "\n" || c == "\r" || c == "\t" ? " " : "\u{FFFD}"
            } else if c.value >= 0x80 || c.properties.isAlphabetic && c.isASCII || ("0"..."9").contains(c) || " .,-_/:()+@=~'!?%*".unicodeScalars.contains(c) {
                out.unicodeScalars.append(c)
            } else {
                out += "#\(c.value);"
            }
        }
        return out
    }

    /// A DOT quoted string: `\` and `"` escaped, controls (newline included) replaced by a
    /// space (white space) or U+FFFD.
    public static func dotLabel(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n", "\r", "\t": out += " "
            default: if isControl(c) { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
