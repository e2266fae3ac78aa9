public import AssayModel

/// The policies Assay ships: the default, plus one per regulation whose data points it can
/// require (`--policy <name>`). Each preset is the default policy with required facts added;
/// the articles are those of the regulation text the fact comes from.
extension AuditPolicy {
    /// Preset names, in the order `assay` lists them.
    public static let presetNames = ["battery-passport-lmt", "battery-passport-ev", "battery-passport-industrial", "cra-psti", "espr-generic"]

    /// The preset called `name`, or nil.
    public static func preset(named name: String) -> AuditPolicy? {
        var p = AuditPolicy.default
        p.name = name
        switch name {
        case "battery-passport-lmt": p.requiredFacts = batteryFacts(category: "lmt")
        case "battery-passport-ev": p.requiredFacts = batteryFacts(category: "ev")
        case "battery-passport-industrial": p.requiredFacts = batteryFacts(category: "industrial")
        case "cra-psti": p.requiredFacts = craFacts
        case "espr-generic": p.requiredFacts = esprFacts
        default: return nil
        }
        return p
    }

    private static let batteryRegulation = "Regulation (EU) 2023/1542"

    private static func passport(_ aspect: String, _ path: String, value: String? = nil) -> RequiredFact.Pattern {
        .init(kind: "PassportData", aspect: aspect, path: path.isEmpty ? "data" : "data." + path, value: value)
    }

    /// The battery passport's data points (Art. 77 and Annex XIII, with the articles that
    /// define each), for an LMT, EV or industrial battery; the category itself must be declared.
    static func batteryFacts(category: String) -> [RequiredFact] {
        let r = batteryRegulation
        func fact(_ name: String, _ article: String, _ principle: Principle, _ patterns: RequiredFact.Pattern...) -> RequiredFact {
            RequiredFact(name, article: "\(r) \(article)", principle: principle, anyOf: patterns)
        }
        let g = "generalProductInformation", m = "materialComposition", c = "carbonFootprint", ci = "circularity"
        let pd = "performanceAndDurability", dd = "supplyChainDueDiligence", l = "labels"
        let t = "batteryTechicalProperties." // the published model's spelling
        var facts = [
            fact("battery category \(category)", "Art. 2, Annex VI Part A", .interoperability, passport(g, "batteryCategory", value: category)),
            fact("battery passport identifier", "Art. 77(3)", .interoperability, passport(g, "batteryPassportIdentifier")),
            fact("battery identification", "Annex VI Part A", .provenance, passport(g, "productIdentifier")),
            fact("manufacturer identification", "Annex VI Part A", .accountability, passport(g, "manufacturerInformation")),
            fact("place of manufacture", "Annex VI Part A", .provenance, passport(g, "manufacturingPlace")),
            fact("date of manufacture", "Annex VI Part A", .provenance, passport(g, "manufacturingDate")),
            fact("battery weight", "Annex VI Part A(5)", .provenance, passport(g, "batteryMass")),
            fact("battery status", "Annex XIII(4)(c)", .lifecycle, passport(g, "batteryStatus"), passport("status", "batteryStatus")),
            fact("battery chemistry", "Annex VI Part A(7)", .provenance, passport(m, "batteryChemistry")),
            fact("hazardous substances", "Annex VI Part A(8)", .provenance, passport(m, "hazardousSubstances")),
            fact("critical raw materials", "Annex XIII(2)(a)", .provenance, passport(m, "batteryMaterials.isCriticalRawMaterial")),
            fact("carbon footprint per kWh", "Art. 7(1)", .provenance, passport(c, "batteryCarbonFootprint")),
            fact("carbon footprint per life-cycle stage", "Art. 7(1), Annex II", .provenance, passport(c, "carbonFootprintPerLifecycleStage")),
            fact("carbon footprint performance class", "Art. 7(2)", .provenance, passport(c, "carbonFootprintPerformanceClass")),
            fact("carbon footprint study", "Art. 7(1)", .provenance, passport(c, "carbonFootprintStudy")),
            fact("recycled content of cobalt, lead, lithium and nickel", "Art. 8", .provenance, passport(ci, "recycledContent")),
            fact("renewable content", "Annex XIII(1)", .provenance, passport(ci, "renewableContent")),
            fact("dismantling and removal information", "Art. 11, Annex XIII(2)(c)", .lifecycle, passport(ci, "dismantlingAndRemovalInformation")),
            fact("spare part sources", "Annex XIII(2)(b)", .lifecycle, passport(ci, "sparePartSources")),
            fact("safety measures", "Annex XIII(2)(d)", .lifecycle, passport(ci, "safetyMeasures")),
            fact("end-of-life collection and waste prevention", "Art. 60, Annex XIII(1)", .lifecycle, passport(ci, "endOfLifeInformation")),
            fact("rated capacity", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "ratedCapacity")),
            fact("minimum, nominal and maximum voltage", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "nominalVoltage")),
            fact("original power capability", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "originalPowerCapability")),
            fact("expected lifetime in cycles", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "expectedNumberOfCycles")),
            fact("capacity threshold for exhaustion", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "capacityThresholdForExhaustion")),
            fact("state of health", "Art. 14, Annex XIII(4)(a)", .lifecycle, passport(pd, "batteryCondition"), passport("batteryCondition", "")),
            fact("supply chain due diligence report", "Art. 52(3)", .accountability, passport(dd, "supplyChainDueDiligenceReport")),
            fact("EU declaration of conformity", "Art. 18, Annex XIII(1)", .interoperability, passport(l, "declarationOfConformity")),
            fact("labels and their meaning", "Art. 13", .interoperability, passport(l, "labels")),
            fact("results of test reports", "Annex XIII(3)", .interoperability, passport(l, "resultOfTestReport")),
        ]
        if category != "lmt" {
            // Annex IV Part A's efficiency and resistance parameters, for EV and industrial batteries.
            facts += [
                fact("initial round-trip efficiency", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "roundtripEfficiency")),
                fact("initial internal resistance", "Art. 10, Annex IV Part A", .lifecycle, passport(pd, t + "initialInternalResistance")),
            ]
        }
        return facts
    }

    /// The Cyber Resilience Act's and the UK PSTI regime's declared facts.
    static let craFacts: [RequiredFact] = {
        let cra = "Regulation (EU) 2024/2847", psti = "UK PSTI Regulations 2023"
        let lc = "LifecycleCommitment"
        return [
            RequiredFact("security support end date", article: "\(cra) Art. 13(8), Annex II(7); \(psti) Sch. 1 para. 3", principle: .lifecycle,
                         anyOf: [.init(kind: lc, path: "securitySupportEnd")]),
            RequiredFact("expected use time", article: "\(cra) Art. 13(8)", principle: .lifecycle, anyOf: [.init(kind: lc, path: "expectedUseTime")]),
            RequiredFact("vulnerability reporting contact", article: "\(cra) Annex II(2); \(psti) Sch. 1 para. 2", principle: .security,
                         anyOf: [.init(kind: lc, path: "vulnerabilityContact")]),
            RequiredFact("coordinated vulnerability disclosure policy", article: "\(cra) Annex I Part II(5)", principle: .security,
                         anyOf: [.init(kind: lc, path: "vulnerabilityDisclosurePolicy")]),
            RequiredFact("software bill of materials", article: "\(cra) Annex I Part II(1)", principle: .security,
                         anyOf: [.init(kind: lc, path: "sbom"), .init(path: "ilmd.assay:firmware.sbomDigest")]),
            RequiredFact("security update mechanism", article: "\(cra) Annex I Part I(2)(c)", principle: .security,
                         anyOf: [.init(kind: lc, path: "securityUpdateMechanism")]),
            RequiredFact("manufacturer contact", article: "\(cra) Art. 13(16), Annex II(1)", principle: .accountability,
                         anyOf: [.init(kind: lc, path: "manufacturerContact")]),
        ]
    }()

    /// The ESPR's generic passport data points (Regulation (EU) 2024/1781).
    static let esprFacts: [RequiredFact] = {
        let espr = "Regulation (EU) 2024/1781"
        func pp(_ path: String) -> RequiredFact.Pattern { .init(kind: "PassportData", aspect: "productPassport", path: "data." + path) }
        return [
            RequiredFact("unique product identifier", article: "\(espr) Art. 9, Annex III(b)", principle: .interoperability, anyOf: [pp("uniqueProductIdentifier")]),
            RequiredFact("commodity code", article: "\(espr) Annex III(d)", principle: .interoperability, anyOf: [pp("commodityCode")]),
            RequiredFact("compliance documents", article: "\(espr) Annex III(e)", principle: .interoperability, anyOf: [pp("complianceDocuments")]),
            RequiredFact("substances of concern", article: "\(espr) Art. 7(5)", principle: .provenance, anyOf: [pp("substancesOfConcern")]),
            RequiredFact("economic operator identifier", article: "\(espr) Annex III(g), (h)", principle: .accountability, anyOf: [pp("economicOperatorId")]),
            RequiredFact("facility identifier", article: "\(espr) Annex III(i)", principle: .provenance, anyOf: [pp("facilityId")]),
        ]
    }()
}
