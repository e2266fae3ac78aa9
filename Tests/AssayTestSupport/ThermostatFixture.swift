public import AssayCrypto
public import AssayLedger
public import AssayLog
public import AssayModel
public import AssayVerify
import Foundation

/// A realistic product ledger for the bundle and principle tests: a smart thermostat
/// (`…/01/04012345000016/21/SN-0001`) assembled by ACME Devices GmbH (DE) from five
/// components of four suppliers in three countries —
///
/// | component | identifier | supplier (country) |
/// | --- | --- | --- |
/// | microcontroller, lot of 1000 | `…/01/04012345000023/10/MCU-LOT-2611` | Chips GmbH (DE) |
/// | radio module, lot of 500 (origin written as an EPC URN) | `…/01/04012345000061/10/RF-LOT-7` | Radio SA (FR) |
/// | coin cell battery, lot of 2000 | `…/01/04012345000047/10/BAT-2026-11` | Cells Co., Ltd. (CN) |
/// | printed circuit board, serialised | `…/01/04012345000054/21/PCB-0001` | Boards GmbH (DE) |
/// | firmware image 1.4.2 (image and SBOM digests) | `…/01/04012345000078/10/FW-1.4.2` | Chips GmbH (DE) |
///
/// — then an encoding step (PCB + MCU + radio + firmware → main board `…/21/BOARD-0001`,
/// with firmware and SBOM digests), the product assembly (board + 2 batteries → the
/// thermostat, with document digests), a shipping handover naming both owning parties, a
/// lifecycle commitment for the model (support until 2032-12-31), and a recycler's end of
/// life (ObjectEvent DELETE, bizStep disassembling, status recycled). An unrelated smart
/// plug (its own supplier, Relais Kft., HU) sits in the same ledger and must never leak
/// into the thermostat's bundle.
///
/// Every time is fixed, every key is deterministic; record times follow the story
/// (2026-11-01 … 2029-09-14), so the default audit date is 2030-01-15.
///
/// Switch on one `Defect` to break exactly one principle in one known way:
///
///     let built = try ThermostatFixture(defect: .componentWithoutOrigin).build()
///     let report = ThermostatFixture.verify(built.bundle)
///     // report.principles: provenance not satisfied, naming built.seq(.assembly)
public struct ThermostatFixture: Sendable {
    /// One way of breaking the thermostat's record. Each names the principle it breaks.
    public enum Defect: String, CaseIterable, Sendable, CustomStringConvertible {
        /// Everything in order: every principle satisfied.
        case none
        /// Provenance: the battery lot has no origin entry (the assembly consumes it anyway).
        case componentWithoutOrigin
        /// Provenance (and accountability under the default policy): the radio module's origin
        /// is signed by the manufacturer's key, not its supplier's. The ledger was created with
        /// a lax write policy that lets manufacturers write component origins, so it accepted it.
        case originSignedByManufacturer
        /// Accountability: Radio SA's key is revoked for compromise, effective 2026-11-05,
        /// before it signed the radio origin (appended 2026-11-10); the revocation is appended later.
        case signerRevokedBeforeSigning
        /// Lifecycle: a later commitment moves the security support end from 2032-12-31 to 2032-06-30.
        case supportEndShortened
        /// Lifecycle: the manufacturer records an inspection of the thermostat after the recycler's end of life.
        case eventAfterEndOfLife
        /// Provenance: PCB-0001 goes into a second encoding step (for BOARD-0002) as well.
        case serialConsumedTwice
        /// Hardware and software security: the board step is plain assembling with no
        /// firmware digest, and the firmware origin carries none either.
        case missingFirmwareDigest
        /// Provenance: the battery origin commissions 1 cell, the assembly consumes 2.
        case quantityOverdrawn
        /// Accountability: the shipping handover names no owning or possessing party.
        case handoverWithoutOwner
        /// Privacy: a warranty-registration event about the thermostat carries a consumer's
        /// e-mail address and phone number.
        case personalDataInEvent

        public var description: String { rawValue }
    }

    /// The named entries a built ledger may hold (those a defect leaves out are absent).
    public enum Entry: String, CaseIterable, Sendable, CustomStringConvertible {
        case genesis
        case registerManufacturer, registerChips, registerRadio, registerCells, registerBoards, registerRecycler, registerRelais
        case mcuOrigin, radioOrigin, batteryOrigin, pcbOrigin, firmwareOrigin
        case relayOrigin, plugAssembly
        case encodingStep, secondEncodingStep, assembly, shipping, commitment, warrantyRegistration
        case radioRevocation, shortenedCommitment, endOfLife, inspectionAfterEndOfLife

        public var description: String { rawValue }
    }

    // MARK: Keys (deterministic)

    public static let operatorKey = Fixtures.key("acme.example/ledger-operator", seed: 0x41)
    public static let manufacturerKey = Fixtures.key("acme.example/devices", seed: 0x42)
    public static let chipsKey = Fixtures.key("chips.example/signing", seed: 0x43)
    public static let radioKey = Fixtures.key("radio.example/signing", seed: 0x44)
    public static let cellsKey = Fixtures.key("cells.example/signing", seed: 0x45)
    public static let boardsKey = Fixtures.key("boards.example/signing", seed: 0x46)
    public static let recyclerKey = Fixtures.key("kreislauf.example/signing", seed: 0x47)
    public static let relaisKey = Fixtures.key("relais.example/signing", seed: 0x48)
    /// An auditor's key, for signed policies (never registered in the ledger).
    public static let auditorKey = Fixtures.key("audit.example/policy", seed: 0x49)
    /// A witness's cosignature key.
    public static let witnessKey = Fixtures.key("witness.example/w1", seed: 0x4a, witness: true)

    /// The envelope key reference (`name+keyid`) of `key`.
    public static func reference(_ key: NamedSigningKey) -> String { "\(key.name)+\(key.keyID.hex)" }

    // MARK: Identifiers (GS1 check digits verified)

    public static let ledgerOrigin = "acme.example/ledger"
    public static let product = "https://id.gs1.org/01/04012345000016/21/SN-0001"
    /// The product as an EPC URN (the same item).
    public static let productURN = "urn:epc:id:sgtin:4012345.000001.SN-0001"
    public static let model = "https://id.gs1.org/01/04012345000016"
    public static let mcuLot = "https://id.gs1.org/01/04012345000023/10/MCU-LOT-2611"
    public static let board = "https://id.gs1.org/01/04012345000030/21/BOARD-0001"
    public static let secondBoard = "https://id.gs1.org/01/04012345000030/21/BOARD-0002"
    public static let batteryLot = "https://id.gs1.org/01/04012345000047/10/BAT-2026-11"
    public static let pcb = "https://id.gs1.org/01/04012345000054/21/PCB-0001"
    public static let radioLot = "https://id.gs1.org/01/04012345000061/10/RF-LOT-7"
    /// The radio lot as written in its origin: an EPC class URN (same lot as `radioLot`).
    public static let radioLotURN = "urn:epc:class:lgtin:4012345.000006.RF-LOT-7"
    public static let firmwareLot = "https://id.gs1.org/01/04012345000078/10/FW-1.4.2"
    public static let plug = "https://id.gs1.org/01/04012345000085/21/PLUG-0001"
    public static let relayLot = "https://id.gs1.org/01/04012345000092/10/RELAY-1"

    /// The thermostat's five components as the bundle names them (canonical Digital Link).
    public static let components = [mcuLot, radioLot, batteryLot, pcb, firmwareLot]

    /// A party: GS1 party GLN, one facility GLN, name, country.
    public struct Party: Sendable {
        public let gln: String
        public let facility: String
        public let legalName: String
        public let country: String
        public var partyId: String { "https://id.gs1.org/417/\(gln)" }
        public init(gln: String, facility: String, legalName: String, country: String) {
            self.gln = gln
            self.facility = facility
            self.legalName = legalName
            self.country = country
        }
        public var facilityId: String { "https://id.gs1.org/414/\(facility)" }
    }

    public static let acme = Party(gln: "4012345000009", facility: "4012345000016", legalName: "ACME Devices GmbH", country: "DE")
    public static let chips = Party(gln: "4023456000000", facility: "4023456000017", legalName: "Chips GmbH", country: "DE")
    public static let radio = Party(gln: "3012345000000", facility: "3012345000017", legalName: "Radio SA", country: "FR")
    public static let cells = Party(gln: "6901234000009", facility: "6901234000016", legalName: "Cells Co., Ltd.", country: "CN")
    public static let boards = Party(gln: "4045678000002", facility: "4045678000019", legalName: "Boards GmbH", country: "DE")
    public static let recycler = Party(gln: "4056789000003", facility: "4056789000010", legalName: "Kreislauf Recycling GmbH", country: "DE")
    public static let relais = Party(gln: "5998765000005", facility: "5998765000012", legalName: "Relais Kft.", country: "HU")
    /// The distributor the thermostat is shipped to (never a signer).
    public static let distributorPartyId = "https://id.gs1.org/417/4067890000004"

    /// The four first-tier suppliers of the thermostat.
    public static let suppliers = [chips, radio, cells, boards]

    /// The default audit date: after the end of life, before support ends.
    public static let auditDate = try! CalendarDate(parsing: "2030-01-15")

    // MARK: Options

    /// The defect to switch on (`.none`: a record that satisfies every principle).
    public var defect: Defect
    /// Where the ledger lives: `:memory:` or a file path (for the CLI tests).
    public var path: String
    /// The checkpoint origin (the ledger's name).
    public var origin: String
    /// Record the recycler's end of life (default: yes).
    public var includeEndOfLife: Bool
    /// Put the unrelated smart plug in the same ledger (default: yes).
    public var includeUnrelatedProduct: Bool
    /// A package URL for the firmware image (none by default), e.g. `pkg:generic/acme-thermostat-fw@1.4.2`.
    public var firmwarePurl: String?
    /// How the lifecycle commitment names the model (default: the product-class Digital Link).
    public var commitmentModel: String

    public init(defect: Defect = .none, path: String = ":memory:", origin: String = ThermostatFixture.ledgerOrigin,
                includeEndOfLife: Bool = true, includeUnrelatedProduct: Bool = true, firmwarePurl: String? = nil,
                commitmentModel: String = ThermostatFixture.model) {
        self.defect = defect
        self.path = path
        self.origin = origin
        self.includeEndOfLife = includeEndOfLife
        self.includeUnrelatedProduct = includeUnrelatedProduct
        self.firmwarePurl = firmwarePurl
        self.commitmentModel = commitmentModel
    }

    /// A ledger built by the fixture, with the seq and signer of every named entry.
    public final class Built {
        /// The options it was built with.
        public let fixture: ThermostatFixture
        public let ledger: Ledger
        /// Sequence number of each named entry present.
        public let seqs: [Entry: UInt64]
        /// Signer key reference of each named entry present.
        public let signers: [Entry: String]
        /// Statement kind of each named entry present.
        public let kinds: [Entry: String]
        /// A checkpoint signed after the component origins (before the manufacturing steps).
        public let earlyCheckpoint: SignedNote
        /// The latest checkpoint, covering every entry.
        public let checkpoint: SignedNote
        /// The thermostat's bundle, exported from `checkpoint`.
        public let bundle: ProductBundle

        init(fixture: ThermostatFixture, ledger: Ledger, seqs: [Entry: UInt64], signers: [Entry: String], kinds: [Entry: String],
             earlyCheckpoint: SignedNote, checkpoint: SignedNote, bundle: ProductBundle) {
            self.fixture = fixture
            self.ledger = ledger
            self.seqs = seqs
            self.signers = signers
            self.kinds = kinds
            self.earlyCheckpoint = earlyCheckpoint
            self.checkpoint = checkpoint
            self.bundle = bundle
        }

        /// The sequence number of a named entry (which must be present).
        public func seq(_ e: Entry) -> UInt64 {
            guard let s = seqs[e] else { preconditionFailure("the fixture has no \(e) entry") }
            return s
        }

        /// Appends one more statement signed by `key`, with record time `time` (RFC 3339), and returns its seq.
        @discardableResult
        public func append(_ statementJSON: String, by key: NamedSigningKey, at time: String) throws -> UInt64 {
            let records = try ledger.append([.init(label: "extra", bytes: Fixtures.envelope(statementJSON, by: key))],
                                            now: ThermostatFixture.ms(time))
            return records[0].seq
        }

        /// Signs a checkpoint over everything appended so far and exports `product`'s bundle from it.
        public func exportAgain(product: String = ThermostatFixture.product, since: SignedNote? = nil) throws -> ProductBundle {
            _ = try ledger.signCheckpoint(with: ThermostatFixture.operatorKey)
            return try ledger.exportBundle(product: product, since: since)
        }

        /// The evidence an auditor should see for a named entry: seq, kind and signer.
        public func expected(_ e: Entry) -> ExpectedEvidence {
            ExpectedEvidence(entry: e, seq: seq(e), kind: kinds[e]!, signer: signers[e]!)
        }
    }

    /// What a finding's `EvidenceRef` should say about a named entry.
    public struct ExpectedEvidence: Sendable, Equatable, CustomStringConvertible {
        public let entry: Entry
        public let seq: UInt64
        public let kind: String
        public let signer: String

        public init(entry: Entry, seq: UInt64, kind: String, signer: String) {
            self.entry = entry
            self.seq = seq
            self.kind = kind
            self.signer = signer
        }

        /// Whether `ref` names this entry with the right seq, kind and signer.
        public func matches(_ ref: EvidenceRef) -> Bool { ref.seq == seq && ref.kind == kind && ref.signer == signer }
        public var description: String { "\(entry) (seq \(seq) \(kind) by \(signer))" }
    }

    /// Verifies `bundle` with the operator's key and the default audit date and policy.
    public static func verify(_ bundle: ProductBundle, policy: AuditPolicy = .default, auditDate: CalendarDate = auditDate,
                              logKey: VerifierKey = operatorKey.verifierKey, witnesses: [VerifierKey] = [],
                              witnessesNeeded: Int = 0, trustedCheckpoint: [UInt8]? = nil,
                              origin: String = ledgerOrigin, product: String = product) -> BundleReport {
        BundleVerifier(logKey: logKey, origin: origin, product: product, witnesses: witnesses, witnessesNeeded: witnessesNeeded, policy: policy,
                       auditDate: auditDate, trustedCheckpoint: trustedCheckpoint).verify(bundle)
    }

    // MARK: Building

    /// Milliseconds since the epoch of an RFC 3339 time.
    static func ms(_ text: String) -> Int64 { try! Timestamp(parsing: text).epochMillis }

    /// The write policy of a ledger whose operator lets manufacturers write component origins.
    public static let laxWritePolicy: WritePolicy = {
        var p = WritePolicy.default
        p.allowed[.componentOrigin] = [.supplier, .manufacturer]
        return p
    }()

    /// A write policy stricter than the default: only suppliers write component origins (the
    /// default also lets a manufacturer commission its own serials).
    public static let strictWritePolicy: WritePolicy = {
        var p = WritePolicy.default
        p.allowed[.componentOrigin] = [.supplier]
        return p
    }()

    /// Builds the ledger, signs an early and a final checkpoint, and exports the thermostat's bundle.
    public func build() throws -> Built {
        let ledger = try Ledger.create(at: path, origin: origin, operatorKey: Self.operatorKey,
                                       operatorName: "ACME Devices GmbH (ledger operator)",
                                       policy: defect == .originSignedByManufacturer ? Self.laxWritePolicy : .default,
                                       now: Self.ms("2026-11-01T08:00:00Z"))
        ledger.clock = { Self.ms("2029-12-31T12:00:00Z") }
        var seqs: [Entry: UInt64] = [.genesis: 0]
        var signers: [Entry: String] = [.genesis: Self.reference(Self.operatorKey)]
        var kinds: [Entry: String] = [.genesis: StatementKind.ledgerGenesis.rawValue]

        /// Appends named statements (in one transaction) at record time `at`.
        func append(_ at: String, _ items: [(Entry, String, NamedSigningKey)]) throws {
            guard !items.isEmpty else { return }
            let records = try ledger.append(items.map { .init(label: $0.0.rawValue, bytes: Fixtures.envelope($0.1, by: $0.2)) },
                                            now: Self.ms(at))
            for (r, item) in zip(records, items) {
                seqs[item.0] = r.seq
                signers[item.0] = Self.reference(item.2)
                kinds[item.0] = r.kind
            }
        }

        // Parties.
        var regs: [(Entry, String, NamedSigningKey)] = [
            (.registerManufacturer, Self.registration(Self.acme, key: Self.manufacturerKey, roles: [.manufacturer]), Self.operatorKey),
            (.registerChips, Self.registration(Self.chips, key: Self.chipsKey, roles: [.supplier]), Self.operatorKey),
            (.registerRadio, Self.registration(Self.radio, key: Self.radioKey, roles: [.supplier]), Self.operatorKey),
            (.registerCells, Self.registration(Self.cells, key: Self.cellsKey, roles: [.supplier]), Self.operatorKey),
            (.registerBoards, Self.registration(Self.boards, key: Self.boardsKey, roles: [.supplier]), Self.operatorKey),
            (.registerRecycler, Self.registration(Self.recycler, key: Self.recyclerKey, roles: [.recycler]), Self.operatorKey),
        ]
        if includeUnrelatedProduct {
            regs.append((.registerRelais, Self.registration(Self.relais, key: Self.relaisKey, roles: [.supplier]), Self.operatorKey))
        }
        try append("2026-11-01T09:00:00Z", regs)

        // Component origins, signed by their suppliers.
        let batteries = defect == .quantityOverdrawn ? 1 : 2000
        var origins: [(Entry, String, NamedSigningKey)] = [
            (.mcuOrigin, Self.origin(id: "4f0c1a00-0001", objects: Self.quantity(Self.mcuLot, 1000), part: "MCU-32-QFN48", party: Self.chips,
                                     date: "2026-11-02", materials: Self.mcuMaterials), Self.chipsKey),
            (.radioOrigin, Self.origin(id: "4f0c1a00-0002", objects: Self.quantity(Self.radioLotURN, 500), part: "RF-868-M2", party: Self.radio,
                                       date: "2026-11-03", materials: nil),
             defect == .originSignedByManufacturer ? Self.manufacturerKey : Self.radioKey),
        ]
        if defect != .componentWithoutOrigin {
            origins.append((.batteryOrigin, Self.batteryOriginJSON(quantity: batteries), Self.cellsKey))
        }
        origins.append((.pcbOrigin, Self.origin(id: "4f0c1a00-0004", objects: "\"epcList\":[\"\(Self.pcb)\"]", part: "PCB-TH1-REV3", party: Self.boards,
                                                date: "2026-11-05", materials: nil), Self.boardsKey))
        origins.append((.firmwareOrigin, Self.origin(id: "4f0c1a00-0005", objects: Self.quantity(Self.firmwareLot, 10000), part: "FW-TH1",
                                                     party: Self.chips, date: "2026-11-06", materials: nil,
                                                     firmware: defect == .missingFirmwareDigest ? nil : firmwareJSON),
                        Self.chipsKey))
        try append("2026-11-10T09:00:00Z", origins)
        let early = try ledger.signCheckpoint(with: Self.operatorKey, now: Self.ms("2026-11-10T10:00:00Z"))

        // The unrelated smart plug, interleaved.
        if includeUnrelatedProduct {
            try append("2026-11-12T09:00:00Z", [
                (.relayOrigin, Self.origin(id: "4f0c1a00-0006", objects: Self.quantity(Self.relayLot, 5000), part: "RLY-16A", party: Self.relais,
                                           date: "2026-11-08", materials: nil), Self.relaisKey),
                (.plugAssembly, Self.plugAssemblyJSON, Self.manufacturerKey),
            ])
        }

        // Manufacturing.
        var steps: [(Entry, String, NamedSigningKey)] = [(.encodingStep, boardStepJSON, Self.manufacturerKey)]
        if defect == .serialConsumedTwice {
            steps.append((.secondEncodingStep, Self.secondEncodingJSON, Self.manufacturerKey))
        }
        steps.append((.assembly, Self.assemblyJSON, Self.manufacturerKey))
        try append("2026-11-20T11:00:00Z", steps)
        try append("2026-11-20T12:00:00Z", [
            (.commitment, commitmentJSON(supportEnd: "2032-12-31", time: "2026-11-20T13:00:00+01:00"), Self.manufacturerKey),
        ])
        try append("2026-11-21T15:00:00Z", [(.shipping, shippingJSON, Self.manufacturerKey)])
        if defect == .personalDataInEvent {
            try append("2026-12-10T09:00:00Z", [(.warrantyRegistration, Self.warrantyJSON, Self.manufacturerKey)])
        }
        if defect == .signerRevokedBeforeSigning {
            let r = KeyRevocation(revokedKey: Self.reference(Self.radioKey), reason: .compromise,
                                  effectiveTime: try! Timestamp(parsing: "2026-11-05T00:00:00Z"),
                                  eventTime: try! Timestamp(parsing: "2026-12-01T10:00:00+01:00"))
            try append("2026-12-01T09:00:00Z", [(.radioRevocation, r.json, Self.operatorKey)])
        }
        if defect == .supportEndShortened {
            try append("2027-03-01T09:00:00Z", [
                (.shortenedCommitment, commitmentJSON(supportEnd: "2032-06-30", time: "2027-03-01T10:00:00+01:00"), Self.manufacturerKey),
            ])
        }
        if includeEndOfLife {
            try append("2029-09-14T08:00:00Z", [(.endOfLife, Self.endOfLifeJSON, Self.recyclerKey)])
        }
        if defect == .eventAfterEndOfLife {
            try append("2029-10-01T08:00:00Z", [(.inspectionAfterEndOfLife, Self.inspectionJSON, Self.manufacturerKey)])
        }
        let checkpoint = try ledger.signCheckpoint(with: Self.operatorKey, now: Self.ms("2029-12-31T12:00:00Z"))
        let bundle = try ledger.exportBundle(product: Self.product)
        return Built(fixture: self, ledger: ledger, seqs: seqs, signers: signers, kinds: kinds, earlyCheckpoint: early,
                     checkpoint: checkpoint, bundle: bundle)
    }

    // MARK: Statements

    public static let context = #""@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"assay":"https://ns.assay.dev/epcis/1#"}]"#
    public static let imageDigest = "sha256:977aa3ede8e4add7352d54d58e838a441243bfb39f0d94f807202c76d812ea41"
    public static let sbomDigest = "sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"

    /// The registration of `key` for party `p` with `roles` (to be signed by the operator).
    public static func registration(_ p: Party, key: NamedSigningKey, roles: [Role], scopes: [String]? = nil) -> String {
        let domain = key.name.split(separator: "/").first.map(String.init) ?? key.name
        let scopes = (scopes ?? Self.scopes[p.gln] ?? []).map { try! IdentifierScope(parsing: $0) }
        return PartyRegistration(partyId: p.partyId, legalName: p.legalName, roles: roles, publicKey: key.verifierKey.description,
                                 address: "Industriestraße 1, \(p.country)", contact: "mailto:compliance@\(domain)",
                                 facilities: [p.facilityId], scopes: scopes, eventTime: try! Timestamp(parsing: "2026-11-01T10:00:00+01:00")).json
    }

    /// The identifiers each party speaks for, by party GLN, as the operator registers them: ACME
    /// its own products' classes (thermostat, main board, smart plug), each supplier the
    /// classes of the components it makes. (All GTINs here share one company prefix, so the
    /// scopes are classes, not the prefix.)
    public static let scopes: [String: [String]] = [
        acme.gln: [model, "https://id.gs1.org/01/04012345000030", "https://id.gs1.org/01/04012345000085"],
        chips.gln: ["https://id.gs1.org/01/04012345000023", "https://id.gs1.org/01/04012345000078"],
        radio.gln: ["https://id.gs1.org/01/04012345000061"],
        cells.gln: ["https://id.gs1.org/01/04012345000047"],
        boards.gln: ["https://id.gs1.org/01/04012345000054"],
        relais.gln: ["https://id.gs1.org/01/04012345000092"],
    ]

    /// A `quantityList` member: `n` pieces of class or lot `cls`.
    public static func quantity(_ cls: String, _ n: Int) -> String {
        "\"quantityList\":[{\"epcClass\":\"\(cls)\",\"quantity\":\(n),\"uom\":\"C62\"}]"
    }

    static let mcuMaterials = #"[{"name":"silicon","massGrams":0.2,"recycledContentPercent":0},{"name":"solder","massGrams":0.05,"recycledContentPercent":30,"substancesOfConcern":[{"name":"lead","casNumber":"7439-92-1","concentrationPercent":0.05}]}]"#
    static let batteryMaterials = #"[{"name":"lithium","massGrams":0.1,"recycledContentPercent":0},{"name":"manganese dioxide","massGrams":1.2,"recycledContentPercent":12}]"#

    var firmwareJSON: String {
        var f = "{\"imageDigest\":\"\(Self.imageDigest)\",\"version\":\"1.4.2\""
        if let firmwarePurl { f += ",\"purl\":\"\(firmwarePurl)\"" }
        return f + ",\"cpe\":\"cpe:2.3:o:acme:th1_firmware:1.4.2:*:*:*:*:*:*:*\",\"sbomDigest\":\"\(Self.sbomDigest)\"}"
    }

    /// A component origin (ObjectEvent ADD commissioning) of `objects` (an `epcList` or
    /// `quantityList` member) by `party`.
    public static func origin(id: String, objects: String, part: String, party: Party, date: String, materials: String?,
                              firmware: String? = nil) -> String {
        var ilmd = "\"assay:partNumber\":\"\(part)\",\"assay:supplier\":\"\(party.partyId)\",\"assay:countryOfOrigin\":\"\(party.country)\",\"assay:manufacturingDate\":\"\(date)\""
        if let materials { ilmd += ",\"assay:materials\":\(materials)" }
        if let firmware { ilmd += ",\"assay:firmware\":\(firmware)" }
        return "{\(context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:\(id)-4e55-9a0e-1d2c3b4a5f60\",\"eventTime\":\"\(date)T14:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"commissioning\",\"disposition\":\"active\",\(objects),\"bizLocation\":{\"id\":\"\(party.facilityId)\"},\"ilmd\":{\(ilmd)}}"
    }

    /// The battery lot's origin (signed by Cells Co., Ltd.), commissioning `quantity` cells.
    public static func batteryOriginJSON(quantity: Int) -> String {
        origin(id: "4f0c1a00-0003", objects: Self.quantity(batteryLot, quantity), part: "CR2032-220", party: cells,
               date: "2026-11-04", materials: batteryMaterials)
    }

    /// PCB + MCU + radio + firmware → the main board; an encoding step with the firmware and
    /// SBOM digests (plain assembling without them for `.missingFirmwareDigest`).
    var boardStepJSON: String {
        let firmware = defect == .missingFirmwareDigest
        let step = firmware ? "assembling" : "encoding"
        let ilmd = firmware ? "" : ",\"ilmd\":{\"assay:firmware\":\(firmwareJSON),\"assay:testResults\":[{\"name\":\"in-circuit test\",\"passed\":true}]}"
        return "{\(Self.context),\"type\":\"TransformationEvent\",\"eventID\":\"urn:uuid:0c1d2e3f-0001-4c6d-8e7f-8091a2b3c4d5\",\"eventTime\":\"2026-11-20T11:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"bizStep\":\"\(step)\",\"inputEPCList\":[\"\(Self.pcb)\"],\"inputQuantityList\":[{\"epcClass\":\"\(Self.mcuLot)\",\"quantity\":1,\"uom\":\"C62\"},{\"epcClass\":\"\(Self.radioLot)\",\"quantity\":1,\"uom\":\"C62\"},{\"epcClass\":\"\(Self.firmwareLot)\",\"quantity\":1,\"uom\":\"C62\"}],\"outputEPCList\":[\"\(Self.board)\"],\"bizLocation\":{\"id\":\"\(Self.acme.facilityId)\"}\(ilmd)}"
    }

    static var secondEncodingJSON: String {
        "{\(context),\"type\":\"TransformationEvent\",\"eventID\":\"urn:uuid:0c1d2e3f-0002-4c6d-8e7f-8091a2b3c4d5\",\"eventTime\":\"2026-11-20T11:30:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"bizStep\":\"encoding\",\"inputEPCList\":[\"\(pcb)\"],\"inputQuantityList\":[{\"epcClass\":\"\(firmwareLot)\",\"quantity\":1,\"uom\":\"C62\"}],\"outputEPCList\":[\"\(secondBoard)\"],\"bizLocation\":{\"id\":\"\(acme.facilityId)\"},\"ilmd\":{\"assay:firmware\":{\"imageDigest\":\"\(imageDigest)\",\"sbomDigest\":\"\(sbomDigest)\"}}}"
    }

    static var assemblyJSON: String {
        "{\(context),\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:9a8b7c6d-0001-4a3b-8c2d-1e0f9a8b7c6d\",\"eventTime\":\"2026-11-20T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(product)\",\"childEPCs\":[\"\(board)\"],\"childQuantityList\":[{\"epcClass\":\"\(batteryLot)\",\"quantity\":2,\"uom\":\"C62\"}],\"bizLocation\":{\"id\":\"\(acme.facilityId)\"},\"assay:gtin\":\"04012345000016\",\"assay:manufacturingDate\":\"2026-11-20\",\"assay:documents\":{\"declarationOfConformity\":\"sha256:139d544b821b13ebea14f1b0fe18577222e415c2966e3a3511c4196055232202\",\"manual\":\"sha256:36bde66f289a35683683b041c6d8f418a5f36607b547da25d00ad55891e80b88\",\"hardwareBOM\":\"sha256:6f4cf12955ab393eb5445af9f96ffd5bb171552e257555ea49be5e87b6808251\",\"softwareBOM\":\"\(sbomDigest)\"}}"
    }

    static var plugAssemblyJSON: String {
        "{\(context),\"type\":\"AggregationEvent\",\"eventID\":\"urn:uuid:9a8b7c6d-0002-4a3b-8c2d-1e0f9a8b7c6d\",\"eventTime\":\"2026-11-12T12:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"ADD\",\"bizStep\":\"assembling\",\"parentID\":\"\(plug)\",\"childQuantityList\":[{\"epcClass\":\"\(relayLot)\",\"quantity\":1,\"uom\":\"C62\"}],\"bizLocation\":{\"id\":\"\(acme.facilityId)\"},\"assay:manufacturingDate\":\"2026-11-12\"}"
    }

    var shippingJSON: String {
        let parties = defect == .handoverWithoutOwner ? "" :
            ",\"sourceList\":[{\"type\":\"owning_party\",\"source\":\"\(Self.acme.partyId)\"}],\"destinationList\":[{\"type\":\"owning_party\",\"destination\":\"\(Self.distributorPartyId)\"}]"
        return "{\(Self.context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:5a6b7c8d-0001-4e2f-9a0b-1c2d3e4f5a6b\",\"eventTime\":\"2026-11-21T16:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\",\"action\":\"OBSERVE\",\"bizStep\":\"shipping\",\"disposition\":\"in_transit\",\"epcList\":[\"\(Self.product)\"],\"readPoint\":{\"id\":\"\(Self.acme.facilityId)\"}\(parties)}"
    }

    /// A lifecycle commitment for the fixture's model (optionally a serial range of it) with
    /// the given security support end date and event time.
    public func commitmentJSON(supportEnd: String, time: String, serialRange: (from: String, to: String)? = nil) -> String {
        let range = serialRange.map { ",\"serialFrom\":\"\($0.from)\",\"serialTo\":\"\($0.to)\"" } ?? ""
        return "{\"type\":\"LifecycleCommitment\",\"scope\":{\"model\":\"\(commitmentModel)\"\(range)}"
            + ",\"placedOnMarket\":\"2026-12-01\",\"securitySupportEnd\":\"\(supportEnd)\""
            + ",\"vulnerabilityContact\":\"mailto:security@acme.example\",\"vulnerabilityResponseDays\":30"
            + ",\"backendServiceMinimumEnd\":\"2034-12-31\""
            + ",\"repairInformation\":{\"url\":\"https://acme.example/repair/thermostat\""
            + ",\"digest\":\"sha256:a1a14ff4aab4f1d3efbe2f3fe8e32ec686289ba95e5b2fc3e1f38052d64da522\"}"
            + ",\"spareParts\":[{\"partNumber\":\"CR2032-220\",\"availableUntil\":\"2036-12-31\""
            + ",\"deliveryDays\":10},{\"partNumber\":\"RF-868-M2\",\"availableUntil\":\"2033-12-31\",\"deliveryDays\":15}]"
            + ",\"takeBack\":{\"channel\":\"https://acme.example/takeback\""
            + ",\"recyclingScheme\":\"stiftung ear (DE) WEEE-Reg.-Nr. DE 12345678\"}"
            + ",\"dismantlingInformation\":{\"url\":\"https://acme.example/dismantling/thermostat.pdf\""
            + ",\"digest\":\"sha256:429f5d86070607698c18c542e6d703118ed860ce12db841a1057e220cad69b63\"}"
            + ",\"insolvencyContinuity\":\"Update signing keys and the update service are escrowed with Escrow AG until the support end date.\""
            + ",\"eventTime\":\"\(time)\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    static var warrantyJSON: String {
        #"{"type":"GenericEvent","subject":"\#(product)","action":"warranty-registered","data":{"customer":"jane.doe@mail.example","phone":"+49 170 1234567"},"eventTime":"2026-12-10T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
    }

    static var endOfLifeJSON: String { endOfLifeJSONDated("2029-09-14T09:30:00+02:00") }

    /// The recycler's end of life of the thermostat, dated `time` (offset +02:00).
    public static func endOfLifeJSONDated(_ time: String) -> String {
        "{\(context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:1b2c3d4e-0001-4718-9a0b-c1d2e3f40516\",\"eventTime\":\"\(time)\",\"eventTimeZoneOffset\":\"+02:00\",\"action\":\"DELETE\",\"bizStep\":\"disassembling\",\"disposition\":\"destroyed\",\"epcList\":[\"\(product)\"],\"bizLocation\":{\"id\":\"\(recycler.facilityId)\"},\"assay:endOfLifeStatus\":\"recycled\",\"assay:recoveredMaterials\":[{\"name\":\"copper\",\"massGrams\":12.5},{\"name\":\"ABS plastic\",\"massGrams\":80}],\"assay:dataWipeAttestation\":\"sha256:c6f51afdddd2551a91a367719b8d2b81568786743e221f404de10c1ae864c2bd\"}"
    }

    static var inspectionJSON: String {
        "{\(context),\"type\":\"ObjectEvent\",\"eventID\":\"urn:uuid:7d8e9f00-0001-4a1b-8c2d-3e4f5a6b7c8d\",\"eventTime\":\"2029-10-01T10:00:00+02:00\",\"eventTimeZoneOffset\":\"+02:00\",\"action\":\"OBSERVE\",\"bizStep\":\"inspecting\",\"epcList\":[\"\(product)\"],\"readPoint\":{\"id\":\"\(acme.facilityId)\"}}"
    }
}
