import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayReport
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 16: supplier tiers computed from the graph, smelters and refiners with their RMI ids
/// and conformance status, chains of custody of the minerals, the mineral policy member, and
/// the CRA expected-use-time rule — on real ledgers, exported bundles and the `assay` binary.
@Suite("supplier tiers, smelters and chains of custody, declared commitment fields at audit")
struct TierTests {
    // MARK: Parties, keys and statements

    static let smelter = TF.Party(gln: "5099999000004", facility: "5099999000011", legalName: "Tin Smelter Bhd", country: "MY")
    static let smelterKey = Fixtures.key("smelter.example/signing", seed: 0x63)
    /// A later key of the smelter, registered with an updated conformance status.
    static let smelterKey2 = Fixtures.key("smelter.example/signing-2030", seed: 0x67)
    /// Keys of suppliers that also make things (manufacturing steps need the manufacturer role).
    static let chipsMaking = Fixtures.key("chips.example/manufacturing", seed: 0x64)
    static let boardsMaking = Fixtures.key("boards.example/manufacturing", seed: 0x65)
    static let cellsMaking = Fixtures.key("cells.example/manufacturing", seed: 0x66)
    static let tinLot = "https://id.gs1.org/01/05099999000004/10/TIN-2026-10"

    static func smelterRegistration(_ status: Smelter.ConformanceStatus, key: NamedSigningKey = smelterKey) -> String {
        PartyRegistration(partyId: smelter.partyId, legalName: smelter.legalName, roles: [.supplier], publicKey: key.verifierKey.description,
                          facilities: [smelter.facilityId], scopes: [try! IdentifierScope(parsing: "gs1:5099999")],
                          smelter: Smelter(rmiId: "CID001070", metal: .tin, conformanceStatus: status, assessedOn: "2026-05-14",
                                           programme: "RMAP", country: "MY"),
                          eventTime: try! Timestamp(parsing: "2026-11-01T10:00:00+01:00")).json
    }

    /// The smelter commissions a lot of tin (1000 kg).
    static var tinOrigin: String {
        TF.origin(id: "4f0c1a00-0042", objects: "\"quantityList\":[{\"epcClass\":\"\(tinLot)\",\"quantity\":1000,\"uom\":\"KGM\"}]",
                  part: "SN-INGOT", party: smelter, date: "2026-10-15", materials: #"[{"name":"tin","massGrams":1000000}]"#)
    }

    /// A manufacturing step at `party`'s site: `inputs` → `outputs` (EPCIS members, already encoded).
    static func step(_ n: Int, inputs: String, outputs: String, party: TF.Party, date: String) -> String {
        "{\(TF.context),\"type\":\"TransformationEvent\",\"eventID\":\"urn:uuid:0c1d2e3f-\(String(format: "%04d", n))-4c6d-8e7f-8091a2b3c4d5\",\"eventTime\":\"\(date)T11:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"bizStep\":\"assembling\",\(inputs),\(outputs),\"bizLocation\":{\"id\":\"\(party.facilityId)\"}}"
    }

    static func quantities(_ member: String, _ cls: String, _ n: Int, _ uom: String = "C62") -> String {
        "\"\(member)\":[{\"epcClass\":\"\(cls)\",\"quantity\":\(n),\"uom\":\"\(uom)\"}]"
    }

    /// Chips makes its microcontroller lot with the smelter's tin (a step of its own).
    static var chipsStep: String {
        step(42, inputs: quantities("inputQuantityList", tinLot, 5, "KGM"), outputs: quantities("outputQuantityList", TF.mcuLot, 1000),
             party: TF.chips, date: "2026-11-01")
    }

    /// The thermostat, with the smelter (registered with `status`) whose tin goes into Chips'
    /// microcontrollers, which reach the thermostat through ACME's encoding step.
    struct Smelted {
        let built: TF.Built
        let registration: UInt64
        let tin: UInt64
        let chipsStep: UInt64
    }

    static func thermostatWithSmelter(_ status: Smelter.ConformanceStatus) throws -> Smelted {
        let built = try TF().build()
        let reg = try built.append(smelterRegistration(status), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        try built.append(TF.registration(TF.chips, key: chipsMaking, roles: [.manufacturer]), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        let tin = try built.append(tinOrigin, by: smelterKey, at: "2029-10-02T08:00:00Z")
        let step = try built.append(chipsStep, by: chipsMaking, at: "2029-10-03T08:00:00Z")
        return Smelted(built: built, registration: reg, tin: tin, chipsStep: step)
    }

    static let mineralPolicy: AuditPolicy = {
        var p = AuditPolicy.default
        p.requireMineralChainOfCustody = true
        return p
    }()

    // MARK: Tiers

    @Test("a supplier whose part reaches the product through the maker's manufacturing step is tier 1; the smelter behind the supplier's own step is tier 2")
    func tiersThroughSteps() throws {
        let s = try Self.thermostatWithSmelter(.conformant)
        let built = s.built
        let report = TF.verify(try built.exportAgain())
        #expect(report.result(.integrity).verdict == .satisfied, "\(report.summary)")
        let tiers = Dictionary(uniqueKeysWithValues: report.graph.tiers.map { ($0.partyId, $0) })
        let acme = try #require(tiers[TF.acme.partyId])
        #expect(acme.tier == 0 && acme.via == nil && acme.seqs.contains(built.seq(.assembly)) && acme.seqs.contains(built.seq(.encodingStep)))
        // Chips, Radio and Boards reach the thermostat only through ACME's encoding step (the
        // main board); Cells' batteries go straight into the assembly. All are tier 1.
        for (party, items, seq) in [(TF.chips, [TF.mcuLot, TF.firmwareLot], built.seq(.encodingStep)), (TF.radio, [TF.radioLot], built.seq(.encodingStep)),
                                    (TF.boards, [TF.pcb], built.seq(.encodingStep)), (TF.cells, [TF.batteryLot], built.seq(.assembly))] {
            let t = try #require(tiers[party.partyId], "\(party.legalName) has no tier")
            #expect(t.tier == 1, "\(party.legalName): \(t)")
            #expect(t.via.map { items.contains($0.item) && $0.seq == seq && $0.consumerParty == TF.acme.partyId } == true, "\(party.legalName): \(t)")
        }
        let smelter = try #require(tiers[Self.smelter.partyId])
        #expect(smelter.tier == 2, "\(smelter)")
        #expect(smelter.via == ProvenanceGraph.TierLink(item: Self.tinLot, seq: s.chipsStep, consumerParty: TF.chips.partyId, definingSeq: s.tin))
        #expect(smelter.smelters.map(\.smelter.rmiId) == ["CID001070"] && smelter.smelters.first?.registrationSeq == s.registration)
        #expect(report.graph.origins[Self.tinLot]?.tier == 2 && report.graph.origins[TF.mcuLot]?.tier == 1)
        #expect(Set(report.graph.tiers.map(\.partyId)) == Set([TF.acme, TF.chips, TF.radio, TF.boards, TF.cells, Self.smelter].map(\.partyId)),
                "the recycler (end of life) and the unrelated plug's supplier are not tiers")

        // The report says so, with the evidence.
        let provenance = report.result(.provenance)
        #expect(provenance.verdict == .satisfied, "\(report.summary)")
        let fact = try #require(provenance.findings.first { $0.message.hasPrefix("tier 2: Tin Smelter Bhd") }, "\(report.summary)")
        #expect(fact.severity == .fact)
        #expect(fact.message.contains("CID001070 (tin, conformant under RMAP, assessed 2026-05-14, MY)"), "\(fact.message)")
        #expect(fact.message.contains("supplies \(Self.tinLot) (seq \(s.tin)), consumed at seq \(s.chipsStep) by Chips GmbH (\(TF.chips.partyId)), tier 1"), "\(fact.message)")
        #expect(Set(fact.evidence.map(\.seq)) == [s.tin, s.chipsStep])
        #expect(provenance.findings.contains { $0.message.hasPrefix("tier 0 (the product's maker): ACME Devices GmbH") })
        #expect(provenance.findings.filter { $0.message.hasPrefix("tier 1: ") }.count == 4, "\(report.summary)")
    }

    @Test("the chain of custody of the smelter's tin runs through Chips' step, the board and the assembly to the product")
    func chainOfCustody() throws {
        let s = try Self.thermostatWithSmelter(.conformant)
        let report = TF.verify(try s.built.exportAgain())
        let chain = try #require(report.graph.custodyChains.first)
        #expect(report.graph.custodyChains.count == 1)
        #expect(chain.mineral == .tin && chain.smelterParty == Self.smelter.partyId && chain.tier == 2)
        #expect(chain.path == [.init(id: Self.tinLot, seq: s.tin), .init(id: TF.mcuLot, seq: s.chipsStep),
                               .init(id: TF.board, seq: s.built.seq(.encodingStep)), .init(id: TF.product, seq: s.built.seq(.assembly))])
        let fact = try #require(report.result(.provenance).findings.first { $0.message.hasPrefix("chain of custody of tin") })
        #expect(fact.message.contains("Regulation (EU) 2017/821") && fact.message.contains("\(Self.tinLot) (seq \(s.tin)) → \(TF.mcuLot) (seq \(s.chipsStep))"), "\(fact.message)")
        #expect(Set(fact.evidence.map(\.seq)) == [s.registration, s.tin, s.chipsStep, s.built.seq(.encodingStep), s.built.seq(.assembly)])
        // The battery's lithium (a material of the battery origin) is named, with no refiner of it.
        #expect(report.graph.declaredMinerals.contains { $0.mineral == .lithium && $0.item == TF.batteryLot && $0.seq == s.built.seq(.batteryOrigin) })
        #expect(report.graph.declaredMinerals.contains { $0.mineral == .tin && $0.item == Self.tinLot })
    }

    @Test("tiers count hand-overs between parties, not edges: a supplier reached first through another supplier is still tier 1 when it also supplies the maker")
    func fewestHandOvers() throws {
        // Product SN-0002 ← ACME's board A ← board B ← board C ← Boards' PCB lot 1 (four edges, one hand-over),
        // and ← Cells' lot ← Boards' PCB lot 2 ← the smelter's tin (three edges, three hand-overs).
        let product = "https://id.gs1.org/01/04012345000016/21/SN-0002"
        let boardA = "https://id.gs1.org/01/04012345000030/21/BOARD-A", boardB = "https://id.gs1.org/01/04012345000030/21/BOARD-B"
        let boardC = "https://id.gs1.org/01/04012345000030/21/BOARD-C"
        let pcbLot1 = "https://id.gs1.org/01/04012345000054/10/PCB-L1", pcbLot2 = "https://id.gs1.org/01/04012345000054/10/PCB-L2"
        let cellLot = "https://id.gs1.org/01/04012345000047/10/CELL-L9"
        let built = try TF().build()
        let reg = try built.append(Self.smelterRegistration(.active), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        try built.append(TF.registration(TF.boards, key: Self.boardsMaking, roles: [.manufacturer]), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        try built.append(TF.registration(TF.cells, key: Self.cellsMaking, roles: [.manufacturer]), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        let tin = try built.append(Self.tinOrigin, by: Self.smelterKey, at: "2029-10-02T08:00:00Z")
        let pcb1 = try built.append(TF.origin(id: "4f0c1a00-0051", objects: TF.quantity(pcbLot1, 100), part: "PCB-TH1-REV4", party: TF.boards,
                                              date: "2026-10-20", materials: nil), by: TF.boardsKey, at: "2029-10-02T09:00:00Z")
        let boardsStep = try built.append(Self.step(51, inputs: Self.quantities("inputQuantityList", Self.tinLot, 5, "KGM"),
                                                    outputs: Self.quantities("outputQuantityList", pcbLot2, 100), party: TF.boards, date: "2026-10-21"),
                                          by: Self.boardsMaking, at: "2029-10-02T10:00:00Z")
        let cellsStep = try built.append(Self.step(52, inputs: Self.quantities("inputQuantityList", pcbLot2, 1),
                                                   outputs: Self.quantities("outputQuantityList", cellLot, 50), party: TF.cells, date: "2026-10-25"),
                                         by: Self.cellsMaking, at: "2029-10-02T11:00:00Z")
        let stepC = try built.append(Self.step(53, inputs: Self.quantities("inputQuantityList", pcbLot1, 1), outputs: "\"outputEPCList\":[\"\(boardC)\"]",
                                               party: TF.acme, date: "2026-11-02"), by: TF.manufacturerKey, at: "2029-10-02T12:00:00Z")
        let stepB = try built.append(Self.step(54, inputs: "\"inputEPCList\":[\"\(boardC)\"]", outputs: "\"outputEPCList\":[\"\(boardB)\"]",
                                               party: TF.acme, date: "2026-11-03"), by: TF.manufacturerKey, at: "2029-10-02T13:00:00Z")
        let stepA = try built.append(Self.step(55, inputs: "\"inputEPCList\":[\"\(boardB)\"]", outputs: "\"outputEPCList\":[\"\(boardA)\"]",
                                               party: TF.acme, date: "2026-11-04"), by: TF.manufacturerKey, at: "2029-10-02T14:00:00Z")
        let assembly = "{\(TF.context),\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:9a8b7c6d-0055-4a3b-8c2d-1e0f9a8b7c6d\",\"eventTime\":\"2026-11-05T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(product)\",\"childEPCs\":[\"\(boardA)\"],\"childQuantityList\":[{\"epcClass\":\"\(cellLot)\",\"quantity\":2,\"uom\":\"C62\"}],\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-05\"}"
        let assemblySeq = try built.append(assembly, by: TF.manufacturerKey, at: "2029-10-02T15:00:00Z")

        let report = TF.verify(try built.exportAgain(product: product), product: product)
        #expect(report.result(.integrity).verdict == .satisfied, "\(report.summary)")
        #expect(report.graph.nodes.contains(Self.tinLot) && report.graph.nodes.contains(pcbLot1), "\(report.graph.nodes)")
        let tiers = Dictionary(uniqueKeysWithValues: report.graph.tiers.map { ($0.partyId, $0) })
        #expect(tiers[TF.acme.partyId]?.tier == 0)
        #expect(tiers[TF.boards.partyId]?.tier == 1, "Boards supplies ACME directly (PCB lot 1, four edges down)")
        #expect(tiers[TF.boards.partyId]?.via == .init(item: pcbLot1, seq: stepC, consumerParty: TF.acme.partyId, definingSeq: pcb1))
        #expect(tiers[TF.cells.partyId]?.tier == 1)
        #expect(tiers[TF.cells.partyId]?.via == .init(item: cellLot, seq: assemblySeq, consumerParty: TF.acme.partyId, definingSeq: cellsStep))
        // Breadth first over components, the tin is reached through Cells (three hand-overs);
        // over parties, Boards is tier 1, so the smelter supplying its input is tier 2.
        #expect(tiers[Self.smelter.partyId]?.tier == 2, "\(report.graph.tiers)")
        #expect(tiers[Self.smelter.partyId]?.via == .init(item: Self.tinLot, seq: boardsStep, consumerParty: TF.boards.partyId, definingSeq: tin))
        #expect(report.graph.origins[Self.tinLot]?.tier == 2)
        // The chain of custody follows the tin itself: into PCB lot 2, the cells, the product.
        #expect(report.graph.custodyChains.map(\.path) == [[.init(id: Self.tinLot, seq: tin), .init(id: pcbLot2, seq: boardsStep),
                                                             .init(id: cellLot, seq: cellsStep), .init(id: product, seq: assemblySeq)]])
        #expect(report.graph.custodyChains.first?.smelter.registrationSeq == reg)
        #expect(report.graph.edges.contains { $0.seq == stepA } && report.graph.edges.contains { $0.seq == stepB })
        #expect(report.result(.provenance).problems.isEmpty, "\(report.summary)")
    }

    // MARK: The mineral policy

    @Test("a non-conformant smelter is a provenance problem under requireMineralChainOfCustody, a fact otherwise")
    func nonConformantSmelter() throws {
        let s = try Self.thermostatWithSmelter(.nonConformant)
        let bundle = try s.built.exportAgain()
        let expected = "smelter or refiner Tin Smelter Bhd (CID001070, tin) in the product's chain of custody is non-conformant under RMAP (assessed 2026-05-14) (registration seq \(s.registration))"

        let lax = TF.verify(bundle)
        #expect(lax.result(.provenance).verdict == .satisfied, "\(lax.summary)")
        let noted = try #require(lax.result(.provenance).findings.first { $0.message == expected }, "\(lax.summary)")
        #expect(noted.severity == .fact)

        let strict = TF.verify(bundle, policy: Self.mineralPolicy)
        let provenance = strict.result(.provenance)
        #expect(provenance.verdict == .notSatisfied && !strict.passed)
        let problem = try #require(provenance.problems.first { $0.message == expected }, "\(strict.summary)")
        #expect(Set(problem.evidence.map(\.seq)).isSuperset(of: [s.registration, s.tin, s.chipsStep]), "\(problem.evidence)")
        // Nothing else changes: the same entries, the same other principles.
        for p in Principle.allCases where p != .provenance { #expect(strict.result(p).verdict == lax.result(p).verdict, "\(p)") }
    }

    @Test("under requireMineralChainOfCustody a mineral the materials name with no smelter of it in the chain is a problem; a conformant smelter is not")
    func mineralWithoutSmelter() throws {
        let s = try Self.thermostatWithSmelter(.conformant)
        let bundle = try s.built.exportAgain()
        let strict = TF.verify(bundle, policy: Self.mineralPolicy)
        let problems = strict.result(.provenance).problems
        let lithium = try #require(problems.first { $0.message.hasPrefix("lithium is named by the material") }, "\(strict.summary)")
        #expect(lithium.message.contains("\"lithium\" of \(TF.batteryLot) (seq \(s.built.seq(.batteryOrigin)))") &&
                lithium.message.contains("no smelter or refiner of lithium") && lithium.message.contains("Regulation (EU) 2023/1542"), "\(lithium.message)")
        #expect(lithium.evidence.map(\.seq) == [s.built.seq(.batteryOrigin)])
        #expect(problems.count == 1, "tin is traced to a conformant smelter: \(strict.summary)")
        // Without the policy the same is a fact.
        let lax = TF.verify(bundle)
        #expect(lax.result(.provenance).problems.isEmpty && lax.result(.provenance).findings.contains { $0.message.hasPrefix("lithium is named by") })
    }

    @Test("a later registration of the smelter's party updates its conformance status")
    func statusUpdate() throws {
        let s = try Self.thermostatWithSmelter(.nonConformant)
        let update = try s.built.append(Self.smelterRegistration(.conformant, key: Self.smelterKey2), by: TF.operatorKey, at: "2029-10-04T08:00:00Z")
        let report = TF.verify(try s.built.exportAgain(), policy: Self.mineralPolicy)
        let chain = try #require(report.graph.custodyChains.first, "\(report.summary)")
        #expect(chain.smelter.smelter.conformanceStatus == .conformant && chain.smelter.registrationSeq == update, "\(chain)")
        #expect(!report.result(.provenance).problems.contains { $0.message.contains("non-conformant") }, "\(report.summary)")
    }

    @Test("the policy member is read, defaults to off, and a wrong type is refused naming it")
    func policyMember() throws {
        #expect(!AuditPolicy.default.requireMineralChainOfCustody)
        #expect(try AuditPolicy(json: Array(#"{"type":"AuditPolicy","requireMineralChainOfCustody":true}"#.utf8)).requireMineralChainOfCustody)
        #expect(try !AuditPolicy(json: Array(#"{"type":"AuditPolicy","requireMineralChainOfCustody":null}"#.utf8)).requireMineralChainOfCustody)
        #expect { try AuditPolicy(json: Array(#"{"type":"AuditPolicy","requireMineralChainOfCustody":"yes"}"#.utf8)) } throws: {
            ($0 as? ModelError)?.field == "requireMineralChainOfCustody"
        }
    }

    // MARK: Declared commitment fields at audit

    /// The thermostat's commitment again (same support end), declaring `extra` members.
    static func commitment(model: String = TF.model, supportEnd: String = "2032-12-31", _ extra: String) -> String {
        let base = TF(commitmentModel: model).commitmentJSON(supportEnd: supportEnd, time: "2029-10-02T10:00:00+01:00")
        return base.replacingOccurrences(of: ",\"eventTime\":", with: (extra.isEmpty ? "" : "," + extra) + ",\"eventTime\":")
    }

    static let declared = #""securityUpdateMechanism":"signed over-the-air updates","sbom":{"url":"https://acme.example/sbom.cdx.json","digest":"sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"},"vulnerabilityDisclosurePolicy":"https://acme.example/cvd","manufacturerContact":"mailto:service@acme.example""#

    @Test("a support end before placed-on-market plus the expected use time is a lifecycle problem naming both dates (CRA Art. 13(8))")
    func expectedUseTimeRule() throws {
        let built = try TF().build()
        let seq = try built.append(Self.commitment(#""expectedUseTime":"P7Y","# + Self.declared), by: TF.manufacturerKey, at: "2029-10-02T09:30:00Z")
        let report = TF.verify(try built.exportAgain())
        let lifecycle = report.result(.lifecycle)
        #expect(lifecycle.verdict == .notSatisfied)
        let problem = try #require(lifecycle.problems.first, "\(report.summary)")
        #expect(lifecycle.problems.count == 1, "\(report.summary)")
        #expect(problem.message.contains("ends on 2032-12-31") && problem.message.contains("expected use time P7Y from placed on market 2026-12-01, 2033-12-01")
                && problem.message.contains("CRA Art. 13(8)"), "\(problem.message)")
        #expect(problem.evidence.map(\.seq) == [seq])
    }

    @Test("a support end covering the expected use time passes, and the declared values are shown")
    func expectedUseTimeCovered() throws {
        let built = try TF().build()
        let seq = try built.append(Self.commitment(#""expectedUseTime":"P6Y","# + Self.declared), by: TF.manufacturerKey, at: "2029-10-02T09:30:00Z")
        let report = TF.verify(try built.exportAgain())
        #expect(report.passed, "\(report.summary)")
        let facts = report.result(.lifecycle).findings.filter { $0.evidence.map(\.seq) == [seq] }.map(\.message)
        #expect(facts.contains("the security support end 2032-12-31 covers the expected use time P6Y from 2026-12-01 (until 2032-12-01)"), "\(facts)")
        #expect(facts.contains("declared: expected use time P6Y; security updates: signed over-the-air updates; software BOM https://acme.example/sbom.cdx.json (sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61); vulnerability disclosure policy https://acme.example/cvd; manufacturer contact mailto:service@acme.example"), "\(facts)")
        // A manufacturer contact is not a consumer's personal data.
        #expect(report.result(.privacy).verdict == .satisfied, "\(report.summary)")
    }

    @Test("a product expected in use for less than the policy minimum needs support for its expected use time only; a commitment's SBOM counts")
    func shortExpectedUseTime() throws {
        // The smart plug has no firmware, SBOM or commitment in the fixture: give it one
        // supported 3.5 years (2026-12-01 → 2030-06-30), the policy minimum being 5.
        func report(_ extra: String) throws -> BundleReport {
            let built = try TF().build()
            try built.append(Self.commitment(model: "https://id.gs1.org/01/04012345000085", supportEnd: "2030-06-30", extra), by: TF.manufacturerKey,
                             at: "2029-10-02T09:30:00Z")
            return TF.verify(try built.exportAgain(product: TF.plug), product: TF.plug)
        }
        let plain = try report("")
        #expect(plain.result(.security).problems.contains { $0.message.contains("3.6 years, less than the required 5") }, "\(plain.summary)")
        #expect(plain.result(.security).problems.contains { $0.message.contains("no software BOM digest") }, "\(plain.summary)")
        let declared = try report(#""expectedUseTime":"P3Y","sbom":{"url":"https://acme.example/plug-sbom.spdx.json","digest":"sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"}"#)
        let security = declared.result(.security)
        #expect(!security.problems.contains { $0.message.contains("less than the required") || $0.message.contains("software BOM") }, "\(declared.summary)")
        #expect(security.findings.contains { $0.message.contains("the expected use time P3Y is shorter than the required 5 years") })
        #expect(declared.result(.lifecycle).findings.contains { $0.message.contains("covers the expected use time P3Y from 2026-12-01 (until 2029-12-01)") },
                "\(declared.summary)")
    }

    // MARK: Renderers and the CLI

    @Test("DOT and Mermaid show each party with its tier, the smelter with its RMI id, and the hand-overs")
    func renderedTiers() throws {
        let s = try Self.thermostatWithSmelter(.nonConformant)
        let graph = TF.verify(try s.built.exportAgain()).graph
        let dot = graph.dot(), mermaid = graph.mermaid()
        for text in [dot, mermaid] {
            #expect(text.contains("ACME Devices GmbH (\(TF.acme.partyId)) · tier 0"), "\(text)")
            #expect(text.contains("Chips GmbH (\(TF.chips.partyId)) · tier 1"))
            #expect(text.contains("Tin Smelter Bhd (\(Self.smelter.partyId)) · tier 2 · smelter CID001070 (tin, non-conformant under RMAP"))
            #expect(text.contains("tier 2: seq \(s.chipsStep)"))
        }
        #expect(dot.contains("shape=hexagon") && dot.contains("style=dashed"))
        #expect(mermaid.contains("-.->|tier 2: seq \(s.chipsStep)|") && mermaid.contains("{{\""))
        let html = HTMLReport.render(TF.verify(try s.built.exportAgain()))
        #expect(html.contains("<h2>Supplier tiers</h2>") && html.contains("<h2>Chains of custody</h2>") && html.contains("<b class=fail>non-conformant</b>"))
    }

    @Test("assay register --smelter-rmi records the smelter; graph --json lists tiers and the chain; verify --bundle under the policy fails naming it")
    func registerSmelterCLI() throws {
        let dir = try TemporaryDirectory(prefix: "assay-tiers")
        defer { dir.remove() }
        let ledger = dir.file("thermostat.assay")
        let built = try TF(path: ledger).build()
        let opKey = try dir.write("operator.key", TF.operatorKey.secretKeyText() + "\n", mode: 0o600)
        let logKey = try dir.write("operator.pub", TF.operatorKey.verifierKey.description + "\n")
        let smelterPub = try dir.write("smelter.pub", Self.smelterKey.verifierKey.description + "\n")
        let register = ["register", "--ledger", ledger, "--key", opKey, "--party-id", Self.smelter.partyId, "--legal-name", Self.smelter.legalName,
                        "--role", "supplier", "--public-key", smelterPub, "--scope", "gs1:5099999", "--facility", Self.smelter.facilityId]
        func entries() throws -> Int { try CLIHarness.assay(["log", "--ledger", ledger, "--json"]).stdoutLines.count }
        let before = try entries()

        // Refused, naming the option, and nothing appended.
        for (extra, option) in [(["--smelter-rmi", "CID001070", "--smelter-metal", "copper", "--conformance", "active"], "--smelter-metal"),
                                (["--smelter-rmi", "CID1070", "--smelter-metal", "tin", "--conformance", "active"], "--smelter-rmi"),
                                (["--smelter-rmi", "CID001070", "--smelter-metal", "tin"], "--conformance"),
                                (["--smelter-rmi", "CID001070", "--smelter-metal", "tin", "--conformance", "compliant"], "--conformance")] {
            let r = try CLIHarness.assay(register + extra)
            #expect(r.exitCode == 2 && r.stderrLines.count == 1 && r.stderr.contains(option) && r.stdout.isEmpty, "\(r)")
        }
        #expect(try entries() == before)

        let ok = try CLIHarness.assay(register + ["--smelter-rmi", "CID001070", "--smelter-metal", "tin", "--conformance", "non-conformant",
                                                  "--programme", "RMAP", "--assessed-on", "2026-05-14", "--smelter-country", "MY", "--json"])
        #expect(ok.exitCode == 0, "\(ok)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdoutBytes)) as? [String: Any], "\(ok)")
        let seq = try #require(result["seq"] as? Int)
        #expect(result["smelter"] as? String == "CID001070")
        let shown = try CLIHarness.assay(["show", "--ledger", ledger, String(seq)])
        #expect(shown.stdout.contains("\"smelter\":{\"rmiId\":\"CID001070\",\"metal\":\"tin\",\"conformanceStatus\":\"non-conformant\",\"assessedOn\":\"2026-05-14\",\"programme\":\"RMAP\",\"country\":\"MY\"}"), "\(shown)")

        // The smelter's tin goes into Chips' microcontrollers.
        try built.append(TF.registration(TF.chips, key: Self.chipsMaking, roles: [.manufacturer]), by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        let tin = try built.append(Self.tinOrigin, by: Self.smelterKey, at: "2029-10-02T08:00:00Z")
        let step = try built.append(Self.chipsStep, by: Self.chipsMaking, at: "2029-10-03T08:00:00Z")
        _ = try built.ledger.signCheckpoint(with: TF.operatorKey)
        let bundle = dir.file("t.assay-bundle")
        let exported = try CLIHarness.assay(["export", "--ledger", ledger, "--product", TF.product, "--out", bundle])
        #expect(exported.exitCode == 0, "\(exported)")
        let pins = ["--bundle", bundle, "--log-key", logKey, "--origin", TF.ledgerOrigin, "--product", TF.product, "--at", "2030-01-15"]

        let graph = try CLIHarness.assay(["graph"] + pins + ["--json"])
        #expect(graph.exitCode == 0, "\(graph)")
        let g = try #require(try JSONSerialization.jsonObject(with: Data(graph.stdoutBytes)) as? [String: Any], "\(graph)")
        let parties = try #require(g["parties"] as? [[String: Any]])
        let smelterEntry = try #require(parties.first { $0["partyId"] as? String == Self.smelter.partyId })
        #expect(smelterEntry["tier"] as? Int == 2 && smelterEntry["name"] as? String == "Tin Smelter Bhd")
        let via = try #require(smelterEntry["via"] as? [String: Any])
        #expect(via["item"] as? String == Self.tinLot && via["seq"] as? Int == Int(step) && via["consumerParty"] as? String == TF.chips.partyId)
        let declared = try #require((smelterEntry["smelters"] as? [[String: Any]])?.first)
        #expect(declared["rmiId"] as? String == "CID001070" && declared["conformanceStatus"] as? String == "non-conformant" && declared["registrationSeq"] as? Int == seq)
        #expect(parties.first { $0["partyId"] as? String == TF.acme.partyId }?["tier"] as? Int == 0)
        let custody = try #require((g["custody"] as? [[String: Any]])?.first, "\(g)")
        #expect(custody["mineral"] as? String == "tin" && custody["tier"] as? Int == 2)
        #expect((custody["path"] as? [[String: Any]])?.map { $0["id"] as? String } == [Self.tinLot, TF.mcuLot, TF.board, TF.product])
        #expect((custody["path"] as? [[String: Any]])?.first?["seq"] as? Int == Int(tin))
        #expect(((g["minerals"] as? [[String: Any]]) ?? []).contains { $0["mineral"] as? String == "lithium" })

        let lax = try CLIHarness.assay(["verify"] + pins)
        #expect(lax.exitCode == 0, "\(lax)")
        let policy = try dir.write("policy.json", #"{"type":"AuditPolicy","requireMineralChainOfCustody":true}"#)
        let strict = try CLIHarness.assay(["verify"] + pins + ["--policy", policy, "--json"])
        #expect(strict.exitCode == 1, "\(strict)")
        let report = try JSONReport(strict)
        #expect(report.verdict(.provenance) == "not-satisfied")
        let findings = report.principles.first { $0["principle"] as? String == "provenance" }?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { ($0["message"] as? String)?.contains("Tin Smelter Bhd (CID001070, tin) in the product's chain of custody is non-conformant") == true
            && $0["severity"] as? String == "problem" }, "\(findings)")
    }
}
