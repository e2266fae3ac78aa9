public import AssayModel

/// One product's passport in the structure of the Battery Pass Data Model v1.2.0 (DIN DKE
/// SPEC 99100), assembled from the `PassportData` entries of a bundle that **verifies**, taking
/// only entries the verifier counts as evidence (`ProvenanceGraph.passportEvidence`: signed by a
/// party allowed to write that aspect about that product, not implausibly dated).
///
/// For each of the seven parts, the entry chosen is the one about the most specific subject —
/// the product itself, then the batch its evidence places it in (`Statement.declaredBatch(of:)`),
/// then its model `…/01/{GTIN}` — and among those the latest (highest seq). The dynamic aspects
/// are taken only from entries about the product itself, the latest of each: `batteryCondition`
/// replaces `performanceAndDurability.batteryCondition`, `status`'s `batteryStatus` replaces
/// `generalProductInformation.batteryStatus`. Each value is the entry's `data` as signed
/// (`PassportData.dataSource`): members in the signed order, every number literal byte for byte
/// (never re-rendered through a `Double`), strings with their signed values (escaped as
/// `JSONWriter.quote` escapes), no white space. A part with no entry is left out and named in
/// `missing`.
///
/// JSON layout (`json`):
///
///     {"passportFormat":"BatteryPass-1.2.0","product":P,"origin":O,"checkpointSize":N,
///      "generalProductInformation":{…},"carbonFootprint":{…},"circularity":{…},"materialComposition":{…},
///      "performanceAndDurability":{…},"supplyChainDueDiligence":{…},"labels":{…},   (those present)
///      "productPassport":{…}?, "successorOf":"…"?,
///      "evidence":{"<aspect>":{"seq":n,"party":"…","signer":"name+keyid","subject":"…"},…},
///      "missing":["<part>",…]}
public struct BatteryPassport: Sendable {
    /// The `passportFormat` value.
    public static let format = "BatteryPass-1.2.0"

    /// The seven Battery Pass parts, in output order.
    public static let parts: [PassportData.Aspect] = [
        .generalProductInformation, .carbonFootprint, .circularity, .materialComposition,
        .performanceAndDurability, .supplyChainDueDiligence, .labels,
    ]

    /// The entry behind one exported aspect.
    public struct Evidence: Sendable, Equatable {
        /// The aspect: a part, `batteryCondition`, `status` or `productPassport`.
        public let aspect: PassportData.Aspect
        public let seq: UInt64
        /// The signer's party id.
        public let party: String
        /// The signing key's reference (`name+keyid`).
        public let signer: String
        /// What the entry is about (canonical): the product, its batch or its model.
        public let subject: String
    }

    /// The product, canonical.
    public let product: String
    /// The log the entries are from, and the checkpoint size the bundle proves them against.
    public let origin: String
    public let checkpointSize: UInt64
    /// The parts present, as exported: the signed `data` (members in the signed order, number
    /// literals as signed), with the dynamic aspects merged in.
    public let parts: [PassportData.Aspect: JSONSource]
    /// The ESPR generic product passport data, when an entry gives it.
    public let productPassport: JSONSource?
    /// The original product a repurposed or remanufactured battery succeeds (Art. 77(6)): the
    /// latest status entry's `successorOf`.
    public let successorOf: JSONSource?
    /// The entry behind every exported aspect, in output order.
    public let evidence: [Evidence]
    /// The parts no evidence entry gives, in output order.
    public let missing: [PassportData.Aspect]
    /// The batches the product's defining evidence places it in (empty for a batch or model).
    public let batches: [String]

    /// The passport of a verified bundle's product.
    /// - Throws: `PassportExportError.notVerified` (naming the first integrity problem) when the
    ///   bundle's integrity is not satisfied: nothing from an unverified bundle is exported.
    public init(verified report: BundleReport) throws(PassportExportError) {
        guard let integrity = report.principles.first(where: { $0.principle == .integrity }), integrity.verdict == .satisfied else {
            let first = report.principles.first { $0.principle == .integrity }?.findings.first { $0.severity == .problem }?.message
            throw PassportExportError(.notVerified, "the bundle for \(report.product) does not verify, so no passport is exported: \(first ?? "integrity is not satisfied")")
        }
        let product = report.product
        var batches: [String] = []
        for e in report.graph.productEntries {
            if let b = e.statement.declaredBatch(of: product), !batches.contains(b) { batches.append(b) }
        }
        self.init(product: product, origin: report.origin, checkpointSize: report.checkpointSize,
                  evidence: report.graph.passportEvidence, batches: batches.sorted())
    }

    /// Assembles the passport from `evidence` (PassportData entries that count as evidence; any
    /// other entry is ignored).
    /// - Parameters:
    ///   - product: the product (any accepted spelling).
    ///   - batches: the product's batches (canonical), as its defining evidence declares them.
    public init(product: String, origin: String, checkpointSize: UInt64, evidence: [CheckedEntry], batches: [String]) {
        let product = canonicalSubject(product)
        self.product = product
        self.origin = origin
        self.checkpointSize = checkpointSize
        self.batches = batches

        // How specific each subject is for this product: itself, its batches, its model.
        var level: [String: Int] = [product: 0]
        for b in batches where level[b] == nil { level[b] = 1 }
        if let m = productModel(of: product), level[m] == nil { level[m] = 2 }

        var best: [PassportData.Aspect: (entry: CheckedEntry, data: PassportData, level: Int)] = [:]
        for e in evidence {
            guard case .passportData(let d) = e.statement, let l = level[d.canonicalSubjectId] else { continue }
            if !d.aspect.isStatic && l != 0 { continue } // dynamic data is about one battery
            if let b = best[d.aspect], (b.level, -Int64(b.entry.seq)) <= (l, -Int64(e.seq)) { continue }
            best[d.aspect] = (e, d, l)
        }

        var parts: [PassportData.Aspect: JSONSource] = [:], trail: [Evidence] = [], missing: [PassportData.Aspect] = []
        func trace(_ aspect: PassportData.Aspect) -> Evidence? {
            best[aspect].map { Evidence(aspect: aspect, seq: $0.entry.seq, party: $0.entry.signer.partyId,
                                        signer: $0.entry.signer.reference, subject: $0.data.canonicalSubjectId) }
        }
        var successor: JSONSource? = nil
        for part in Self.parts {
            guard let chosen = best[part] else {
                missing.append(part)
                continue
            }
            var data = chosen.data.dataSource
            var merged: [Evidence] = []
            switch part {
            case .performanceAndDurability:
                if let dynamic = best[.batteryCondition] {
                    data = data.setting("batteryCondition", to: dynamic.data.dataSource)
                    merged.append(trace(.batteryCondition)!)
                }
            case .generalProductInformation:
                if let status = best[.status], let value = status.data.dataSource["batteryStatus"] {
                    data = data.setting("batteryStatus", to: value)
                    merged.append(trace(.status)!)
                    successor = status.data.dataSource["successorOf"]
                }
            default:
                break
            }
            parts[part] = data
            trail.append(trace(part)!)
            trail += merged
        }
        if best[.productPassport] != nil {
            trail.append(trace(.productPassport)!)
        }
        self.parts = parts
        self.productPassport = best[.productPassport]?.data.dataSource
        self.successorOf = successor
        self.evidence = trail
        self.missing = missing
    }

    /// The passport's JSON text (the layout above; one top-level member per line).
    public var json: String {
        var f: [(String, String)] = [
            ("passportFormat", JSONWriter.quote(Self.format)), ("product", JSONWriter.quote(product)),
            ("origin", JSONWriter.quote(origin)), ("checkpointSize", "\(checkpointSize)"),
        ]
        for part in Self.parts { if let p = parts[part] { f.append((part.rawValue, p.serialized)) } }
        if let productPassport { f.append((PassportData.Aspect.productPassport.rawValue, productPassport.serialized)) }
        if let successorOf { f.append(("successorOf", successorOf.serialized)) }
        let trail = evidence.map { e in
            (e.aspect.rawValue, JSONWriter.object([("seq", "\(e.seq)"), ("party", JSONWriter.quote(e.party)),
                                                   ("signer", JSONWriter.quote(e.signer)), ("subject", JSONWriter.quote(e.subject))]))
        }
        f.append(("evidence", JSONWriter.object(trail)))
        f.append(("missing", "[" + missing.map { JSONWriter.quote($0.rawValue) }.joined(separator: ",") + "]"))
        return "{" + f.map { JSONWriter.quote($0.0) + ":" + $0.1 }.joined(separator: ",\n") + "}\n"
    }
}
