import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// What the decoder lets through since issue 15 but Assay's principles need is judged at audit
/// time (`SupplyChainStatement.missingFacts`, DOMAIN.md "Accept the standard, judge at audit
/// time"): a real product ledger whose supplier commissioning event has no country of origin,
/// whose first assembly has no place of manufacture, or whose end of life has no status is
/// stored and exported, and `verify --bundle` (the library and the built `assay` binary) says
/// "not satisfied", naming the component or product and the entry's seq. The same commissioning
/// event written with standard master data (ILMD `cbvmda:countryOfOrigin`) counts.
@Suite("Audit-time findings reach the auditor")
struct AuditTimeFindingTests {
    /// A small thermostat ledger (the `ThermostatFixture` parties, keys and identifiers): the
    /// battery lot and the firmware lot commissioned by their suppliers, the assembly of the
    /// thermostat from 2 cells and the firmware, the model's lifecycle commitment and the
    /// recycler's end of life. Each variant changes exactly one statement.
    struct Story {
        enum BatteryOrigin {
            /// Assay's extension: `ilmd.assay:countryOfOrigin` (as ThermostatFixture writes it).
            case assayCountry
            /// No country of origin at all (valid EPCIS 2.0).
            case noCountry
            /// CBV master data `ilmd.cbvmda:countryOfOrigin` instead of Assay's extension.
            case cbvmdaCountry
            /// Standard master data only (`cbvmda:countryOfOrigin`, `cbvmda:lotNumber`): no `assay:` member at all.
            case standardOnly
        }

        var battery: BatteryOrigin = .assayCountry
        /// The assembly names its place of manufacture (`bizLocation`).
        var assemblyPlace = true
        /// The end of life names its status (`assay:endOfLifeStatus`).
        var endOfLifeStatus = true

        static let context = TF.context

        var batteryOriginJSON: String {
            let head = "{\(Self.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:4f0c1a00-0003-4e55-9a0e-1d2c3b4a5f60\",\"eventTime\":\"2026-11-04T14:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"disposition\":\"active\",\(TF.quantity(TF.batteryLot, 2000)),\"bizLocation\":{\"id\":\"\(TF.cells.facilityId)\"},\"ilmd\":{"
            let assay = "\"assay:partNumber\":\"CR2032-220\",\"assay:supplier\":\"\(TF.cells.partyId)\",\"assay:manufacturingDate\":\"2026-11-04\""
            switch battery {
            case .assayCountry: return head + assay + ",\"assay:countryOfOrigin\":\"CN\"}}"
            case .noCountry: return head + assay + "}}"
            case .cbvmdaCountry: return head + assay + ",\"cbvmda:countryOfOrigin\":\"CN\"}}"
            case .standardOnly: return head + "\"cbvmda:countryOfOrigin\":\"CN\",\"cbvmda:lotNumber\":\"BAT-2026-11\"}}"
            }
        }

        static let firmware = "{\"imageDigest\":\"sha256:977aa3ede8e4add7352d54d58e838a441243bfb39f0d94f807202c76d812ea41\",\"version\":\"1.4.2\",\"sbomDigest\":\"sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61\"}"

        var firmwareOriginJSON: String {
            TF.origin(id: "4f0c1a00-0005", objects: TF.quantity(TF.firmwareLot, 10000), part: "FW-TH1", party: TF.chips,
                      date: "2026-11-06", materials: nil, firmware: Self.firmware)
        }

        var assemblyJSON: String {
            let place = assemblyPlace ? ",\"bizLocation\":{\"id\":\"\(TF.acme.facilityId)\"}" : ""
            return "{\(Self.context),\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:9a8b7c6d-0001-4a3b-8c2d-1e0f9a8b7c6d\",\"eventTime\":\"2026-11-20T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(TF.product)\",\"childQuantityList\":[{\"epcClass\":\"\(TF.batteryLot)\",\"quantity\":2,\"uom\":\"C62\"},{\"epcClass\":\"\(TF.firmwareLot)\",\"quantity\":1,\"uom\":\"C62\"}]\(place),\"assay:gtin\":\"04012345000016\",\"assay:manufacturingDate\":\"2026-11-20\",\"assay:documents\":{\"declarationOfConformity\":\"sha256:139d544b821b13ebea14f1b0fe18577222e415c2966e3a3511c4196055232202\",\"softwareBOM\":\"sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61\"}}"
        }

        var endOfLifeJSON: String {
            let status = endOfLifeStatus ? ",\"assay:endOfLifeStatus\":\"recycled\"" : ""
            return "{\(Self.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1b2c3d4e-0001-4718-9a0b-c1d2e3f40516\",\"eventTime\":\"2029-09-14T09:30:00+02:00\",\"eventTimeZoneOffset\":\"+02:00\",\"action\":\"DELETE\",\"bizStep\":\"disassembling\",\"disposition\":\"destroyed\",\"epcList\":[\"\(TF.product)\"],\"bizLocation\":{\"id\":\"\(TF.recycler.facilityId)\"}\(status)}"
        }

        /// The seqs of the entries the tests name.
        struct Built {
            let ledger: Ledger
            let bundle: ProductBundle
            let batteryOrigin: UInt64
            let assembly: UInt64
            let endOfLife: UInt64
        }

        static func ms(_ text: String) -> Int64 { try! Timestamp(parsing: text).epochMillis }

        /// Builds the ledger at `path` (`:memory:` or a file), signs a checkpoint and exports the thermostat's bundle.
        func build(at path: String = ":memory:") throws -> Built {
            let ledger = try Ledger.create(at: path, origin: TF.ledgerOrigin, operatorKey: TF.operatorKey,
                                           operatorName: "ACME Devices GmbH (ledger operator)", now: Self.ms("2026-11-01T08:00:00Z"))
            ledger.clock = { Self.ms("2029-12-31T12:00:00Z") }
            func append(_ at: String, _ items: [(String, NamedSigningKey)]) throws -> [UInt64] {
                try ledger.append(items.enumerated().map { .init(label: "entry-\($0.offset)", bytes: Fixtures.envelope($0.element.0, by: $0.element.1)) },
                                  now: Self.ms(at)).map(\.seq)
            }
            _ = try append("2026-11-01T09:00:00Z", [
                (TF.registration(TF.acme, key: TF.manufacturerKey, roles: [.manufacturer]), TF.operatorKey),
                (TF.registration(TF.chips, key: TF.chipsKey, roles: [.supplier]), TF.operatorKey),
                (TF.registration(TF.cells, key: TF.cellsKey, roles: [.supplier]), TF.operatorKey),
                (TF.registration(TF.recycler, key: TF.recyclerKey, roles: [.recycler]), TF.operatorKey),
            ])
            let origins = try append("2026-11-10T09:00:00Z", [(batteryOriginJSON, TF.cellsKey), (firmwareOriginJSON, TF.chipsKey)])
            let assembly = try append("2026-11-20T11:00:00Z", [(assemblyJSON, TF.manufacturerKey)])
            _ = try append("2026-11-20T12:00:00Z", [
                (TF().commitmentJSON(supportEnd: "2032-12-31", time: "2026-11-20T13:00:00+01:00"), TF.manufacturerKey),
            ])
            let end = try append("2029-09-14T08:00:00Z", [(endOfLifeJSON, TF.recyclerKey)])
            _ = try ledger.signCheckpoint(with: TF.operatorKey, now: Self.ms("2029-12-31T12:00:00Z"))
            let bundle = try ledger.exportBundle(product: TF.product)
            return Built(ledger: ledger, bundle: bundle, batteryOrigin: origins[0], assembly: assembly[0], endOfLife: end[0])
        }
    }

    /// The problems (severity problem) of principle `p`, as (message, evidence seqs).
    static func problems(_ report: BundleReport, _ p: Principle) -> [(message: String, seqs: [UInt64])] {
        report.result(p).findings.filter { $0.severity == .problem }.map { ($0.message, $0.evidence.map(\.seq)) }
    }

    // MARK: The library

    @Test("the story as Assay's fixtures write it satisfies every principle (the baseline the defects are measured against)")
    func baseline() throws {
        let built = try Story().build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        // The three statements the tests break are in the bundle.
        let seqs = Set(built.bundle.entries.map(\.record.seq))
        #expect(seqs.isSuperset(of: [built.batteryOrigin, built.assembly, built.endOfLife]))
    }

    @Test("a supplier's commissioning event without a country of origin: provenance not satisfied, naming the component and the seq")
    func noCountryOfOrigin() throws {
        let built = try Story(battery: .noCountry).build()
        // It was stored: the decoder does not refuse it.
        let stored = try #require(built.bundle.statements.first { $0.seq == built.batteryOrigin })
        guard case .supplyChain(let s) = stored.statement else { Issue.record("not an EPCIS event"); return }
        #expect(s.kind == .componentOrigin && s.event.assay.countryOfOrigin == nil)

        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: [.provenance]), "\(report.summary)")
        let problems = Self.problems(report, .provenance)
        #expect(problems.count == 1, "\(report.summary)")
        let p = try #require(problems.first)
        #expect(p.message == "component \(TF.batteryLot) has no country of origin (seq \(built.batteryOrigin); EPCIS field ilmd.cbvmda:countryOfOrigin)", "\(p.message)")
        #expect(p.seqs == [built.batteryOrigin])
        // The provenance summary lists no country for the battery's supplier.
        #expect(!report.result(.provenance).findings.contains { $0.severity == .fact && $0.message.contains("countries of origin: CN") }, "\(report.summary)")
    }

    @Test("the same commissioning event with standard master data (ilmd cbvmda:countryOfOrigin) satisfies provenance")
    func cbvmdaCountryOfOrigin() throws {
        let built = try Story(battery: .cbvmdaCountry).build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: []), "\(report.summary)")
        #expect(report.result(.provenance).findings.contains { $0.severity == .fact && $0.message.contains("all countries of origin: CN") }, "\(report.summary)")
    }

    @Test("with standard master data only (no assay: member): the country counts; the part number, which CBV has no field for, is the one finding")
    func standardMasterDataOnly() throws {
        let built = try Story(battery: .standardOnly).build()
        let stored = try #require(built.bundle.statements.first { $0.seq == built.batteryOrigin })
        guard case .supplyChain(let s) = stored.statement else { Issue.record("not an EPCIS event"); return }
        #expect(s.event.assay.countryOfOrigin == "CN" && s.event.assay.lotNumber == "BAT-2026-11")
        let entry = try #require(built.bundle.entries.first { $0.record.seq == built.batteryOrigin })
        #expect(!String(decoding: try Envelope(json: entry.record.envelope).payload, as: UTF8.self).contains("assay:"))

        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: [.provenance]), "\(report.summary)")
        let messages = Self.problems(report, .provenance).map(\.message)
        #expect(messages == ["component \(TF.batteryLot) has no part number (seq \(built.batteryOrigin); EPCIS field ilmd.assay:partNumber)"], "\(report.summary)")
        #expect(report.result(.provenance).findings.contains { $0.severity == .fact && $0.message.contains("all countries of origin: CN") }, "\(report.summary)")
    }

    @Test("a first assembly without a place of manufacture: provenance not satisfied, naming the product and the seq")
    func assemblyWithoutPlace() throws {
        let built = try Story(assemblyPlace: false).build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: [.provenance]), "\(report.summary)")
        let problems = Self.problems(report, .provenance)
        #expect(problems.map(\.message) == [
            "the assembly of \(TF.product) (seq \(built.assembly)) gives no place of manufacture (EPCIS field bizLocation or assay:placeOfManufacture)",
        ], "\(report.summary)")
        #expect(problems.first?.seqs == [built.assembly])
    }

    @Test("an end of life without its status: lifecycle not satisfied, naming the seq")
    func endOfLifeWithoutStatus() throws {
        let built = try Story(endOfLifeStatus: false).build()
        let report = TF.verify(built.bundle)
        #expect(report.verdicts == verdicts(notSatisfied: [.lifecycle]), "\(report.summary)")
        let problems = Self.problems(report, .lifecycle)
        #expect(problems.map(\.message) == [
            "the end of life at seq \(built.endOfLife) gives no end-of-life status (EPCIS field assay:endOfLifeStatus)",
        ], "\(report.summary)")
        #expect(problems.first?.seqs == [built.endOfLife])
    }

    // MARK: The real CLI

    /// Builds `story` in a ledger file, exports the thermostat with `assay export` and verifies
    /// it with `assay verify --bundle --json`.
    static func cli(_ story: Story) throws -> (built: Story.Built, result: CLIResult, report: JSONReport) {
        let dir = try TemporaryDirectory(prefix: "assay-audit-time")
        defer { dir.remove() }
        let ledger = dir.file("thermostat.assay")
        let built = try story.build(at: ledger)
        let logKey = try dir.write("operator.pub", TF.operatorKey.verifierKey.description + "\n")
        let bundle = dir.file("thermostat.assay-bundle")
        let exported = try CLIHarness.assay(["export", "--ledger", ledger, "--product", TF.productURN, "--out", bundle])
        #expect(exported.exitCode == 0, "\(exported)")
        let r = try CLIHarness.assay(["verify", "--bundle", bundle, "--log-key", logKey, "--origin", TF.ledgerOrigin,
                                      "--product", TF.product, "--at", "2030-01-15", "--json"])
        return (built, r, try JSONReport(r))
    }

    /// The messages of the problems of `p` in a `--json` report, with the seqs of their evidence.
    static func problems(_ report: JSONReport, _ p: Principle) -> [(message: String, seqs: [UInt64])] {
        let findings = report.principles.first { $0["principle"] as? String == p.rawValue }?["findings"] as? [[String: Any]] ?? []
        return findings.filter { $0["severity"] as? String == "problem" }.map { f in
            (f["message"] as? String ?? "", (f["evidence"] as? [[String: Any]] ?? []).compactMap { ($0["seq"] as? Int).map(UInt64.init) })
        }
    }

    @Test("assay verify --bundle: exit 1 and the finding named, for each missing fact; exit 0 with cbvmda:countryOfOrigin")
    func realCLI() throws {
        let cases: [(Story, Principle, (Story.Built) -> String, (Story.Built) -> UInt64)] = [
            (Story(battery: .noCountry), .provenance,
             { "component \(TF.batteryLot) has no country of origin (seq \($0.batteryOrigin); EPCIS field ilmd.cbvmda:countryOfOrigin)" }, \.batteryOrigin),
            (Story(assemblyPlace: false), .provenance,
             { "the assembly of \(TF.product) (seq \($0.assembly)) gives no place of manufacture (EPCIS field bizLocation or assay:placeOfManufacture)" }, \.assembly),
            (Story(endOfLifeStatus: false), .lifecycle,
             { "the end of life at seq \($0.endOfLife) gives no end-of-life status (EPCIS field assay:endOfLifeStatus)" }, \.endOfLife),
        ]
        for (story, principle, message, seq) in cases {
            let (built, r, report) = try Self.cli(story)
            #expect(r.exitCode == 1, "\(r)")
            #expect(report.passed == false)
            for p in Principle.allCases {
                #expect(report.verdict(p) == (p == principle ? "not-satisfied" : "satisfied"), "\(p): \(r.stdout)")
            }
            let problems = Self.problems(report, principle)
            #expect(problems.map(\.message) == [message(built)], "\(r.stdout)")
            #expect(problems.first?.seqs == [seq(built)], "\(r.stdout)")
        }
        let (_, ok, report) = try Self.cli(Story(battery: .cbvmdaCountry))
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(report.passed == true)
        #expect(report.verdict(.provenance) == "satisfied")
    }

    @Test("the text report names the principle, the component and the seq")
    func realCLIText() throws {
        let dir = try TemporaryDirectory(prefix: "assay-audit-time")
        defer { dir.remove() }
        let ledger = dir.file("thermostat.assay")
        let built = try Story(battery: .noCountry).build(at: ledger)
        let logKey = try dir.write("operator.pub", TF.operatorKey.verifierKey.description + "\n")
        let bundle = try dir.write("thermostat.assay-bundle", built.bundle.json)
        let r = try CLIHarness.assay(["verify", "--bundle", bundle, "--log-key", logKey, "--origin", TF.ledgerOrigin,
                                      "--product", TF.product, "--at", "2030-01-15"])
        #expect(r.exitCode == 1, "\(r)")
        #expect(r.stdout.contains("Provenance: NOT-SATISFIED"), "\(r)")
        #expect(r.stdout.contains("component \(TF.batteryLot) has no country of origin (seq \(built.batteryOrigin)"), "\(r)")
    }
}
