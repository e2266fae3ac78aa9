public import Foundation

/// An e-bike battery pack's passport data, for the Battery Pass export tests: the example
/// payloads the Battery Pass consortium publishes beside its v1.2.0 schemas
/// (`shared/vectors/batterypass/`, UTF-16 LE with a BOM or UTF-8, decoded by their BOM), with the
/// published MaterialComposition's known defect (a CAS number with a trailing space, which its own
/// schema refuses) fixed in this copy, built in code; a Circularity body written from its schema
/// (none is published); and a repairer's state-of-health reading.
///
/// The parties: Volta Batteries GmbH makes the pack (`…/01/04098765000010`, scope: that class);
/// Rival Cells Ltd is a manufacturer with its own class (`…/01/05998877000016`) and no say over
/// Volta's; Radwerk Service GmbH is a repairer.
public enum BatteryPassFixtures {
    /// The seven Battery Pass parts, as the export names them.
    public static let parts = [
        "generalProductInformation", "carbonFootprint", "circularity", "materialComposition",
        "performanceAndDurability", "supplyChainDueDiligence", "labels",
    ]

    /// The file stem of each part's schema and published payload in `batterypass/`.
    public static let fileStems: [String: String] = [
        "generalProductInformation": "GeneralProductInformation", "carbonFootprint": "CarbonFootprintForBatteries",
        "circularity": "Circularity", "materialComposition": "MaterialComposition",
        "performanceAndDurability": "PerformanceAndDurability", "supplyChainDueDiligence": "SupplyChainDueDiligence",
        "labels": "Labeling",
    ]

    // MARK: Identifiers (GS1 check digits verified)

    public static let origin = "volta-batteries.example/ledger"
    public static let model = "https://id.gs1.org/01/04098765000010"
    public static let item = "https://id.gs1.org/01/04098765000010/21/EB48-000123"
    /// A second pack of the same batch (no item-level data of its own).
    public static let sibling = "https://id.gs1.org/01/04098765000010/21/EB48-000124"
    public static let batch = "https://id.gs1.org/01/04098765000010/10/LOT-2026-07"
    public static let lot = "LOT-2026-07"
    public static let rivalModel = "https://id.gs1.org/01/05998877000016"

    public static let voltaParty = "https://id.gs1.org/417/4098765000003"
    public static let voltaFacility = "https://id.gs1.org/414/4098765000010"
    public static let rivalParty = "https://id.gs1.org/417/5998877000009"
    public static let repairerParty = "https://id.gs1.org/417/4022334000002"

    // MARK: Payloads

    /// The published example payload file of `part` (not Circularity), relative to the vectors folder.
    public static func publishedFile(_ part: String) -> String { "batterypass/\(fileStems[part]!)-payload.json" }

    /// The published example payload of `part` (not Circularity), decoded by its byte-order mark.
    public static func published(_ part: String) throws -> String {
        try Vectors.textByByteOrderMark(publishedFile(part))
    }

    /// The published payload's known defect and its fix.
    public static let casDefect = (published: #""7439-93-2 ""#, fixed: #""7439-93-2""#)

    /// The payload this fixture signs for `part`: the published one (MaterialComposition with its
    /// CAS number fixed), or the Circularity body below.
    public static func payload(_ part: String) throws -> String {
        if part == "circularity" { return circularity }
        let text = try published(part)
        guard part == "materialComposition" else { return text }
        guard text.components(separatedBy: casDefect.published).count == 2 else {
            throw VectorsError("the published MaterialComposition payload no longer holds the known defect \(casDefect.published) once")
        }
        return text.replacingOccurrences(of: casDefect.published, with: casDefect.fixed)
    }

    /// A Circularity part written from its v1.2.0 schema: dismantling documents, spare-part
    /// sources, recycled content of cobalt, nickel, lithium and lead (pre- and post-consumer,
    /// Art. 8), safety measures, end-of-life information, renewable content. Literals such as
    /// `3.0`, `0.50` and `11.25` are chosen so that a re-rendered number would show.
    public static let circularity = #"{"dismantlingAndRemovalInformation":[{"documentType":"DismantlingManual","mimeType":"application/pdf","documentURL":"https://volta-batteries.example/docs/EB48/dismantling-v3.pdf"},{"documentType":"RemovalManual","mimeType":"application/pdf","documentURL":"https://volta-batteries.example/docs/EB48/removal-v2.pdf"}],"sparePartSources":[{"nameOfSupplier":"Volta Service Parts GmbH","addressOfSupplier":{"addressCountry":"Germany","postalCode":"70173","streetAddress":"Königstraße 10"},"emailAddressOfSupplier":"spares@volta-batteries.example","supplierWebAddress":"https://volta-batteries.example/spares","components":[{"partName":"Battery management system","partNumber":"BMS-48V-20A"},{"partName":"Housing, upper shell","partNumber":"HSG-EB48-U"}]}],"recycledContent":[{"preConsumerShare":4.5,"recycledMaterial":"Cobalt","postConsumerShare":11.25},{"preConsumerShare":0,"recycledMaterial":"Nickel","postConsumerShare":3.0},{"preConsumerShare":0.50,"recycledMaterial":"Lithium","postConsumerShare":2.75},{"preConsumerShare":0,"recycledMaterial":"Lead","postConsumerShare":0}],"safetyMeasures":{"safetyInstructions":"https://volta-batteries.example/docs/EB48/safety.pdf","extinguishingAgent":["Water (large quantities)","Class D powder"]},"endOfLifeInformation":{"wastePrevention":"https://volta-batteries.example/take-back/prevention","separateCollection":"https://volta-batteries.example/take-back/collection","informationOnCollection":"https://volta-batteries.example/take-back/points"},"renewableContent":12.5}"#

    /// A repairer's reading of the pack's condition (the v1.2.0 `batteryCondition` object, every
    /// member the schema requires; `remainingEnergyalue` is the schema's own spelling).
    public static let repairerCondition = #"{"numberOfFullCycles":{"numberOfFullCyclesValue":412,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"roundTripEfficiencyat50PerCentCycleLife":93.5,"stateOfCharge":{"stateOfChargeValue":62.0,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"currentSelfDischargingRate":{"currentSelfDischargingRateEntity":0.031,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"remainingEnergy":{"remainingEnergyalue":612.40,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"evolutionOfSelfDischarge":{"evolutionOfSelfDischargeEntityValue":1.2E-2},"negativeEvents":[{"negativeEvent":"deep discharge below 2.5 V per cell, 2026-08-02","lastUpdate":"2026-10-14T10:20:00.000+02:00"}],"temperatureInformation":{"timeExtremeHighTemp":3.5,"timeExtremeLowTempCharging":0,"timeExtremeHighTempCharging":0.25,"timeExtremeLowTemp":12,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"stateOfCertifiedEnergy":{"stateOfCertifiedEnergyValue":91.7,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"energyThroughput":254.9,"internalResistanceIncrease":[{"internalResistanceIncreaseValue":8.0,"batteryComponent":"pack","lastUpdate":"2026-10-14T10:20:00.000+02:00"}],"remainingPowerCapability":[{"remainingPowerCapabilityValue":{"atSoC":50,"powerCapabilityAt":480.0,"rPCLastUpdated":"2026-10-14T10:20:00.000+02:00"},"lastUpdate":"2026-10-14T10:20:00.000+02:00"}],"roundTripEfficiencyFade":2.10,"powerFade":4.0,"remainingRoundTripEnergyEfficiency":{"remainingRoundTripEnergyEfficiencyValue":92.9,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"capacityThroughput":{"capacityThroughputValue":5310.5,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"remainingCapacity":{"remainingCapacityValue":12.84,"lastUpdate":"2026-10-14T10:20:00.000+02:00"},"capacityFade":{"capacityFadeValue":8.30,"lastUpdate":"2026-10-14T10:20:00.000+02:00"}}"#

    /// A rival's carbon footprint (schema-valid, and different from the published one in every value).
    public static let rivalCarbonFootprint = #"{"batteryCarbonFootprint":1.5,"carbonFootprintPerLifecycleStage":[{"lifecycleStage":"RawMaterialExtraction","carbonFootprint":0.5}],"carbonFootprintPerformanceClass":"A","carbonFootprintStudy":"https://rival-cells.example/cf-study.pdf","absoluteCarbonFootprint":1.0}"#

    // MARK: Statements

    /// A `PassportData` statement: `data` is embedded as given (its text, white space and
    /// number literals are what the party signs).
    public static func passportData(subject: String, aspect: String, data: String, time: String = "2026-07-20T10:00:00+02:00") -> String {
        "{\"type\":\"PassportData\",\"subject\":\"\(subject)\",\"aspect\":\"\(aspect)\",\"data\":\(data),\"eventTime\":\"\(time)\",\"eventTimeZoneOffset\":\"+02:00\"}"
    }

    /// Volta's manufacturing step that makes `items` as part of batch `lot` (ILMD
    /// `cbvmda:lotNumber`): what places each pack in its batch.
    public static func packStep(items: [String], lot: String = lot, id: String = "7e0a1b2c-0001-4d5e-8f90-a1b2c3d4e5f6") -> String {
        let outputs = items.map { "\"\($0)\"" }.joined(separator: ",")
        return "{\"@context\":[\"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld\"],\"type\":\"TransformationEvent\",\"eventID\":\"urn:uuid:\(id)\",\"eventTime\":\"2026-07-15T09:00:00+02:00\",\"eventTimeZoneOffset\":\"+02:00\",\"bizStep\":\"assembling\",\"outputEPCList\":[\(outputs)],\"bizLocation\":{\"id\":\"\(voltaFacility)\"},\"ilmd\":{\"cbvmda:lotNumber\":\"\(lot)\"}}"
    }
}

/// Runs Python's `jsonschema` on Battery Pass documents: each part against its published
/// v1.2.0 schema (draft-04, read by its byte-order mark), formats checked (`date-time`, `email`
/// as jsonschema checks them; `uri` as an absolute URI: a scheme, then no white space). And a
/// comparison of two JSON documents' values in which numbers compare by their literal text.
/// Independent of the code under test; a missing python3 or jsonschema is an error, never a skip.
public enum BatteryPassSchemaCheck {
    static let script = #"""
    import json, re, sys
    import jsonschema
    def load(path):
        b = open(path, "rb").read()
        if b[:2] == b"\xff\xfe": return json.loads(b[2:].decode("utf-16-le"))
        if b[:2] == b"\xfe\xff": return json.loads(b[2:].decode("utf-16-be"))
        if b[:3] == b"\xef\xbb\xbf": b = b[3:]
        return json.loads(b.decode("utf-8"))
    fc = jsonschema.FormatChecker()
    @fc.checks("uri")
    def uri(value):
        return not isinstance(value, str) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$", value) is not None
    assert "date-time" in fc.checkers, "jsonschema cannot check date-time here"
    args = sys.argv[1:]
    for i in range(0, len(args), 2):
        schema, doc = load(args[i]), load(args[i + 1])
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        errors = sorted(cls(schema, format_checker=fc).iter_errors(doc), key=lambda e: list(e.absolute_path))
        if errors:
            why = "; ".join("/" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:200] for e in errors[:5])
            print(args[i + 1] + "\tinvalid\t" + why.replace("\n", " "))
        else:
            print(args[i + 1] + "\tvalid")
    """#

    /// The verdict on each (part, document file): nil when the document is valid against the
    /// part's published schema, else the schema's complaints.
    public static func verdicts(_ documents: [(part: String, file: String)]) throws -> [String: String?] {
        var args: [String] = []
        for d in documents {
            guard let stem = BatteryPassFixtures.fileStems[d.part] else { throw CLIHarnessError("no Battery Pass part \(d.part)") }
            args += [try Vectors.url("batterypass/\(stem)-schema.json").path, d.file]
        }
        let r = try python(script, args)
        var out: [String: String?] = [:]
        for line in r.stdoutLines {
            let f = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 2 else { continue }
            out[f[0]] = f[1] == "valid" ? String?.none : String?.some(f.count > 2 ? f[2] : "invalid")
        }
        for d in documents where out[d.file] == nil { throw CLIHarnessError("the Battery Pass schema check printed no verdict on \(d.file):\n\(r)") }
        return out
    }

    static let compareScript = #"""
    import json, sys
    class Num:
        def __init__(self, text): self.text = text
        def __eq__(self, other): return isinstance(other, Num) and self.text == other.text
        def __repr__(self): return self.text
    def load(path):
        b = open(path, "rb").read()
        if b[:2] == b"\xff\xfe": s = b[2:].decode("utf-16-le")
        elif b[:3] == b"\xef\xbb\xbf": s = b[3:].decode("utf-8")
        else: s = b.decode("utf-8")
        return json.loads(s, parse_float=Num, parse_int=Num, parse_constant=lambda c: Num(c))
    def diff(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            if set(a) != set(b): return path + ": members " + str(sorted(set(a) ^ set(b)))
            for k in a:
                d = diff(a[k], b[k], path + "/" + k)
                if d: return d
            return None
        if isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b): return path + ": lengths differ"
            for i, (x, y) in enumerate(zip(a, b)):
                d = diff(x, y, path + "/" + str(i))
                if d: return d
            return None
        if type(a) is not type(b) or a != b: return path + ": " + repr(a) + " != " + repr(b)
        return None
    def at(doc, pointer):
        for token in [t for t in pointer.split("/")[1:]]:
            token = token.replace("~1", "/").replace("~0", "~")
            doc = doc[int(token)] if isinstance(doc, list) else doc[token]
        return doc
    a, pa, b, pb = sys.argv[1:5]
    d = diff(at(load(a), pa), at(load(b), pb), pb)
    print("same" if d is None else "differs\t" + (d or "/"))
    """#

    /// Whether two JSON files hold the same values (the value at JSON Pointer `pa` in `a`, at
    /// `pb` in `b`), numbers compared by their literal text (`3.0` is not `3`): nil when they
    /// do, else the first difference (a JSON Pointer into `b` and both values).
    public static func difference(_ a: String, at pa: String = "", _ b: String, at pb: String = "") throws -> String? {
        let r = try python(compareScript, [a, pa, b, pb])
        guard let line = r.stdoutLines.first else { throw CLIHarnessError("the comparison printed nothing:\n\(r)") }
        return line == "same" ? nil : String(line.dropFirst("differs\t".count))
    }

    static func python(_ script: String, _ args: [String]) throws -> CLIResult {
        let python = ProcessInfo.processInfo.environment["ASSAY_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let r = try CLIHarness.run(executable: "/usr/bin/env", [python, "-c", script] + args)
        guard r.exitCode == 0 else {
            throw CLIHarnessError("""
                the Battery Pass schema check could not run (install python3-jsonschema, or set ASSAY_PYTHON to a python3 with jsonschema):
                \(r)
                """)
        }
        return r
    }
}

/// A battery ledger built through the real `assay` executable: keys generated with `assay key
/// generate`, the ledger created with `assay init`, parties registered with `assay register`,
/// every statement signed with `assay sign` by its party and appended with `assay append`.
public final class BatteryPassWorkspace {
    public let dir: TemporaryDirectory
    public let ledger: String

    /// The actors: their secret key files are `<name>.key`, verifier keys `<name>.key.pub`.
    public enum Actor: String, CaseIterable, Sendable {
        case `operator`, volta, rival, repairer
    }

    public init() throws {
        dir = try TemporaryDirectory(prefix: "assay-battery-pass")
        ledger = dir.file("battery.assay")
        for a in Actor.allCases {
            try must(["key", "generate", "--name", "\(a.rawValue).example/signing", "--out", key(a)])
        }
        try must(["init", "--ledger", ledger, "--key", key(.operator), "--origin", BatteryPassFixtures.origin,
                  "--operator-name", "Volta Batteries GmbH (ledger operator)"])
        try must(["register", "--ledger", ledger, "--key", key(.operator), "--party-id", BatteryPassFixtures.voltaParty,
                  "--legal-name", "Volta Batteries GmbH", "--role", "manufacturer", "--public-key", pub(.volta),
                  "--facility", BatteryPassFixtures.voltaFacility, "--scope", BatteryPassFixtures.model])
        try must(["register", "--ledger", ledger, "--key", key(.operator), "--party-id", BatteryPassFixtures.rivalParty,
                  "--legal-name", "Rival Cells Ltd", "--role", "manufacturer", "--public-key", pub(.rival),
                  "--scope", BatteryPassFixtures.rivalModel])
        try must(["register", "--ledger", ledger, "--key", key(.operator), "--party-id", BatteryPassFixtures.repairerParty,
                  "--legal-name", "Radwerk Service GmbH", "--role", "repairer", "--public-key", pub(.repairer)])
    }

    public func key(_ a: Actor) -> String { dir.file("\(a.rawValue).key") }
    public func pub(_ a: Actor) -> String { key(a) + ".pub" }

    /// The key reference (`name+keyid`) of an actor's key, from its `.pub` file.
    public func reference(_ a: Actor) throws -> String {
        let vkey = try String(contentsOfFile: pub(a), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return vkey.split(separator: "+").prefix(2).joined(separator: "+")
    }

    /// Runs `assay` and requires exit 0.
    @discardableResult
    public func must(_ args: [String]) throws -> CLIResult {
        let r = try CLIHarness.assay(args)
        guard r.exitCode == 0 else { throw CLIHarnessError("expected success:\n\(r)") }
        return r
    }

    private var count = 0

    /// Signs `statement` with `by`'s key (`assay sign`) into a file; returns its path.
    public func sign(_ statement: String, by: Actor) throws -> String {
        count += 1
        let st = try dir.write("statement-\(count).json", statement)
        let env = dir.file("statement-\(count).dsse.json")
        try must(["sign", "--key", key(by), "--out", env, st])
        return env
    }

    /// Signs and appends `statement` as `by`; returns the appended entry's seq.
    @discardableResult
    public func append(_ statement: String, by: Actor) throws -> UInt64 {
        let r = try tryAppend(statement, by: by)
        guard r.exitCode == 0 else { throw CLIHarnessError("expected the append to succeed:\n\(r)") }
        let o = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes.split(separator: 0x0A).first ?? []))
        guard let seq = (o as? [String: Any])?["seq"] as? Int else { throw CLIHarnessError("append printed no seq:\n\(r)") }
        return UInt64(seq)
    }

    /// Signs and tries to append `statement` as `by` (`assay append --json`).
    public func tryAppend(_ statement: String, by: Actor) throws -> CLIResult {
        try CLIHarness.assay(["append", "--ledger", ledger, "--json", try sign(statement, by: by)])
    }

    /// Imports one passport part the way a manufacturer would: `assay statement passport` turns
    /// the data file (the published vector itself, UTF-16 with its BOM, for every part but the two
    /// this fixture writes: the fixed MaterialComposition and the Circularity body) into a
    /// PassportData statement, then it is signed and appended as `by`; returns its seq.
    @discardableResult
    public func importPart(_ part: String, subject: String, by: Actor, time: String = "2026-07-20T10:00:00+02:00") throws -> UInt64 {
        count += 1
        let data: String
        if part == "circularity" || part == "materialComposition" {
            data = try dir.write("data-\(count).json", try BatteryPassFixtures.payload(part))
        } else {
            data = try Vectors.url(BatteryPassFixtures.publishedFile(part)).path
        }
        let st = dir.file("statement-\(count).json")
        try must(["statement", "passport", "--aspect", part, "--subject", subject, "--data", data, "--time", time, "--out", st])
        return try append(try String(contentsOfFile: st, encoding: .utf8), by: by)
    }

    /// Signs a checkpoint over everything appended so far.
    public func checkpoint() throws {
        try must(["checkpoint", "--ledger", ledger, "--key", key(.operator)])
    }

    /// `assay export --battery-passport` of `product` to `out` (a file name in the workspace).
    public func exportPassport(_ product: String = BatteryPassFixtures.item, to out: String = "passport.json") throws -> (String, CLIResult) {
        let path = dir.file(out)
        return (path, try CLIHarness.assay(["export", "--ledger", ledger, "--product", product, "--battery-passport", "--out", path]))
    }

    /// A battery pack ledger: the pack step making `item` from batch `lot`, every Battery Pass part
    /// signed by the manufacturer (about the item, the batch or the model) except `leaving`, a
    /// checkpoint; and the item's exported bundle.
    public static func pack(leaving: String? = nil, lot: String = BatteryPassFixtures.lot) throws -> (BatteryPassWorkspace, String) {
        typealias BP = BatteryPassFixtures
        let ws = try BatteryPassWorkspace()
        try ws.append(BP.packStep(items: [BP.item], lot: lot), by: .volta)
        let subjects = ["generalProductInformation": BP.item, "performanceAndDurability": BP.item, "materialComposition": BP.batch]
        for part in BP.parts where part != leaving {
            try ws.importPart(part, subject: subjects[part] ?? BP.model, by: .volta)
        }
        try ws.checkpoint()
        return (ws, try ws.exportBundle())
    }

    /// `assay export` of `product`'s bundle to `out`.
    public func exportBundle(_ product: String = BatteryPassFixtures.item, to out: String = "battery.assay-bundle") throws -> String {
        let path = dir.file(out)
        try must(["export", "--ledger", ledger, "--product", product, "--out", path])
        return path
    }

    /// `assay verify --bundle … --battery-passport` with this ledger's operator key pinned.
    public func passportFromBundle(_ bundle: String, product: String = BatteryPassFixtures.item, out: String? = nil) throws -> CLIResult {
        var args = ["verify", "--bundle", bundle, "--log-key", pub(.operator), "--origin", BatteryPassFixtures.origin,
                    "--product", product, "--battery-passport"]
        if let out { args += ["--out", dir.file(out)] }
        return try CLIHarness.assay(args)
    }

    public func remove() { dir.remove() }
}
