import AssayCrypto
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The agreement cases of `Schemas/FORMAT.md` §12, read from the document itself: each case is
/// built as a bundle by this file (a small log without append checks, signed and proved as the
/// document says: a checkpoint with the chain head and the subject index, an inclusion proof per
/// entry, a subject-index proof per subject of the product's closure — `HandBuiltBundle`),
/// verified by the real `assay verify --bundle`, and its outcome compared with the one the
/// document states. The document and the verifier cannot drift apart unnoticed.
@Suite("FORMAT.md agreement cases run through assay verify")
struct FormatAgreementTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let product = TF.product

    /// One row of the §12 table.
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let log: String
        let outcome: String
        var testDescription: String { "\(id): \(outcome)" }
    }

    /// The §12 table's rows.
    static let cases: [Case] = {
        let text = (try? String(contentsOf: packageRoot.appendingPathComponent("Schemas/FORMAT.md"), encoding: .utf8)) ?? ""
        guard let section = text.components(separatedBy: "## 12. Agreement cases").last else { return [] }
        return section.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 5, cells[1].hasPrefix("A"), Int(cells[1].dropFirst()) != nil else { return nil }
            return Case(id: cells[1], log: cells[2], outcome: cells[3])
        }
    }()

    static let s = Fixtures.key("supplier.example/signing", seed: 0x71)
    static let m = Fixtures.key("maker.example/signing", seed: 0x72)

    static func registration(_ key: NamedSigningKey, name: String = "Supplier", roles: [Role] = [.supplier], validUntil: String? = nil) -> String {
        PartyRegistration(partyId: "urn:example:party:\(name.lowercased())", legalName: name, roles: roles, publicKey: key.verifierKey.description,
                          validUntil: try! validUntil.map { try Timestamp(parsing: $0) }, eventTime: try! Timestamp(parsing: "2026-11-01T10:00:00Z")).json
    }

    static func revocation(_ key: NamedSigningKey, _ reason: KeyRevocation.Reason, effective: String = "2026-11-05T00:00:00Z") -> String {
        KeyRevocation(revokedKey: key.verifierKey.reference, reason: reason, effectiveTime: try! Timestamp(parsing: effective),
                      eventTime: try! Timestamp(parsing: "2026-11-06T10:00:00Z")).json
    }

    static let event = "{\"type\":\"GenericEvent\",\"subject\":\"\(product)\",\"action\":\"inspected\",\"eventTime\":\"2026-11-02T10:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\"}"

    /// Entries each case leaves out of its bundle.
    static let omitted: [String: Set<UInt64>] = ["A13": [3], "A14": [3]]

    static let otherEvent = event.replacingOccurrences(of: "SN-0001", with: "SN-0002")

    /// The bundle a case describes: every record of its log, less what it leaves out, and any
    /// edit of its index proofs.
    static func bundle(_ id: String) throws -> ProductBundle {
        let full = try build(id).bundle(product: product)
        let gone = omitted[id] ?? []
        var index = full.index
        if id == "A16", let i = index.firstIndex(where: { $0.subject == .identifier(product) }) {
            let p = index[i]
            index[i] = ProductBundle.IndexProof(subject: p.subject, count: 0, chain: .zero, proof: p.proof)
        }
        return ProductBundle(origin: full.origin, product: full.product, checkpoint: full.checkpoint,
                             entries: full.entries.filter { !gone.contains($0.record.seq) }, consistency: full.consistency, index: index)
    }

    /// The log each case describes.
    static func build(_ id: String) throws -> RogueLog {
        var log = RogueLog.withGenesis()
        let t = "2026-11-02T10:00:00Z"
        switch id {
        case "A1":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
        case "A2":
            log.append(registration(s), by: TF.operatorKey, at: t)
            let renamed = try NamedSigningKey(name: "other-name.example", key: SigningKey(seed: [UInt8](repeating: 0x71, count: 32)))
            log.append(registration(renamed, name: "Other"), by: TF.operatorKey, at: t)
        case "A3":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(revocation(s, .superseded), by: TF.operatorKey, at: t)
            log.append(registration(s), by: TF.operatorKey, at: t)
        case "A4":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(revocation(s, .superseded), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
        case "A5":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
            log.append(revocation(s, .superseded), by: s, at: t)
        case "A13":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
            log.append(event.replacingOccurrences(of: "\"inspected\"", with: "\"repaired\""), by: s, at: t)
        case "A14":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
            log.append(revocation(s, .superseded), by: TF.operatorKey, at: t)
        case "A15":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
            log.append(otherEvent, by: s, at: t)
        case "A16":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: t)
        case "A6", "A7":
            log.append(registration(s, validUntil: "2026-11-10T00:00:00.000Z"), by: TF.operatorKey, at: t)
            log.append(event, by: s, at: id == "A6" ? "2026-11-10T00:00:00.000Z" : "2026-11-10T00:00:00.001Z")
        case "A8":
            let origin = TF.origin(id: "4f0c1a00-0001", objects: TF.quantity(TF.mcuLot, 10), part: "MCU", party: TF.chips, date: "2026-11-02", materials: nil)
            log.append(origin, by: TF.operatorKey, at: t)
        case "A9":
            let renamed = try NamedSigningKey(name: "innocent.example", key: SigningKey(seed: [UInt8](repeating: 0x41, count: 32)))
            #expect(renamed.verifierKey.publicKey == TF.operatorKey.verifierKey.publicKey)
            log.append(registration(renamed), by: TF.operatorKey, at: t)
        case "A10":
            log.append(registration(s), by: TF.operatorKey, at: "2026-11-01T10:00:00Z")
            log.append(event, by: s, at: "2026-11-10T10:00:00Z")
            log.append(revocation(s, .superseded, effective: "2026-11-20T00:00:00Z"), by: TF.operatorKey, at: "2026-11-20T10:00:00Z")
            log.append(revocation(s, .compromise, effective: "2026-11-05T00:00:00Z"), by: TF.operatorKey, at: "2026-11-21T10:00:00Z")
        case "A11":
            let weak = try PublicKey(rawRepresentation: [1] + [UInt8](repeating: 0, count: 31))
            let vk = try VerifierKey(name: "weak.example", publicKey: weak)
            log.append(PartyRegistration(partyId: "urn:example:party:weak", legalName: "Weak", roles: [.supplier], publicKey: vk.description,
                                         eventTime: try Timestamp(parsing: t)).json, by: TF.operatorKey, at: t)
        case "A12":
            log.append(registration(s), by: TF.operatorKey, at: t)
            log.append(registration(m, name: "Maker", roles: [.supplier]), by: TF.operatorKey, at: t)
            let env = Envelope.sign(payload: Array(event.utf8), with: s)
            let relabelled = Envelope(payloadType: env.payloadType, payload: env.payload,
                                      signatures: [.init(keyID: m.verifierKey.reference, signature: env.signatures[0].signature)])
            log.records.append(LedgerRecord(seq: UInt64(log.records.count), appendedAtMillis: try Timestamp(parsing: t).epochMillis,
                                            envelope: relabelled.canonicalJSON))
        default:
            Issue.record("FORMAT.md §12 names case \(id), which this test does not build")
        }
        return log
    }

    @Test("FORMAT.md §12 lists the agreement cases")
    func tableIsThere() {
        #expect(Self.cases.count >= 16, "found \(Self.cases.map(\.id))")
        #expect(Set(Self.cases.map(\.id)).count == Self.cases.count)
    }

    @Test("each case's outcome as FORMAT.md states it", arguments: cases)
    func agreement(_ c: Case) throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/case.assay-bundle"
        try Data(try Self.bundle(c.id).json.utf8).write(to: URL(fileURLWithPath: path))
        let r = try CLIHarness.assay(["verify", "--bundle", path, "--log-key", TF.operatorKey.verifierKey.description,
                                      "--origin", TF.ledgerOrigin, "--product", Self.product, "--at", "2030-01-15", "--json"])
        #expect(r.signal == nil, "\(c.id): crashed: \(r)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(c.id): \(r)")
        let principles = try #require(json["principles"] as? [[String: Any]])
        func result(_ name: String) -> (verdict: String, problems: [String]) {
            let p = principles.first { $0["principle"] as? String == name } ?? [:]
            let findings = (p["findings"] as? [[String: Any]]) ?? []
            return (p["verdict"] as? String ?? "?", findings.filter { $0["severity"] as? String == "problem" }.compactMap { $0["message"] as? String })
        }
        let integrity = result("integrity")
        for clause in c.outcome.components(separatedBy: "; ") {
            let clause = clause.replacingOccurrences(of: "`", with: "")
            if clause.hasPrefix("integrity satisfied") {
                #expect(integrity.verdict == "satisfied", "\(c.id): \(integrity)")
            } else if clause.hasPrefix("integrity fails") {
                #expect(integrity.verdict == "not-satisfied", "\(c.id): \(integrity)")
                #expect(r.exitCode == 1, "\(c.id): exit \(r.exitCode)")
                // "integrity fails[ at seq N]: words"
                let parts = clause.components(separatedBy: ": ")
                let words = parts.dropFirst().joined(separator: ": ")
                var seqText = ""
                if let at = parts[0].range(of: "at seq ") { seqText = "entry " + parts[0][at.upperBound...] + ":" }
                #expect(integrity.problems.contains { (seqText.isEmpty || $0.contains(seqText)) && $0.lowercased().contains(words.lowercased()) },
                        "\(c.id): expected a problem with \"\(seqText)\" and \"\(words)\", got \(integrity.problems)")
            } else if clause.hasPrefix("accountability: ") {
                let words = String(clause.dropFirst("accountability: ".count))
                let a = result("accountability")
                #expect(a.verdict == "not-satisfied" && a.problems.contains { $0.contains(words) }, "\(c.id): \(a)")
            } else {
                Issue.record("\(c.id): FORMAT.md outcome clause \"\(clause)\" is not one this test understands")
            }
        }
    }
}
