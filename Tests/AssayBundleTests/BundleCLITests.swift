import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayReport
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// A thermostat ledger file on disk, its operator key file, and paths for what the CLI writes.
struct CLIWorkspace {
    let dir: TemporaryDirectory
    let ledger: String
    let logKey: String
    let built: TF.Built

    init(defect: TF.Defect = .none) throws {
        dir = try TemporaryDirectory(prefix: "assay-bundle-cli")
        ledger = dir.file("thermostat.assay")
        built = try TF(defect: defect, path: ledger).build()
        logKey = try dir.write("operator.pub", TF.operatorKey.verifierKey.description + "\n")
    }

    /// `assay export` of the thermostat (named as an EPC URN) to `name`.
    func export(_ name: String = "thermostat.assay-bundle", extra: [String] = []) throws -> (String, CLIResult) {
        let out = dir.file(name)
        let r = try CLIHarness.assay(["export", "--ledger", ledger, "--product", TF.productURN, "--out", out] + extra)
        return (out, r)
    }

    func verify(_ bundle: String, _ extra: [String] = []) throws -> CLIResult {
        try CLIHarness.assay(["verify", "--bundle", bundle, "--log-key", logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15"] + extra)
    }

    func remove() { dir.remove() }
}

/// The `--json` report, parsed.
struct JSONReport {
    let object: [String: Any]

    init(_ r: CLIResult) throws {
        let o = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes))
        object = try #require(o as? [String: Any], "not a JSON object: \(r)")
    }

    var passed: Bool? { object["passed"] as? Bool }
    var principles: [[String: Any]] { object["principles"] as? [[String: Any]] ?? [] }

    func verdict(_ p: Principle) -> String? {
        principles.first { $0["principle"] as? String == p.rawValue }?["verdict"] as? String
    }

    /// Every evidence entry of every problem of `p`.
    func problemEvidence(_ p: Principle) -> [[String: Any]] {
        let findings = principles.first { $0["principle"] as? String == p.rawValue }?["findings"] as? [[String: Any]] ?? []
        return findings.filter { $0["severity"] as? String == "problem" }.flatMap { $0["evidence"] as? [[String: Any]] ?? [] }
    }
}

@Suite("assay export / verify --bundle / report / graph")
struct BundleCLITests {
    @Test("export → verify --bundle: exit 0, PASS; --json parses with every principle satisfied")
    func exportAndVerify() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, exported) = try w.export()
        #expect(exported.exitCode == 0, "\(exported)")
        #expect(exported.stdout.contains("exported \(w.built.bundle.entries.count) entries about \(TF.product)"), "\(exported)")
        // The CLI writes exactly what the library exports.
        #expect(try String(contentsOfFile: bundle, encoding: .utf8) == w.built.bundle.json)

        let text = try w.verify(bundle)
        #expect(text.exitCode == 0, "\(text)")
        #expect(text.stdout.hasPrefix("Product \(TF.product) — PASS"), "\(text)")
        for p in Principle.allCases { #expect(text.stdout.contains("\(p.title): SATISFIED"), "\(p)") }

        let json = try w.verify(bundle, ["--json"])
        #expect(json.exitCode == 0, "\(json)")
        let report = try JSONReport(json)
        #expect(report.passed == true)
        #expect(report.object["product"] as? String == TF.product)
        #expect(report.object["auditDate"] as? String == "2030-01-15")
        #expect(report.object["policy"] as? String == "assay-default")
        #expect(report.principles.count == Principle.allCases.count)
        for p in Principle.allCases { #expect(report.verdict(p) == "satisfied", "\(p)") }
    }

    @Test("a failing bundle exits 1, and --json names the principle and the entry")
    func failingBundle() throws {
        let w = try CLIWorkspace(defect: .componentWithoutOrigin)
        defer { w.remove() }
        let (bundle, exported) = try w.export()
        #expect(exported.exitCode == 0, "\(exported)")
        let text = try w.verify(bundle)
        #expect(text.exitCode == 1, "\(text)")
        #expect(text.stdout.contains("Provenance: NOT-SATISFIED"), "\(text)")
        let json = try w.verify(bundle, ["--json"])
        #expect(json.exitCode == 1)
        let report = try JSONReport(json)
        #expect(report.passed == false)
        #expect(report.verdict(.provenance) == "not-satisfied")
        #expect(report.verdict(.integrity) == "satisfied")
        let assembly = w.built.expected(.assembly)
        #expect(report.problemEvidence(.provenance).contains {
            ($0["seq"] as? Int).map(UInt64.init) == assembly.seq && $0["kind"] as? String == assembly.kind && $0["signer"] as? String == assembly.signer
        }, "\(report.problemEvidence(.provenance))")
    }

    @Test("verify --bundle --at after the support end exits 1 on lifecycle")
    func auditDateAfterSupportEnd() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let r = try CLIHarness.assay(["verify", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2033-01-01", "--json"])
        #expect(r.exitCode == 1, "\(r)")
        let report = try JSONReport(r)
        #expect(report.verdict(.lifecycle) == "not-satisfied")
        #expect(report.verdict(.provenance) == "satisfied")
    }

    @Test("export --since and verify --since with the older checkpoint: exit 0; another ledger's checkpoint: refused")
    func since() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let early = try w.dir.write("early.checkpoint", w.built.earlyCheckpoint.serialized)
        let (bundle, exported) = try w.export(extra: ["--since", early])
        #expect(exported.exitCode == 0, "\(exported)")
        let r = try w.verify(bundle, ["--since", early])
        #expect(r.exitCode == 0, "\(r)")
        let other = try TF(includeUnrelatedProduct: false).build()
        let foreign = try w.dir.write("foreign.checkpoint", other.earlyCheckpoint.serialized)
        let refused = try w.verify(bundle, ["--since", foreign])
        #expect(refused.exitCode == 1, "\(refused)")
        #expect(refused.stdout.contains("not consistent with the trusted checkpoint"), "\(refused)")
        let export = try w.export("foreign.assay-bundle", extra: ["--since", foreign]).1
        #expect(export.exitCode == 1, "an inconsistent trusted checkpoint is a verification failure: \(export)")
    }

    @Test("a policy signed by the auditor is applied; a wrong key, a missing key or an unsigned policy with a key is refused")
    func signedPolicy() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        func signed(_ policy: String, by key: NamedSigningKey, type: String = AuditPolicy.payloadType) -> [UInt8] {
            Envelope.sign(payload: Array(policy.utf8), payloadType: type, with: key).canonicalJSON
        }
        let auditorPub = try w.dir.write("auditor.pub", TF.auditorKey.verifierKey.description + "\n")
        let strangerPub = try w.dir.write("stranger.pub", Fixtures.strangerKey.verifierKey.description + "\n")
        let lenient = try w.dir.write("lenient.dsse.json", signed(#"{"type":"AuditPolicy","name":"trust-mark-2030"}"#, by: TF.auditorKey))
        let strict = try w.dir.write("strict.dsse.json",
                                     signed(#"{"type":"AuditPolicy","name":"ten-years","minimumSupportYears":10}"#, by: TF.auditorKey))

        let ok = try w.verify(bundle, ["--policy", lenient, "--policy-key", auditorPub, "--json"])
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(try JSONReport(ok).object["policy"] as? String == "trust-mark-2030")

        let tough = try w.verify(bundle, ["--policy", strict, "--policy-key", auditorPub, "--json"])
        #expect(tough.exitCode == 1, "\(tough)")
        let report = try JSONReport(tough)
        #expect(report.object["policy"] as? String == "ten-years")
        #expect(report.verdict(.security) == "not-satisfied")

        let wrongKey = try w.verify(bundle, ["--policy", strict, "--policy-key", strangerPub])
        #expect(wrongKey.exitCode == 1, "\(wrongKey)")
        #expect(wrongKey.stderr.contains("not signed by \(Fixtures.strangerKey.name)"), "\(wrongKey)")
        #expect(wrongKey.stdout.isEmpty, "no report from an unchecked policy")

        let noKey = try w.verify(bundle, ["--policy", strict])
        #expect(noKey.exitCode == 2 && noKey.stderr.contains("--policy-key"), "\(noKey)")

        let plain = try w.dir.write("plain.json", #"{"type":"AuditPolicy","name":"unsigned"}"#)
        let unsignedWithKey = try w.verify(bundle, ["--policy", plain, "--policy-key", auditorPub])
        #expect(unsignedWithKey.exitCode == 1, "\(unsignedWithKey)")
        let unsigned = try w.verify(bundle, ["--policy", plain, "--json"])
        #expect(unsigned.exitCode == 0, "\(unsigned)")
        #expect(try JSONReport(unsigned).object["policy"] as? String == "unsigned")

        let statementType = try w.dir.write("wrongtype.dsse.json",
                                            signed(#"{"type":"AuditPolicy"}"#, by: TF.auditorKey, type: Envelope.statementPayloadType))
        let wrongType = try w.verify(bundle, ["--policy", statementType, "--policy-key", auditorPub])
        #expect(wrongType.exitCode == 2 && wrongType.stderr.contains("payloadType"), "\(wrongType)")
    }

    @Test("verify --bundle --witness-key W --witnesses-needed 1: exit 1 without a cosignature, exit 0 with the witness's")
    func witnessFlags() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let witness = try w.dir.write("witness.pub", TF.witnessKey.verifierKey.description + "\n")
        let policy = ["--witness-key", witness, "--witnesses-needed", "1"]
        let bare = try w.verify(bundle, policy)
        #expect(bare.exitCode == 1, "\(bare)")
        #expect(bare.stdout.contains("Integrity and data security: NOT-SATISFIED") && bare.stdout.contains("policy needs 1"), "\(bare)")

        let note = try SignedNote(parsing: Array(w.built.bundle.checkpoint.utf8))
        let line = Cosignature.sign(checkpointText: note.text, timestamp: 1_893_456_000, key: TF.witnessKey)
        let cosigned = try w.dir.write("cosigned.assay-bundle",
                                       w.built.bundle.with(checkpoint: SignedNote(text: note.text, signatures: note.signatures + [line]).serialized).json)
        let ok = try w.verify(cosigned, policy)
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(ok.stdout.contains("1 witness cosignature(s)"), "\(ok)")
        let tooMany = try w.verify(cosigned, ["--witness-key", witness, "--witnesses-needed", "2"])
        #expect(tooMany.exitCode == 2, "more witnesses needed than keys given is a usage error: \(tooMany)")
    }

    @Test("report --html writes a self-contained page with each principle's title and verdict")
    func htmlReport() throws {
        for defect in [TF.Defect.none, .supportEndShortened] {
            let w = try CLIWorkspace(defect: defect)
            defer { w.remove() }
            let (bundle, _) = try w.export()
            let out = w.dir.file("report.html")
            let r = try CLIHarness.assay(["report", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15", "--html", out])
            // report exits like verify: 0 on PASS, 1 on FAIL (after writing the page).
            #expect(r.exitCode == (defect == .none ? 0 : 1), "\(r)")
            #expect(r.stdout.hasPrefix("wrote \(out): \(defect == .none ? "PASS" : "FAIL")"), "\(r)")
            let html = try String(contentsOfFile: out, encoding: .utf8)
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains("assay \(AssayVersion.current)"), "the page names the verifier's version")
            #expect(html.contains(defect == .none ? ">PASS<" : ">FAIL<"))
            let report = TF.verify(w.built.bundle)
            for p in report.principles {
                let row = "<tr><td>\(p.principle.title)</td><td class=\"\(p.verdict == .satisfied ? "pass" : "fail")\">\(p.verdict.rawValue)</td>"
                #expect(html.contains(row), "\(defect): no row \(row)")
            }
            // The evidence and the commitment's end date are on the page.
            #expect(html.contains("2032-12-31"))
            if defect == .supportEndShortened {
                #expect(html.contains("seq \(w.built.seq(.shortenedCommitment)) LifecycleCommitment by \(TF.reference(TF.manufacturerKey))"))
            }
            for s in TF.suppliers { #expect(html.contains(s.legalName)) }
            // Self-contained: nothing loaded from elsewhere. (Each pattern is checked to match a
            // page that does load something, so a pattern that fails to compile cannot pass silently.)
            let external = [
                (#"(?i)<(script|img|iframe|link|object|embed|video|audio|source)\b[^>]*\b(src|href|data)\s*=\s*["']?(https?:)?//"#,
                 #"<link rel="stylesheet" href="https://cdn.example/x.css">"#),
                (#"(?i)url\(\s*["']?(https?:)?//"#, #"<style>body{background:url('//cdn.example/bg.png')}</style>"#),
                (#"(?i)@import"#, #"<style>@import "https://cdn.example/x.css";</style>"#),
            ]
            for (pattern, bad) in external {
                #expect(bad.range(of: pattern, options: .regularExpression) != nil, "pattern \(pattern) does not work")
                #expect(html.range(of: pattern, options: .regularExpression) == nil, "\(defect): external resource matching \(pattern)")
            }
        }
    }

    @Test("export --json reports the bundle file, product, entry count and checkpoint size")
    func exportJSON() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (out, r) = try w.export(extra: ["--json"])
        #expect(r.exitCode == 0 && r.stderr.isEmpty, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any], "\(r)")
        #expect(object["bundle"] as? String == out)
        #expect(object["product"] as? String == TF.product)
        #expect((object["entries"] as? Int ?? 0) > 0 && (object["checkpointSize"] as? Int ?? 0) > 0, "\(object)")
        #expect(FileManager.default.fileExists(atPath: out))
    }

    @Test("graph --json: the product, every component with its origin's supplier, tier and country, and the edges")
    func graphJSON() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let r = try CLIHarness.assay(["graph", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product,
                                      "--at", "2030-01-15", "--json"])
        #expect(r.exitCode == 0, "\(r)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any], "\(r)")
        #expect(object["product"] as? String == TF.product)
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        for c in TF.components {
            let node = try #require(nodes.first { $0["id"] as? String == c }, "\(c)")
            #expect(node["tier"] as? Int == 1 && node["supplier"] is String && node["country"] is String, "\(node)")
        }
        #expect(((object["edges"] as? [[String: Any]]) ?? []).count >= TF.components.count)
    }

    @Test("report exits like verify --bundle (0 PASS, 1 FAIL) in text, JSON and HTML; --html - writes the page to standard output")
    func reportExitCodesAndStdout() throws {
        for defect in [TF.Defect.none, .supportEndShortened] {
            let w = try CLIWorkspace(defect: defect)
            defer { w.remove() }
            let (bundle, _) = try w.export()
            let base = ["report", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15"]
            let expected: Int32 = defect == .none ? 0 : 1
            let text = try CLIHarness.assay(base)
            #expect(text.exitCode == expected && text.stdout.hasPrefix("Product "), "\(text)")
            #expect(text.stdout.contains("assay \(AssayVersion.current)"), "\(text)")
            let json = try CLIHarness.assay(base + ["--json"])
            #expect(json.exitCode == expected, "\(json)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdoutBytes)) as? [String: Any], "\(json)")
            #expect(object["passed"] as? Bool == (defect == .none))
            #expect(object["assayVersion"] as? String == AssayVersion.current)
            let page = try CLIHarness.assay(base + ["--html", "-"], in: w.dir.path)
            #expect(page.exitCode == expected, "\(page)")
            #expect(page.stdout.hasPrefix("<!doctype html>") && page.stdout.hasSuffix("</html>\n"), "\(page)")
            #expect(!FileManager.default.fileExists(atPath: w.dir.file("-")), "no file named '-' is written")
            if defect != .none {
                #expect(page.stderrLines.count == 1 && page.stderr.hasPrefix("assay: "), "\(page)")
            }
        }
    }

    @Test("the HTML report does not show a component made in a manufacturing step as having no origin")
    func htmlShowsProducedComponents() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        let out = w.dir.file("report.html")
        let r = try CLIHarness.assay(["report", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15", "--html", out])
        #expect(r.exitCode == 0, "\(r)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        let row = try #require(html.components(separatedBy: "<tr>").first { $0.contains("<code>\(TF.board)</code>") })
        #expect(!row.contains("none"), "\(row)")
        #expect(row.contains("seq \(w.built.seq(.encodingStep))"), "\(row)")
    }

    @Test("graph --format dot and mermaid name every component and supplier")
    func graphCommand() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let (bundle, _) = try w.export()
        for format in ["dot", "mermaid"] {
            let r = try CLIHarness.assay(["graph", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15", "--format", format])
            #expect(r.exitCode == 0, "\(r)")
            for c in TF.components { #expect(r.stdout.contains(c), "\(format): \(c)") }
            for s in TF.suppliers { #expect(r.stdout.contains(s.legalName), "\(format): \(s.legalName)") }
        }
        let bad = try CLIHarness.assay(["graph", "--bundle", bundle, "--log-key", w.logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--format", "svg"])
        #expect(bad.exitCode == 2)
    }
}
