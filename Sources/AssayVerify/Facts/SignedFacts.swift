public import AssayModel

/// One value a bundle's entry signs, with the party that signed it: what the auditor reads
/// (`verify --bundle --json`, `report --html`) and what a policy's required facts are matched
/// against. The value is the signed text itself (numbers exactly as written).
public struct SignedFact: Sendable, Equatable {
    /// The groups facts are shown in, in this order.
    public enum Group: String, CaseIterable, Sendable, Comparable {
        case identity
        case materials = "materials-and-substances"
        case carbon
        case recycledContent = "recycled-content"
        case documents
        case firmware = "firmware-and-sbom"
        case commitments
        case dynamic = "dynamic-data"
        case endOfLife = "end-of-life"
        case other

        public var title: String {
            switch self {
            case .identity: "Identity"
            case .materials: "Materials and substances"
            case .carbon: "Carbon footprint"
            case .recycledContent: "Recycled content"
            case .documents: "Documents with digests"
            case .firmware: "Firmware and SBOM"
            case .commitments: "Commitments"
            case .dynamic: "Dynamic data"
            case .endOfLife: "End of life"
            case .other: "Other signed facts"
            }
        }

        public static func < (a: Group, b: Group) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    public let group: Group
    public let seq: UInt64
    /// The statement's kind (`ComponentOrigin`, `PassportData`, …).
    public let kind: String
    /// A passport statement's aspect (`carbonFootprint`, …), nil for other kinds.
    public let aspect: String?
    /// Where the value stands in the statement, as `a.b[0].c`.
    public let path: String
    public let value: String
    public let valueKind: JSONLeaf.Kind
    /// The namespace prefix of an extension member the value stands under (`ext` for
    /// `ext:colour`), nil for standard and Assay members.
    public let namespace: String?
    public let partyId: String
    public let partyName: String
    /// The signing key (`name+keyid`).
    public let signer: String
    /// Whether the entry counts as evidence for the product (false: the verifier excluded it
    /// — no authority, retracted, dated implausibly — and says why in the principles).
    public let counted: Bool
}

/// Lists every fact a bundle's checked entries sign (one per signed leaf value, sorted by seq
/// then by place in the statement), grouped for the auditor.
public enum SignedFacts {
    /// Members that are not facts: the JSON-LD context (vocabulary, not a statement).
    static let skipped: Set<String> = ["@context"]
    /// Prefixes of standard vocabularies and Assay's own; other prefixes are extensions.
    static let standardPrefixes: Set<String> = ["assay", "cbvmda", "gs1", "cbv", "epcis", "rdfs", "schema", "xsd", "owl", "dcterms", "sh"]

    public static func facts(of report: BundleReport) -> [SignedFact] {
        let notCounted = Set(report.graph.exclusions.map(\.seq)).union(report.graph.implausible.map(\.seq))
            .union(report.graph.retracted.keys)
        return facts(of: report.entries, notCounted: notCounted)
    }

    public static func facts(of entries: [CheckedEntry], notCounted: Set<UInt64> = []) -> [SignedFact] {
        var out: [SignedFact] = []
        for e in entries.sorted(by: { $0.seq < $1.seq }) {
            guard let leaves = try? JSONValue.leaves(e.envelope.payload, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth)) else { continue }
            let kind = e.statement.kind
            let aspect = kind.rawValue == "PassportData" ? leaves.first { $0.path == [.key("aspect")] }?.text : nil
            for leaf in leaves {
                guard case .key(let top)? = leaf.path.first, !skipped.contains(top) else { continue }
                if leaf.path == [.key("type")] { continue } // the kind, shown with every fact
                let ns = namespace(of: leaf)
                out.append(SignedFact(group: group(of: leaf, kind: kind, aspect: aspect, namespace: ns), seq: e.seq, kind: kind.rawValue,
                                      aspect: aspect, path: leaf.pathString, value: leaf.text, valueKind: leaf.kind, namespace: ns,
                                      partyId: e.signer.partyId, partyName: e.signer.legalName, signer: e.signer.reference,
                                      counted: !notCounted.contains(e.seq)))
            }
        }
        return out
    }

    /// The facts grouped in display order, each group sorted by seq (document order within an entry).
    public static func grouped(_ facts: [SignedFact]) -> [(group: SignedFact.Group, facts: [SignedFact])] {
        let by = Dictionary(grouping: facts, by: \.group)
        return SignedFact.Group.allCases.compactMap { g in by[g].map { (g, $0) } }
    }

    /// The first non-standard namespace prefix on the leaf's path (`ext` in `ext:a.b`).
    static func namespace(of leaf: JSONLeaf) -> String? {
        for step in leaf.path {
            guard case .key(let k) = step, let colon = k.firstIndex(of: ":") else { continue }
            let prefix = String(k[..<colon])
            if prefix.hasPrefix("http") || prefix.hasPrefix("urn") { return String(k.prefix(60)) }
            if !standardPrefixes.contains(prefix) { return prefix }
        }
        return nil
    }

    static func group(of leaf: JSONLeaf, kind: StatementKind, aspect: String?, namespace: String?) -> SignedFact.Group {
        let p = leaf.pathString.lowercased()
        let key = (leaf.key ?? "").lowercased()
        func has(_ words: String...) -> Bool { words.contains { p.contains($0) } }
        if namespace != nil { return .other }
        if StatementKind.registryKinds.contains(kind) {
            return has("smelter", "metal") ? .materials : .identity
        }
        if kind == .endOfLife { return .endOfLife }
        switch aspect {
        case "carbonFootprint"?: return .carbon
        case "batteryCondition"?, "status"?: return .dynamic
        case "materialComposition"?: return .materials
        case "supplyChainDueDiligence"?: return has("report", "assurance", "aussurance") ? .documents : .materials
        default: break
        }
        if has("sbom", "firmware", "software") { return .firmware }
        if has("carbon") { return .carbon }
        if has("recycled", "preconsumer", "postconsumer", "renewablecontent") { return .recycledContent }
        if has("stateofhealth", "batterycondition", "batterystatus", "sensorelementlist", "numberoffullcycles", "remainingcapacity") { return .dynamic }
        if has("chemistry", "material", "substance", "hazard", "casnumber", "ecnumber", "smelter", "mineral", "criticalraw") { return .materials }
        if key == "digest" || key == "url" || has("declarationofconformity", "document", "resultoftestreport", "duediligencereport") { return .documents }
        if has("endoflife", "collection", "wasteprevention", "recycling", "takeback", "dismantl") {
            return kind == .lifecycleCommitment ? .commitments : .endOfLife
        }
        if kind == .lifecycleCommitment || has("sparepart", "repair", "warranty", "expectedlifetime", "expectedusetime", "securitysupport") { return .commitments }
        return .identity
    }
}
