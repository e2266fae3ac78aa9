import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The attacks of issue 12 on a verdict, each performed as the cheating party would, and
/// shown stopped. Every test here gave PASS (or a wrong verdict) before the authority,
/// key-identity, binding and evidence rules.
@Suite("Sound verdicts: a PASS cannot be obtained by cheating")
struct SoundVerdictTests {
    // MARK: Parties and statements used by the attacks

    static let rival = TF.Party(gln: "4777777000002", facility: "4777777000019", legalName: "Rival Devices Ltd", country: "GB")
    static let rivalKey = Fixtures.key("rival.example/signing", seed: 0x61)
    static let contractor = TF.Party(gln: "4098765000003", facility: "4098765000010", legalName: "Contract Assembly s.r.o.", country: "CZ")
    static let contractorKey = Fixtures.key("contract.example/signing", seed: 0x62)
    static let smelter = TF.Party(gln: "5099999000004", facility: "5099999000011", legalName: "Tin Smelter Bhd", country: "MY")
    static let smelterKey = Fixtures.key("smelter.example/signing", seed: 0x63)
    static let tinLot = "https://id.gs1.org/01/05099999000004/10/TIN-2026-10"
    static let secondProduct = "https://id.gs1.org/01/04012345000016/21/SN-0002"

    /// An assembly of `parent` from the board and two batteries, by whoever signs it.
    static func assembly(parent: String, step: String = "assembling", eventID: String = "urn:uuid:9a8b7c6d-0099-4a3b-8c2d-1e0f9a8b7c6d",
                         time: String = "2026-11-25T12:00:00+01:00", extra: String = "") -> String {
        "{\(TF.context),\"type\":\"AggregationEvent\",\"eventID\":\"\(eventID)\",\"eventTime\":\"\(time)\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"\(step)\",\"parentID\":\"\(parent)\",\"childEPCs\":[\"\(TF.secondBoard)\"],\"bizLocation\":{\"id\":\"\(contractor.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-25\"\(extra)}"
    }

    static func delegation(to party: TF.Party, scopes: [String], kinds: [StatementKind], time: String = "2026-11-01T12:00:00+01:00") -> String {
        AuthorityDelegation(delegate: party.partyId, scopes: scopes.map { try! IdentifierScope(parsing: $0) }, kinds: kinds,
                            eventTime: try! Timestamp(parsing: time)).json
    }

    /// A built thermostat ledger with extra parties registered (at 2029-10-01).
    static func built(registering extra: [(TF.Party, NamedSigningKey, [Role], [String])], defect: TF.Defect = .none,
                      endOfLife: Bool = true) throws -> TF.Built {
        let built = try TF(defect: defect, includeEndOfLife: endOfLife).build()
        for (party, key, roles, scopes) in extra {
            try built.append(TF.registration(party, key: key, roles: roles, scopes: scopes), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        }
        return built
    }

    // MARK: §1 Authority

    @Test("a supplier's packing aggregation naming a product serial, with a firmware digest, does not make a product nobody built pass")
    func supplierPackingIsNotAnAssembly() throws {
        let built = try TF().build()
        // Chips (a registered supplier) packs the second board into a serial of ACME's model no one assembled.
        let packing = Self.assembly(parent: Self.secondProduct, step: "packing",
                                    extra: ",\"assay:firmware\":{\"imageDigest\":\"sha256:977aa3ede8e4add7352d54d58e838a441243bfb39f0d94f807202c76d812ea41\",\"sbomDigest\":\"sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61\"}")
        let seq = try built.append(packing, by: TF.chipsKey, at: "2029-10-01T08:00:00Z")
        let report = TF.verify(try built.exportAgain(product: Self.secondProduct), product: Self.secondProduct)
        #expect(!report.passed, "\(report.summary)")
        #expect(report.result(.integrity).verdict == .satisfied)
        let provenance = report.result(.provenance)
        #expect(provenance.verdict == .notSatisfied)
        #expect(provenance.problems.contains { $0.message.contains("no entry by a party with authority over \(Self.secondProduct) defines it") && $0.evidence.map(\.seq) == [seq] },
                "\(report.summary)")
        #expect(report.result(.security).problems.contains { $0.message.contains("no firmware image digest") }, "the supplier's digest is not evidence")
    }

    @Test("a rival manufacturer's assembly of the brand owner's serial is not evidence (it has no authority over the GTIN)")
    func rivalAssemblyWithoutAuthority() throws {
        let built = try Self.built(registering: [(Self.rival, Self.rivalKey, [.manufacturer], ["gs1:4777777"])])
        let seq = try built.append(Self.assembly(parent: Self.secondProduct), by: Self.rivalKey, at: "2029-10-02T08:00:00Z")
        let report = TF.verify(try built.exportAgain(product: Self.secondProduct), product: Self.secondProduct)
        #expect(!report.passed)
        #expect(report.result(.integrity).verdict == .satisfied)
        #expect(report.graph.productEntries.isEmpty, "\(report.summary)")
        #expect(report.result(.accountability).problems.contains { $0.evidence.map(\.seq) == [seq] && $0.message.contains("Rival Devices Ltd") })
        #expect(report.result(.provenance).problems.contains { $0.message.contains("no entry by a party with authority over \(Self.secondProduct)") })
    }

    @Test("a commitment signed by a rival manufacturer for the brand owner's GTIN is not the product's commitment")
    func rivalCommitment() throws {
        let built = try Self.built(registering: [(Self.rival, Self.rivalKey, [.manufacturer], ["gs1:4777777"])])
        // The rival moves the support end earlier (a shortening) and, in a second try, later.
        let shorter = try built.append(built.fixture.commitmentJSON(supportEnd: "2027-01-31", time: "2029-10-02T10:00:00+01:00"),
                                       by: Self.rivalKey, at: "2029-10-02T09:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.verdicts == verdicts(notSatisfied: [.accountability]), "\(report.summary)")
        let excluded = try #require(report.result(.accountability).problems.first)
        #expect(excluded.message.contains("is not evidence for \(TF.model)") && excluded.evidence.map(\.seq) == [shorter], "\(excluded.message)")
        #expect(report.result(.lifecycle).findings.contains { $0.message.contains("security support until 2032-12-31") }, "the brand owner's date stands")

        let longer = try built.append(built.fixture.commitmentJSON(supportEnd: "2040-12-31", time: "2029-10-03T10:00:00+01:00"),
                                      by: Self.rivalKey, at: "2029-10-03T09:00:00Z")
        let again = TF.verify(try built.exportAgain())
        #expect(!again.result(.lifecycle).findings.contains { $0.message.contains("2040-12-31") }, "\(again.summary)")
        #expect(again.result(.accountability).problems.contains { $0.evidence.map(\.seq) == [longer] })
    }

    @Test("a generic event from a registered party does not stand in for a missing component origin")
    func genericEventIsNotAnOrigin() throws {
        let built = try TF(defect: .componentWithoutOrigin).build()
        let generic = "{\"type\":\"GenericEvent\",\"subject\":\"\(TF.batteryLot)\",\"action\":\"commissioned\",\"eventTime\":\"2026-11-04T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
        try built.append(generic, by: TF.cellsKey, at: "2029-10-01T08:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.result(.provenance).verdict == .notSatisfied, "\(report.summary)")
        #expect(report.result(.provenance).problems.contains { $0.message.contains("\(TF.batteryLot) has no origin") })
    }

    @Test("a contract manufacturer's assembly counts only under the brand owner's delegation, from its position, until withdrawn")
    func delegation() throws {
        let built = try Self.built(registering: [(Self.contractor, Self.contractorKey, [.manufacturer], ["gs1:4098765"])])
        let product = Self.secondProduct
        // Without a delegation: not evidence.
        let early = try built.append(Self.assembly(parent: product), by: Self.contractorKey, at: "2029-10-02T08:00:00Z")
        var report = TF.verify(try built.exportAgain(product: product), product: product)
        #expect(report.result(.provenance).problems.contains { $0.message.contains("no entry by a party with authority over \(product)") }, "\(report.summary)")
        #expect(report.result(.accountability).problems.contains { $0.evidence.map(\.seq) == [early] && $0.message.contains("holds no scope or delegation") })

        // The same assembly again under a fresh eventID is the same event (one CBV hash ID): already present, not a new entry.
        #expect(try built.append(Self.assembly(parent: product, eventID: "urn:uuid:9a8b7c6d-0096-4a3b-8c2d-1e0f9a8b7c6d"),
                                 by: Self.contractorKey, at: "2029-10-02T09:00:00Z") == early)
        // ACME delegates assembly of its thermostat model; the contractor assembles again.
        try built.append(Self.delegation(to: Self.contractor, scopes: [TF.model], kinds: [.productAssembly]), by: TF.manufacturerKey, at: "2029-10-03T08:00:00Z")
        // A new event (its own time): the same what, when and where again would be the same event (one CBV hash ID).
        let late = try built.append(Self.assembly(parent: product, eventID: "urn:uuid:9a8b7c6d-0098-4a3b-8c2d-1e0f9a8b7c6d", time: "2026-11-25T13:00:00+01:00"),
                                    by: Self.contractorKey, at: "2029-10-04T08:00:00Z")
        report = TF.verify(try built.exportAgain(product: product), product: product)
        #expect(report.graph.productEntries.map(\.seq) == [late], "only the assembly after the delegation counts: \(report.summary)")
        #expect(report.result(.accountability).problems.contains { $0.evidence.map(\.seq) == [early] }, "the early one is still reported")

        // Withdrawn (empty kinds): a later assembly is not evidence again.
        try built.append(Self.delegation(to: Self.contractor, scopes: [TF.model], kinds: []), by: TF.manufacturerKey, at: "2029-10-05T08:00:00Z")
        let after = try built.append(Self.assembly(parent: product, eventID: "urn:uuid:9a8b7c6d-0097-4a3b-8c2d-1e0f9a8b7c6d", time: "2026-11-25T14:00:00+01:00"),
                                     by: Self.contractorKey, at: "2029-10-06T08:00:00Z")
        report = TF.verify(try built.exportAgain(product: product), product: product)
        #expect(report.graph.productEntries.map(\.seq) == [late], "\(report.summary)")
        #expect(report.result(.accountability).problems.contains { $0.evidence.map(\.seq) == [after] })
    }

    @Test("a party cannot delegate what it does not hold: the delegation is refused at append and the ledger is unchanged")
    func delegationBeyondOwnScope() throws {
        let built = try Self.built(registering: [(Self.contractor, Self.contractorKey, [.manufacturer], ["gs1:4098765"])])
        let size = try built.ledger.size()
        // The contractor tries to hand ACME's model on to the rival (it holds only its own prefix).
        let attempt = Self.delegation(to: Self.rival, scopes: [TF.model], kinds: [.lifecycleCommitment])
        #expect(throws: LedgerError.self) { try built.append(attempt, by: Self.contractorKey, at: "2029-10-02T08:00:00Z") }
        do {
            try built.append(attempt, by: Self.contractorKey, at: "2029-10-02T08:00:00Z")
        } catch let e as LedgerError {
            #expect(e.message.contains("may not delegate \(TF.model)"), "\(e.message)")
        }
        #expect(try built.ledger.size() == size)
        #expect(try built.ledger.verify().ok)
    }

    // MARK: §2 Keys

    @Test("one registration per public key: the same key under a second name is refused (operator's key included)")
    func publicKeyRegisteredOnce() throws {
        let ledger = try Fixtures.ledger(at: ":memory:")
        let size = try ledger.size()
        // The supplier's public key under another name (a new key reference).
        let renamed = try NamedSigningKey(name: "second-name.example", key: SigningKey(seed: [UInt8](repeating: 2, count: 32)))
        #expect(renamed.verifierKey.publicKey == Fixtures.supplierKey.verifierKey.publicKey && renamed.keyID != Fixtures.supplierKey.keyID)
        let operatorRenamed = try NamedSigningKey(name: "innocent-supplier.example", key: SigningKey(seed: [UInt8](repeating: 1, count: 32)))
        for (key, existing) in [(renamed, Fixtures.supplierKey), (operatorRenamed, Fixtures.operatorKey)] {
            do {
                try ledger.append([.init(label: "reg", bytes: Fixtures.registration(of: key, roles: [.supplier], partyId: "urn:example:p:\(key.name)"))])
                Issue.record("registered \(key.name) twice")
            } catch let e as LedgerError {
                #expect(e.message.contains("already registered as \(existing.name)+\(existing.keyID.hex)"), "\(e.message)")
            }
        }
        #expect(try ledger.size() == size)
    }

    @Test("relabelling an envelope's keyid to a second registration of the same key after a compromise: the second registration never verifies")
    func keyidRelabelAfterCompromise() throws {
        // A log that skipped its append checks registers one public key under two names.
        var log = RogueLog.withGenesis()
        let second = try NamedSigningKey(name: "radio-second.example/signing", key: SigningKey(seed: [UInt8](repeating: 0x44, count: 32)))
        log.append(TF.registration(TF.radio, key: TF.radioKey, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        log.append(TF.registration(TF.radio, key: second, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:01:00Z")
        let report = TF.verify(try log.bundle(product: TF.radioLot), product: TF.radioLot)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.result(.integrity).problems.contains { $0.message.contains("entry 2") && $0.message.contains("already registered") }, "\(report.summary)")
    }

    @Test("a thief revokes the stolen key as 'superseded' first; the operator's compromise revocation still succeeds and flags what the thief signed")
    func compromiseAfterSupersededWins() throws {
        let built = try TF().build()
        let radio = TF.reference(TF.radioKey)
        let supersede = KeyRevocation(revokedKey: radio, reason: .superseded, effectiveTime: try Timestamp(parsing: "2029-10-01T00:00:00Z"),
                                      eventTime: try Timestamp(parsing: "2029-10-01T10:00:00+02:00"))
        try built.append(supersede.json, by: TF.radioKey, at: "2029-10-01T08:00:00Z")
        let compromise = KeyRevocation(revokedKey: radio, reason: .compromise, effectiveTime: try Timestamp(parsing: "2026-11-05T00:00:00Z"),
                                       eventTime: try Timestamp(parsing: "2029-10-02T10:00:00+02:00"))
        let seq = try built.append(compromise.json, by: TF.operatorKey, at: "2029-10-02T08:00:00Z")
        // A later compromise revocation with a later effective time changes nothing and is refused; an earlier one wins.
        let later = KeyRevocation(revokedKey: radio, reason: .compromise, effectiveTime: try Timestamp(parsing: "2027-01-01T00:00:00Z"),
                                  eventTime: try Timestamp(parsing: "2029-10-03T10:00:00+02:00"))
        #expect(throws: LedgerError.self) { try built.append(later.json, by: TF.operatorKey, at: "2029-10-03T08:00:00Z") }
        #expect(try built.ledger.verify().ok)
        let report = TF.verify(try built.exportAgain())
        let accountability = report.result(.accountability)
        #expect(accountability.verdict == .notSatisfied, "\(report.summary)")
        #expect(accountability.problems.contains { $0.message.contains("after its compromise time (revoked at seq \(seq))") && $0.evidence.map(\.seq) == [built.seq(.radioOrigin)] },
                "\(report.summary)")
    }

    @Test("a party key cannot revoke another key of its party for compromise (only the operator or the key itself)")
    func compromiseByOtherPartyKeyRefused() throws {
        let ledger = try Fixtures.ledger(at: ":memory:")
        let second = Fixtures.key("supplier-2.example", seed: 0x22)
        try ledger.append([.init(label: "reg", bytes: Fixtures.registration(of: second, roles: [.supplier], partyId: "urn:assay-test:party:supplier.example"))])
        let size = try ledger.size()
        do {
            try ledger.append([.init(label: "rev", bytes: Fixtures.revocation(of: Fixtures.supplierKey, reason: .compromise, effective: Fixtures.time(-86_400_000), by: second))])
            Issue.record("accepted")
        } catch let e as LedgerError {
            #expect(e.message.contains("signed by the operator or by that key itself"), "\(e.message)")
        }
        #expect(try ledger.size() == size)
    }

    @Test("weak (small-order) public keys are refused at registration", arguments: [
        "0100000000000000000000000000000000000000000000000000000000000000", // identity
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 2
        "0000000000000000000000000000000000000000000000000000000000000080", // order 4
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", // order 8
    ])
    func weakKeyRefused(hex: String) throws {
        let weak = try PublicKey(rawRepresentation: Hex.decode(hex)!)
        #expect(!weak.isValidPoint)
        let vk = try VerifierKey(name: "weak.example", publicKey: weak)
        let reg = PartyRegistration(partyId: "urn:example:weak", legalName: "Weak", roles: [.supplier], publicKey: vk.description,
                                    eventTime: Timestamp(epochMillis: Fixtures.time()))
        let ledger = try Fixtures.ledger(at: ":memory:")
        let size = try ledger.size()
        do {
            try ledger.append([.init(label: "reg", bytes: Fixtures.envelope(reg.json, by: Fixtures.operatorKey))])
            Issue.record("a weak key was registered")
        } catch let e as LedgerError {
            #expect(e.message.contains("weak (small-order) or invalid"), "\(e.message)")
        }
        #expect(try ledger.size() == size)
        #expect(Fixtures.supplierKey.verifierKey.publicKey.isValidPoint, "a real key is a valid point")
    }

    // MARK: §4 Binding a bundle to its log, its product and its witnesses

    @Test("a real bundle whose checkpoint is re-signed by another key does not verify under that key: the genesis names the operator key")
    func resignedCheckpoint() throws {
        let built = try TF().build()
        for impostor in [Fixtures.key(TF.operatorKey.name, seed: 0x99), Fixtures.key("impostor.example/log", seed: 0x98)] {
            let text = try SignedNote(parsing: Array(built.bundle.checkpoint.utf8)).text
            let resigned = try SignedNote.sign(text: text, keys: [impostor]).serialized
            let report = TF.verify(built.bundle.with(checkpoint: resigned), logKey: impostor.verifierKey)
            #expect(report.verdicts == integrityFailed, "\(report.summary)")
            #expect(report.result(.integrity).problems.contains { $0.message.contains("the genesis names operator key \(TF.reference(TF.operatorKey))") })
            #expect(!report.passed)
        }
    }

    @Test("a sibling unit's bundle does not pass for the product the auditor asked about")
    func siblingBundle() throws {
        let built = try TF().build()
        try built.append(Self.assembly(parent: Self.secondProduct), by: TF.manufacturerKey, at: "2029-10-01T08:00:00Z")
        let sibling = try built.exportAgain(product: Self.secondProduct)
        let report = TF.verify(sibling) // the auditor asks about SN-0001
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.result(.integrity).problems.contains { $0.message.contains("is for product \(Self.secondProduct), not \(TF.product)") })
    }

    @Test("a bundle from a second ledger under the same key but a new origin (leaving out the end of life) fails against the pinned origin")
    func secondLedgerNewOrigin() throws {
        let other = try TF(origin: "acme.example/ledger-2", includeEndOfLife: false).build()
        let report = TF.verify(other.bundle)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.result(.integrity).problems.contains { $0.message.contains("is for log \"acme.example/ledger-2\", not the log \"\(TF.ledgerOrigin)\"") })
        // Against its own origin it verifies: the pin is what catches it.
        #expect(TF.verify(other.bundle, origin: "acme.example/ledger-2").result(.integrity).verdict == .satisfied)
    }

    @Test("a corrupt consistency proof fails even when the auditor gives no --since")
    func corruptConsistencyWithoutSince() throws {
        let built = try TF().build()
        let bundle = try built.ledger.exportBundle(product: TF.product, since: built.earlyCheckpoint)
        let c = try #require(bundle.consistency)
        var raw = c.hashes[0].bytes
        raw[5] ^= 0x01
        let forged = bundle.with(consistency: .init(fromCheckpoint: c.fromCheckpoint, hashes: [try Digest(bytes: raw)] + c.hashes.dropFirst()))
        #expect(TF.verify(bundle).passed)
        let report = TF.verify(forged)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        #expect(report.result(.integrity).problems.contains { $0.message.contains("consistency proof does not verify") })
    }

    @Test("a policy requiring only lifecycle cannot switch integrity off: a broken proof or an unregistered signer still fails")
    func integrityNeverOptional() throws {
        let policy = try AuditPolicy(json: Array(#"{"type":"AuditPolicy","requiredPrinciples":["lifecycle"]}"#.utf8))
        #expect(policy.requiredPrinciples == [.integrity, .lifecycle])
        let built = try TF().build()
        #expect(TF.verify(built.bundle, policy: policy).passed)
        let brokenProof = try ProductBundle(text: BundleText.flippingProofByte(seq: built.seq(.pcbOrigin), in: built.bundle.json))
        #expect(!TF.verify(brokenProof, policy: policy).passed)
        let unregistered = try ProductBundle(text: BundleText.removing(seq: built.seq(.registerBoards), from: built.bundle.json))
        let report = TF.verify(unregistered, policy: policy)
        #expect(!report.passed && report.verdicts == integrityFailed, "\(report.summary)")
    }

    @Test("when a witness cosignature is missing, the other principles say 'not evaluated', not 'size 0', '0 parties' or 'no entry'")
    func notEvaluatedWhenIntegrityFails() throws {
        let built = try TF().build()
        let report = TF.verify(built.bundle, witnesses: [TF.witnessKey.verifierKey], witnessesNeeded: 1)
        #expect(report.verdicts == integrityFailed, "\(report.summary)")
        let text = report.principles.filter { $0.principle != .integrity }.flatMap(\.findings).map(\.message).joined(separator: "\n")
        #expect(!text.contains("size 0") && !text.contains("0 parties") && !text.contains("no entry"), "\(text)")
        #expect(report.principles.filter { $0.principle != .integrity }.allSatisfy { $0.findings.count == 1 && $0.findings[0].message.hasPrefix("not evaluated") })
    }

    @Test("a bundle entry with seq 2^64-1 is a clean failure, not a crash")
    func maximalSeq() throws {
        let built = try TF().build()
        let last = try #require(built.bundle.entries.last)
        let huge = ProductBundle.Entry(record: LedgerRecord(seq: .max, appendedAtMillis: last.record.appendedAtMillis, envelope: last.record.envelope),
                                       proof: last.proof)
        let forged = built.bundle.with(entries: built.bundle.entries + [huge])
        let reparsed = try ProductBundle(text: forged.json)
        let report = TF.verify(reparsed)
        #expect(report.verdicts == integrityFailed)
        #expect(report.result(.integrity).problems.contains { $0.message.contains("entry \(UInt64.max) lies beyond the checkpoint's tree size") }, "\(report.summary)")
    }

    // MARK: §5 Corrections, times and quantities

    /// The mcu origin, declared erroneous (`did_not_occur`) by `party`'s copy of the event.
    static func declaredErroneous(_ originJSON: String) -> String {
        let declaration = ",\"errorDeclaration\":{\"declarationTime\":\"2029-10-01T10:00:00+02:00\",\"reason\":\"did_not_occur\"}}"
        return String(originJSON.dropLast()) + declaration
    }

    @Test("an origin its own supplier declared did_not_occur no longer satisfies provenance; a declaration by another party retracts nothing")
    func retractedOrigin() throws {
        let built = try TF().build()
        let mcu = TF.origin(id: "4f0c1a00-0001", objects: TF.quantity(TF.mcuLot, 1000), part: "MCU-32-QFN48", party: TF.chips,
                            date: "2026-11-02", materials: nil)
        // Another supplier's declaration about Chips' event: no effect.
        try built.append(Self.declaredErroneous(mcu), by: TF.radioKey, at: "2029-10-01T08:00:00Z")
        #expect(TF.verify(try built.exportAgain()).result(.provenance).verdict == .satisfied)
        // Chips' own declaration retracts its origin.
        let declaration = try built.append(Self.declaredErroneous(mcu), by: TF.chipsKey, at: "2029-10-02T08:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.result(.provenance).verdict == .notSatisfied, "\(report.summary)")
        #expect(report.result(.provenance).problems.contains { $0.message.contains("\(TF.mcuLot) has no origin") })
        #expect(report.graph.retracted[built.seq(.mcuOrigin)]?.seq == declaration)
    }

    @Test("an errorDeclaration on a new event after the end of life does not excuse it from the end-of-life rule")
    func fakeCorrectionAfterEndOfLife() throws {
        let built = try TF().build()
        let inspection = "{\(TF.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:7d8e9f00-0077-4a1b-8c2d-3e4f5a6b7c8d\",\"eventTime\":\"2029-10-01T10:00:00+02:00\",\"eventTimeZoneOffset\":\"+02:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"\(TF.product)\"],\"readPoint\":{\"id\":\"\(TF.acme.facilityId)\"},\"errorDeclaration\":{\"declarationTime\":\"2029-10-01T10:00:00+02:00\",\"reason\":\"incorrect_data\"}}"
        let seq = try built.append(inspection, by: TF.manufacturerKey, at: "2029-10-01T08:00:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.result(.lifecycle).problems.contains { $0.message.contains("entry \(seq) records the product after its end of life") }, "\(report.summary)")
    }

    @Test("an end of life dated 2036, recorded in 2026, is not evidence: reported as implausible and not counted at a 2031 audit")
    func futureDatedEndOfLife() throws {
        var log = RogueLog.withGenesis()
        log.append(TF.registration(TF.recycler, key: TF.recyclerKey, roles: [.recycler]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        let eol = TF.endOfLifeJSONDated("2036-09-14T09:30:00+02:00")
        log.append(eol, by: TF.recyclerKey, at: "2026-11-30T09:00:00Z")
        let report = TF.verify(try log.bundle(product: TF.product), auditDate: try CalendarDate(parsing: "2031-01-01"))
        #expect(report.result(.integrity).verdict == .satisfied, "the hand-built bundle is complete and sound: \(report.summary)")
        #expect(report.result(.accountability).problems.contains { $0.message.contains("is dated 2036-09-14") && $0.message.contains("after it was recorded") }, "\(report.summary)")
        #expect(!report.result(.lifecycle).findings.contains { $0.message.contains("end of life recorded") })
    }

    @Test("an end of life dated after the audit date has not happened yet")
    func endOfLifeAfterAuditDate() throws {
        let built = try TF().build()
        let report = TF.verify(built.bundle, auditDate: try CalendarDate(parsing: "2028-01-01"))
        #expect(report.result(.lifecycle).findings.contains { $0.message.contains("after the audit date 2028-01-01: it has not happened yet") }, "\(report.summary)")
        #expect(!report.result(.lifecycle).findings.contains { $0.message.hasPrefix("end of life recorded") })
    }

    @Test("append refuses a statement dated more than a day after the ledger's clock (eventTime 2099)")
    func appendRefusesFuture() throws {
        let ledger = try Fixtures.ledger(at: ":memory:")
        let size = try ledger.size()
        let future = Fixtures.event(1).replacingOccurrences(of: "2026-11-20T10:00:00+01:00", with: "2099-01-01T00:00:00+01:00")
        do {
            try ledger.append([.init(label: "e", bytes: Fixtures.envelope(future, by: Fixtures.supplierKey))])
            Issue.record("accepted an event dated 2099")
        } catch let e as LedgerError {
            #expect(e.message.contains("cannot record the future") && e.message.contains("(would be seq \(size))"), "\(e.message)")
        }
        #expect(try ledger.size() == size)
    }

    @Test("an assembly dated before its component was made fails provenance, naming both")
    func assemblyBeforeComponent() throws {
        var log = RogueLog.withGenesis()
        log.append(TF.registration(TF.acme, key: TF.manufacturerKey, roles: [.manufacturer]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        log.append(TF.registration(TF.cells, key: TF.cellsKey, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        // The battery lot is made on 2026-11-30, appended that day; the assembly is appended later but dated 2026-11-20.
        let origin = TF.origin(id: "4f0c1a00-0003", objects: TF.quantity(TF.batteryLot, 10), part: "CR2032", party: TF.cells, date: "2026-11-30", materials: nil)
        log.append(origin, by: TF.cellsKey, at: "2026-11-30T14:00:00Z")
        let assembly = "{\(TF.context),\"type\":\"AggregationEvent\",\"eventTime\":\"2026-11-20T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(TF.product)\",\"childQuantityList\":[{\"epcClass\":\"\(TF.batteryLot)\",\"quantity\":2,\"uom\":\"C62\"}],\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-20\"}"
        log.append(assembly, by: TF.manufacturerKey, at: "2026-12-01T09:00:00Z")
        let report = TF.verify(try log.bundle(product: TF.product))
        #expect(report.result(.integrity).verdict == .satisfied, "the hand-built bundle is complete and sound: \(report.summary)")
        let problem = report.result(.provenance).problems.first { $0.message.contains("before component \(TF.batteryLot) was made") }
        #expect(problem?.evidence.map(\.seq).sorted() == [3, 4], "\(report.summary)")
    }

    @Test("quantities balance across unspecified, C62 and H87 counts; a mass unit against a count is reported")
    func quantityUnits() throws {
        func report(originQuantity: String, consumed: String) throws -> BundleReport {
            var log = RogueLog.withGenesis()
            log.append(TF.registration(TF.acme, key: TF.manufacturerKey, roles: [.manufacturer]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
            log.append(TF.registration(TF.cells, key: TF.cellsKey, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
            let origin = TF.origin(id: "4f0c1a00-0003", objects: "\"quantityList\":[{\"epcClass\":\"\(TF.batteryLot)\",\(originQuantity)}]",
                                   part: "CR2032", party: TF.cells, date: "2026-11-04", materials: nil)
            log.append(origin, by: TF.cellsKey, at: "2026-11-04T14:00:00Z")
            let assembly = "{\(TF.context),\"type\":\"AggregationEvent\",\"eventTime\":\"2026-11-20T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(TF.product)\",\"childQuantityList\":[{\"epcClass\":\"\(TF.batteryLot)\",\(consumed)}],\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-20\"}"
            log.append(assembly, by: TF.manufacturerKey, at: "2026-11-20T12:00:00Z")
            let report = TF.verify(try log.bundle(product: TF.product))
            // Otherwise nothing below is judged (and the "not contains" checks would hold vacuously).
            #expect(report.result(.integrity).verdict == .satisfied, "the hand-built bundle is complete and sound: \(report.summary)")
            return report
        }
        let overdrawn = try report(originQuantity: "\"quantity\":1", consumed: "\"quantity\":2,\"uom\":\"H87\"")
        #expect(overdrawn.result(.provenance).problems.contains { $0.message.contains("more of \(TF.batteryLot) is consumed (2.0 count) than its origins commissioned (1.0 count)") }, "\(overdrawn.summary)")
        let balanced = try report(originQuantity: "\"quantity\":5,\"uom\":\"C62\"", consumed: "\"quantity\":2")
        #expect(!balanced.result(.provenance).problems.contains { $0.message.contains("consumed") }, "\(balanced.summary)")
        let mixed = try report(originQuantity: "\"quantity\":5,\"uom\":\"KGM\"", consumed: "\"quantity\":2,\"uom\":\"H87\"")
        #expect(mixed.result(.provenance).problems.contains { $0.message.contains("cannot be balanced") }, "\(mixed.summary)")
    }

    @Test("tiers come from the graph: parts reaching the product through the maker's own step are tier 1; a smelter behind a supplier's step is tier 2")
    func tiers() throws {
        // Chips also makes things: a second key of the same party, as manufacturer of its own classes.
        let chipsMaking = Fixtures.key("chips.example/manufacturing", seed: 0x64)
        let built = try Self.built(registering: [(Self.smelter, Self.smelterKey, [.supplier], ["gs1:5099999"]),
                                                 (TF.chips, chipsMaking, [.manufacturer], TF.scopes[TF.chips.gln]!)])
        let tin = TF.origin(id: "4f0c1a00-0042", objects: "\"quantityList\":[{\"epcClass\":\"\(Self.tinLot)\",\"quantity\":1000,\"uom\":\"KGM\"}]",
                            part: "SN-INGOT", party: Self.smelter, date: "2026-10-15", materials: nil)
        try built.append(tin, by: Self.smelterKey, at: "2029-10-02T08:00:00Z")
        // Chips makes its microcontroller lot with the smelter's tin (a step of its own).
        let step = "{\(TF.context),\"type\":\"TransformationEvent\",\"eventID\":\"urn:uuid:0c1d2e3f-0042-4c6d-8e7f-8091a2b3c4d5\",\"eventTime\":\"2026-11-01T11:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"bizStep\":\"assembling\",\"inputQuantityList\":[{\"epcClass\":\"\(Self.tinLot)\",\"quantity\":5,\"uom\":\"KGM\"}],\"outputQuantityList\":[{\"epcClass\":\"\(TF.mcuLot)\",\"quantity\":1000,\"uom\":\"C62\"}],\"bizLocation\":{\"id\":\"\(TF.chips.facilityId)\"}}"
        try built.append(step, by: chipsMaking, at: "2029-10-03T08:00:00Z")
        let report = TF.verify(try built.exportAgain())
        let fact = try #require(report.result(.provenance).findings.first { $0.message.contains("suppliers by tier") })
        #expect(fact.message.contains("tier 2: Tin Smelter Bhd"), "\(fact.message)")
        let tier1 = fact.message.components(separatedBy: "tier 1: ").last!.components(separatedBy: " | ").first!
        for s in TF.suppliers { #expect(tier1.contains(s.legalName), "\(s.legalName) is tier 1: \(fact.message)") }
        #expect(!tier1.contains("Tin Smelter"))
        #expect(report.graph.partyTiers[TF.acme.partyId] == 0)
        #expect(report.graph.origins[Self.tinLot]?.tier == 2)
        #expect(fact.message.contains("first-tier countries of origin: CN, DE, FR;"), "\(fact.message)")
    }
}
