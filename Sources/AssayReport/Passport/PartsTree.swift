public import AssayVerify
import Foundation

/// The product's parts drawn as a tree in inline SVG, laid out by Assay itself: product →
/// assemblies → components, each with its maker and country, one row per part, indented by
/// depth and joined by connector lines. Each part links to the entry that is its evidence. A
/// part reached on several paths is drawn once; later occurrences are one row pointing back.
/// The layout is linear in parts plus edges and does not recurse.
public struct PartsTree: Sendable {
    public struct Row: Sendable, Equatable {
        public let id: String
        public let depth: Int
        /// The row this one hangs from (nil for the product).
        public let parent: Int?
        /// True when the part was already drawn above.
        public let repeated: Bool
    }

    public let rows: [Row]
    /// Parts left out beyond `maxRows`.
    public let omitted: Int

    public static let width = 360
    static let rowHeight = 46
    static let indent = 16

    /// Lays out `graph` from its product, at most `maxRows` rows.
    public init(graph g: ProvenanceGraph, maxRows: Int = 150) {
        var children: [String: [String]] = [:]
        for e in g.edges where !(children[e.parent] ?? []).contains(e.child) { children[e.parent, default: []].append(e.child) }
        var rows: [Row] = []
        var drawn = Set<String>()
        var omitted = 0
        var stack: [(String, Int, Int?)] = [(g.product, 0, nil)]
        while let (id, depth, parent) = stack.popLast() {
            guard rows.count < maxRows else { omitted += 1; continue }
            let repeated = drawn.contains(id)
            rows.append(Row(id: id, depth: depth, parent: parent, repeated: repeated))
            if repeated { continue }
            drawn.insert(id)
            let me = rows.count - 1
            for c in (children[id] ?? []).reversed() { stack.append((c, depth + 1, me)) }
        }
        self.rows = rows
        self.omitted = omitted
    }

    /// The SVG. `anchor(seq)` is the id of the evidence row of an entry.
    func svg(model m: PassportModel, strings t: PassportStrings, anchor: (UInt64) -> String, titleID: String) -> String {
        let w = Self.width, rh = Self.rowHeight
        let height = rows.count * rh + 8
        var s = "<svg class=\"parts\" viewBox=\"0 0 \(w) \(height)\" width=\"100%\" role=\"group\" aria-labelledby=\"\(titleID)\" xmlns=\"http://www.w3.org/2000/svg\">"
        s += "<title id=\"\(titleID)\">\(HTMLReport.esc(t("parts.picture")))</title>"
        // Connectors first, under the boxes.
        for (i, r) in rows.enumerated() {
            guard let p = r.parent else { continue }
            let px = 8 + rows[p].depth * Self.indent + 10
            let py = p * rh + 4 + 38
            let cy = i * rh + 4 + 19
            let cx = 8 + r.depth * Self.indent
            s += "<path class=\"edge\" d=\"M\(px) \(py)V\(cy)H\(cx)\"/>"
        }
        for (i, r) in rows.enumerated() {
            let x = 8 + r.depth * Self.indent
            let y = i * rh + 4
            let boxWidth = w - x - 8
            let chars = max(10, (boxWidth - 14) / 8)
            let part = m.part(r.id)
            let title = i == 0 ? (m.gtin.map { "GTIN \($0)" + (m.serial.map { " · " + $0 } ?? "") } ?? r.id) : part.label
            var line2: String
            var cls = "node"
            if r.repeated {
                line2 = t("parts.seeAbove")
                cls += " repeat"
            } else if i == 0 {
                line2 = m.maker.map { t("product.madeBy", $0.name.value) } ?? t("product.unknownMaker")
                cls += " root"
            } else if part.supplier != nil || part.country != nil {
                line2 = [part.supplier?.name.value, part.country.map { Self.countryName($0.value, t.language) }, part.partNumber?.value].compactMap { $0 }.joined(separator: " · ")
            } else if let made = m.report.graph.producers[r.id]?.first {
                line2 = t("product.madeBy", made.signer.legalName)
            } else {
                line2 = t("parts.noOrigin")
                cls += " missing"
            }
            let seq = i == 0 ? m.report.graph.producers[m.product]?.first?.seq : part.seq
            let open = seq.map { "<a href=\"#\(anchor($0))\">" } ?? ""
            s += open + "<g class=\"\(cls)\"><title>\(HTMLReport.esc(r.id + (seq.map { " — seq \($0)" } ?? "")))</title>"
            s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(boxWidth)\" height=\"38\" rx=\"6\"/>"
            s += "<text x=\"\(x + 10)\" y=\"\(y + 16)\" class=\"t1\">\(HTMLReport.esc(Self.clip(title, chars)))</text>"
            s += "<text x=\"\(x + 10)\" y=\"\(y + 32)\" class=\"t2\">\(HTMLReport.esc(Self.clip(line2, chars + chars / 5)))</text></g>"
            s += seq == nil ? "" : "</a>"
        }
        return s + "</svg>" + (omitted > 0 ? "<p>\(HTMLReport.esc(t("parts.more", String(omitted))))</p>" : "")
    }

    static func clip(_ s: String, _ n: Int) -> String {
        s.count <= n ? s : String(s.prefix(max(1, n - 1))) + "…"
    }

    /// A country's name in `language` from its ISO 3166-1 alpha-2 code (the code when unknown).
    static func countryName(_ code: String, _ language: PassportLanguage) -> String {
        let c = code.uppercased()
        if c == "CN" { return language == .de ? "China" : "China" }
        guard c.count == 2, c.allSatisfy({ $0.isASCII && $0.isLetter }) else { return code }
        return Locale(identifier: language.rawValue).localizedString(forRegionCode: c) ?? code
    }
}
