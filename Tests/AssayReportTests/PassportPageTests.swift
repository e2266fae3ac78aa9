import AssayCrypto
import AssayLog
import AssayModel
@testable import AssayReport
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

@Suite("Passport page")
struct PassportPageTests {
    static func report(_ vectors: BundleVectors, _ file: String) throws -> (bytes: [UInt8], report: BundleReport, trust: PassportPage.Trust) {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: vectors.file(file))))
        let bundle = try ProductBundle(bytes: bytes)
        let log = try VerifierKey(parsing: vectors.trust.logKey)
        let witnesses = try vectors.trust.witnessKeys.map { try VerifierKey(parsing: $0) }
        let verifier = BundleVerifier(logKey: log, origin: vectors.trust.origin, product: vectors.trust.product, witnesses: witnesses,
                                      witnessesNeeded: vectors.trust.witnessesNeeded, policy: .default,
                                      auditDate: try CalendarDate(parsing: "2026-12-01"), trustedCheckpoint: nil)
        return (bytes, verifier.verify(bundle), .init(logKey: log, witnessKeys: witnesses, witnessesNeeded: vectors.trust.witnessesNeeded))
    }

    @Test("the shared vectors: the Swift verifier's integrity verdict is the expected one for every case (the browser test checks the page's script against the same files)")
    func vectorsAgree() throws {
        let vectors = try BundleVectors.load()
        #expect(vectors.cases.count >= 8, "at least the valid bundle and seven tamperings")
        for v in vectors.cases {
            let verdict: String, reason: String
            do {
                let (_, report, _) = try Self.report(vectors, v.file)
                let integrity = report.principles.first { $0.principle == .integrity }
                verdict = integrity?.verdict == .satisfied ? "verified" : "failed"
                reason = integrity?.problems.first?.message ?? ""
            } catch {
                // A bundle that does not even parse (a duplicate member …) fails too.
                (verdict, reason) = ("failed", "\(error)")
            }
            #expect(verdict == v.expect, "\(v.name) (\(v.why)): Swift says \(verdict): \(reason)")
        }
    }

    @Test("a bundle that fails integrity gets no page, naming why")
    func refusesTampered() throws {
        let vectors = try BundleVectors.load()
        let tampered = try #require(vectors.cases.first { $0.expect == "failed" })
        let (bytes, report, trust) = try Self.report(vectors, tampered.file)
        #expect(throws: PassportPage.PageError.self) { try PassportPage(bundleJSON: bytes, report: report, trust: trust) }
    }

    @Test("the page is self-contained: no script, style, image, font or frame from elsewhere; a CSP forbids any request; the bundle is embedded intact")
    func selfContained() throws {
        let vectors = try BundleVectors.load()
        let (bytes, report, trust) = try Self.report(vectors, vectors.valid.file)
        let html = try PassportPage(bundleJSON: bytes, report: report, trust: trust).html()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<html lang=\"en\" data-verification=\"unchecked\">"), "the page starts unchecked")
        for forbidden in ["<script src", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "<base ", "<base>", "fetch(", "XMLHttpRequest", "WebSocket"] {
            #expect(!html.contains(forbidden), "the page contains \(forbidden)")
        }
        #expect(html.contains("connect-src 'none'"))
        // Every link is a fragment of the page or a signed value shown as a link (checked by the script).
        let links = html.components(separatedBy: "<a ").dropFirst()
        for a in links {
            let href = a.components(separatedBy: "href=\"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
            #expect(href.hasPrefix("#") || a.contains("data-format=\"link\""), "a link to \(href) is neither in the page nor a signed value")
        }
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"assay-bundle\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let embedded = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "\\u003c", with: "<")
        #expect(Array(embedded.utf8) == bytes, "the embedded bundle differs from the file")
    }

    @Test("what the buyer reads comes from the signed entries: maker, security support end, spare parts, take-back, countries and suppliers, each bound to its entry and path")
    func model() throws {
        let vectors = try BundleVectors.load()
        let (_, report, _) = try Self.report(vectors, vectors.valid.file)
        let m = PassportModel(report: report)
        #expect(m.gtin == "04012345000016" && m.serial == "SN-0001")
        #expect(m.maker?.name.value == "ACME Devices GmbH" && m.maker?.name.path == "legalName")
        let c = try #require(m.commitment)
        #expect(c.securitySupportEnd.path == "securitySupportEnd" && c.securitySupportEnd.value == c.statement.securitySupportEnd)
        #expect(c.spareParts.count == c.statement.spareParts.count && !c.spareParts.isEmpty)
        #expect(c.takeBackChannel.value == c.statement.takeBack.channel)
        #expect(Set(m.countries.map(\.value)) == ["DE", "FR", "CN"])
        #expect(Set(m.directSuppliers.map(\.name.value)).isSuperset(of: ["Chips GmbH", "Radio SA", "Cells Co., Ltd."]))
        #expect(m.status == .inUse)
        // Every bound value is the value at its path in the entry it names.
        for b in [c.securitySupportEnd, c.takeBackChannel, c.recyclingScheme, c.repairInformation] + m.countries {
            let entry = try #require(report.entries.first { $0.seq == b.seq })
            let fact = SignedFacts.facts(of: [entry]).first { $0.path == b.path }
            #expect(fact?.value == b.value, "seq \(b.seq) \(b.path)")
        }
        // Every part of the provenance graph is drawn, once, under the product.
        let tree = PartsTree(graph: report.graph)
        #expect(tree.rows.first?.id == vectors.trust.product && tree.omitted == 0)
        #expect(Set(tree.rows.map(\.id)) == Set(report.graph.nodes) && tree.rows.count >= 5, "\(tree.rows.map(\.id))")
    }

    @Test("the parts tree draws each part once however many paths reach it, caps its rows, and never recurses")
    func treeLayout() throws {
        let vectors = try BundleVectors.load()
        let (_, report, _) = try Self.report(vectors, vectors.valid.file)
        let full = PartsTree(graph: report.graph)
        let capped = PartsTree(graph: report.graph, maxRows: 3)
        #expect(capped.rows.count == 3 && capped.omitted > 0 && capped.rows.map(\.id) == full.rows.prefix(3).map(\.id))
        #expect(Set(full.rows.filter { !$0.repeated }.map(\.id)).count == full.rows.filter { !$0.repeated }.count)
        for (i, r) in full.rows.enumerated() where i > 0 {
            let p = try #require(r.parent)
            #expect(p < i && full.rows[p].depth == r.depth - 1)
        }
    }

    @Test("the catalogue: every string in English and German, the same placeholders in both, and every string the page's script asks for")
    func catalogue() throws {
        for (key, v) in PassportStrings.catalogue {
            #expect(!v.en.isEmpty && !v.de.isEmpty, "\(key)")
            func placeholders(_ s: String) -> Set<String> {
                Set(s.split(separator: "{", omittingEmptySubsequences: false).dropFirst().compactMap { $0.split(separator: "}").first.map(String.init) })
            }
            #expect(placeholders(v.en) == placeholders(v.de), "\(key): \(v.en) / \(v.de)")
        }
        let script = try String(contentsOf: Vectors.packageRoot.appendingPathComponent("Sources/AssayReport/Passport/web/page.js"), encoding: .utf8)
        var asked = Set<String>()
        // t("key" …) calls, and setStatus(state, "key" …): the strings the script shows.
        for pattern in [#"(?<![A-Za-z0-9_.$])t\("([A-Za-z]+)""#, #"setStatus\("[a-z]+", "([A-Za-z]+)""#] {
            let re = try NSRegularExpression(pattern: pattern)
            for m in re.matches(in: script, range: NSRange(script.startIndex..., in: script)) {
                asked.insert(String(script[Range(m.range(at: 1), in: script)!]))
            }
        }
        #expect(asked.isSuperset(of: ["checking", "failed", "unsupported", "factMismatch", "left"]), "\(asked)")
        // count(n, unit) asks for the unit or its plural.
        for unit in ["day", "month", "year"] where script.contains("\"\(unit)\"") { asked.formUnion([unit, unit + "s"]) }
        #expect(asked.contains("years") && asked.contains("day"))
        // Chosen by a condition rather than passed literally.
        for key in ["verified", "verifiedNoWitness"] where script.contains("\"\(key)\"") { asked.insert(key) }
        #expect(asked.contains("verified") && asked.contains("verifiedNoWitness"))
        for key in asked { #expect(PassportStrings.catalogue["js." + key] != nil, "page.js asks for \(key), not in the catalogue") }
        let t = PassportStrings(language: .de)
        #expect(t.date("2032-12-31") == "31. Dezember 2032")
        #expect(PassportStrings(language: .en).date("2032-12-31") == "31 December 2032")
        #expect(PassportStrings(language: .en).remaining(from: "2026-12-02", to: "2032-12-31") == "6 years")
        #expect(PassportStrings(language: .de).remaining(from: "2026-12-02", to: "2028-01-03") == "1 Jahr 1 Monat")
        #expect(PassportStrings(language: .en).remaining(from: "2026-12-02", to: "2027-02-01") == "1 month")
        #expect(PassportStrings(language: .en).remaining(from: "2026-12-02", to: "2026-12-20") == "18 days")
    }
}
