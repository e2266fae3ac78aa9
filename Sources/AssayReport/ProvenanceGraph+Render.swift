public import AssayVerify

import Foundation

extension ProvenanceGraph {
    /// The graph in Graphviz DOT: product → components → origins → suppliers and countries.
    ///
    /// Nodes have generated ids (`n0`, `n1`, …) and carry their text only in a `label`
    /// attribute, escaped by `dotLabel(_:)`: a name can neither close its string nor start a
    /// statement, and two names that render alike stay two nodes.
    public func dot() -> String {
        var ids: [String: String] = [:]
        var declarations = ""
        func n(_ s: String, shape: String? = nil, bold: Bool = false) -> String {
            if let v = ids[s] { return v }
            let v = "n\(ids.count)"
            ids[s] = v
            declarations += "  \(v) [label=\(Self.dotLabel(s))\(shape.map { ", shape=\($0)" } ?? "")\(bold ? ", style=bold" : "")];\n"
            return v
        }
        var body = ""
        _ = n(product, bold: true)
        for e in edges { body += "  \(n(e.parent)) -> \(n(e.child)) [label=\(Self.dotLabel("seq \(e.seq)"))];\n" }
        for id in nodes {
            guard let o = origins[id] else { continue }
            let supplier = "\(o.supplierName) (\(o.supplierParty))"
            body += "  \(n(id)) -> \(n(supplier, shape: "ellipse")) [label=\(Self.dotLabel("origin seq \(o.seq)"))];\n"
            if let c = o.country { body += "  \(n(supplier, shape: "ellipse")) -> \(n("country " + c, shape: "diamond"));\n" }
        }
        return "digraph provenance {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n" + declarations + body + "}\n"
    }

    /// The graph as a Mermaid flowchart. Node ids are generated (`n0`, `n1`, …); every label is
    /// a quoted string escaped by `mermaidLabel(_:)`.
    public func mermaid() -> String {
        var ids: [String: String] = [:]
        func n(_ s: String) -> String {
            if let v = ids[s] { return v }
            let v = "n\(ids.count)"
            ids[s] = v
            return v
        }
        let label = Self.mermaidLabel
        var out = "flowchart LR\n"
        out += "  \(n(product))[\"\(label(product))\"]\n"
        for e in edges {
            out += "  \(n(e.parent))[\"\(label(e.parent))\"] -->|seq \(e.seq)| \(n(e.child))[\"\(label(e.child))\"]\n"
        }
        for id in nodes {
            guard let o = origins[id] else { continue }
            let s = "\(o.supplierName) (\(o.supplierParty))"
            out += "  \(n(id)) -->|origin seq \(o.seq)| \(n(s))([\"\(label(s))\"])\n"
            if let c = o.country { out += "  \(n(s)) --> \(n("country " + c)){\"\(label(c))\"}\n" }
        }
        return out
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
