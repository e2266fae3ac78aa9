import AssayVerify

/// A self-contained HTML page for a bundle report (no external resources).
enum HTMLReport {
    static func esc(_ s: String) -> String {
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

    static func render(_ r: BundleReport) -> String {
        var h = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Assay report — \(esc(r.product))</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}h1{font-size:1.4em}
        .pass{color:#0a7d32}.fail{color:#b3261e}.na{color:#666}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
        code{font-size:.85em}</style></head><body>
        <h1>Product <code>\(esc(r.product))</code>: <span class="\(r.passed ? "pass" : "fail")">\(r.passed ? "PASS" : "FAIL")</span></h1>
        <p>Log <code>\(esc(r.origin))</code>, checkpoint size \(r.checkpointSize), \(r.witnessCosignatures) witness cosignature(s). Audit date \(esc(r.auditDate)); policy \(esc(r.policyName)).</p>
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
        h += "</table><h2>Provenance</h2><table><tr><th>Component</th><th>Origin</th><th>Supplier</th><th>Country</th></tr>"
        for id in r.graph.nodes.dropFirst() {
            let o = r.graph.origins[id]
            h += "<tr><td><code>\(esc(id))</code></td><td>\(o.map { "seq \($0.seq)" } ?? "<b class=fail>none</b>")</td><td>\(esc(o.map { "\($0.supplierName) (\($0.supplierParty))" } ?? ""))</td><td>\(esc(o?.country ?? ""))</td></tr>"
        }
        h += "</table><h2>Provenance graph (Mermaid)</h2><pre>\(esc(r.graph.mermaid()))</pre></body></html>\n"
        return h
    }
}
