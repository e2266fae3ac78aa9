import AssayTestSupport
import Foundation
import Testing
@testable import AssayModel

/// PassportData statements: the published Battery Pass v1.2.0 example payloads accepted in their
/// aspects (but the one with the known CAS defect), each rule of the aspects refusing a bad value
/// by the member's path, and the signed number literals kept byte for byte.
@Suite("Passport data")
struct PassportDataTests {
    static let item = "https://id.gs1.org/01/04012345000122/21/BP-2026-000117"
    static let model = "https://id.gs1.org/01/04012345000122"

    /// A PassportData statement with `dataText` spliced in as written (its bytes are the signed ones).
    static func statement(aspect: String, dataText: String, subject: String = item) -> [UInt8] {
        Array(("{\"type\":\"PassportData\",\"subject\":\(JSONWriter.quote(subject)),\"aspect\":\"\(aspect)\",\"data\":"
            + dataText + ",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}").utf8)
    }

    static func passport(_ bytes: [UInt8]) throws -> PassportData {
        guard case .passportData(let p) = try Statement.decode(bytes) else { throw VectorsError("not passport data") }
        return p
    }

    /// The `data` of one of Schemas/examples/valid/PassportData-*.json.
    static func exampleData(_ name: String) throws -> (aspect: String, subject: String, data: JSONSource) {
        let url = Vectors.packageRoot.appendingPathComponent("Schemas/examples/valid/PassportData-\(name).json")
        let source = try JSONSource.parse([UInt8](Data(contentsOf: url)))
        guard case .string(let aspect)? = source["aspect"], case .string(let subject)? = source["subject"], let data = source["data"] else {
            throw VectorsError("example \(name) lacks aspect, subject or data")
        }
        return (aspect, subject, data)
    }

    // MARK: - The published payloads

    @Test("each published Battery Pass example payload is accepted in its aspect, but the CAS defect", arguments: Vectors.batteryPassPayloads.map(\.file))
    func publishedPayload(_ file: String) throws {
        let aspect = try #require(Vectors.batteryPassPayloads.first { $0.file == file }?.aspect)
        let text = try Vectors.textByByteOrderMark(file)
        let bytes = Self.statement(aspect: aspect, dataText: text)
        if aspect == "materialComposition" {
            // SOURCES.md: the published example has "7439-93-2 " (a trailing space) that its own
            // schema's pattern refuses. Refused, naming the member; without the space, accepted.
            let e = expectModelError("7439-93-2 ", "CAS number pattern", field: "data.batteryMaterials[0].batteryMaterialIdentifier") {
                try Statement.decode(bytes)
            }
            #expect(e?.kind == "PassportData")
            #expect(e?.description.contains("/data/batteryMaterials/0/batteryMaterialIdentifier") == true, "\(e.map { "\($0)" } ?? "")")
            let fixed = text.replacingOccurrences(of: "\"7439-93-2 \"", with: "\"7439-93-2\"")
            #expect(fixed != text)
            let p = try Self.passport(Self.statement(aspect: aspect, dataText: fixed))
            guard case .materialComposition(let m) = p.content else { Issue.record("content is \(p.content)"); return }
            #expect(m.batteryMaterials.map(\.batteryMaterialIdentifier) == ["7439-93-2"])
            #expect(m.hazardousSubstances.first?.hazardousSubstanceIdentifier == "37-70-2")
            return
        }
        let p = try Self.passport(bytes)
        #expect(p.aspect.rawValue == aspect)
        // The signed bytes of data are kept exactly (UTF-16 decoded to the UTF-8 that was signed, CRLFs and all).
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(p.dataBytes == Array(trimmed.utf8))
        #expect(try JSONSource.parse(p.dataBytes).withoutRanges == p.dataSource.withoutRanges)
        #expect(p.dataSource.value == p.data)
    }

    @Test("number literals of the published Performance and Durability payload are kept as signed, beyond what a Double holds")
    func literalsKept() throws {
        let text = try Vectors.textByByteOrderMark("batterypass/PerformanceAndDurability-payload.json")
        let p = try Self.passport(Self.statement(aspect: "performanceAndDurability", dataText: text))
        guard case .performanceAndDurability(let pd) = p.content else { Issue.record("content is \(p.content)"); return }
        // -4979411194606956234 has no exact Double: the literal survives.
        #expect(pd.batteryTechicalProperties.expectedNumberOfCycles.literal == "-4979411194606956234")
        #expect(String(Int64(pd.batteryTechicalProperties.expectedNumberOfCycles.value)) != "-4979411194606956234")
        let cycles = pd.batteryCondition.numberOfFullCycles.value.literal
        #expect(cycles.hasPrefix("-17976931348623157000000") && cycles.count == 310, "\(cycles.prefix(40))… (\(cycles.count) characters)")
        #expect(pd.batteryTechicalProperties.ratedCapacity.literal == "2.994716E38")
        #expect(pd.batteryTechicalProperties.temperatureRangeIdleState.literal == "-19.539389775261977")
        // Serialising the kept form writes the literals back, not re-rendered doubles.
        let out = p.dataSource.serialized
        #expect(out.contains("\"expectedNumberOfCycles\":-4979411194606956234"))
        #expect(out.contains("\"ratedCapacity\":2.994716E38"))
        #expect(try JSONSource.parse(Array(out.utf8)).withoutRanges == JSONSource.parse(p.dataBytes).withoutRanges)
        // Each member's range is where its value's signed bytes lie in dataBytes.
        let technical = try #require(p.dataSource.members.first { $0.key == "batteryTechicalProperties" })
        let cyclesMember = try #require(technical.value.members.first { $0.key == "expectedNumberOfCycles" })
        #expect(String(decoding: p.dataBytes[technical.range], as: UTF8.self).hasPrefix("{"))
        #expect(String(decoding: p.dataBytes[cyclesMember.range], as: UTF8.self) == "-4979411194606956234")
    }

    @Test("the published batteryCondition object is accepted as the dynamic batteryCondition aspect")
    func publishedBatteryCondition() throws {
        let text = try Vectors.textByByteOrderMark("batterypass/PerformanceAndDurability-payload.json")
        let full = try JSONSource.parse(Array(text.utf8))
        let condition = try #require(full["batteryCondition"])
        let p = try Self.passport(Self.statement(aspect: "batteryCondition", dataText: condition.serialized))
        guard case .batteryCondition(let c) = p.content else { Issue.record("content is \(p.content)"); return }
        #expect(c.remainingEnergy.value.literal == "-7.096584E37")
        #expect(c.stateOfCharge.lastUpdate == "2025-01-31T14:06:29.437+01:00")
    }

    @Test("Schemas/examples: every aspect's valid example decodes into its typed view", arguments: [
        "1", "generalProductInformation", "circularity", "materialComposition", "performanceAndDurability",
        "supplyChainDueDiligence-extra-member", "labels", "batteryCondition", "status-repurposed", "status-waste", "productPassport",
    ])
    func examples(_ name: String) throws {
        let url = Vectors.packageRoot.appendingPathComponent("Schemas/examples/valid/PassportData-\(name).json")
        let p = try Self.passport([UInt8](Data(contentsOf: url)))
        switch p.content {
        case .circularity(let c):
            #expect(c.recycledContent.map(\.recycledMaterial) == [.cobalt, .lithium, .nickel, .lead])
            #expect(c.recycledContent[0].postConsumerShare.literal == "12.5")
        case .status(let s) where name == "status-repurposed":
            #expect(s.batteryStatus == .repurposed)
            #expect(s.successorOf == Self.item)
            #expect(p.successorOf == Self.item)
        case .productPassport(let pp):
            #expect(pp.substancesOfConcern.map(\.unit) == [.percent, .milligramsPerKilogram])
            #expect(pp.commodityCode == "85076000")
        case .supplyChainDueDiligence:
            // The Battery Pass schemas leave additionalProperties open: an extra member is kept, unvalidated.
            #expect(p.dataSource["smelters"] != nil)
        default:
            break
        }
        #expect(p.subjectsMatch)
    }

    // MARK: - Refusals naming the member

    /// A change to an aspect's data and the refusal it must cause.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let label: String
        let example: String
        let path: [Step]
        /// The new value (nil: remove the member).
        let value: JSONSource?
        let code: ModelError.Code
        let field: String
        let fragment: String
        var testDescription: String { label }
    }

    enum Step: Sendable { case key(String), index(Int) }

    static func n(_ literal: String) -> JSONSource { .number(try! JSONNumber(literal: literal)) }

    static let refusals: [Refusal] = [
        Refusal(label: "carbon footprint missing", example: "1", path: [.key("batteryCarbonFootprint")], value: nil,
                code: .missingField, field: "data.batteryCarbonFootprint", fragment: "is required"),
        Refusal(label: "carbon footprint as a string", example: "1", path: [.key("batteryCarbonFootprint")], value: .string("68.4"),
                code: .wrongType, field: "data.batteryCarbonFootprint", fragment: "must be a number, found string"),
        Refusal(label: "life-cycle stage not in the enumeration", example: "1", path: [.key("carbonFootprintPerLifecycleStage"), .index(1), .key("lifecycleStage")],
                value: .string("Use"), code: .invalidValue, field: "data.carbonFootprintPerLifecycleStage[1].lifecycleStage", fragment: "\"Use\" is not one of"),
        Refusal(label: "study not a URI", example: "1", path: [.key("carbonFootprintStudy")], value: .string("the 2026 study"),
                code: .invalidValue, field: "data.carbonFootprintStudy", fragment: "is not a URI"),
        Refusal(label: "study with a bad percent-escape", example: "1", path: [.key("carbonFootprintStudy")], value: .string("https://acme.example/%zz"),
                code: .invalidValue, field: "data.carbonFootprintStudy", fragment: "percent-escape"),
        Refusal(label: "passport identifier upper case", example: "generalProductInformation", path: [.key("batteryPassportIdentifier")],
                value: .string("urn:ACME:1"), code: .invalidValue, field: "data.batteryPassportIdentifier", fragment: "^urn:[a-z0-9]+:[a-z0-9]+$"),
        Refusal(label: "battery category unknown", example: "generalProductInformation", path: [.key("batteryCategory")], value: .string("car"),
                code: .invalidValue, field: "data.batteryCategory", fragment: "lmt, ev, industrial, stationary"),
        Refusal(label: "manufacturing date without a time", example: "generalProductInformation", path: [.key("manufacturingDate")],
                value: .string("2026-11-12"), code: .invalidValue, field: "data.manufacturingDate", fragment: "RFC 3339"),
        Refusal(label: "manufacturing date on 30 February", example: "generalProductInformation", path: [.key("manufacturingDate")],
                value: .string("2026-02-30T08:00:00Z"), code: .invalidValue, field: "data.manufacturingDate", fragment: "RFC 3339"),
        Refusal(label: "warranty period without --", example: "generalProductInformation", path: [.key("warrentyPeriod")], value: .string("03"),
                code: .invalidValue, field: "data.warrentyPeriod", fragment: "--MM"),
        Refusal(label: "e-mail outside the published pattern", example: "generalProductInformation",
                path: [.key("manufacturerInformation"), .key("emailAddress")], value: .string("info@acme.example"),
                code: .invalidValue, field: "data.manufacturerInformation.emailAddress", fragment: "as published"),
        Refusal(label: "postal code missing", example: "generalProductInformation", path: [.key("manufacturingPlace"), .key("postalCode")], value: nil,
                code: .missingField, field: "data.manufacturingPlace.postalCode", fragment: "is required"),
        Refusal(label: "mass null", example: "generalProductInformation", path: [.key("batteryMass")], value: .null,
                code: .wrongType, field: "data.batteryMass", fragment: "found null"),
        Refusal(label: "post-consumer share over 100", example: "circularity", path: [.key("recycledContent"), .index(0), .key("postConsumerShare")],
                value: n("100.5"), code: .invalidValue, field: "data.recycledContent[0].postConsumerShare", fragment: "outside 0…100"),
        Refusal(label: "pre-consumer share negative", example: "circularity", path: [.key("recycledContent"), .index(2), .key("preConsumerShare")],
                value: n("-0.1"), code: .invalidValue, field: "data.recycledContent[2].preConsumerShare", fragment: "outside 0…100"),
        Refusal(label: "recycled material not one of the four", example: "circularity", path: [.key("recycledContent"), .index(1), .key("recycledMaterial")],
                value: .string("Copper"), code: .invalidValue, field: "data.recycledContent[1].recycledMaterial", fragment: "Cobalt, Nickel, Lithium, Lead"),
        Refusal(label: "spare-part supplier e-mail without a domain", example: "circularity",
                path: [.key("sparePartSources"), .index(0), .key("emailAddressOfSupplier")], value: .string("spares@acme"),
                code: .invalidValue, field: "data.sparePartSources[0].emailAddressOfSupplier", fragment: "e-mail pattern"),
        Refusal(label: "extinguishing agents not strings", example: "circularity", path: [.key("safetyMeasures"), .key("extinguishingAgent"), .index(1)],
                value: n("2"), code: .wrongType, field: "data.safetyMeasures.extinguishingAgent[1]", fragment: "must be a string"),
        Refusal(label: "CAS identifier without hyphens", example: "materialComposition",
                path: [.key("hazardousSubstances"), .index(0), .key("hazardousSubstanceIdentifier")], value: .string("21324403"),
                code: .invalidValue, field: "data.hazardousSubstances[0].hazardousSubstanceIdentifier", fragment: "CAS number pattern"),
        Refusal(label: "critical raw material flag as text", example: "materialComposition",
                path: [.key("batteryMaterials"), .index(2), .key("isCriticalRawMaterial")], value: .string("yes"),
                code: .wrongType, field: "data.batteryMaterials[2].isCriticalRawMaterial", fragment: "true or false"),
        Refusal(label: "material location without a component name", example: "materialComposition",
                path: [.key("batteryMaterials"), .index(0), .key("batteryMaterialLocation"), .key("componentName")], value: nil,
                code: .missingField, field: "data.batteryMaterials[0].batteryMaterialLocation.componentName", fragment: "is required"),
        Refusal(label: "expected lifetime beyond 32767", example: "performanceAndDurability",
                path: [.key("batteryTechicalProperties"), .key("expectedLifetime")], value: n("32768"),
                code: .invalidValue, field: "data.batteryTechicalProperties.expectedLifetime", fragment: "outside -32768…32767"),
        Refusal(label: "expected cycles one beyond 2^63-1 (exact, not as a Double)", example: "performanceAndDurability",
                path: [.key("batteryTechicalProperties"), .key("expectedNumberOfCycles")], value: n("9223372036854775808"),
                code: .invalidValue, field: "data.batteryTechicalProperties.expectedNumberOfCycles", fragment: "outside"),
        Refusal(label: "idle temperature below -20", example: "performanceAndDurability",
                path: [.key("batteryTechicalProperties"), .key("temperatureRangeIdleState")], value: n("-20.5"),
                code: .invalidValue, field: "data.batteryTechicalProperties.temperatureRangeIdleState", fragment: "outside -20…60"),
        Refusal(label: "battery component unknown", example: "performanceAndDurability",
                path: [.key("batteryTechicalProperties"), .key("initialInternalResistance"), .index(1), .key("batteryComponent")], value: .string("battery"),
                code: .invalidValue, field: "data.batteryTechicalProperties.initialInternalResistance[1].batteryComponent", fragment: "pack, module, cell"),
        Refusal(label: "state of charge updated without a time", example: "batteryCondition", path: [.key("stateOfCharge"), .key("lastUpdate")],
                value: .string("2029-05-14"), code: .invalidValue, field: "data.stateOfCharge.lastUpdate", fragment: "date-time pattern"),
        Refusal(label: "battery condition without state of charge", example: "batteryCondition", path: [.key("stateOfCharge")], value: nil,
                code: .missingField, field: "data.stateOfCharge", fragment: "is required"),
        Refusal(label: "remaining power capability without its update time", example: "batteryCondition",
                path: [.key("remainingPowerCapability"), .index(0), .key("remainingPowerCapabilityValue"), .key("rPCLastUpdated")], value: nil,
                code: .missingField, field: "data.remainingPowerCapability[0].remainingPowerCapabilityValue.rPCLastUpdated", fragment: "is required"),
        Refusal(label: "due-diligence report missing", example: "supplyChainDueDiligence-extra-member", path: [.key("supplyChainDueDiligenceReport")], value: nil,
                code: .missingField, field: "data.supplyChainDueDiligenceReport", fragment: "is required"),
        Refusal(label: "label meaning as text", example: "labels", path: [.key("labels"), .index(0), .key("labelingMeaning")], value: .string("Separate"),
                code: .wrongType, field: "data.labels[0].labelingMeaning", fragment: "must be an object"),
        Refusal(label: "labels not an array", example: "labels", path: [.key("labels")], value: .object([]),
                code: .wrongType, field: "data.labels", fragment: "must be an array"),
        Refusal(label: "an original battery succeeding another", example: "status-repurposed", path: [.key("batteryStatus")], value: .string("Original"),
                code: .invalidValue, field: "data.successorOf", fragment: "only a Repurposed, Reused or Remanufactured battery"),
        Refusal(label: "successor of a model", example: "status-repurposed", path: [.key("successorOf")], value: .string(model),
                code: .invalidValue, field: "data.successorOf", fragment: "GTIN + serial"),
        Refusal(label: "status with an unknown member", example: "status-waste", path: [.key("note")], value: .string("collected"),
                code: .unknownField, field: "data.note", fragment: "is not a member"),
        Refusal(label: "status unknown", example: "status-waste", path: [.key("batteryStatus")], value: .string("Broken"),
                code: .invalidValue, field: "data.batteryStatus", fragment: "Original, Repurposed, Reused, Remanufactured, Waste"),
        Refusal(label: "commodity code of 4 digits", example: "productPassport", path: [.key("commodityCode")], value: .string("8507"),
                code: .invalidValue, field: "data.commodityCode", fragment: "6 (HS), 8 (CN) or 10 (TARIC) digits"),
        Refusal(label: "GTIN not the subject's", example: "productPassport", path: [.key("gtin")], value: .string("04098765000010"),
                code: .invalidValue, field: "data.gtin", fragment: "not the subject's GTIN 04012345000122"),
        Refusal(label: "substance CAS check digit", example: "productPassport", path: [.key("substancesOfConcern"), .index(1), .key("casNumber")],
                value: .string("21324-40-4"), code: .invalidValue, field: "data.substancesOfConcern[1].casNumber", fragment: "check digit 4, expected 3"),
        Refusal(label: "substance EC check digit", example: "productPassport", path: [.key("substancesOfConcern"), .index(0), .key("ecNumber")],
                value: .string("231-158-1"), code: .invalidValue, field: "data.substancesOfConcern[0].ecNumber", fragment: "check digit 1, expected 0"),
        Refusal(label: "concentration over 100 %", example: "productPassport", path: [.key("substancesOfConcern"), .index(0), .key("concentration")],
                value: n("101"), code: .invalidValue, field: "data.substancesOfConcern[0].concentration", fragment: "outside 0…100"),
        Refusal(label: "document digest not sha256", example: "productPassport", path: [.key("complianceDocuments"), .index(0), .key("digest")],
                value: .string("md5:abc"), code: .invalidValue, field: "data.complianceDocuments[0].digest", fragment: "sha256"),
        Refusal(label: "product passport with an unknown member", example: "productPassport", path: [.key("colour")], value: .string("blue"),
                code: .unknownField, field: "data.colour", fragment: "is not a member"),
        Refusal(label: "economic operator not a URI", example: "productPassport", path: [.key("economicOperatorId")], value: .string("ACME GmbH"),
                code: .invalidValue, field: "data.economicOperatorId", fragment: "not a party identifier"),
    ]

    @Test("a bad value is refused, naming the member's path", arguments: PassportDataTests.refusals)
    func refusal(_ r: Refusal) throws {
        let (aspect, subject, data) = try Self.exampleData(r.example)
        // The unchanged example is accepted: the refusal is the change's doing.
        _ = try Self.passport(Self.statement(aspect: aspect, dataText: data.serialized, subject: subject))
        let changed = try #require(Self.change(data, r.path, to: r.value), "\(r.label): path not in the example")
        let e = expectModelError(r.fragment, code: r.code, field: r.field) {
            try Statement.decode(Self.statement(aspect: aspect, dataText: changed.serialized, subject: subject))
        }
        #expect(e?.kind == "PassportData")
    }

    @Test("statement-level refusals: subject, aspect, data")
    func statementRefusals() throws {
        let (_, _, carbon) = try Self.exampleData("1")
        expectModelError("must identify a product item", field: "subject") {
            try Statement.decode(Self.statement(aspect: "carbonFootprint", dataText: carbon.serialized, subject: "https://id.gs1.org/417/4012345000009"))
        }
        expectModelError("check digit", field: "subject") {
            try Statement.decode(Self.statement(aspect: "carbonFootprint", dataText: carbon.serialized, subject: "https://id.gs1.org/01/04012345000123"))
        }
        expectModelError("is not one of", field: "aspect") {
            try Statement.decode(Self.statement(aspect: "colour", dataText: carbon.serialized))
        }
        expectModelError("must be an object, found array", code: .wrongType, field: "data") {
            try Statement.decode(Self.statement(aspect: "carbonFootprint", dataText: "[]"))
        }
        let (_, _, condition) = try Self.exampleData("batteryCondition")
        expectModelError("is about one battery", field: "subject") {
            try Statement.decode(Self.statement(aspect: "batteryCondition", dataText: condition.serialized, subject: Self.model))
        }
        expectModelError("a battery cannot succeed itself", field: "data.successorOf") {
            try Statement.decode(Self.statement(aspect: "status", dataText: "{\"batteryStatus\":\"Reused\",\"successorOf\":\"\(Self.item)\"}"))
        }
    }

    @Test("the subject is canonical in subjects; the EPC URN and the Digital Link are one subject")
    func subjects() throws {
        let (_, _, carbon) = try Self.exampleData("1")
        let urn = try Statement.decode(Self.statement(aspect: "carbonFootprint", dataText: carbon.serialized,
                                                      subject: "urn:epc:id:sgtin:4012345.000012.BP-2026-000117"))
        #expect(urn.subjects == [Self.item])
        #expect(urn.kind == .passportData)
        let model = try Statement.decode(Self.statement(aspect: "carbonFootprint", dataText: carbon.serialized, subject: Self.model))
        #expect(model.subjects == [Self.model])
        guard case .passportData(let p) = model else { return }
        #expect(p.model == Self.model)
    }

    @Test("decoded from a parsed JSONValue, the same statement has the same content")
    func fromJSONValue() throws {
        let url = Vectors.packageRoot.appendingPathComponent("Schemas/examples/valid/PassportData-productPassport.json")
        let bytes = try [UInt8](Data(contentsOf: url))
        let fromBytes = try Self.passport(bytes)
        guard case .passportData(let fromValue) = try Statement.decode(try JSONValue.parse(bytes)) else { Issue.record("not passport data"); return }
        #expect(fromValue.content == fromBytes.content)
        #expect(fromValue.data == fromBytes.data)
        #expect(fromValue.dataBytes != fromBytes.dataBytes, "bytes come from the signed text only when there was one")
    }

    // MARK: - Rules

    @Test("numbers compare with integer bounds exactly, as JSON Schema validators that keep integers do")
    func exactComparison() throws {
        func c(_ s: String, _ b: Int64) throws -> Int { try JSONNumber(literal: s).compare(to: b) }
        #expect(try c("9223372036854775807", .max) == 0)
        #expect(try c("9223372036854775808", .max) == 1)
        #expect(try c("-9223372036854775808", .min) == 0)
        #expect(try c("-9223372036854775809", .min) == -1)
        #expect(try c("1" + String(repeating: "0", count: 300), .max) == 1)
        #expect(try c("9.223372036854775807e18", .max) == 1, "as a double it is 2^63, above the bound")
        #expect(try c("100.0", 100) == 0)
        #expect(try c("100.00000000000001", 100) == 1)
        #expect(try c("99.99999999999999", 100) == -1)
        #expect(try c("-20.5", -20) == -1)
        #expect(try c("-0", 0) == 0)
        #expect(try c("1e2", 100) == 0)
        #expect(throws: ModelError.self) { try JSONNumber(literal: "1e400") }
        #expect(throws: ModelError.self) { try JSONNumber(literal: "01") }
    }

    @Test("patterns apply as published: unanchored ones search, the e-mail pattern as its lost backslashes left it")
    func patterns() throws {
        #expect(throws: Never.self) { try BatteryPassRules.containsDateTime("measured 2029-05-14T09:12:00 local", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.containsDateTime("2029-05-14T24:00:00Z", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.containsDateTime("2029-05-14T24:00:01Z", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.containsDateTime("2029-13-14T09:12:00Z", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.containsMonth("--12Z", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.containsMonth("--13", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.generalInformationEmail("www.w-w@ww.w%de", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.generalInformationEmail("info@acme.example", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.generalInformationEmail("w@w\nde", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.email("spare_parts-2@acme.example.de", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.email("spares@acme.example.d", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.email("spärs@acme.example", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.casShape("37-70-2", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.casShape("7439-93-2\n", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.casShape("٧٤٣٩-93-2", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.uri("telnet://192.0.2.16:80/", field: "f") }
        #expect(throws: Never.self) { try BatteryPassRules.uri("urn:bmwk:123", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.uri("https://acme.example/a b", field: "f") }
        #expect(throws: ModelError.self) { try BatteryPassRules.uri("/relative/path", field: "f") }
    }

    // MARK: - Helpers

    /// `value` with the member or element at `path` replaced by `new` (removed when nil); nil
    /// when the path is not there.
    static func change(_ value: JSONSource, _ path: [Step], to new: JSONSource?) -> JSONSource? {
        guard let step = path.first else { return new }
        switch (step, value) {
        case (.key(let k), .object(var members)):
            if let i = members.firstIndex(where: { $0.key == k }) {
                if path.count == 1, new == nil {
                    members.remove(at: i)
                } else {
                    guard let inner = change(members[i].value, Array(path.dropFirst()), to: new) else { return nil }
                    members[i] = .init(key: k, value: inner)
                }
                return .object(members)
            }
            guard path.count == 1, let new else { return nil }
            return .object(members + [.init(key: k, value: new)])
        case (.index(let i), .array(var items)) where i < items.count:
            guard let inner = change(items[i], Array(path.dropFirst()), to: new) else { return nil }
            items[i] = inner
            return .array(items)
        default:
            return nil
        }
    }
}

extension PassportData {
    /// Whether `Statement.subjects` of this data is its canonical subject alone.
    var subjectsMatch: Bool { Statement.passportData(self).subjects == [canonicalSubjectId] }
}

extension JSONSource {
    /// The same value with every member's byte range cleared (for comparing values parsed from different texts).
    var withoutRanges: JSONSource {
        switch self {
        case .array(let a): .array(a.map(\.withoutRanges))
        case .object(let m): .object(m.map { .init(key: $0.key, value: $0.value.withoutRanges) })
        default: self
        }
    }
}
