import AssayCrypto
import AssayLedger
import AssayModel
import AssayReport
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The auditor sees every fact a bundle's entries sign (issue 16): one per signed value, with
/// the seq, the party's name and key, grouped, sorted by seq — through the library, `verify
/// --bundle --json` and `report --html`.
@Suite("Signed facts reach the auditor")
struct SignedFactsTests {
    static func facts(_ built: TF.Built) throws -> (BundleReport, [SignedFact]) {
        let report = TF.verify(try built.exportAgain())
        return (report, SignedFacts.facts(of: report))
    }

    @Test("every entry of the thermostat's bundle contributes its signed values, with seq, party name and key, grouped and sorted")
    func thermostatFacts() throws {
        let built = try TF().build()
        let (report, facts) = try Self.facts(built)
        #expect(report.passed, "\(report.summary)")
        // Every entry the verifier checked shows up, and nothing else.
        #expect(Set(facts.map(\.seq)) == Set(report.entries.map(\.seq)))
        #expect(!facts.contains { $0.path.hasPrefix("@context") || $0.path == "type" })

        let commitment = built.seq(.commitment)
        let end = try #require(facts.first { $0.seq == commitment && $0.path == "securitySupportEnd" })
        #expect(end.value == "2032-12-31" && end.group == .commitments && end.kind == "LifecycleCommitment")
        #expect(end.partyName == TF.acme.legalName && end.signer == TF.reference(TF.manufacturerKey) && end.counted)
        let repairDigest = try #require(facts.first { $0.seq == commitment && $0.path == "repairInformation.digest" })
        #expect(repairDigest.group == .documents && repairDigest.value.hasPrefix("sha256:"))

        let firmware = facts.filter { $0.seq == built.seq(.firmwareOrigin) && $0.group == .firmware }
        #expect(firmware.contains { $0.value == TF.imageDigest } && firmware.contains { $0.value == TF.sbomDigest }, "\(firmware.map(\.path))")
        #expect(firmware.allSatisfy { $0.partyName == TF.chips.legalName })

        let country = try #require(facts.first { $0.seq == built.seq(.batteryOrigin) && $0.path.hasSuffix("countryOfOrigin") })
        #expect(country.value == "CN" && country.partyName == TF.cells.legalName)

        // Grouped in the fixed order; each group in seq order, document order within an entry.
        let grouped = SignedFacts.grouped(facts)
        #expect(grouped.map(\.group) == grouped.map(\.group).sorted())
        for g in grouped { #expect(g.facts.map(\.seq) == g.facts.map(\.seq).sorted(), "\(g.group)") }
        #expect(grouped.flatMap(\.facts).count == facts.count)
    }

    @Test("an extension member is shown under its namespace with its number exactly as signed; a rival's claim is shown but not counted")
    func extensionsAndUncounted() throws {
        let built = try SoundVerdictTests.built(registering: [(SoundVerdictTests.rival, SoundVerdictTests.rivalKey, [.manufacturer], ["gs1:4777777"])])
        let context = #""@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#","ext":"https://ext.example/voc#"}]"#
        let observation = "{\(context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5f0c1a00-0101-4e55-9a0e-1d2c3b4a5f60\",\"eventTime\":\"2027-03-01T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"\(TF.productURN)\"],\"readPoint\":{\"id\":\"\(TF.acme.facilityId)\"},\"ext:housingMassKg\":1.50,\"ext:finish\":{\"ext:colour\":\"graphite\"}}"
        let seen = try built.append(observation, by: TF.manufacturerKey, at: "2029-10-02T08:00:00Z")
        let rival = try built.append(built.fixture.commitmentJSON(supportEnd: "2040-12-31", time: "2029-10-02T10:00:00+01:00"),
                                     by: SoundVerdictTests.rivalKey, at: "2029-10-02T09:00:00Z")
        let (_, facts) = try Self.facts(built)

        let mass = try #require(facts.first { $0.seq == seen && $0.path == "ext:housingMassKg" })
        #expect(mass.value == "1.50" && mass.valueKind == .number, "the literal as signed, not 1.5")
        #expect(mass.group == .other && mass.namespace == "ext")
        let colour = try #require(facts.first { $0.seq == seen && $0.path == "ext:finish.ext:colour" })
        #expect(colour.value == "graphite" && colour.namespace == "ext")
        #expect(facts.filter { $0.seq == seen && $0.path == "bizStep" }.allSatisfy { $0.namespace == nil && $0.group == .identity })

        let claimed = facts.filter { $0.seq == rival }
        #expect(!claimed.isEmpty && claimed.allSatisfy { !$0.counted && $0.partyName == SoundVerdictTests.rival.legalName })
        #expect(claimed.contains { $0.path == "securitySupportEnd" && $0.value == "2040-12-31" })
        let brandOwners = built.seq(.commitment)
        let counted = facts.filter { $0.seq == brandOwners }.allSatisfy(\.counted)
        #expect(counted)
    }

    @Test("verify --bundle --json lists the facts by group; report --html shows them in tables with party names")
    func cli() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let r = try w.verify(bundle, ["--json"])
        #expect(r.exitCode == 0, "\(r)")
        let json = try JSONReport(r)
        let groups = try #require(json.object["facts"] as? [[String: Any]])
        #expect(groups.compactMap { $0["group"] as? String }.first == "identity")
        let all = groups.flatMap { $0["facts"] as? [[String: Any]] ?? [] }
        let end = try #require(all.first { $0["path"] as? String == "securitySupportEnd" })
        #expect(end["value"] as? String == "2032-12-31" && end["partyName"] as? String == TF.acme.legalName)
        #expect(end["seq"] as? Int == Int(w.built.seq(.commitment)) && end["counted"] as? Bool == true)
        #expect(end["signer"] as? String == TF.reference(TF.manufacturerKey))
        let text = try w.verify(bundle)
        #expect(text.stdout.contains("Signed facts: \(all.count) value(s)"), "\(text.stdout)")

        let out = w.dir.file("report.html")
        let page = try CLIHarness.assay(["report", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15", "--html", out])
        #expect(page.exitCode == 0, "\(page)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("<h2 id=facts>Signed facts</h2>"))
        #expect(html.contains("<h3>Commitments ("))
        #expect(html.contains("<tr><td>\(w.built.seq(.commitment))</td><td>\(TF.acme.legalName)<br>"))
        #expect(html.contains("<code>securitySupportEnd</code></td><td>2032-12-31</td>"))
    }
}
