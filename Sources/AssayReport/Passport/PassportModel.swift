public import AssayVerify
public import AssayModel
import Foundation

/// What a buyer's passport page says about one product, taken from a verified bundle report:
/// the product and its maker, the lifecycle commitment that covers it, its status, where its
/// parts came from, what it is made of and the verdict on each principle. Every value that
/// comes from a signed entry is a `Bound` value: the page's script checks it against the entry
/// it names once the bundle verifies, so the text cannot say more than the log does.
public struct PassportModel: Sendable {
    /// A value shown on the page and the signed entry and path it comes from.
    public struct Bound: Sendable, Equatable {
        public enum Format: String, Sendable { case text, date }
        public let seq: UInt64
        /// The path in the entry's statement (`a.b[0].c`, as `SignedFact.path` writes it).
        public let path: String
        /// The value as signed.
        public let value: String
        public let format: Format
    }

    /// A party that signed something shown: its registered name, bound to the registration.
    public struct Party: Sendable, Equatable {
        public let name: Bound
        public let partyId: String
    }

    public struct Commitment: Sendable {
        public let seq: UInt64
        public let statement: LifecycleCommitment
        public let securitySupportEnd: Bound
        public let repairInformation: Bound
        public let spareParts: [(part: Bound, until: Bound, days: Bound)]
        public let takeBackChannel: Bound
        public let recyclingScheme: Bound
        public let vulnerabilityContact: Bound
        public let responseDays: Bound
        public let updateMechanism: Bound?
        public let signer: Party
    }

    public enum Status: Sendable, Equatable {
        case inUse
        case repaired(count: Int, last: Bound, seqs: [UInt64])
        case ended(status: String, date: Bound, seq: UInt64)
    }

    public struct Part: Sendable, Equatable {
        public let id: String
        public let label: String
        public let partNumber: Bound?
        public let supplier: Party?
        public let country: Bound?
        /// The entry that made or first recorded it.
        public let seq: UInt64?
    }

    public let report: BundleReport
    public let product: String
    public let gtin: String?
    public let serial: String?
    public let maker: Party?
    public let madeOn: Bound?
    public let commitment: Commitment?
    public let status: Status
    /// Countries of origin (ISO 3166-1 alpha-2), each with the first origin that names it.
    public let countries: [Bound]
    public let directSuppliers: [Party]
    /// Material, recycled-content, carbon and battery facts, counted ones only.
    public let materials: [SignedFact]
    public let facts: [SignedFact]

    /// Builds the model. `report` must come from a verifier run on the bundle (integrity is
    /// checked by the caller).
    public init(report r: BundleReport) {
        report = r
        product = r.product
        let id = try? GS1Identifier(parsing: r.product)
        switch id?.key {
        case .item(let g, let s)?: gtin = g.digits; serial = s
        case .batch(let g, _)?, .productClass(let g)?: gtin = g.digits; serial = nil
        default: gtin = nil; serial = nil
        }
        let facts = SignedFacts.facts(of: r)
        self.facts = facts
        var bySeq: [UInt64: [SignedFact]] = [:]
        for f in facts { bySeq[f.seq, default: []].append(f) }
        func bound(_ seq: UInt64, _ path: String, _ format: Bound.Format = .text) -> Bound? {
            guard let f = bySeq[seq]?.first(where: { $0.path == path }) else { return nil }
            return Bound(seq: seq, path: path, value: f.value, format: format)
        }
        func bound(_ seq: UInt64, suffix: String, _ format: Bound.Format = .text) -> Bound? {
            guard let f = bySeq[seq]?.first(where: { $0.path == suffix || $0.path.hasSuffix("." + suffix) || $0.path.hasSuffix(":" + suffix) }) else { return nil }
            return Bound(seq: seq, path: f.path, value: f.value, format: format)
        }
        func party(_ key: RegisteredKey) -> Party? { Self.party(key, facts: facts) }
        let excluded = Set(r.graph.exclusions.map(\.seq)).union(r.graph.implausible.map(\.seq)).union(r.graph.retracted.keys)

        // The maker: who signed the first entry that produced the product.
        let producer = (r.graph.producers[r.product] ?? []).first { !excluded.contains($0.seq) }
        maker = producer.flatMap { party($0.signer) }
        if let p = producer, case .supplyChain = p.statement {
            madeOn = bound(p.seq, suffix: "manufacturingDate", .date) ?? bound(p.seq, "eventTime", .date)
        } else {
            madeOn = nil
        }

        // The commitment: the last counted one covering the product.
        var commitment: Commitment?
        for e in r.entries.reversed() where !excluded.contains(e.seq) {
            guard case .lifecycleCommitment(let c) = e.statement, c.covers(r.product), let signer = party(e.signer) else { continue }
            guard let end = bound(e.seq, "securitySupportEnd", .date), let repair = bound(e.seq, "repairInformation.url"),
                  let channel = bound(e.seq, "takeBack.channel"), let scheme = bound(e.seq, "takeBack.recyclingScheme"),
                  let contact = bound(e.seq, "vulnerabilityContact"), let days = bound(e.seq, "vulnerabilityResponseDays") else { continue }
            var parts: [(Bound, Bound, Bound)] = []
            for i in c.spareParts.indices {
                if let p = bound(e.seq, "spareParts[\(i)].partNumber"), let u = bound(e.seq, "spareParts[\(i)].availableUntil", .date),
                   let d = bound(e.seq, "spareParts[\(i)].deliveryDays") { parts.append((p, u, d)) }
            }
            commitment = Commitment(seq: e.seq, statement: c, securitySupportEnd: end, repairInformation: repair, spareParts: parts,
                                    takeBackChannel: channel, recyclingScheme: scheme, vulnerabilityContact: contact, responseDays: days,
                                    updateMechanism: bound(e.seq, "securityUpdateMechanism"), signer: signer)
            break
        }
        self.commitment = commitment

        // Status: an end of life of the product, else repairs, else in use.
        var status = Status.inUse
        var repairs: [(UInt64, Bound)] = []
        for e in r.entries where !excluded.contains(e.seq) {
            guard case .supplyChain(let s) = e.statement, s.event.objectIdentifiers.map(canonicalSubject).contains(r.product) else { continue }
            let step = s.event.bizStep?.standard
            if s.kind == .endOfLife, let date = bound(e.seq, "eventTime", .date) {
                status = .ended(status: s.event.assay.endOfLifeStatus ?? "collected", date: date, seq: e.seq)
            } else if step == "repairing" || step == "replacing", let date = bound(e.seq, "eventTime", .date) {
                repairs.append((e.seq, date))
            }
        }
        if case .inUse = status, let last = repairs.last {
            status = .repaired(count: repairs.count, last: last.1, seqs: repairs.map(\.0))
        }
        self.status = status

        // Countries and direct suppliers.
        var countries: [Bound] = []
        var seen = Set<String>()
        for id in r.graph.nodes {
            guard let o = r.graph.origins[id], let c = o.country, !seen.contains(c), let b = bound(o.seq, suffix: "countryOfOrigin") else { continue }
            seen.insert(c)
            countries.append(Bound(seq: b.seq, path: b.path, value: b.value, format: .text))
        }
        self.countries = countries.sorted { $0.value < $1.value }
        var suppliers: [Party] = []
        for t in r.graph.tiers where t.tier == 1 {
            guard let seq = t.seqs.first, let key = r.graph.entriesBySeq[seq]?.signer, let p = party(key), !suppliers.contains(p) else { continue }
            suppliers.append(p)
        }
        directSuppliers = suppliers
        // What it is made of: the signed content (passport `data`, EPCIS master data), not the
        // statement's own bookkeeping (subject, aspect, times); materials first, then recycled
        // content, then carbon, each in log order.
        let groups: [SignedFact.Group] = [.materials, .recycledContent, .carbon]
        materials = facts.filter { f in
            f.counted && groups.contains(f.group) && (f.path.hasPrefix("data.") || f.path.hasPrefix("ilmd."))
        }.enumerated().sorted { a, b in
            (groups.firstIndex(of: a.element.group)!, a.offset) < (groups.firstIndex(of: b.element.group)!, b.offset)
        }.map(\.element)
    }

    /// The parts of the product as the picture shows them: every node of the provenance graph
    /// below the product, with its origin.
    public func part(_ id: String) -> Part {
        let g = report.graph
        let o = g.origins[id]
        func label() -> String {
            guard let gs1 = try? GS1Identifier(parsing: id) else { return id }
            switch gs1.key {
            case .item(let g, let s): return "GTIN \(g.digits) · \(s)"
            case .batch(let g, let l): return "GTIN \(g.digits) · \(l)"
            case .productClass(let g): return "GTIN \(g.digits)"
            case .logisticUnit(let s): return "SSCC \(s.digits)"
            default: return id
            }
        }
        let facts = o.flatMap { o in self.facts.filter { $0.seq == o.seq } } ?? []
        func b(_ suffix: String) -> Bound? {
            guard let o, let f = facts.first(where: { $0.path.hasSuffix(":" + suffix) || $0.path == suffix }) else { return nil }
            return Bound(seq: o.seq, path: f.path, value: f.value, format: .text)
        }
        let supplier = o.flatMap { g.entriesBySeq[$0.seq]?.signer }.flatMap { Self.party($0, facts: self.facts) }
        return Part(id: id, label: label(), partNumber: b("partNumber"), supplier: supplier, country: b("countryOfOrigin"),
                    seq: o?.seq ?? g.producers[id]?.first?.seq)
    }

    /// A signer's registered name, bound to the entry that registered it (the genesis's
    /// `operatorName` for the operator, else the registration's `legalName`).
    static func party(_ key: RegisteredKey, facts: [SignedFact]) -> Party? {
        let path = key.registeredAt == 0 ? "operatorName" : "legalName"
        guard let f = facts.first(where: { $0.seq == key.registeredAt && $0.path == path }) else { return nil }
        return Party(name: Bound(seq: key.registeredAt, path: path, value: f.value, format: .text), partyId: key.partyId)
    }
}
