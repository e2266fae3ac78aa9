import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// One problem a defect must produce: the principle, the entries it must name (seq, kind,
/// signer), and text the message must contain.
struct ExpectedProblem: Sendable {
    let principle: Principle
    let evidence: [TF.Entry]
    let mentions: String
    /// Whether the evidence must be exactly these entries (else: at least these).
    var exact = true
}

/// A defect switched on in the thermostat fixture and what the verifier must say about it.
struct DefectCase: Sendable, CustomTestStringConvertible {
    let defect: TF.Defect
    let problems: [ExpectedProblem]
    var testDescription: String { defect.rawValue }
}

@Suite("Principles on the thermostat bundle")
struct PrincipleTests {
    @Test("the complete record satisfies every principle, naming suppliers, countries, firmware and commitment")
    func everythingSatisfied() throws {
        let built = try TF().build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        #expect(report.passed)
        #expect(report.product == TF.product)
        #expect(report.principles.allSatisfy { $0.problems.isEmpty }, "\(report.summary)")

        // Provenance names the four suppliers and three countries, with the origins as evidence.
        let provenance = report.result(.provenance).findings.map(\.message).joined()
        for s in TF.suppliers { #expect(provenance.contains(s.legalName) && provenance.contains(s.partyId), "\(s.legalName)") }
        #expect(provenance.contains("countries of origin: CN, DE, FR"), "\(provenance)")
        // The supplier listing rests on the origins (the per-party tier facts also cite the steps that consumed them).
        let listing = try #require(report.result(.provenance).findings.first { $0.message.contains("suppliers by tier") })
        let originEvidence = listing.evidence
        #expect(names(originEvidence, exactly: [.mcuOrigin, .radioOrigin, .batteryOrigin, .pcbOrigin, .firmwareOrigin].map(built.expected)))

        // Security: firmware digest from the firmware origin and the encoding step.
        let firmware = try #require(report.result(.security).findings.first { $0.message.contains("firmware digest recorded") })
        #expect(names(firmware.evidence, exactly: [built.expected(.firmwareOrigin), built.expected(.encodingStep)]))

        // Lifecycle: the commitment's end date and the recycler's end of life.
        let lifecycle = report.result(.lifecycle)
        #expect(lifecycle.findings.contains { $0.message.contains("2032-12-31") && names($0.evidence, exactly: [built.expected(.commitment)]) })
        #expect(lifecycle.findings.contains { $0.message.contains("end of life") && names($0.evidence, exactly: [built.expected(.endOfLife)]) })

        // Accountability counts the shipping handover, which names both owning parties.
        #expect(report.result(.accountability).findings.contains { $0.message.contains("1 handover event") })
        #expect(report.entries.count == built.bundle.entries.count, "every entry passed the per-entry checks")
    }

    static let cases: [DefectCase] = [
        // Provenance
        DefectCase(defect: .componentWithoutOrigin, problems: [
            ExpectedProblem(principle: .provenance, evidence: [.assembly], mentions: "\(TF.batteryLot) has no origin from a party with authority"),
        ]),
        DefectCase(defect: .serialConsumedTwice, problems: [
            ExpectedProblem(principle: .provenance, evidence: [.encodingStep, .secondEncodingStep], mentions: "\(TF.pcb) is consumed 2 times"),
        ]),
        DefectCase(defect: .quantityOverdrawn, problems: [
            ExpectedProblem(principle: .provenance, evidence: [.assembly], mentions: "more of \(TF.batteryLot) is consumed (2.0 count)"),
        ]),
        // Accountability
        DefectCase(defect: .signerRevokedBeforeSigning, problems: [
            ExpectedProblem(principle: .accountability, evidence: [.radioOrigin], mentions: "after its compromise time"),
        ]),
        DefectCase(defect: .handoverWithoutOwner, problems: [
            ExpectedProblem(principle: .accountability, evidence: [.shipping], mentions: "names no owning or possessing party"),
        ]),
        // Lifecycle
        DefectCase(defect: .supportEndShortened, problems: [
            ExpectedProblem(principle: .lifecycle, evidence: [.commitment, .shortenedCommitment], mentions: "shortened from 2032-12-31 to 2032-06-30"),
        ]),
        DefectCase(defect: .eventAfterEndOfLife, problems: [
            ExpectedProblem(principle: .lifecycle, evidence: [.endOfLife, .inspectionAfterEndOfLife], mentions: "after its end of life"),
        ]),
        // Hardware and software security: the evidence is the product's own entries (the
        // assembly among them), since the missing digest belongs to no single entry.
        DefectCase(defect: .missingFirmwareDigest, problems: [
            ExpectedProblem(principle: .security, evidence: [.assembly], mentions: "no firmware image digest", exact: false),
        ]),
        // Privacy and data governance
        DefectCase(defect: .personalDataInEvent, problems: [
            ExpectedProblem(principle: .privacy, evidence: [.warrantyRegistration], mentions: "personal contact data"),
        ]),
    ]

    @Test("each defect breaks the right principle, names the right entries and leaves the others satisfied", arguments: cases)
    func defect(_ c: DefectCase) throws {
        let built = try TF(defect: c.defect).build()
        let report = TF.verify(built.bundle)
        let broken = Set(c.problems.map(\.principle))
        #expect(report.verdicts == verdicts(notSatisfied: broken), "\(report.summary)")
        #expect(!report.passed)
        for p in broken {
            let expected = c.problems.filter { $0.principle == p }
            #expect(report.result(p).problems.count == expected.count, "\(p): \(report.summary)")
        }
        for e in c.problems {
            let refs = e.evidence.map(built.expected)
            let found = report.result(e.principle).problems.first { $0.message.contains(e.mentions) }
            let problem = try #require(found, "\(e.principle) has no problem mentioning \"\(e.mentions)\":\n\(report.summary)")
            let ok = e.exact ? names(problem.evidence, exactly: refs) : names(problem.evidence, including: refs)
            #expect(ok, "\(e.principle) should name \(refs), names \(problem.evidence)")
        }
    }

    @Test("under a policy where only suppliers write origins, an origin signed by a manufacturer breaks the signer rules: integrity fails, nothing else is judged")
    func originSignedByManufacturerFailsIntegrity() throws {
        let built = try TF(defect: .originSignedByManufacturer).build()
        var policy = AuditPolicy.default
        policy.writePolicy = TF.strictWritePolicy
        let report = TF.verify(built.bundle, policy: policy)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let problem = try #require(report.result(.integrity).problems.first)
        #expect(problem.message.contains("may not write ComponentOrigin"), "\(problem.message)")
        #expect(names(problem.evidence, exactly: [built.expected(.radioOrigin)]))
        // The refused origin then counts as missing from the radio lot's entries (completeness,
        // FORMAT.md §13), naming the lot; nothing else is reported.
        #expect(report.result(.integrity).problems.count == 2, "\(report.summary)")
        let gap = try #require(report.result(.integrity).problems.last)
        #expect(gap.message.contains("completeness: 1 entry about \(TF.radioLot) is missing"), "\(gap.message)")
        #expect(!report.passed)
    }

    @Test("under the default policy a manufacturer may commission, but its origin of a supplier's lot is not evidence (no authority over it)")
    func laxPolicyStillFlagsNonSupplierOrigin() throws {
        let built = try TF(defect: .originSignedByManufacturer).build()
        #expect(AuditPolicy.default.writePolicy.mayWrite(.componentOrigin, roles: [.manufacturer]))
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: [.accountability, .provenance]), "\(report.summary)")
        let excluded = try #require(report.result(.accountability).problems.first)
        #expect(report.result(.accountability).problems.count == 1)
        #expect(excluded.message.contains("is not evidence for \(TF.radioLot)") && excluded.message.contains(TF.reference(TF.manufacturerKey)), "\(excluded.message)")
        #expect(names(excluded.evidence, exactly: [built.expected(.radioOrigin)]))
        #expect(built.expected(.radioOrigin).signer == TF.reference(TF.manufacturerKey))
        let missing = try #require(report.result(.provenance).problems.first)
        #expect(report.result(.provenance).problems.count == 1)
        #expect(missing.message.contains("\(TF.radioLot) has no origin from a party with authority"), "\(missing.message)")
        #expect(names(missing.evidence, exactly: [built.expected(.encodingStep)]))
    }

    @Test("a component commissioned only after the step that consumed it fails provenance, naming both entries")
    func consumedBeforeCommissioned() throws {
        let built = try TF(defect: .componentWithoutOrigin).build()
        let late = try built.append(TF.batteryOriginJSON(quantity: 2000), by: TF.cellsKey, at: "2029-11-01T08:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.verdicts == verdicts(notSatisfied: [.provenance]), "\(report.summary)")
        let problem = try #require(report.result(.provenance).problems.first)
        #expect(problem.message.contains("\(TF.batteryLot) is consumed at seq \(built.seq(.assembly)) before it was produced (seq \(late))"), "\(problem.message)")
        let lateOrigin = TF.ExpectedEvidence(entry: .batteryOrigin, seq: late, kind: "ComponentOrigin", signer: TF.reference(TF.cellsKey))
        #expect(names(problem.evidence, exactly: [built.expected(.assembly), lateOrigin]))
    }

    @Test("an audit date after the support end: lifecycle not satisfied, naming the commitment")
    func supportExpiredAtAuditDate() throws {
        let built = try TF().build()
        let report = TF.verify(built.bundle, auditDate: try CalendarDate(parsing: "2033-01-01"))
        #expect(report.verdicts == verdicts(notSatisfied: [.lifecycle]), "\(report.summary)")
        let problem = try #require(report.result(.lifecycle).problems.first)
        #expect(report.result(.lifecycle).problems.count == 1)
        #expect(problem.message.contains("security support ended on 2032-12-31, before the audit date 2033-01-01"), "\(problem.message)")
        #expect(names(problem.evidence, exactly: [built.expected(.commitment)]))
        // The day the support ends is still covered.
        #expect(TF.verify(built.bundle, auditDate: try CalendarDate(parsing: "2032-12-31")).result(.lifecycle).verdict == .satisfied)
    }

    @Test("spare parts expired at the audit date are reported as facts, without failing the principle")
    func expiredSparePartReported() throws {
        let built = try TF().build()
        // 2032-06-01: support still runs; no spare part expired yet. 2034-01-01: RF-868-M2 expired (2033-12-31).
        let before = TF.verify(built.bundle, auditDate: try CalendarDate(parsing: "2032-06-01")).result(.lifecycle)
        #expect(!before.findings.contains { $0.message.contains("spare part") && $0.message.contains("expired") })
        let after = TF.verify(built.bundle, auditDate: try CalendarDate(parsing: "2034-01-01")).result(.lifecycle)
        let fact = try #require(after.findings.first { $0.message.contains("spare part RF-868-M2") })
        #expect(fact.severity == .fact && names(fact.evidence, exactly: [built.expected(.commitment)]))
    }

    @Test("a policy demanding ten years of support: security not satisfied, naming the commitment")
    func supportPeriodBelowPolicyMinimum() throws {
        let built = try TF().build()
        var policy = AuditPolicy.default
        policy.minimumSupportYears = 10
        let report = TF.verify(built.bundle, policy: policy)
        #expect(report.verdicts == verdicts(notSatisfied: [.security]), "\(report.summary)")
        let problem = try #require(report.result(.security).problems.first)
        #expect(problem.message.contains("6.1 years, less than the required 10"), "\(problem.message)")
        #expect(names(problem.evidence, exactly: [built.expected(.commitment)]))
    }

    @Test("without a firmware requirement in the policy, a missing firmware digest is not a problem")
    func firmwareNotRequired() throws {
        let built = try TF(defect: .missingFirmwareDigest).build()
        var policy = AuditPolicy.default
        policy.requireFirmwareDigest = false
        #expect(TF.verify(built.bundle, policy: policy).verdicts == verdicts(notSatisfied: []))
    }

    @Test("a principle the policy does not require may fail without failing the verdict")
    func notRequiredPrinciple() throws {
        let built = try TF(defect: .missingFirmwareDigest).build()
        var policy = AuditPolicy.default
        policy.requiredPrinciples.remove(.security)
        let report = TF.verify(built.bundle, policy: policy)
        #expect(report.result(.security).verdict == .notSatisfied)
        #expect(report.passed)
    }

    @Test("interoperability is not applicable to a bundle with no EPCIS events")
    func interoperabilityNotApplicable() throws {
        let ledger = try Fixtures.ledger(at: ":memory:", events: 2)
        _ = try ledger.signCheckpoint(with: Fixtures.operatorKey)
        let bundle = try ledger.exportBundle(product: "https://id.gs1.org/01/04012345000016/21/SN1")
        let report = BundleVerifier(logKey: Fixtures.operatorKey.verifierKey, origin: "test.example/ledger", product: "https://id.gs1.org/01/04012345000016/21/SN1", auditDate: TF.auditDate).verify(bundle)
        #expect(report.result(.interoperability).verdict == .notApplicable, "\(report.summary)")
        #expect(report.result(.integrity).verdict == .satisfied)
        #expect(bundle.entries.map(\.record.seq) == [0, 1, 4], "genesis, the supplier's registration, the one event about SN1")
    }

    @Test("a commitment naming its model as an SGTIN class pattern (EPC URN) covers the product")
    func urnModelCommitment() throws {
        let built = try TF(commitmentModel: "urn:epc:idpat:sgtin:4012345.000001.*").build()
        #expect(built.bundle.entries.contains { $0.record.seq == built.seq(.commitment) })
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
    }

    @Test("an entry signed with a key revoked before it (by a log that skipped its append checks): integrity not satisfied, naming it")
    func signedAfterRevocation() throws {
        func log(revoked: Bool) -> RogueLog {
            var log = RogueLog.withGenesis()
            log.append(TF.registration(TF.radio, key: TF.radioKey, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
            let revocation = KeyRevocation(revokedKey: TF.reference(TF.radioKey), reason: .superseded,
                                           effectiveTime: try! Timestamp(parsing: "2026-11-05T00:00:00Z"),
                                           eventTime: try! Timestamp(parsing: "2026-11-05T10:00:00+01:00"))
            if revoked { log.append(revocation.json, by: TF.operatorKey, at: "2026-11-05T09:00:00Z") }
            log.append(TF.origin(id: "4f0c1a00-0002", objects: TF.quantity(TF.radioLotURN, 500), part: "RF-868-M2", party: TF.radio,
                                 date: "2026-11-03", materials: nil),
                       by: TF.radioKey, at: "2026-11-10T09:00:00Z")
            return log
        }
        // Without the revocation the same records verify: the rogue log itself is sound.
        let honest = TF.verify(try log(revoked: false).bundle(product: TF.radioLot), product: TF.radioLot)
        #expect(honest.result(.integrity).verdict == .satisfied && honest.result(.accountability).verdict == .satisfied, "\(honest.summary)")

        // Every proof and signature verifies, but the log would never have accepted the entry:
        // the signer rules are part of integrity.
        let report = TF.verify(try log(revoked: true).bundle(product: TF.radioLot), product: TF.radioLot)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let integrity = report.result(.integrity)
        let problem = try #require(integrity.problems.first)
        #expect(problem.message.contains("signer \(TF.reference(TF.radioKey)) was revoked at seq 2"), "\(problem.message)")
        let origin = TF.ExpectedEvidence(entry: .radioOrigin, seq: 3, kind: "ComponentOrigin", signer: TF.reference(TF.radioKey))
        #expect(names(problem.evidence, exactly: [origin]), "\(problem.evidence)")
        // The signer rules refuse only that entry; the rest are completeness consequences of the
        // refusal (FORMAT.md §13): the lot's one entry is missing, and the genesis, registration
        // and revocation, reached only through the refused origin, are about none of the
        // subjects the verdict rests on.
        #expect(integrity.problems.filter { !$0.message.hasPrefix("completeness: ") }.count == 1, "\(report.summary)")
        #expect(integrity.problems.contains { $0.message.contains("completeness: 1 entry about \(TF.radioLot) is missing: the log holds 1 at size 4, the bundle 0") },
                "\(report.summary)")
        let unreached = integrity.problems.filter { $0.message.contains("is about none of the subjects") }
        #expect(unreached.flatMap(\.evidence).map(\.seq) == [0, 1, 2], "\(report.summary)")
        #expect(integrity.problems.count == 5, "\(report.summary)")
        #expect(!report.entries.contains { $0.seq == 3 }, "the refused origin does not count for provenance")
    }

    // MARK: Cases the implementation gets wrong (see the report of this test suite)

    @Test("a firmware package URL with a version (pkg:…@1.4.2) is not personal data")
    func purlIsNotAnEmailAddress() throws {
        let built = try TF(firmwarePurl: "pkg:generic/acme/th1-firmware@1.4.2").build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
    }

    @Test("a commitment naming its model as bare GTIN digits (allowed by the schema) covers the product")
    func bareGTINModelCommitment() throws {
        let built = try TF(commitmentModel: "04012345000016").build()
        #expect(built.bundle.entries.contains { $0.record.seq == built.seq(.commitment) }, "the commitment is in the bundle")
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
    }

    @Test("a later commitment for another serial range neither shortens nor replaces this product's support end")
    func serialRangeCommitmentDoesNotApply() throws {
        let built = try TF().build()
        try built.append(built.fixture.commitmentJSON(supportEnd: "2031-12-31", time: "2027-03-01T10:00:00+01:00",
                                                      serialRange: (from: "SN-1000", to: "SN-1999")),
                         by: TF.manufacturerKey, at: "2027-03-01T09:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        #expect(report.result(.lifecycle).findings.contains { $0.message.contains("security support until 2032-12-31") })
    }
}
