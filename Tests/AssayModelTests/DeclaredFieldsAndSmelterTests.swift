import AssayTestSupport
import Foundation
import Testing
@testable import AssayModel

/// Issue 16: the declared fields the CRA and PSTI name in a lifecycle commitment, and smelter
/// or refiner declarations in a party registration — accepted when well formed, refused
/// naming the field otherwise.
@Suite("declared commitment fields and smelter declarations")
struct DeclaredFieldsAndSmelterTests {
    // MARK: Lifecycle commitment

    /// A commitment with `extra` members (already JSON-encoded `"name":value` pairs) added.
    static func commitment(_ extra: String = "") -> String {
        #"{"type":"LifecycleCommitment","scope":{"model":"https://id.gs1.org/01/04012345000016"},"placedOnMarket":"2026-12-01","securitySupportEnd":"2032-12-31","vulnerabilityContact":"mailto:security@acme.example","vulnerabilityResponseDays":30,"repairInformation":{"url":"https://acme.example/repair","digest":"sha256:a1a14ff4aab4f1d3efbe2f3fe8e32ec686289ba95e5b2fc3e1f38052d64da522"},"spareParts":[],"takeBack":{"channel":"https://acme.example/takeback","recyclingScheme":"ear"},"insolvencyContinuity":"escrow"\#(extra.isEmpty ? "" : "," + extra),"eventTime":"2026-11-20T13:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
    }

    static func decodeCommitment(_ json: String) throws -> LifecycleCommitment {
        guard case .lifecycleCommitment(let c) = try Statement.decode(Array(json.utf8)) else {
            Issue.record("not read as a lifecycle commitment")
            throw ModelError(.unknownKind, "not a commitment")
        }
        return c
    }

    static let sbomDigest = "sha256:bcdfb73b050d567f076b793037ace9c9f16a8d1a0020f5ee0f8a89859dee7d61"

    @Test("the five declared fields are read as given")
    func declaredAccepted() throws {
        let c = try Self.decodeCommitment(Self.commitment(
            #""expectedUseTime":"P5Y6M","securityUpdateMechanism":"signed OTA updates","sbom":{"url":"https://acme.example/sbom.cdx.json","digest":"\#(Self.sbomDigest)"},"vulnerabilityDisclosurePolicy":"https://acme.example/cvd","manufacturerContact":"tel:+49711000000""#))
        #expect(c.expectedUseTime?.years == 5 && c.expectedUseTime?.months == 6 && c.expectedUseTime?.totalMonths == 66)
        #expect(c.securityUpdateMechanism == "signed OTA updates")
        #expect(c.sbom == .init(url: "https://acme.example/sbom.cdx.json", digest: Self.sbomDigest))
        #expect(c.vulnerabilityDisclosurePolicy == "https://acme.example/cvd")
        #expect(c.manufacturerContact == "tel:+49711000000")
        // Absent and null both read as not declared.
        let plain = try Self.decodeCommitment(Self.commitment())
        let nulls = try Self.decodeCommitment(Self.commitment(
            #""expectedUseTime":null,"securityUpdateMechanism":null,"sbom":null,"vulnerabilityDisclosurePolicy":null,"manufacturerContact":null"#))
        for c in [plain, nulls] {
            #expect(c.expectedUseTime == nil && c.securityUpdateMechanism == nil && c.sbom == nil)
            #expect(c.vulnerabilityDisclosurePolicy == nil && c.manufacturerContact == nil)
        }
    }

    @Test("the commitment's JSON writer gives back the same statement, declared fields included")
    func writerRoundTrip() throws {
        let c = try Self.decodeCommitment(Self.commitment(
            #""expectedUseTime":"P7Y","securityUpdateMechanism":"app","sbom":{"url":"https://acme.example/s","digest":"\#(Self.sbomDigest)"},"vulnerabilityDisclosurePolicy":"https://acme.example/cvd","manufacturerContact":"https://acme.example/contact""#))
        #expect(try Self.decodeCommitment(c.json) == c)
    }

    @Test("a bad declared field is refused naming it", arguments: [
        (#""expectedUseTime":"P7Y30D""#, "expectedUseTime", "only years (Y) and months (M) are allowed"),
        (#""expectedUseTime":"PT5H""#, "expectedUseTime", "a number must come before each of Y and M"),
        (#""expectedUseTime":"P0Y""#, "expectedUseTime", "longer than zero"),
        (#""expectedUseTime":"P""#, "expectedUseTime", "neither years nor months"),
        (#""expectedUseTime":"7 years""#, "expectedUseTime", "must start with P"),
        (#""expectedUseTime":"p7y""#, "expectedUseTime", "must start with P"),
        (#""expectedUseTime":"P6M2Y""#, "expectedUseTime", "years come first"),
        (#""expectedUseTime":"P12345Y""#, "expectedUseTime", "at most four digits"),
        (#""expectedUseTime":"P1.5Y""#, "expectedUseTime", "only years (Y) and months (M)"),
        (#""securityUpdateMechanism":" ""#, "securityUpdateMechanism", "must not be empty"),
        (#""sbom":{"url":"ftp://acme.example/s","digest":"\#(sbomDigest)"}"#, "sbom.url", "http(s) URL"),
        (#""sbom":{"url":"https://acme.example/s","digest":"sha1:abc"}"#, "sbom.digest", "is not a digest"),
        (#""sbom":{"url":"https://acme.example/s"}"#, "sbom.digest", "is required"),
        (#""vulnerabilityDisclosurePolicy":"mailto:cvd@acme.example""#, "vulnerabilityDisclosurePolicy", "http(s) URL"),
        (#""vulnerabilityDisclosurePolicy":"https://acme.example/a policy""#, "vulnerabilityDisclosurePolicy", "without white space"),
        (#""manufacturerContact":"ACME customer service""#, "manufacturerContact", "must be a URI"),
    ])
    func declaredRefused(_ member: String, _ field: String, _ fragment: String) {
        let json = Self.commitment(member)
        expectModelError(fragment, code: fragment == "is required" ? .missingField : .invalidValue, field: field) {
            try Statement.decode(Array(json.utf8))
        }
    }

    @Test("a declared field of the wrong JSON type is refused naming it")
    func declaredWrongType() {
        expectModelError("must be a string", code: .wrongType, field: "expectedUseTime") {
            try Statement.decode(Array(Self.commitment(#""expectedUseTime":7"#).utf8))
        }
        expectModelError("must be an object", code: .wrongType, field: "sbom") {
            try Statement.decode(Array(Self.commitment(#""sbom":"https://acme.example/s""#).utf8))
        }
    }

    @Test("an expected use time is added to a date as ISO 8601 does, the day clamped to the month's end", arguments: [
        ("P7Y", "2026-12-01", "2033-12-01"), ("P5Y6M", "2026-12-01", "2032-06-01"), ("P18M", "2027-01-31", "2028-07-31"),
        ("P1M", "2027-01-31", "2027-02-28"), ("P1M", "2028-01-31", "2028-02-29"), ("P1Y", "2028-02-29", "2029-02-28"),
        ("P0Y11M", "2026-02-15", "2027-01-15"),
    ])
    func addition(_ duration: String, _ start: String, _ end: String) throws {
        let d = try YearMonthDuration(parsing: duration)
        #expect(d.added(to: try CalendarDate(parsing: start))?.description == end)
    }

    @Test("an expected use time that runs past the year 9999 has no end date")
    func additionOverflow() throws {
        #expect(try YearMonthDuration(parsing: "P9999Y").added(to: try CalendarDate(parsing: "2026-01-01")) == nil)
    }

    // MARK: Smelters

    static func registration(smelter: String?) -> String {
        let s = smelter.map { #","smelter":\#($0)"# } ?? ""
        return #"{"type":"PartyRegistration","partyId":"https://id.gs1.org/417/5099999000004","legalName":"Tin Smelter Bhd","roles":["supplier"],"publicKey":"smelter.example/signing+78184e41+ASGS0RHwyxI5klONX+pkHtxd4YjN260wD4CueAvvzO3F"\#(s),"eventTime":"2026-11-01T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
    }

    @Test("a smelter declaration is read, and written back the same")
    func smelterAccepted() throws {
        let json = Self.registration(smelter: #"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"conformant","assessedOn":"2026-05-14","programme":"RMAP","country":"MY"}"#)
        guard case .partyRegistration(let p) = try Statement.decode(Array(json.utf8)) else {
            Issue.record("not a registration")
            return
        }
        #expect(p.smelter == Smelter(rmiId: "CID001070", metal: .tin, conformanceStatus: .conformant, assessedOn: "2026-05-14",
                                     programme: "RMAP", country: "MY"))
        guard case .partyRegistration(let again) = try Statement.decode(Array(p.json.utf8)) else {
            Issue.record("the written registration does not read back")
            return
        }
        #expect(again == p)
        for metal in Mineral.allCases {
            for status in Smelter.ConformanceStatus.allCases {
                let j = Self.registration(smelter: #"{"rmiId":"CID000001","metal":"\#(metal.rawValue)","conformanceStatus":"\#(status.rawValue)"}"#)
                guard case .partyRegistration(let r) = try Statement.decode(Array(j.utf8)) else { continue }
                #expect(r.smelter?.metal == metal && r.smelter?.conformanceStatus == status)
            }
        }
        guard case .partyRegistration(let none) = try Statement.decode(Array(Self.registration(smelter: nil).utf8)) else { return }
        #expect(none.smelter == nil && !none.json.contains("\"smelter\":"))
    }

    @Test("a bad smelter declaration is refused naming the field", arguments: [
        (#"{"rmiId":"CID01070","metal":"tin","conformanceStatus":"conformant"}"#, "smelter.rmiId", "not an RMI smelter id"),
        (#"{"rmiId":"cid001070","metal":"tin","conformanceStatus":"conformant"}"#, "smelter.rmiId", "not an RMI smelter id"),
        (#"{"rmiId":"CID00107X","metal":"tin","conformanceStatus":"conformant"}"#, "smelter.rmiId", "CID and six digits"),
        (#"{"rmiId":"CID001070","metal":"copper","conformanceStatus":"conformant"}"#, "smelter.metal", "\"copper\" is not one of"),
        (#"{"rmiId":"CID001070","metal":"graphite","conformanceStatus":"conformant"}"#, "smelter.metal", "natural-graphite"),
        (#"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"compliant"}"#, "smelter.conformanceStatus", "conformant, active, non-conformant"),
        (#"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"conformant","assessedOn":"14.05.2026"}"#, "smelter.assessedOn", "YYYY-MM-DD"),
        (#"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"conformant","programme":""}"#, "smelter.programme", "must not be empty"),
        (#"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"conformant","country":"MYS"}"#, "smelter.country", "ISO 3166-1 alpha-2"),
    ])
    func smelterRefused(_ smelter: String, _ field: String, _ fragment: String) {
        let json = Self.registration(smelter: smelter)
        expectModelError(fragment, field: field) { try Statement.decode(Array(json.utf8)) }
    }

    @Test("a smelter declaration without a required member, or with an unknown one, is refused naming it")
    func smelterShape() {
        expectModelError("is required", code: .missingField, field: "smelter.conformanceStatus") {
            try Statement.decode(Array(Self.registration(smelter: #"{"rmiId":"CID001070","metal":"tin"}"#).utf8))
        }
        expectModelError("is required", code: .missingField, field: "smelter.rmiId") {
            try Statement.decode(Array(Self.registration(smelter: #"{"metal":"tin","conformanceStatus":"active"}"#).utf8))
        }
        expectModelError("is not a field", code: .unknownField, field: "smelter.rmapStatus") {
            try Statement.decode(Array(Self.registration(smelter: #"{"rmiId":"CID001070","metal":"tin","conformanceStatus":"active","rmapStatus":"x"}"#).utf8))
        }
        expectModelError("must be an object", code: .wrongType, field: "smelter") {
            try Statement.decode(Array(Self.registration(smelter: #""CID001070""#).utf8))
        }
    }

    @Test("register's smelter options are checked, each refusal naming its option")
    func registrationOptions() throws {
        func register(_ o: RegistryStatements.SmelterOptions) throws -> [UInt8] {
            try RegistryStatements.registration(partyId: "https://id.gs1.org/417/5099999000004", legalName: "Tin Smelter Bhd", roles: ["supplier"],
                                                publicKey: "smelter.example/signing+78184e41+ASGS0RHwyxI5klONX+pkHtxd4YjN260wD4CueAvvzO3F",
                                                smelter: o, eventTime: try Timestamp(parsing: "2026-11-01T10:00:00+01:00"))
        }
        let ok = try register(.init(rmiId: "CID001070", metal: "tin", conformance: "non-conformant", programme: "RMAP"))
        guard case .partyRegistration(let p) = try Statement.decode(ok) else {
            Issue.record("not a registration")
            return
        }
        #expect(p.smelter?.conformanceStatus == .nonConformant && p.smelter?.programme == "RMAP")
        expectModelError("RMI id", code: .missingField, field: "--smelter-rmi") { try register(.init(metal: "tin", conformance: "active")) }
        expectModelError("mineral", code: .missingField, field: "--smelter-metal") { try register(.init(rmiId: "CID001070", conformance: "active")) }
        expectModelError("conformance status", code: .missingField, field: "--conformance") { try register(.init(rmiId: "CID001070", metal: "tin")) }
        expectModelError("CID and six digits", field: "--smelter-rmi") { try register(.init(rmiId: "1070", metal: "tin", conformance: "active")) }
        expectModelError("\"silver\" is not one of", field: "--smelter-metal") { try register(.init(rmiId: "CID001070", metal: "silver", conformance: "active")) }
        expectModelError("\"ok\" is not one of", field: "--conformance") { try register(.init(rmiId: "CID001070", metal: "tin", conformance: "ok")) }
        expectModelError("month 13 is outside", field: "--assessed-on") {
            try register(.init(rmiId: "CID001070", metal: "tin", conformance: "active", assessedOn: "2026-13-01"))
        }
        expectModelError("country code", field: "--smelter-country") {
            try register(.init(rmiId: "CID001070", metal: "tin", conformance: "active", country: "Malaysia"))
        }
    }

    @Test("material names name minerals by whole word or chemical symbol", arguments: [
        ("tin", [Mineral.tin]), ("Tin solder (SAC305)", [.tin]), ("tinned copper", []), ("Lithium carbonate", [.lithium]),
        ("cobalt(II) sulfate", [.cobalt]), ("NMC811 cathode", []), ("nickel-cobalt-manganese oxide", [.cobalt, .nickel]),
        ("natural graphite", [.naturalGraphite]), ("graphite anode", [.naturalGraphite]), ("synthetic graphite", []),
        ("Au", [.gold]), ("gold-plated contacts", [.gold]), ("tantalum capacitor", [.tantalum]), ("W", [.tungsten]),
        ("tungsten carbide", [.tungsten]), ("Sn", [.tin]), ("sn", []), ("silicon", []), ("C", []),
    ])
    func mineralNames(_ name: String, _ expected: [Mineral]) {
        #expect(Mineral.named(inMaterial: name) == expected, "\(name)")
    }
}

/// `assay statement commitment`: the declared fields as options, through the real binary.
@Suite("assay statement commitment")
struct CommitmentCommandTests {
    static let base = ["statement", "commitment", "--model", "https://id.gs1.org/01/04012345000016", "--placed-on-market", "2026-12-01",
                       "--support-end", "2032-12-31", "--vulnerability-contact", "mailto:security@acme.example", "--response-days", "30",
                       "--repair-url", "https://acme.example/repair", "--repair-digest",
                       "sha256:a1a14ff4aab4f1d3efbe2f3fe8e32ec686289ba95e5b2fc3e1f38052d64da522",
                       "--take-back-channel", "https://acme.example/takeback", "--recycling-scheme", "ear", "--insolvency", "escrow",
                       "--event-time", "2026-11-20T13:00:00+01:00"]

    @Test("prints a commitment the decoder reads back with every declared field")
    func declared() throws {
        let r = try CLIHarness.assay(Self.base + ["--expected-use-time", "P6Y", "--security-update-mechanism", "signed OTA",
                                                  "--sbom-url", "https://acme.example/sbom.json", "--sbom-digest", DeclaredFieldsAndSmelterTests.sbomDigest,
                                                  "--vulnerability-disclosure-policy", "https://acme.example/cvd",
                                                  "--manufacturer-contact", "tel:+49711000000", "--spare-part", "BAT,CR2032,2036-12-31,10"])
        #expect(r.exitCode == 0 && r.stderr.isEmpty, "\(r)")
        let c = try DeclaredFieldsAndSmelterTests.decodeCommitment(r.stdout.trimmingCharacters(in: .newlines))
        #expect(c.expectedUseTime?.text == "P6Y" && c.securityUpdateMechanism == "signed OTA" && c.manufacturerContact == "tel:+49711000000")
        #expect(c.sbom == .init(url: "https://acme.example/sbom.json", digest: DeclaredFieldsAndSmelterTests.sbomDigest))
        #expect(c.vulnerabilityDisclosurePolicy == "https://acme.example/cvd")
        #expect(c.spareParts == [.init(partNumber: "BAT,CR2032", availableUntil: "2036-12-31", deliveryDays: 10)])
        #expect(c.eventTime.text == "2026-11-20T13:00:00+01:00")
    }

    @Test("a bad option is refused in one line naming the option and the field", arguments: [
        (["--expected-use-time", "P7D"], "--expected-use-time (expectedUseTime): \"P7D\" is not an ISO 8601 duration"),
        (["--sbom-url", "https://acme.example/s", "--sbom-digest", "sha256:AB"], "--sbom-digest (sbom.digest):"),
        (["--sbom-url", "https://acme.example/s"], "--sbom-url needs --sbom-digest"),
        (["--vulnerability-disclosure-policy", "mailto:x@acme.example"], "--vulnerability-disclosure-policy (vulnerabilityDisclosurePolicy): must be an http(s) URL"),
        (["--manufacturer-contact", "call us"], "--manufacturer-contact (manufacturerContact): must be a URI"),
        (["--spare-part", "BAT,2036-12-31"], "--spare-part 1:"),
        (["--spare-part", "BAT,2036-13-31,10"], "--spare-part 1 (spareParts[0].availableUntil):"),
    ])
    func refused(_ extra: [String], _ fragment: String) throws {
        let r = try CLIHarness.assay(Self.base + extra)
        #expect(r.exitCode == 2 && r.stdout.isEmpty && r.stderrLines.count == 1 && r.stderr.contains(fragment), "\(r)")
    }
}
