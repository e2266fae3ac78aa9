import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

private typealias BP = BatteryPassFixtures

/// A battery pack whose every passport aspect is signed by its party: the item's general
/// product information and performance (Volta, about the item), its material composition (about
/// its batch), carbon footprint, circularity, due diligence and labels (about its model).
private struct BatteryLedger {
    let ws: BatteryPassWorkspace
    /// The seq of each part's entry.
    var seqs: [String: UInt64] = [:]
    /// The subject each part was signed about.
    static let subjects: [String: String] = [
        "generalProductInformation": BP.item, "performanceAndDurability": BP.item,
        "materialComposition": BP.batch,
        "carbonFootprint": BP.model, "circularity": BP.model, "supplyChainDueDiligence": BP.model, "labels": BP.model,
    ]
    var step: UInt64 = 0

    init() throws {
        ws = try BatteryPassWorkspace()
        step = try ws.append(BP.packStep(items: [BP.item, BP.sibling]), by: .volta)
        for part in BP.parts {
            seqs[part] = try ws.importPart(part, subject: Self.subjects[part]!, by: .volta)
        }
        try ws.checkpoint()
    }
}

/// The exported passport, parsed, with each part written to its own file for Python.
private struct ExportedPassport {
    let text: String
    let object: [String: Any]
    let files: [String: String]

    init(file: String, dir: TemporaryDirectory, tag: String = "") throws {
        try self.init(text: try String(contentsOfFile: file, encoding: .utf8), dir: dir, tag: tag)
    }

    init(text: String, dir: TemporaryDirectory, tag: String = "") throws {
        self.text = text
        let o = try JSONSerialization.jsonObject(with: Data(text.utf8))
        object = try #require(o as? [String: Any], "not a JSON object: \(text.prefix(400))")
        var files: [String: String] = [:]
        for part in BP.parts where object[part] != nil {
            // The part's text exactly as exported (not re-serialised): its own member's value.
            files[part] = try dir.write("\(tag)\(part).json", try Self.memberText(part, in: text))
        }
        self.files = files
    }

    /// The exported text of top-level member `name` (the exporter writes one member per line).
    static func memberText(_ name: String, in text: String) throws -> String {
        let prefix = "\"\(name)\":"
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(prefix) || $0.hasPrefix("{" + prefix) }, "no \(name) line")
        var value = line.dropFirst(line.hasPrefix("{") ? prefix.count + 1 : prefix.count)
        if value.hasSuffix(",") || value.hasSuffix("}") && line == text.split(separator: "\n").last { value = value.dropLast() }
        return String(value)
    }

    var evidence: [String: [String: Any]] { object["evidence"] as? [String: [String: Any]] ?? [:] }
    var missing: [String] { object["missing"] as? [String] ?? ["(no missing member)"] }
    func part(_ name: String) -> [String: Any]? { object[name] as? [String: Any] }
}

@Suite("Battery Pass export from a verified bundle")
struct BatteryPassportExportTests {
    @Test("a battery pack end to end through assay: every aspect signed by its party, each of the seven parts valid against the Battery Pass v1.2.0 schemas")
    func endToEnd() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.stdout.hasPrefix("exported the battery passport of \(BP.item) to \(file): 7 of 7 parts"), "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect(p.object["passportFormat"] as? String == "BatteryPass-1.2.0")
        #expect(p.object["product"] as? String == BP.item)
        #expect(p.missing == [])
        let volta = try b.ws.reference(.volta)
        for part in BP.parts {
            let e = p.evidence[part]
            #expect((e?["seq"] as? Int).map(UInt64.init) == b.seqs[part], "\(part): \(String(describing: e))")
            #expect(e?["party"] as? String == BP.voltaParty, "\(part)")
            #expect(e?["signer"] as? String == volta, "\(part)")
            #expect(e?["subject"] as? String == BatteryLedger.subjects[part], "\(part)")
        }
        let verdicts = try BatteryPassSchemaCheck.verdicts(BP.parts.map { ($0, p.files[$0]!) })
        for part in BP.parts { #expect(verdicts[p.files[part]!] == String?.none, "\(part): \(String(describing: verdicts[p.files[part]!]))") }

        // The envelope follows Schemas/battery-passport.schema.json (and a stray member would not).
        try #require(PythonJSONSchema.available, "needs python3 with the jsonschema package")
        let envelope = try PythonJSONSchema.validate([p.text, p.text.replacingOccurrences(of: "\"missing\":[]", with: "\"missing\":[],\"note\":1")],
                                                     schema: "battery-passport.schema.json")
        #expect(envelope == [true, false])

        // The check bites: the published MaterialComposition, unfixed, is refused by its schema.
        let unfixed = try b.ws.dir.write("unfixed.json", try BP.published("materialComposition"))
        let control = try BatteryPassSchemaCheck.verdicts([("materialComposition", unfixed)])
        #expect((control[unfixed] ?? nil)?.contains("batteryMaterialIdentifier") == true, "\(String(describing: control))")
    }

    @Test("the published example payloads come back with the same values, every number literal exactly as published")
    func publishedPayloadsRoundTrip() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        for part in BP.parts {
            let signed = try b.ws.dir.write("signed-\(part).json", try BP.payload(part))
            #expect(try BatteryPassSchemaCheck.difference(signed, p.files[part]!) == nil, "\(part)")
        }
        // Every published payload but the defective one, compared with the vector file itself.
        for part in BP.parts where part != "circularity" && part != "materialComposition" {
            let published = try Vectors.url("batterypass/\(BP.fileStems[part]!)-payload.json").path
            #expect(try BatteryPassSchemaCheck.difference(published, p.files[part]!) == nil, "\(part)")
        }
        // Literals a Double would rewrite are in the export as published.
        for literal in ["-4979411194606956234", "1.6111172E38", "-1.7976931348623157E308", "\"postConsumerShare\":3.0", "\"preConsumerShare\":0.50",
                        "-17976931348623157" + String(repeating: "0", count: 292)] {
            #expect(p.text.contains(literal), "\(literal)")
        }
        // The comparison bites: a number with another literal for the same value differs.
        let a = try b.ws.dir.write("a.json", "{\"x\":[3.0]}"), c = try b.ws.dir.write("c.json", "{\"x\":[3]}")
        #expect(try BatteryPassSchemaCheck.difference(a, c) == "/x/0: 3.0 != 3")
    }

    @Test("a repairer's battery condition replaces the signed one, shown with its seq; the bundle gives the same passport offline")
    func repairerCondition() throws {
        var b = try BatteryLedger()
        defer { b.ws.remove() }
        let seq = try b.ws.append(BP.passportData(subject: BP.item, aspect: "batteryCondition", data: BP.repairerCondition,
                                                  time: "2026-10-14T10:30:00+02:00"), by: .repairer)
        b.seqs["batteryCondition"] = seq
        try b.ws.checkpoint()
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        let e = p.evidence["batteryCondition"]
        #expect((e?["seq"] as? Int).map(UInt64.init) == seq, "\(String(describing: e))")
        #expect(e?["party"] as? String == BP.repairerParty)
        #expect(e?["signer"] as? String == (try b.ws.reference(.repairer)))
        #expect((p.evidence["performanceAndDurability"]?["seq"] as? Int).map(UInt64.init) == b.seqs["performanceAndDurability"])
        // The condition is the repairer's, as signed; the rest of the part is the manufacturer's.
        let pd = p.files["performanceAndDurability"]!
        let repairer = try b.ws.dir.write("repairer.json", BP.repairerCondition)
        #expect(try BatteryPassSchemaCheck.difference(repairer, at: "", pd, at: "/batteryCondition") == nil)
        let published = try Vectors.url("batterypass/PerformanceAndDurability-payload.json").path
        #expect(try BatteryPassSchemaCheck.difference(published, at: "/batteryTechicalProperties", pd, at: "/batteryTechicalProperties") == nil)
        #expect(try BatteryPassSchemaCheck.difference(published, pd) != nil, "the signed condition was replaced")
        let verdicts = try BatteryPassSchemaCheck.verdicts([("performanceAndDurability", p.files["performanceAndDurability"]!)])
        #expect(verdicts.values.allSatisfy { $0 == nil }, "\(verdicts)")

        // Offline, from the bundle: the same passport, byte for byte.
        let bundle = try b.ws.exportBundle()
        let offline = try b.ws.passportFromBundle(bundle)
        #expect(offline.exitCode == 0, "\(offline)")
        #expect(offline.stdout == p.text, "\(offline)")
    }

    @Test("a status change by the repairer sets generalProductInformation.batteryStatus, with its seq")
    func statusChange() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let seq = try b.ws.append(BP.passportData(subject: BP.item, aspect: "status", data: #"{"batteryStatus":"Reused"}"#,
                                                  time: "2026-11-02T10:00:00+01:00"), by: .repairer)
        try b.ws.checkpoint()
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect(p.part("generalProductInformation")?["batteryStatus"] as? String == "Reused")
        #expect((p.evidence["status"]?["seq"] as? Int).map(UInt64.init) == seq)
        let verdicts = try BatteryPassSchemaCheck.verdicts([("generalProductInformation", p.files["generalProductInformation"]!)])
        #expect(verdicts.values.allSatisfy { $0 == nil }, "\(verdicts)")
    }

    @Test("a remanufactured pack: its status links to the original (Art. 77(6)); the ESPR product passport comes with its evidence")
    func successorAndProductPassport() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        // Volta remanufactured an older pack into this one: the new passport names the original.
        let original = "https://id.gs1.org/01/04098765000010/21/EB48-000001"
        let status = try b.ws.append(BP.passportData(subject: BP.item, aspect: "status", data: #"{"batteryStatus":"Remanufactured","successorOf":"\#(original)"}"#,
                                                     time: "2026-11-03T10:00:00+01:00"), by: .volta)
        let espr = #"{"uniqueProductIdentifier":"https://id.gs1.org/01/04098765000010","gtin":"04098765000010","commodityCode":"850760","complianceDocuments":[{"kind":"declarationOfConformity","url":"https://volta-batteries.example/doc/EB48.pdf","digest":"sha256:139d544b821b13ebea14f1b0fe18577222e415c2966e3a3511c4196055232202"}],"substancesOfConcern":[],"economicOperatorId":"https://id.gs1.org/417/4098765000003","facilityId":"https://id.gs1.org/414/4098765000010"}"#
        let passport = try b.ws.append(BP.passportData(subject: BP.model, aspect: "productPassport", data: espr), by: .volta)
        try b.ws.checkpoint()
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect(p.part("generalProductInformation")?["batteryStatus"] as? String == "Remanufactured")
        #expect(p.object["successorOf"] as? String == original)
        #expect((p.evidence["status"]?["seq"] as? Int).map(UInt64.init) == status)
        #expect((p.evidence["productPassport"]?["seq"] as? Int).map(UInt64.init) == passport)
        #expect(p.evidence["productPassport"]?["subject"] as? String == BP.model)
        let exported = try b.ws.dir.write("espr.json", try ExportedPassport.memberText("productPassport", in: p.text))
        #expect(try BatteryPassSchemaCheck.difference(try b.ws.dir.write("espr-signed.json", espr), exported) == nil)
    }

    @Test("a rival manufacturer's carbon footprint about the pack is never exported: the ledger refuses it, and a bundle holding it exports nothing")
    func rivalCarbonFootprint() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        // Through assay: refused at append (Rival Cells Ltd has no authority over Volta's pack), nothing written.
        let attack = BP.passportData(subject: BP.item, aspect: "carbonFootprint", data: BP.rivalCarbonFootprint, time: "2026-11-01T10:00:00+01:00")
        let refused = try b.ws.tryAppend(attack, by: .rival)
        #expect(refused.exitCode == 2 && refused.stderr.contains("no authority over \(BP.item)"), "\(refused)")
        try b.ws.checkpoint()
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect((p.evidence["carbonFootprint"]?["seq"] as? Int).map(UInt64.init) == b.seqs["carbonFootprint"])
        #expect(p.evidence["carbonFootprint"]?["party"] as? String == BP.voltaParty)
        let signed = try b.ws.dir.write("cf.json", try BP.payload("carbonFootprint"))
        #expect(try BatteryPassSchemaCheck.difference(signed, p.files["carbonFootprint"]!) == nil)
        #expect(!p.text.contains("rival-cells.example"))

        // A log that took it anyway (records written by hand, checkpoint signed by its operator):
        // the verifier refuses the entry, so the bundle does not verify and nothing is exported.
        let volta = Fixtures.key("volta.example/signing", seed: 0x61), rivalKey = Fixtures.key("rival.example/signing", seed: 0x62)
        var log = RogueLog.withGenesis()
        let at = "2026-11-01T09:00:00Z"
        log.append(PartyRegistration(partyId: BP.voltaParty, legalName: "Volta Batteries GmbH", roles: [.manufacturer], publicKey: volta.verifierKey.description,
                                     scopes: [try IdentifierScope(parsing: BP.model)], eventTime: try Timestamp(parsing: at)).json, by: TF.operatorKey, at: at)
        log.append(BP.passportData(subject: BP.model, aspect: "carbonFootprint", data: try BP.payload("carbonFootprint")), by: volta, at: "2026-11-01T10:00:00Z")
        let honestLog = log
        log.append(PartyRegistration(partyId: BP.rivalParty, legalName: "Rival Cells Ltd", roles: [.manufacturer], publicKey: rivalKey.verifierKey.description,
                                     scopes: [try IdentifierScope(parsing: BP.rivalModel)], eventTime: try Timestamp(parsing: at)).json, by: TF.operatorKey, at: at)
        log.append(attack, by: rivalKey, at: "2026-11-01T11:00:00Z")
        let rogue = try log.bundle(product: BP.item)
        let report = TF.verify(rogue, auditDate: try CalendarDate(parsing: "2026-12-01"), product: BP.item)
        #expect(report.result(.integrity).verdict == .notSatisfied)
        #expect(report.result(.integrity).findings.contains { $0.message.hasPrefix("entry 4:") && $0.message.contains("no authority") }, "\(report.summary)")
        #expect(throws: PassportExportError(.notVerified, "")) { try BatteryPassport(verified: report) }
        // Without the rival the same log's bundle exports Volta's footprint.
        let honest = try BatteryPassport(verified: TF.verify(try honestLog.bundle(product: BP.item), auditDate: try CalendarDate(parsing: "2026-12-01"), product: BP.item))
        #expect(honest.evidence.map(\.seq) == [2] && honest.parts[.carbonFootprint] != nil)
    }

    @Test("a bundle with a tampered entry is refused: exit 1, one line naming the failure, nothing written")
    func tamperedBundle() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let path = try b.ws.exportBundle()
        let bundle = try ProductBundle(bytes: Array(try String(contentsOfFile: path, encoding: .utf8).utf8))
        // Rewrite the carbon footprint entry's statement (a new value, re-signed by no one): the
        // record's bytes change, so its leaf hash and signature no longer hold.
        let seq = b.seqs["carbonFootprint"]!
        let tampered = ProductBundle(origin: bundle.origin, product: bundle.product, checkpoint: bundle.checkpoint, entries: bundle.entries.map { e in
            guard e.record.seq == seq else { return e }
            let env = try! Envelope(json: e.record.envelope)
            let payload = String(decoding: env.payload, as: UTF8.self).replacingOccurrences(of: "-1.7976931348623157E308", with: "12.5")
            let forged = Envelope(payloadType: env.payloadType, payload: Array(payload.utf8), signatures: env.signatures).canonicalJSON
            return ProductBundle.Entry(record: LedgerRecord(seq: seq, appendedAtMillis: e.record.appendedAtMillis, envelope: forged), proof: e.proof)
        }, consistency: bundle.consistency, index: bundle.index)
        let bad = try b.ws.dir.write("tampered.assay-bundle", tampered.json)
        let r = try b.ws.passportFromBundle(bad, out: "tampered-passport.json")
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("assay: the bundle for \(BP.item) does not verify"), "\(r)")
        #expect(r.stderr.contains("entry \(seq)"), "\(r)")
        #expect(r.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: b.ws.dir.file("tampered-passport.json")))
        // The untampered bundle exports.
        #expect(try b.ws.passportFromBundle(path).exitCode == 0)
    }

    @Test("a ledger whose passport entry was rewritten in the file exports no passport: exit 1, one line, nothing written")
    func tamperedLedger() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let seq = b.seqs["carbonFootprint"]!
        let t = try SQLiteTamperer(path: b.ws.ledger)
        let stored = try #require(try t.blob("SELECT envelope FROM records WHERE seq = ?1", [.int(Int64(seq))]))
        let env = try Envelope(json: stored)
        let payload = String(decoding: env.payload, as: UTF8.self).replacingOccurrences(of: "-1.7976931348623157E308", with: "12.5")
        #expect(payload != String(decoding: env.payload, as: UTF8.self))
        let forged = Envelope(payloadType: env.payloadType, payload: Array(payload.utf8), signatures: env.signatures).canonicalJSON
        try t.edit("UPDATE records SET envelope = ?1 WHERE seq = ?2", [.blob(forged), .int(Int64(seq))])
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("assay: the bundle for \(BP.item) does not verify") && r.stderr.contains("entry \(seq)"), "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("the bundle holds the passport data about the pack's batch and model; leaving the batch's out fails completeness")
    func closureTakesBatchAndModel() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let path = try b.ws.exportBundle()
        let bundle = try ProductBundle(bytes: Array(try String(contentsOfFile: path, encoding: .utf8).utf8))
        let held = Set(bundle.entries.map(\.record.seq))
        for part in BP.parts { #expect(held.contains(b.seqs[part]!), "\(part) (about \(BatteryLedger.subjects[part]!))") }
        #expect(bundle.index.contains { $0.subject == .defining(BP.batch) && $0.count == 1 }, "the batch's defining list is proved")

        // Without the batch's entry the bundle does not verify, naming the batch.
        let mc = b.seqs["materialComposition"]!
        let short = ProductBundle(origin: bundle.origin, product: bundle.product, checkpoint: bundle.checkpoint,
                                  entries: bundle.entries.filter { $0.record.seq != mc }, consistency: bundle.consistency, index: bundle.index)
        let r = try b.ws.passportFromBundle(try b.ws.dir.write("short.assay-bundle", short.json))
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stderr.contains(BP.batch) && r.stderr.contains("missing"), "\(r)")
    }

    @Test("a pack with no item-level data gets its batch's and model's parts; the others are listed as missing")
    func siblingInheritsBatchAndModel() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let (file, r) = try b.ws.exportPassport(BP.sibling, to: "sibling.json")
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.stdout.contains("5 of 7 parts (missing: generalProductInformation, performanceAndDurability)"), "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect(p.missing == ["generalProductInformation", "performanceAndDurability"])
        #expect(p.part("generalProductInformation") == nil && p.part("performanceAndDurability") == nil)
        #expect(p.evidence["materialComposition"]?["subject"] as? String == BP.batch)
        #expect(p.evidence["carbonFootprint"]?["subject"] as? String == BP.model)
        #expect(p.evidence["generalProductInformation"] == nil)
        try #require(PythonJSONSchema.available, "needs python3 with the jsonschema package")
        #expect(try PythonJSONSchema.validate([p.text], schema: "battery-passport.schema.json") == [true])
    }

    @Test("item-level data wins over the model's, and the latest entry about the same subject wins")
    func specificityThenLatest() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        // A later labels entry about the model replaces the model's earlier one (same subject, later seq).
        let labels = #"{"resultOfTestReport":"https://volta-batteries.example/tests/EB48.pdf","declarationOfConformity":"https://volta-batteries.example/doc/EB48.pdf","labels":[{"labelingSubject":"SeparateCollection","labelingSymbol":"https://volta-batteries.example/symbols/bin.svg","labelingMeaning":{"en":"Separate collection"}}]}"#
        let later = try b.ws.append(BP.passportData(subject: BP.model, aspect: "labels", data: labels, time: "2026-08-01T10:00:00+02:00"), by: .volta)
        // A model-level GPI appended after the item's does not override the item's.
        let modelGPI = try b.ws.append(BP.passportData(subject: BP.model, aspect: "generalProductInformation",
                                                       data: try BP.payload("generalProductInformation").replacingOccurrences(of: "\"batteryMass\": 699", with: "\"batteryMass\": 700"),
                                                       time: "2026-08-01T10:00:00+02:00"), by: .volta)
        try b.ws.checkpoint()
        let (file, r) = try b.ws.exportPassport()
        #expect(r.exitCode == 0, "\(r)")
        let p = try ExportedPassport(file: file, dir: b.ws.dir)
        #expect((p.evidence["labels"]?["seq"] as? Int).map(UInt64.init) == later)
        #expect((p.evidence["generalProductInformation"]?["seq"] as? Int).map(UInt64.init) == b.seqs["generalProductInformation"])
        #expect(p.part("generalProductInformation")?["batteryMass"] as? Int == 699)
        // The sibling has no item-level GPI: it gets the model's.
        let (sfile, sr) = try b.ws.exportPassport(BP.sibling, to: "sibling.json")
        #expect(sr.exitCode == 0, "\(sr)")
        let s = try ExportedPassport(file: sfile, dir: b.ws.dir, tag: "s-")
        #expect((s.evidence["generalProductInformation"]?["seq"] as? Int).map(UInt64.init) == modelGPI)
    }

    @Test("options: the passport goes to standard output without --out; conflicting or misplaced options are refused with exit 2")
    func options() throws {
        let b = try BatteryLedger()
        defer { b.ws.remove() }
        let ledger = b.ws.ledger, item = BP.item
        let stdout = try CLIHarness.assay(["export", "--ledger", ledger, "--product", item, "--battery-passport"])
        #expect(stdout.exitCode == 0, "\(stdout)")
        let (file, _) = try b.ws.exportPassport()
        #expect(stdout.stdout == (try String(contentsOfFile: file, encoding: .utf8)))
        let json = try CLIHarness.assay(["export", "--ledger", ledger, "--product", item, "--battery-passport", "--out", b.ws.dir.file("p2.json"), "--json"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.stdoutBytes)) as? [String: Any]
        #expect(summary?["parts"] as? Int == 7 && summary?["missing"] as? [String] == [] && summary?["product"] as? String == item, "\(json)")

        let bundle = try b.ws.exportBundle()
        let refusals: [([String], String)] = [
            (["export", "--ledger", ledger, "--product", item, "--battery-passport", "--epcis"], "--epcis or --battery-passport"),
            (["export", "--ledger", ledger, "--product", item, "--battery-passport", "--since", bundle], "--since"),
            (["export", "--ledger", ledger, "--product", item], "--out is required"),
            (["verify", "--ledger", ledger, "--battery-passport"], "--bundle"),
            (["verify", "--bundle", bundle, "--log-key", b.ws.pub(.operator), "--origin", BP.origin, "--product", item, "--out", b.ws.dir.file("x.json")], "--battery-passport"),
        ]
        for (args, mention) in refusals {
            let r = try CLIHarness.assay(args)
            #expect(r.exitCode == 2 && r.stderrLines.count == 1 && r.stderr.contains(mention), "\(r)")
        }
        #expect(!FileManager.default.fileExists(atPath: b.ws.dir.file("x.json")))
    }
}
