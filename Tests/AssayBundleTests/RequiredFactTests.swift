import AssayCrypto
import AssayLedger
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Policies that require facts (issue 16): each required fact is met by a counted signed fact
/// of a party with authority over the product, or reported missing by name and article under
/// its principle; presets ship for the battery passport, the CRA/PSTI and the ESPR.
@Suite("Policies that require facts")
struct RequiredFactTests {
    static func policy(_ facts: String, extends: String? = nil) throws -> AuditPolicy {
        try AuditPolicy(json: Array("{\"type\":\"AuditPolicy\",\"name\":\"facts-test\"\(extends.map { ",\"extends\":\"\($0)\"" } ?? ""),\"requiredFacts\":[\(facts)]}".utf8))
    }

    @Test("a required fact the supplier signed is met and shown with its value and seq; a missing one fails its principle, named with its article")
    func metAndMissing() throws {
        let built = try TF().build()
        let policy = try Self.policy("""
        {"name":"software bill of materials","article":"Regulation (EU) 2024/2847 Annex I Part II(1)","principle":"hardware-software-security","anyOf":[{"kind":"LifecycleCommitment","path":"sbom"},{"path":"ilmd.assay:firmware.sbomDigest"}]},
        {"name":"expected use time","article":"Regulation (EU) 2024/2847 Art. 13(8)","principle":"lifecycle","anyOf":[{"kind":"LifecycleCommitment","path":"expectedUseTime"}]}
        """)
        let report = TF.verify(built.bundle, policy: policy)
        let security = report.result(.security)
        let met = try #require(security.findings.first { $0.message.hasPrefix("software bill of materials (Regulation (EU) 2024/2847 Annex I Part II(1)), required by facts-test") })
        #expect(met.severity == .fact && met.message.contains(TF.sbomDigest), "\(met.message)")
        // The latest matching fact speaks: the maker's encoding step repeats the supplier's digest.
        #expect(met.evidence.map(\.seq) == [built.seq(.encodingStep)] && met.message.contains(TF.acme.legalName), "\(met.evidence) \(met.message)")
        let lifecycle = report.result(.lifecycle)
        #expect(lifecycle.verdict == .notSatisfied && !report.passed)
        let missing = try #require(lifecycle.problems.first)
        #expect(missing.message.hasPrefix("missing expected use time (Regulation (EU) 2024/2847 Art. 13(8)), required by facts-test"), "\(missing.message)")
        // Without the requirement the same bundle passes: the fact alone made the difference.
        #expect(TF.verify(built.bundle).passed)
    }

    @Test("a fact signed by a party without authority over the product does not meet a requirement")
    func rivalsFactDoesNotCount() throws {
        let built = try SoundVerdictTests.built(registering: [(SoundVerdictTests.rival, SoundVerdictTests.rivalKey, [.manufacturer], ["gs1:4777777"])])
        let context = #""@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ext":"https://ext.example/voc#"}]"#
        let claim = "{\(context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5f0c1a00-0102-4e55-9a0e-1d2c3b4a5f60\",\"eventTime\":\"2027-03-01T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"\(TF.productURN)\"],\"readPoint\":{\"id\":\"\(SoundVerdictTests.rival.facilityId)\"},\"ext:recycledCobaltShare\":\"16\"}"
        try built.append(claim, by: SoundVerdictTests.rivalKey, at: "2029-10-02T08:00:00Z")
        let rivalCommitment = try built.append(built.fixture.commitmentJSON(supportEnd: "2040-12-31", time: "2029-10-02T10:00:00+01:00"),
                                               by: SoundVerdictTests.rivalKey, at: "2029-10-02T09:00:00Z")
        let policy = try Self.policy("""
        {"name":"recycled cobalt share","article":"Regulation (EU) 2023/1542 Art. 8","principle":"provenance","anyOf":[{"path":"ext:recycledCobaltShare"}]},
        {"name":"support until 2040","article":"test","principle":"lifecycle","anyOf":[{"kind":"LifecycleCommitment","path":"securitySupportEnd","value":"2040-12-31"}]}
        """)
        let report = TF.verify(try built.exportAgain(), policy: policy)
        #expect(report.entries.contains { $0.seq == rivalCommitment }, "the rival's entries are in the bundle")
        #expect(report.result(.provenance).problems.contains { $0.message.hasPrefix("missing recycled cobalt share (Regulation (EU) 2023/1542 Art. 8)") }, "\(report.summary)")
        #expect(report.result(.lifecycle).problems.contains { $0.message.hasPrefix("missing support until 2040 (test)") }, "\(report.summary)")
    }

    @Test("presets: each names its facts with articles; cra-psti on the thermostat reports exactly the declared fields its commitment lacks")
    func presets() throws {
        for name in AuditPolicy.presetNames {
            let p = try #require(AuditPolicy.preset(named: name))
            #expect(p.name == name && !p.requiredFacts.isEmpty)
            #expect(p.requiredFacts.allSatisfy { !$0.article.isEmpty && !$0.anyOf.isEmpty })
            #expect(Set(p.requiredFacts.map(\.name)).count == p.requiredFacts.count, "\(name): names are unique")
        }
        #expect(AuditPolicy.preset(named: "battery-passport") == nil)
        let ev = try #require(AuditPolicy.preset(named: "battery-passport-ev")).requiredFacts.map(\.name)
        let lmt = try #require(AuditPolicy.preset(named: "battery-passport-lmt")).requiredFacts.map(\.name)
        #expect(ev.contains("battery category ev") && lmt.contains("battery category lmt") && ev.contains("initial round-trip efficiency") && !lmt.contains("initial round-trip efficiency"))
        #expect(ev.contains("carbon footprint per kWh") && ev.contains("supply chain due diligence report") && ev.contains("state of health"))

        let built = try TF().build()
        let report = TF.verify(built.bundle, policy: try #require(AuditPolicy.preset(named: "cra-psti")))
        let problems = report.principles.flatMap(\.problems).map(\.message).filter { $0.hasPrefix("missing ") }
        #expect(problems.contains { $0.hasPrefix("missing expected use time (Regulation (EU) 2024/2847 Art. 13(8)), required by cra-psti") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("missing security update mechanism (") })
        #expect(!problems.contains { $0.contains("security support end date") || $0.contains("vulnerability reporting contact") || $0.contains("software bill of materials") },
                "the thermostat signs these: \(problems)")
        #expect(report.result(.lifecycle).findings.contains { $0.severity == .fact && $0.message.hasPrefix("security support end date") && $0.message.contains("2032-12-31") })

        // A policy file can extend a preset; its own requiredFacts replace the preset's.
        let extended = try AuditPolicy(json: Array(#"{"type":"AuditPolicy","extends":"cra-psti","name":"mine"}"#.utf8))
        #expect(extended.name == "mine" && extended.requiredFacts == AuditPolicy.preset(named: "cra-psti")!.requiredFacts)
        let replaced = try AuditPolicy(json: Array(#"{"type":"AuditPolicy","extends":"cra-psti","requiredFacts":[]}"#.utf8))
        #expect(replaced.requiredFacts.isEmpty && replaced.name == "cra-psti")
    }

    @Test("--policy takes a preset name; --policy-key with a preset is refused; a missing fact makes verify exit 1 naming it")
    func cli() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let r = try w.verify(bundle, ["--policy", "cra-psti"])
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stdout.contains("missing expected use time (Regulation (EU) 2024/2847 Art. 13(8)), required by cra-psti"), "\(r.stdout)")
        #expect(r.stdout.contains("policy cra-psti"))
        let keyed = try w.verify(bundle, ["--policy", "cra-psti", "--policy-key", w.logKey])
        #expect(keyed.exitCode == 2 && keyed.stderr.contains("preset"), "\(keyed)")
        let unknown = try w.verify(bundle, ["--policy", "no-such-preset"])
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("no-such-preset"), "\(unknown)")
    }
}
