import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The shipped battery-passport and ESPR presets on a real battery pack ledger (issue 16): a pack
/// with every Battery Pass part meets the LMT preset's facts; the same pack audited as an EV
/// battery, or missing its carbon footprint, is reported with the missing fact and its article.
@Suite("Policy presets on a battery passport")
struct PassportPresetTests {
    typealias BP = BatteryPassFixtures

    /// A battery pack ledger with every part signed by the manufacturer except `leaving`.
    static func pack(leaving: String? = nil, lot: String = BP.lot) throws -> (BatteryPassWorkspace, String) {
        try BatteryPassWorkspace.pack(leaving: leaving, lot: lot)
    }

    static func audit(_ ws: BatteryPassWorkspace, _ bundle: String, policy: String) throws -> (CLIResult, [String: (verdict: String, messages: [String])]) {
        let r = try CLIHarness.assay(["verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", BP.origin, "--product", BP.item,
                                      "--policy", policy, "--json"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any], "\(r)")
        var out: [String: (String, [String])] = [:]
        for p in o["principles"] as? [[String: Any]] ?? [] {
            let findings = p["findings"] as? [[String: Any]] ?? []
            out[p["principle"] as! String] = (p["verdict"] as! String, findings.compactMap { $0["message"] as? String })
        }
        return (r, out)
    }

    static func missing(_ principles: [String: (verdict: String, messages: [String])]) -> [String] {
        principles.values.flatMap(\.messages).filter { $0.hasPrefix("missing ") }
    }

    @Test("every part signed: the LMT preset finds each fact; audited as an EV battery, the category and EV-only facts are missing with their articles")
    func completePack() throws {
        let (ws, bundle) = try Self.pack()
        defer { ws.remove() }
        let (r, lmt) = try Self.audit(ws, bundle, policy: "battery-passport-lmt")
        #expect(lmt["integrity"]?.verdict == "satisfied", "\(r)")
        #expect(Self.missing(lmt).isEmpty, "\(Self.missing(lmt))")
        #expect(lmt["provenance"]?.messages.contains { $0.hasPrefix("carbon footprint per kWh (Regulation (EU) 2023/1542 Art. 7(1)), required by battery-passport-lmt: data.batteryCarbonFootprint = ") } == true)
        // The manufacturer's and spare-part suppliers' contact points the Battery Pass requires are not personal data.
        #expect(lmt["privacy-data-governance"]?.verdict == "satisfied", "\(String(describing: lmt["privacy-data-governance"]))")

        let (_, ev) = try Self.audit(ws, bundle, policy: "battery-passport-ev")
        let evMissing = Self.missing(ev)
        #expect(evMissing.contains { $0.hasPrefix("missing battery category ev (Regulation (EU) 2023/1542 Art. 2, Annex VI Part A), required by battery-passport-ev") }, "\(evMissing)")
        #expect(ev["interoperability"]?.verdict == "not-satisfied")
    }

    @Test("a pack without its carbon footprint: each carbon fact is reported missing with Art. 7; without an ESPR passport the ESPR preset names each missing data point")
    func missingCarbonFootprint() throws {
        let (ws, bundle) = try Self.pack(leaving: "carbonFootprint")
        defer { ws.remove() }
        let (r, lmt) = try Self.audit(ws, bundle, policy: "battery-passport-lmt")
        #expect(r.exitCode == 1, "\(r)")
        let gone = Self.missing(lmt)
        #expect(gone.contains { $0.hasPrefix("missing carbon footprint per kWh (Regulation (EU) 2023/1542 Art. 7(1))") }, "\(gone)")
        #expect(gone.contains { $0.hasPrefix("missing carbon footprint performance class (Regulation (EU) 2023/1542 Art. 7(2))") })
        #expect(gone.count == 4, "only the four carbon footprint facts: \(gone)")
        #expect(lmt["provenance"]?.verdict == "not-satisfied")

        let (_, espr) = try Self.audit(ws, bundle, policy: "espr-generic")
        #expect(Self.missing(espr).contains { $0.hasPrefix("missing substances of concern (Regulation (EU) 2024/1781 Art. 7(5))") }, "\(Self.missing(espr))")
        #expect(Self.missing(espr).count == AuditPolicy.preset(named: "espr-generic")!.requiredFacts.count)
    }

    @Test("material data signed about another batch of the same GTIN does not count for a pack made in a different lot")
    func otherBatch() throws {
        let (ws, bundle) = try Self.pack(lot: "LOT-2026-08")
        defer { ws.remove() }
        let (r, lmt) = try Self.audit(ws, bundle, policy: "battery-passport-lmt")
        #expect(lmt["integrity"]?.verdict == "satisfied", "\(r)")
        let gone = Self.missing(lmt)
        #expect(gone.contains { $0.hasPrefix("missing battery chemistry (Regulation (EU) 2023/1542 Annex VI Part A(7))") }, "\(gone)")
        #expect(gone.count == 3, "the three material composition facts only: \(gone)")
    }
}
