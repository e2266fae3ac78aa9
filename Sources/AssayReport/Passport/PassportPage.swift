public import AssayVerify
public import AssayCrypto
import AssayModel
import Foundation

/// The buyer's product passport: one self-contained HTML page (no external requests) for one
/// product, in plain language on top and the evidence one click deeper, that embeds the
/// bundle, the pinned log and witness keys and the script that checks them with the browser's
/// own Web Crypto before it shows a verified badge (FORMAT.md §17).
public struct PassportPage: Sendable {
    /// What the page pins: the log key and origin, the witnesses and how many must cosign.
    public struct Trust: Sendable {
        public let logKey: VerifierKey
        public let witnessKeys: [VerifierKey]
        public let witnessesNeeded: Int
        public init(logKey: VerifierKey, witnessKeys: [VerifierKey], witnessesNeeded: Int) {
            self.logKey = logKey
            self.witnessKeys = witnessKeys
            self.witnessesNeeded = witnessesNeeded
        }
    }

    public enum PageError: Error, CustomStringConvertible {
        case notVerified(String)
        case missingScript(String)
        public var description: String {
            switch self {
            case .notVerified(let why): "the bundle does not verify, so no passport page is written: \(why)"
            case .missingScript(let path): "the passport page's script is missing from this installation (\(path)): reinstall assay"
            }
        }
    }

    public let model: PassportModel
    public let bundleJSON: [UInt8]
    public let trust: Trust

    /// A page for a bundle whose `report` the verifier produced with the same pins; refused when
    /// integrity does not hold (a page must never carry a bundle the log does not back).
    public init(bundleJSON: [UInt8], report: BundleReport, trust: Trust) throws(PageError) {
        guard let integrity = report.principles.first(where: { $0.principle == .integrity }) else { throw .notVerified("no integrity verdict") }
        guard integrity.verdict == .satisfied else {
            throw .notVerified(integrity.problems.first?.message ?? "integrity is \(integrity.verdict.rawValue)")
        }
        self.model = PassportModel(report: report)
        self.bundleJSON = bundleJSON
        self.trust = trust
    }

    /// The whole page.
    public func html() throws(PageError) -> String {
        let verifier = try Self.script("verifier")
        let glue = try Self.script("page")
        let css = try Self.resource("passport", "css")
        let title = PassportStrings(language: .en)("page.title", displayName)
        var h = "<!doctype html>\n<html lang=\"en\" data-verification=\"unchecked\"><head><meta charset=\"utf-8\">"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'\">"
        h += "<meta name=\"generator\" content=\"Assay \(AssayVersion.current)\">"
        h += "<title>\(HTMLReport.esc(title))</title><style>\(css)</style></head><body>"
        h += "<nav class=\"langs\" aria-label=\"Language / Sprache\">"
        for l in PassportLanguage.allCases {
            h += "<button type=\"button\" data-set-lang=\"\(l.rawValue)\" lang=\"\(l.rawValue)\" hidden>\(l == .de ? "Deutsch" : "English")</button>"
        }
        h += "</nav>"
        for l in PassportLanguage.allCases { h += block(PassportStrings(language: l)) }
        h += "<script type=\"application/json\" id=\"assay-bundle\">\(Self.scriptSafe(String(decoding: bundleJSON, as: UTF8.self)))</script>"
        h += "<script type=\"application/json\" id=\"assay-trust\">\(Self.scriptSafe(trustJSON))</script>"
        h += "<script type=\"application/json\" id=\"assay-strings\">\(Self.scriptSafe(Self.json(PassportStrings.scriptCatalogue())))</script>"
        h += "<script>\n\(verifier)\n</script><script>\n\(glue)\n</script></body></html>\n"
        return h
    }

    var displayName: String {
        guard let g = model.gtin else { return model.product }
        return "GTIN \(g)" + (model.serial.map { " · \($0)" } ?? "")
    }

    var trustJSON: String {
        Self.json([
            "logKey": trust.logKey.description, "origin": model.report.origin, "product": model.product,
            "witnessKeys": trust.witnessKeys.map(\.description), "witnessesNeeded": trust.witnessesNeeded,
        ] as [String: Any])
    }

    // MARK: - One language

    func block(_ t: PassportStrings) -> String {
        let l = t.language.rawValue
        let m = model
        func a(_ seq: UInt64) -> String { "e-\(l)-\(seq)" }
        func ev(_ seq: UInt64) -> String { " <a class=\"ev\" href=\"#\(a(seq))\" aria-label=\"\(HTMLReport.esc(t("evidence.seq"))) \(seq)\">#\(seq)</a>" }
        func b(_ v: PassportModel.Bound, _ shown: String? = nil, tag: String = "span") -> String {
            let text = shown ?? (v.format == .date ? t.date(v.value) : v.value)
            return "<\(tag) data-seq=\"\(v.seq)\" data-path=\"\(HTMLReport.esc(v.path))\" data-value=\"\(HTMLReport.esc(v.value))\" data-format=\"\(v.format.rawValue)\">\(HTMLReport.esc(text))</\(tag)>"
        }
        func country(_ v: PassportModel.Bound) -> String {
            "<span data-seq=\"\(v.seq)\" data-path=\"\(HTMLReport.esc(v.path))\" data-value=\"\(HTMLReport.esc(v.value))\" data-format=\"country\">\(HTMLReport.esc(PartsTree.countryName(v.value, t.language)))</span>"
        }
        func esc(_ s: String) -> String { HTMLReport.esc(s) }
        var h = "<div class=\"lang-block\" data-lang=\"\(l)\" lang=\"\(l)\"\(t.language == .en ? "" : " hidden")>"
        h += "<a class=\"skip\" href=\"#main-\(l)\">\(esc(t("glance.heading")))</a>"
        h += "<header><p class=\"kind\">\(esc(t("page.kind")))</p><h1>\(esc(displayName))</h1>"
        if let maker = m.maker {
            h += "<p class=\"maker\">" + esc(t("product.madeBy", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(maker.name))
            if let d = m.madeOn { h += " " + esc(t("product.madeOn", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(d)) }
            h += "</p>"
        } else {
            h += "<p class=\"maker\">\(esc(t("product.unknownMaker")))</p>"
        }
        h += "<p class=\"verification\" role=\"status\" aria-live=\"polite\" data-status>\(esc(t("js.unchecked")))</p></header>"
        h += "<main id=\"main-\(l)\"><section aria-labelledby=\"glance-\(l)\"><h2 id=\"glance-\(l)\">\(esc(t("glance.heading")))</h2><div class=\"cards\">"

        // Security updates.
        h += "<article class=\"card\"><h3>\(esc(t("security.heading")))</h3>"
        if let c = m.commitment {
            let end = c.securitySupportEnd
            let ended = end.value < m.report.auditDate
            h += "<p class=\"big \(ended ? "bad" : "good")\">"
            h += esc(t(ended ? "security.ended" : "security.until", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(end))
            h += "</p><p class=\"remaining\" data-until=\"\(esc(end.value))\">\(esc(ended ? t("js.ended") : t("js.left", t.remaining(from: m.report.auditDate, to: end.value))))</p>"
            h += "<p>" + esc(t("security.contact", "\u{1}", "\u{2}")).replacingOccurrences(of: "\u{1}", with: link(c.vulnerabilityContact, b)).replacingOccurrences(of: "\u{2}", with: b(c.responseDays)) + ev(c.seq) + "</p>"
            if let u = c.updateMechanism { h += "<p>" + esc(t("security.mechanism", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(u)) + "</p>" }
        } else {
            h += "<p class=\"big bad\">\(esc(t("security.none")))</p>"
        }
        h += "</article>"

        // Repair.
        h += "<article class=\"card\"><h3>\(esc(t("repair.heading")))</h3>"
        if let c = m.commitment {
            h += "<p>\(link(c.repairInformation, b, text: t("repair.info")))\(ev(c.seq))</p>"
            if let last = c.spareParts.map(\.until).max(by: { $0.value < $1.value }) {
                h += "<p class=\"big good\">" + esc(t("repair.parts", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(last)) + "</p><ul>"
                for p in c.spareParts {
                    h += "<li>" + esc(t("repair.part", "\u{1}", "\u{2}", "\u{3}")).replacingOccurrences(of: "\u{1}", with: b(p.part))
                        .replacingOccurrences(of: "\u{2}", with: b(p.until)).replacingOccurrences(of: "\u{3}", with: b(p.days)) + "</li>"
                }
                h += "</ul>"
            } else {
                h += "<p>\(esc(t("repair.noParts")))</p>"
            }
        } else {
            h += "<p>\(esc(t("repair.none")))</p>"
        }
        h += "</article>"

        // Return and recycling.
        h += "<article class=\"card\"><h3>\(esc(t("recycling.heading")))</h3>"
        if let c = m.commitment {
            h += "<p>" + esc(t("recycling.channel", "\u{1}")).replacingOccurrences(of: "\u{1}", with: link(c.takeBackChannel, b)) + ev(c.seq) + "</p>"
            h += "<p>" + esc(t("recycling.scheme", "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(c.recyclingScheme)) + "</p>"
        } else {
            h += "<p>\(esc(t("recycling.none")))</p>"
        }
        h += "</article>"

        // Status.
        h += "<article class=\"card\"><h3>\(esc(t("status.heading")))</h3><p class=\"big\" data-product-status=\""
        switch m.status {
        case .inUse:
            h += "in-use\">\(esc(t("status.inUse")))"
        case .repaired(let n, let last, let seqs):
            h += "repaired\">" + esc(t("status.repaired", String(n), "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(last)) + seqs.map(ev).joined()
        case .ended(let status, let date, let seq):
            let word = PassportStrings.catalogue["eol." + status] != nil ? t("eol." + status) : status
            h += "ended\">" + esc(t("status.ended", word, "\u{1}")).replacingOccurrences(of: "\u{1}", with: b(date)) + ev(seq)
        }
        h += "</p></article></div></section>"

        // Parts.
        h += "<section aria-labelledby=\"parts-\(l)\"><h2 id=\"parts-\(l)\">\(esc(t("parts.heading")))</h2>"
        if !m.countries.isEmpty {
            h += "<p>" + esc(t("parts.countries", "\u{1}")).replacingOccurrences(of: "\u{1}", with: m.countries.map(country).joined(separator: ", ")) + "</p>"
        }
        if !m.directSuppliers.isEmpty {
            h += "<p>" + esc(t("parts.suppliers", "\u{1}")).replacingOccurrences(of: "\u{1}", with: m.directSuppliers.map { b($0.name) }.joined(separator: ", ")) + "</p>"
        }
        let tree = PartsTree(graph: m.report.graph)
        h += tree.rows.count > 1 ? tree.svg(model: m, strings: t, anchor: a, titleID: "tree-\(l)") : "<p>\(esc(t("parts.none")))</p>"
        h += "</section>"

        // Materials.
        h += "<section aria-labelledby=\"materials-\(l)\"><h2 id=\"materials-\(l)\">\(esc(t("materials.heading")))</h2>"
        if m.materials.isEmpty {
            h += "<p>\(esc(t("materials.none")))</p>"
        } else {
            h += "<dl class=\"facts\">"
            for f in m.materials.prefix(40) {
                let v = PassportModel.Bound(seq: f.seq, path: f.path, value: f.value, format: .text)
                h += "<dt>\(esc(Self.humanPath(f.path)))</dt><dd>\(b(v))\(ev(f.seq))</dd>"
            }
            h += "</dl>"
            if m.materials.count > 40 { h += "<p>\(esc(t("materials.more", String(m.materials.count - 40))))</p>" }
        }
        h += "</section>"

        // Principles.
        h += "<section aria-labelledby=\"principles-\(l)\"><h2 id=\"principles-\(l)\">\(esc(t("principles.heading")))</h2>"
        h += "<p>\(esc(t("principles.intro", AssayVersion.current, t.date(m.report.auditDate))))</p><ul class=\"principles\">"
        for p in m.report.principles {
            let cls = p.verdict == .satisfied ? "good" : p.verdict == .notSatisfied ? "bad" : "neutral"
            let explain: String
            switch p.verdict {
            case .satisfied: explain = t("explain.\(p.principle.rawValue).satisfied")
            case .notSatisfied: explain = t("explain.\(p.principle.rawValue).other")
            case .notApplicable: explain = t("explain.notApplicable")
            case .notEvaluated: explain = t("explain.notEvaluated")
            }
            h += "<li class=\"\(cls)\" data-principle=\"\(p.principle.rawValue)\" data-verdict=\"\(p.verdict.rawValue)\"><span class=\"mark\" aria-hidden=\"true\">\(p.verdict == .satisfied ? "✓" : p.verdict == .notSatisfied ? "✗" : "–")</span> "
            h += "<strong>\(esc(t("principle.\(p.principle.rawValue)")))</strong>: <span class=\"verdict\">\(esc(t("verdict.\(p.verdict.rawValue)")))</span>. \(esc(explain))"
            if !p.findings.isEmpty {
                h += "<details><summary>\(esc(t("principles.details")))</summary><ul lang=\"en\">"
                for f in p.findings.prefix(12) {
                    h += "<li>\(f.severity == .problem ? "✗ " : "")\(esc(f.message))\(f.evidence.prefix(6).map { ev($0.seq) }.joined())</li>"
                }
                h += "</ul></details>"
            }
            h += "</li>"
        }
        h += "</ul></section>"

        // Evidence.
        h += "<section aria-labelledby=\"evidence-\(l)\"><h2 id=\"evidence-\(l)\">\(esc(t("evidence.heading")))</h2><details class=\"evidence\"><summary>\(esc(t("evidence.summary")))</summary>"
        let r = m.report
        h += "<p>\(esc(t("evidence.log", r.origin, String(r.entries.count), String(r.checkpointSize))))</p>"
        h += "<table><caption>\(esc(t("evidence.entries")))</caption><thead><tr><th scope=\"col\">\(esc(t("evidence.seq")))</th><th scope=\"col\">\(esc(t("evidence.kind")))</th><th scope=\"col\">\(esc(t("evidence.party")))</th><th scope=\"col\">\(esc(t("evidence.time")))</th></tr></thead><tbody>"
        for e in r.entries {
            h += "<tr id=\"\(a(e.seq))\"><td>\(e.seq)</td><td>\(esc(e.statement.kind.rawValue))</td><td>\(esc(e.signer.legalName))<br><code>\(esc(e.signer.reference))</code></td><td><time datetime=\"\(esc(e.statement.eventTime.text))\">\(esc(e.statement.eventTime.text))</time></td></tr>"
        }
        h += "</tbody></table>"
        h += "<h3>\(esc(t("evidence.checkpoint")))</h3><pre class=\"note\" data-checkpoint>\(esc(Self.checkpointText(bundleJSON)))</pre>"
        h += "<p data-witnesses>" + (trust.witnessKeys.isEmpty ? esc(t("evidence.noWitnesses")) : esc(t("evidence.witnesses", trust.witnessKeys.map(\.name).joined(separator: ", ")))) + "</p>"
        h += "<h3>\(esc(t("evidence.logKey")))</h3><p><code class=\"key\">\(esc(trust.logKey.description))</code></p>"
        h += "<p><button type=\"button\" data-download hidden>\(esc(t("evidence.download")))</button></p>"
        h += "<p class=\"cli\"><code>\(esc(t("evidence.verifyOffline", "product.assay-bundle", r.origin, m.product)))</code></p>"
        h += "</details></section></main><footer><p>\(esc(t("footer", AssayVersion.current)))</p></footer></div>"
        return h
    }

    /// A bound value shown as a link when it is an http(s) or mailto/tel URI.
    /// A bound http(s), mailto: or tel: value as a link (`data-format="link"`: the script checks
    /// the address against the signed value and keeps the text); other values as text.
    func link(_ v: PassportModel.Bound, _ b: (PassportModel.Bound, String?, String) -> String, text: String? = nil) -> String {
        let web = v.value.hasPrefix("https://") || v.value.hasPrefix("http://")
        let contact = v.value.hasPrefix("mailto:") || v.value.hasPrefix("tel:")
        guard web || contact else { return b(v, text, "span") }
        let shown = text ?? (contact ? String(v.value.drop { $0 != ":" }.dropFirst()) : v.value)
        let e = HTMLReport.esc
        return "<a href=\"\(e(v.value))\" rel=\"noopener noreferrer\" data-seq=\"\(v.seq)\" data-path=\"\(e(v.path))\" data-value=\"\(e(v.value))\" data-format=\"link\">\(e(shown))</a>"
    }

    /// `data.batteryMaterials[0].isCriticalRawMaterial` → `battery materials › is critical raw material`.
    static func humanPath(_ path: String) -> String {
        var parts: [String] = []
        for seg in path.split(separator: ".") {
            var s = String(seg)
            if let i = s.firstIndex(of: "[") { s = String(s[..<i]) }
            if let c = s.lastIndex(of: ":") { s = String(s[s.index(after: c)...]) }
            if s == "data" || s == "ilmd" { continue }
            var words = ""
            for ch in s {
                if ch.isUppercase, !words.isEmpty { words += " " }
                words += ch.lowercased()
            }
            parts.append(words)
        }
        return parts.joined(separator: " › ")
    }

    static func checkpointText(_ bundle: [UInt8]) -> String {
        guard let o = try? JSONSerialization.jsonObject(with: Data(bundle)) as? [String: Any], let c = o["checkpoint"] as? String else { return "" }
        return c
    }

    /// JSON that can stand inside a `<script>` element: every `<` is written `\u003c` (it only
    /// occurs inside strings, where the escape means the same), so no `</script>` or `<!--`.
    static func scriptSafe(_ json: String) -> String {
        json.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: "\u{2028}", with: "\\u2028").replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }

    static func json(_ v: Any) -> String {
        let d = (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: d, as: UTF8.self)
    }

    // MARK: - Resources

    static func script(_ name: String) throws(PageError) -> String { try resource(name, "js") }

    /// A file of `Passport/web` shipped with the module.
    static func resource(_ name: String, _ ext: String) throws(PageError) -> String {
        // SwiftPM puts the module's resources beside the executable (or the test bundle); an
        // installation may put them in ../share/assay. Looked up by hand: Bundle.module would
        // stop the process when they are missing instead of saying so.
        let file = "web/\(name).\(ext)"
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        let bases = [Bundle.main.bundleURL, exe, Bundle.main.bundleURL.deletingLastPathComponent()]
        var candidates = bases.map { $0.appendingPathComponent("Assay_AssayReport.resources").appendingPathComponent(file) }
        candidates.append(exe.appendingPathComponent("../share/assay").appendingPathComponent(file))
        for url in candidates {
            if let text = try? String(contentsOf: url, encoding: .utf8) { return text }
        }
        throw .missingScript(file)
    }
}
