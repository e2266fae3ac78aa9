import AssayTestSupport
import Foundation
import Testing

/// Who may sign which part of a product passport, judged when an entry is appended (refused,
/// the ledger unchanged) and when a ledger is verified — through the real `assay` binary:
/// `assay statement passport`, `assay sign`, `assay append`, `assay verify`.
@Suite("Passport data authority")
struct PassportAuthorityTests {
    static let acmeParty = "https://id.gs1.org/417/4012345000009"
    static let rivalParty = "https://id.gs1.org/417/4098765000003"
    static let repairerParty = "https://id.gs1.org/417/4012399000000"
    static let representativeParty = "https://id.gs1.org/417/4012400000005"
    static let secondLifeParty = "https://id.gs1.org/417/4000001000005"
    static let model = "https://id.gs1.org/01/04012345000122"
    static let battery = "https://id.gs1.org/01/04012345000122/21/BP-1"
    /// The repurposed battery's new passport, under the second-life operator's own GS1 prefix.
    static let successor = "https://id.gs1.org/01/04000001000012/21/SL-42"

    static let carbon = """
        {"batteryCarbonFootprint": 68.40, "carbonFootprintPerLifecycleStage": [{"lifecycleStage": "MainProduction", "carbonFootprint": 22.9}],
         "carbonFootprintPerformanceClass": "B", "carbonFootprintStudy": "https://acme.example/cf-study.pdf"}
        """

    /// A ledger with genesis and five parties: ACME (manufacturer, gs1:4012345), a rival
    /// manufacturer (gs1:4098765), a repairer, an authorised representative (no scope of its own)
    /// and a second-life operator (gs1:4000001).
    struct Setup {
        let ws: Workspace
        var keys: [String: String] = [:]

        init() throws {
            ws = try Workspace.keysOnly()
            try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
            for name in ["acme", "rival", "repairer", "representative", "secondlife"] {
                let path = ws.file("\(name).key")
                try ws.must("key", "generate", "--name", "\(name).example/signer", "--out", path)
                keys[name] = path
            }
            try register("acme", PassportAuthorityTests.acmeParty, "ACME Batteries GmbH", roles: ["manufacturer"], scopes: ["gs1:4012345"])
            try register("rival", PassportAuthorityTests.rivalParty, "Rival Cells AG", roles: ["manufacturer"], scopes: ["gs1:4098765"])
            try register("repairer", PassportAuthorityTests.repairerParty, "Fix-It Repairs", roles: ["repairer"], scopes: [])
            try register("representative", PassportAuthorityTests.representativeParty, "EU Rep Services", roles: ["authorisedRepresentative"], scopes: [])
            try register("secondlife", PassportAuthorityTests.secondLifeParty, "Second Life Storage", roles: ["secondLifeOperator"], scopes: ["gs1:4000001"])
        }

        func register(_ name: String, _ party: String, _ legal: String, roles: [String], scopes: [String]) throws {
            var args = ["register", "--ledger", ws.ledger, "--key", ws.key(.operator), "--party-id", party, "--legal-name", legal,
                        "--public-key", keys[name]! + ".pub"]
            for r in roles { args += ["--role", r] }
            for s in scopes { args += ["--scope", s] }
            let r = try assay(args)
            guard r.exitCode == 0 else { throw CLIHarnessError("registering \(name) failed:\n\(r)") }
        }

        /// `assay statement passport`, then `assay sign` by `signer`: the envelope's path.
        func passport(_ aspect: String, subject: String, data: String, by signer: String, as label: String,
                      time: String = "2026-11-20T10:00:00+01:00") throws -> String {
            let dataFile = try ws.write("\(label).data.json", data)
            let statement = ws.file("\(label).statement.json")
            let made = try assay("statement", "passport", "--aspect", aspect, "--subject", subject, "--data", dataFile, "--time", time, "--out", statement)
            guard made.exitCode == 0 else { throw CLIHarnessError("statement passport failed:\n\(made)") }
            return try envelope(of: statement, by: signer, as: label)
        }

        func envelope(of statement: String, by signer: String, as label: String) throws -> String {
            let env = ws.file("\(label).dsse.json")
            let signed = try assay("sign", "--key", keys[signer]!, "--out", env, statement)
            guard signed.exitCode == 0 else { throw CLIHarnessError("sign failed:\n\(signed)") }
            return env
        }

        func append(_ envelope: String) throws -> CLIResult { try assay("append", "--ledger", ws.ledger, envelope) }
    }

    /// The published-schema battery condition of Schemas/examples (the data member only).
    static func conditionData() throws -> String {
        let url = Vectors.packageRoot.appendingPathComponent("Schemas/examples/valid/PassportData-batteryCondition.json")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return String(decoding: try JSONSerialization.data(withJSONObject: try #require(obj["data"])), as: UTF8.self)
    }

    @Test("the manufacturer signs its model's carbon footprint; a rival manufacturer is refused and the ledger is unchanged")
    func rivalManufacturer() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        expectSuccess(try s.append(try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "acme", as: "acme-cf")))
        let before = try LedgerSnapshot.take(s.ws.ledger)
        let rival = try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "rival", as: "rival-cf")
        expectRefusal(try s.append(rival), mentioning: ["no authority over \(Self.model)", "carbonFootprint aspect is the brand owner's"])
        #expect(try LedgerSnapshot.take(s.ws.ledger) == before)
        // Not for an item of that model either.
        let rivalItem = try s.passport("generalProductInformation", subject: Self.battery, data: try Self.exampleData("generalProductInformation"),
                                       by: "rival", as: "rival-gpi")
        expectRefusal(try s.append(rivalItem), mentioning: ["no authority over \(Self.battery)"])
        #expect(try LedgerSnapshot.take(s.ws.ledger) == before)
    }

    @Test("a repairer may sign a battery's condition but not its carbon footprint")
    func repairer() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        let condition = try s.passport("batteryCondition", subject: Self.battery, data: try Self.conditionData(), by: "repairer", as: "soh")
        expectSuccess(try s.append(condition))
        let before = try LedgerSnapshot.take(s.ws.ledger)
        let carbon = try s.passport("carbonFootprint", subject: Self.battery, data: Self.carbon, by: "repairer", as: "repairer-cf")
        expectRefusal(try s.append(carbon), mentioning: ["may not write the carbonFootprint aspect", "written by: authorisedRepresentative, manufacturer"])
        #expect(try LedgerSnapshot.take(s.ws.ledger) == before)
        // A manufacturer records the condition of its own batteries only.
        let rivalCondition = try s.passport("batteryCondition", subject: Self.battery, data: try Self.conditionData(), by: "rival", as: "rival-soh")
        expectRefusal(try s.append(rivalCondition), mentioning: ["no authority over \(Self.battery)"])
        let acmeCondition = try s.passport("batteryCondition", subject: Self.battery, data: try Self.conditionData(), by: "acme", as: "acme-soh")
        expectSuccess(try s.append(acmeCondition))
    }

    @Test("an authorised representative signs the manufacturer's static data only under a delegation of PassportData")
    func authorisedRepresentative() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        let gpi = try Self.exampleData("generalProductInformation")
        let early = try s.passport("generalProductInformation", subject: Self.battery, data: gpi, by: "representative", as: "rep-early")
        let before = try LedgerSnapshot.take(s.ws.ledger)
        expectRefusal(try s.append(early), mentioning: ["no authority over \(Self.battery)"])
        #expect(try LedgerSnapshot.take(s.ws.ledger) == before)
        // A delegation of other kinds does not help.
        try delegate(s, kinds: ["LifecycleCommitment"], as: "delegation-lc")
        expectRefusal(try s.append(early), mentioning: ["no authority over \(Self.battery)"])
        try delegate(s, kinds: ["PassportData"], as: "delegation-pd")
        expectSuccess(try s.append(early))
        let cf = try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "representative", as: "rep-cf")
        expectSuccess(try s.append(cf))
        // Outside the delegated scope (the rival's GTIN), still refused.
        let other = try s.passport("carbonFootprint", subject: "https://id.gs1.org/01/04098765000010", data: Self.carbon, by: "representative", as: "rep-other")
        expectRefusal(try s.append(other), mentioning: ["no authority over https://id.gs1.org/01/04098765000010"])
        // The representative has no role for dynamic data.
        let soh = try s.passport("batteryCondition", subject: Self.battery, data: try Self.conditionData(), by: "representative", as: "rep-soh")
        expectRefusal(try s.append(soh), mentioning: ["may not write the batteryCondition aspect"])
        expectSuccess(try assay("verify", "--ledger", s.ws.ledger))
    }

    @Test("a product's bundle carries its model's passport and the delegation behind it; verify --bundle judges the representative's authority again")
    func bundleCarriesModelPassport() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        try delegate(s, kinds: ["PassportData"], as: "delegation")
        let cf = try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "representative", as: "rep-cf")
        let cfSeq = try #require(Int(try s.append(cf).stdout.split(separator: " ")[2]))
        let gpi = try s.passport("generalProductInformation", subject: Self.battery, data: try Self.exampleData("generalProductInformation"),
                                 by: "representative", as: "rep-gpi")
        expectSuccess(try s.append(gpi))
        try s.ws.checkpoint(as: "cp.txt")
        let bundle = s.ws.file("battery.assay-bundle")
        expectSuccess(try assay("export", "--ledger", s.ws.ledger, "--product", Self.battery, "--out", bundle))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(s.ws.read(bundle))) as? [String: Any])
        let seqs = ((doc["entries"] as? [[String: Any]]) ?? []).compactMap { $0["seq"] as? Int }
        #expect(seqs.contains(cfSeq), "the model's carbon footprint (seq \(cfSeq)) is part of the item's bundle: \(seqs)")
        let r = try assay("verify", "--bundle", bundle, "--log-key", s.ws.pub(.operator), "--origin", testOrigin, "--product", Self.battery, "--json")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any], "\(r)")
        let principles = (report["principles"] as? [[String: Any]]) ?? []
        let integrity = principles.first { $0["principle"] as? String == "integrity" }
        let accountability = principles.first { $0["principle"] as? String == "accountability" }
        #expect(integrity?["verdict"] as? String == "satisfied", "\(r.stdout)")
        #expect(accountability?["verdict"] as? String == "satisfied", "\(r.stdout)")
    }

    func delegate(_ s: Setup, kinds: [String], as label: String) throws {
        let statement = try s.ws.write("\(label).statement.json", """
            {"type":"AuthorityDelegation","delegate":"\(Self.representativeParty)","scopes":["gs1:4012345"],\
            "kinds":[\(kinds.map { "\"\($0)\"" }.joined(separator: ","))],"eventTime":"2026-11-20T09:00:00+01:00","eventTimeZoneOffset":"+01:00"}
            """)
        expectSuccess(try s.append(try s.envelope(of: statement, by: "acme", as: label)))
    }

    @Test("a second-life operator records the repurposed battery's new passport, linked to the original (Art. 77(6))")
    func secondLife() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        let link = "{\"batteryStatus\": \"Repurposed\", \"successorOf\": \"\(Self.battery)\"}"
        let repurposed = try s.passport("status", subject: Self.successor, data: link, by: "secondlife", as: "repurposed")
        expectSuccess(try s.append(repurposed))
        // The original's status, by the party that changed it: no authority over ACME's GTIN needed.
        let original = try s.passport("status", subject: Self.battery, data: "{\"batteryStatus\": \"Repurposed\"}", by: "secondlife", as: "original-status")
        expectSuccess(try s.append(original))
        let before = try LedgerSnapshot.take(s.ws.ledger)
        // A successor passport under someone else's GTIN is not the operator's to write.
        let foreign = try s.passport("status", subject: "https://id.gs1.org/01/04012345000122/21/SL-43", data: link, by: "secondlife", as: "foreign")
        expectRefusal(try s.append(foreign), mentioning: ["no authority over https://id.gs1.org/01/04012345000122/21/SL-43", "successor passport"])
        // Nor may it write the static parts of ACME's passport.
        let gpi = try s.passport("generalProductInformation", subject: Self.battery, data: try Self.exampleData("generalProductInformation"),
                                 by: "secondlife", as: "sl-gpi")
        expectRefusal(try s.append(gpi), mentioning: ["may not write the generalProductInformation aspect"])
        #expect(try LedgerSnapshot.take(s.ws.ledger) == before)
        let shown = try assay("log", "--ledger", s.ws.ledger, "--json")
        #expect(shown.stdoutLines.filter { $0.contains("\"PassportData\"") }.count == 2, "\(shown.stdout)")
        expectSuccess(try assay("verify", "--ledger", s.ws.ledger))
    }

    @Test("a manufacturer may commission its own serials (ObjectEvent ADD commissioning) and the ledger verifies")
    func manufacturerCommissionsOwnSerials() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        let commissioning = try s.ws.write("commission.statement.json", """
            {"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","epcList":["\(Self.battery)"],\
            "eventTime":"2026-11-12T08:30:00+01:00","eventTimeZoneOffset":"+01:00"}
            """)
        let r = try s.append(try s.envelope(of: commissioning, by: "acme", as: "commission"))
        expectSuccess(r)
        #expect(r.stdout.contains("ComponentOrigin"), "\(r.stdout)")
        expectSuccess(try assay("verify", "--ledger", s.ws.ledger))
    }

    @Test("verify refuses a ledger whose passport entry was signed without authority (swapped in and rehashed)")
    func verifyJudgesAuthority() throws {
        let s = try Setup()
        defer { s.ws.remove() }
        expectSuccess(try s.append(try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "acme", as: "acme-cf")))
        expectSuccess(try assay("verify", "--ledger", s.ws.ledger))
        // The attacker replaces ACME's entry with the rival's signed claim and recomputes every hash and node.
        let rival = try s.passport("carbonFootprint", subject: Self.model, data: Self.carbon, by: "rival", as: "rival-cf")
        let parts = try EnvelopeParts(try s.ws.read(rival))
        let canonical = parts.canonical
        let db = LedgerSQL(path: s.ws.ledger)
        let rows = try db.rows()
        let last = try #require(rows.last)
        #expect(last.kind == "PassportData")
        let (sql, leaves) = db.rehashSQL(rows: rows, replacing: last.seq, with: canonical)
        try db.tamper(sql + "\nUPDATE records SET signer = '\(parts.keyID)' WHERE seq = \(last.seq);\n" + LedgerSQL.rebuildNodesSQL(leaves))
        let r = try assay("verify", "--ledger", s.ws.ledger, "--json")
        #expect(r.exitCode == 1, "\(r)")
        let report = try VerifyReport(r)
        #expect(!report.ok)
        #expect(report.failureSeq == Int(last.seq), "\(r.stdout)")
        #expect(report.failureCheck == "authorization", "\(r.stdout)")
        #expect(report.failureMessage?.contains("no authority over \(Self.model)") == true, "\(r.stdout)")
    }

    @Test("statement passport reads the published UTF-16 payloads, keeps their number literals, and refuses the CAS defect naming the member")
    func statementCommand() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let pd = try Vectors.url("batterypass/PerformanceAndDurability-payload.json").path
        let r = try assay("statement", "passport", "--aspect", "performanceAndDurability", "--subject", Self.battery, "--data", pd,
                          "--time", "2026-11-20T10:00:00+01:00")
        expectSuccess(r)
        #expect(r.stdoutLines.count == 1)
        #expect(r.stdout.contains("\"expectedNumberOfCycles\":-4979411194606956234"), "\(r.stdout.prefix(300))")
        #expect(r.stdout.contains("\"ratedCapacity\":2.994716E38"))
        #expect(r.stdout.hasPrefix("{\"type\":\"PassportData\",\"subject\":\"\(Self.battery)\",\"aspect\":\"performanceAndDurability\",\"data\":{"))
        #expect(r.stdout.contains("\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"))
        let check = try assay("statement", "check", try ws.write("pd.json", r.stdout))
        expectSuccess(check)
        #expect(check.stdout.contains("OK PassportData"))

        let mc = try Vectors.url("batterypass/MaterialComposition-payload.json").path
        let bad = try assay("statement", "passport", "--aspect", "materialComposition", "--subject", Self.model, "--data", mc)
        expectRefusal(bad, mentioning: ["/data/batteryMaterials/0/batteryMaterialIdentifier", "7439-93-2 ", "CAS number pattern"])
        expectRefusal(try assay("statement", "passport", "--aspect", "colour", "--subject", Self.model, "--data", mc),
                      mentioning: ["unknown aspect \"colour\""])
        expectRefusal(try assay("statement", "passport", "--aspect", "carbonFootprint", "--subject", Self.model,
                                "--data", try ws.write("cf.json", Self.carbon), "--time", "2026-11-20T10:00:00"),
                      mentioning: ["--time"])
        expectRefusal(try assay("statement", "passport", "--aspect", "carbonFootprint", "--subject", Self.model,
                                "--data", try ws.write("broken.json", "{\"batteryCarbonFootprint\": 01}")),
                      mentioning: ["/data", "leading zero"])
    }

    static func exampleData(_ name: String) throws -> String {
        let url = Vectors.packageRoot.appendingPathComponent("Schemas/examples/valid/PassportData-\(name).json")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return String(decoding: try JSONSerialization.data(withJSONObject: try #require(obj["data"])), as: UTF8.self)
    }
}
