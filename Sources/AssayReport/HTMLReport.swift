public import AssayVerify
import AssayModel

/// A self-contained HTML page for a bundle report (no external resources).
public enum HTMLReport {
    /// Escapes `<`, `>`, `&` and `"` for HTML text and attribute values.
    public static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "&": o += "&amp;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    /// The component tree as nested lists: product → components → origins (supplier, country).
    public static func tree(_ g: ProvenanceGraph) -> String {
        var children: [String: [ProvenanceGraph.Edge]] = [:]
        for e in g.edges { children[e.parent, default: []].append(e) }
        return tree(root: g.product, children: { (children[$0] ?? []).map(\.child) }, describe: { id in
            g.origins[id].map { o in
                " — origin seq \(o.seq): \(esc(o.supplierName)) (\(esc(o.supplierParty)))\(o.country.map { ", " + esc($0) } ?? "")\(o.partNumber.map { ", part " + esc($0) } ?? "")"
            }
        })
    }

    /// The parties of the tree by supplier tier (with the hand-over that reached each, and
    /// smelter declarations), then each mineral's chain of custody.
    public static func tiers(_ g: ProvenanceGraph) -> String {
        var h = "<h2>Supplier tiers</h2><table><tr><th>Tier</th><th>Party</th><th>Reached through</th><th>Smelter or refiner</th></tr>"
        for t in g.tiers {
            let via = t.via.map { "\(esc($0.item)) (seq \($0.definingSeq)), consumed at seq \($0.seq) by \(esc($0.consumerParty))" } ?? "the product's maker"
            h += "<tr><td>\(t.tier)</td><td>\(esc(t.legalName)) (<code>\(esc(t.partyId))</code>)</td><td>\(via)</td><td>\(t.smelters.map { esc($0.smelter.summary) }.joined(separator: "<br>"))</td></tr>"
        }
        h += "</table>"
        guard !g.custodyChains.isEmpty else { return h }
        h += "<h2>Chains of custody</h2><table><tr><th>Mineral</th><th>Smelter or refiner</th><th>Path to the product</th></tr>"
        for c in g.custodyChains {
            let status = c.smelter.smelter.conformanceStatus == .nonConformant ? " <b class=fail>non-conformant</b>" : ""
            h += "<tr><td>\(esc(c.mineral.rawValue))</td><td>\(esc(c.smelterName)) \(esc(c.smelter.smelter.summary))\(status), tier \(c.tier)</td><td>"
                + c.path.map { "<code>\(esc($0.id))</code> (seq \($0.seq))" }.joined(separator: " → ") + "</td></tr>"
        }
        return h + "</table>"
    }

    /// A DAG as nested lists, each node expanded once: depth first, the first occurrence of a
    /// node gets an anchor and its children; every later occurrence (a component consumed by
    /// several steps, a diamond) is one line linking back to it. Output and time are linear in
    /// nodes plus edges, however many paths lead to a node.
    /// - Parameters:
    ///   - children: a node's children, in order.
    ///   - describe: the HTML (already escaped) after a node's id, or nil when it has no origin.
    public static func tree(root: String, children: (String) -> [String], describe: (String) -> String?) -> String {
        var anchors: [String: Int] = [:]
        var h = "<ul class=tree>"
        // An explicit stack instead of recursion: a deep chain cannot overflow the call stack.
        enum Step { case open(String, depth: Int), close }
        var stack: [Step] = [.open(root, depth: 0)]
        while let step = stack.popLast() {
            switch step {
            case .close:
                h += "</ul></li>"
            case .open(let id, let depth):
                if let anchor = anchors[id] {
                    h += "<li><code>\(esc(id))</code> — <a href=\"#node-\(anchor)\">shown above</a></li>"
                    continue
                }
                let anchor = anchors.count
                anchors[id] = anchor
                h += "<li id=\"node-\(anchor)\"><code>\(esc(id))</code>"
                let description = describe(id)
                if let description { h += description }
                let kids = children(id)
                if kids.isEmpty {
                    if description == nil && depth > 0 { h += " — <b class=fail>no origin</b>" }
                    h += "</li>"
                } else {
                    h += "<ul>"
                    stack.append(.close)
                    for k in kids.reversed() { stack.append(.open(k, depth: depth + 1)) }
                }
            }
        }
        return h + "</ul>"
    }

    /// The whole page: verdicts, the provenance tree, components, lifecycle commitments, the
    /// signed facts and the parts drawn as a tree (SVG), with the Assay version that produced it.
    public static func render(_ r: BundleReport) -> String {
        var h = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Assay report — \(esc(r.product))</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}h1{font-size:1.4em}
        .pass{color:#0a7d32}.fail{color:#b3261e}.na{color:#666}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        code{font-size:.85em}ul.tree,ul.tree ul{list-style:none;padding-left:1.2em;border-left:1px solid #ccc}
        svg.parts{display:block;width:100%;max-width:32rem}svg.parts rect{fill:#f4f5f7;stroke:#c4c8cf}svg.parts .root rect{fill:#e6eefb;stroke:#0b4fa8}
        svg.parts .missing rect{fill:#fbeaea;stroke:#a3161b}svg.parts .repeat rect{fill:#fff;stroke-dasharray:4 3}svg.parts .edge{fill:none;stroke:#4d4d4d}
        svg.parts .t1{font-size:14px;font-weight:600}svg.parts .t2{font-size:12px;fill:#4d4d4d}</style></head><body>
        <h1>Product <code>\(esc(r.product))</code>: <span class="\(r.passed ? "pass" : "fail")">\(r.passed ? "PASS" : "FAIL")</span></h1>
        <p>Log <code>\(esc(r.origin))</code>, checkpoint size \(r.checkpointSize), \(r.witnessCosignatures) witness cosignature(s). Audit date \(esc(r.auditDate)); policy \(esc(r.policyName)); assay \(AssayVersion.current).</p>
        <h2>Principles</h2><table><tr><th>Principle</th><th>Verdict</th><th>Reasons and evidence</th></tr>
        """
        for p in r.principles {
            let cls = p.verdict == .satisfied ? "pass" : p.verdict == .notSatisfied ? "fail" : "na"
            h += "<tr><td>\(esc(p.principle.title))</td><td class=\"\(cls)\">\(esc(p.verdict.rawValue))</td><td><ul>"
            for f in p.findings {
                h += "<li>\(f.severity == .problem ? "<b>✗</b> " : "")\(esc(f.message))"
                if !f.evidence.isEmpty { h += "<br><small>" + f.evidence.prefix(20).map { esc($0.description) }.joined(separator: "; ") + "</small>" }
                h += "</li>"
            }
            h += "</ul></td></tr>\n"
        }
        h += "</table><h2>Provenance</h2>" + tree(r.graph)
        h += "<h2>Components</h2><table><tr><th>Component</th><th>Made by</th><th>Supplier</th><th>Country</th></tr>"
        for id in r.graph.nodes.dropFirst() {
            let o = r.graph.origins[id]
            let made = r.graph.producers[id]?.first
            let how = o.map { "origin, seq \($0.seq)" } ?? made.map { "\(esc($0.statement.kind.rawValue)), seq \($0.seq)" } ?? "<b class=fail>no origin</b>"
            h += "<tr><td><code>\(esc(id))</code></td><td>\(how)</td><td>\(esc(o.map { "\($0.supplierName) (\($0.supplierParty))" } ?? ""))</td><td>\(esc(o?.country ?? ""))</td></tr>"
        }
        h += "</table>" + tiers(r.graph) + "<h2>Commitments</h2>"
        let commitments = r.entries.compactMap { e -> (UInt64, LifecycleCommitment)? in
            if case .lifecycleCommitment(let c) = e.statement, c.covers(r.product) { return (e.seq, c) }
            return nil
        }
        if commitments.isEmpty {
            h += "<p class=fail>No lifecycle commitment covers this product.</p>"
        } else {
            h += "<table><tr><th>Seq</th><th>Placed on market</th><th>Security support until</th><th>Vulnerability contact</th><th>Spare parts until</th><th>Take-back</th></tr>"
            for (seq, c) in commitments {
                let parts = c.spareParts.map { "\(esc($0.partNumber)) \(esc($0.availableUntil))" }.joined(separator: "<br>")
                h += "<tr><td>\(seq)</td><td>\(esc(c.placedOnMarket))</td><td><b>\(esc(c.securitySupportEnd))</b></td><td>\(esc(c.vulnerabilityContact)) (\(c.vulnerabilityResponseDays) days)</td><td>\(parts)</td><td>\(esc(c.takeBack.channel))</td></tr>"
            }
            h += "</table>"
        }
        h += signedFacts(SignedFacts.facts(of: r))
        // The parts drawn as a tree, laid out by Assay (the same drawing as the passport page);
        // each part links to its entry in the signed-facts tables above.
        let tree = PartsTree(graph: r.graph)
        h += "<h2 id=parts>Parts</h2>" + tree.svg(model: PassportModel(report: r), strings: PassportStrings(language: .en),
                                                   anchor: { "seq-\($0)" }, titleID: "parts-title")
        h += "</body></html>\n"
        return h
    }

    /// Every signed fact, one table per group: seq, signing party (name and key), where the
    /// value stands, the value; facts of entries that are not evidence are marked.
    public static func signedFacts(_ facts: [SignedFact]) -> String {
        var anchored = Set<UInt64>()
        var h = "<h2 id=facts>Signed facts</h2><p>\(facts.count) value(s) signed by the bundle's entries, by group, in sequence order.</p>"
        for (group, list) in SignedFacts.grouped(facts) {
            h += "<h3>\(esc(group.title)) (\(list.count))</h3><table class=facts><tr><th>Seq</th><th>Signed by</th><th>Kind</th><th>Fact</th><th>Value</th></tr>"
            for f in list {
                let anchor = anchored.insert(f.seq).inserted ? " id=\"seq-\(f.seq)\"" : ""
                let note = f.counted ? "" : " <b class=fail>not evidence</b>"
                let ns = f.namespace.map { " <small>(namespace \(esc($0)))</small>" } ?? ""
                h += "<tr\(anchor)><td>\(f.seq)</td><td>\(esc(f.partyName))<br><small><code>\(esc(f.signer))</code></small></td><td>\(esc(f.kind))\(f.aspect.map { "<br><small>\(esc($0))</small>" } ?? "")</td><td><code>\(esc(f.path))</code>\(ns)</td><td>\(esc(f.value))\(note)</td></tr>"
            }
            h += "</table>"
        }
        return h
    }
}
