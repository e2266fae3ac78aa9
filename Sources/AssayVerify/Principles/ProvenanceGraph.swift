import Foundation
import AssayModel

/// The provenance of one product as the bundle's checked entries describe it, counting as
/// evidence only what the party with authority said (FORMAT.md §10):
///
/// * a statement that defines something — a commissioning (component origin), a manufacturing
///   step's outputs, a first assembly, a lifecycle commitment — counts for an identifier only
///   when its signer's registered scopes, or a delegation to its party, cover that identifier;
/// * repairs (assembly steps repairing, replacing, installing, removing) count when signed by
///   a repairer or by a party with authority over the product; ends of life by their role;
/// * an entry that its own party declared erroneous (an EPCIS `errorDeclaration` with the
///   same `eventID`, appended later by the same party) is retracted;
/// * an entry dated more than the policy's tolerance after it was recorded is not evidence,
///   and an end of life dated after the audit date has not happened yet.
///
/// Supply-chain events (shipping, packing …) and generic events only mention items: they are
/// history (`mentions`), never a substitute for an origin or an assembly.
///
/// From the component tree it derives supplier tiers (`tiers`, see `PartyTier`: fewest
/// hand-overs between parties from the product's maker), the chains of custody of the minerals
/// its smelters and refiners declare (`custodyChains`), and the minerals its materials name
/// (`declaredMinerals`).
public struct ProvenanceGraph: Sendable {
    /// A component edge: `parent` consumed `child` in entry `seq`.
    public struct Edge: Sendable, Hashable {
        public let parent: String
        public let child: String
        public let seq: UInt64
    }

    /// Where a component came from: its origin entry, supplier, country and supplier tier.
    public struct Origin: Sendable, Equatable {
        public let id: String
        public let seq: UInt64
        public let supplierKey: String
        public let supplierParty: String
        public let supplierName: String
        public let country: String?
        public let partNumber: String?
        /// The supplier's tier (`PartyTier`): 1 for a direct supplier of the product's maker
        /// (also through the maker's own steps and sub-assemblies), n + 1 for a supplier of a tier-n party.
        public let tier: Int
    }

    /// An entry (or part of one) that does not count as evidence, and why.
    public struct Exclusion: Sendable, Equatable {
        public let seq: UInt64
        public let reason: String
    }

    public let product: String
    /// Every checked entry of the bundle.
    public let entries: [CheckedEntry]
    /// The same entries by sequence number.
    public let entriesBySeq: [UInt64: CheckedEntry]
    /// Evidence entries that define or describe each identifier (see the type's rules).
    public let producers: [String: [CheckedEntry]]
    /// Evidence entries that consume each identifier (manufacturing steps, assemblies).
    public let consumers: [String: [CheckedEntry]]
    /// Every checked entry whose subjects include each identifier, evidence or not.
    public let mentions: [String: [CheckedEntry]]
    /// Component edges under the product, breadth first.
    public let edges: [Edge]
    /// Every identifier in the product's tree (the product first).
    public let nodes: [String]
    public let origins: [String: Origin]
    /// Entries retracted by their own party's error declaration: original seq → the correction.
    public let retracted: [UInt64: CheckedEntry]
    /// Corrections that retract an earlier event of their own party (so they are not new facts).
    public let validCorrections: Set<UInt64>
    /// Entries that claim to define an identifier they have no authority over, with the reason,
    /// in seq order (retracted and implausibly dated entries are in `retracted` and `implausible`).
    public let exclusions: [Exclusion]
    /// Entries dated more than the tolerance after they were recorded.
    public let implausible: [Exclusion]
    /// Ends of life about the product dated after the audit date.
    public let futureEndOfLife: [CheckedEntry]
    /// The supplier tier of every party that produced something in the tree (0: the product's maker).
    public let partyTiers: [String: Int]
    /// Every party that defines something in the tree, with its tier and how it was reached,
    /// by tier, then party id.
    public let tiers: [PartyTier]
    /// For each mineral each smelter or refiner in the tree declares, the path from the
    /// smelter's material to the product; by mineral, then tier, then RMI id.
    public let custodyChains: [CustodyChain]
    /// The minerals named by materials (`assay:materials`) of the tree's evidence entries, in
    /// node order (see `Mineral.named(inMaterial:)`).
    public let declaredMinerals: [DeclaredMineral]
    /// The `PassportData` entries that count as evidence (`PassportEvidence`), in seq order; the
    /// others are in `exclusions` (no authority) or `implausible` (dated too late).
    public let passportEvidence: [CheckedEntry]

    /// - Parameters:
    ///   - registry: the registry after the bundle's entries, for authority.
    ///   - maxEventTimeSkewMillis: how far an event may be dated after it was recorded.
    ///   - auditEndMillis: the end of the audit date (an event after it has not happened yet).
    public init(product: String, entries: [CheckedEntry], registry: Registry,
                maxEventTimeSkewMillis: Int64 = 24 * 3_600_000, auditEndMillis: Int64 = .max) {
        self.product = product
        self.entries = entries
        entriesBySeq = Dictionary(entries.map { ($0.seq, $0) }, uniquingKeysWith: { a, _ in a })
        var exclusions: [Exclusion] = [], implausible: [Exclusion] = []

        // 1. Retractions: an error declaration by the same party for an earlier event with the same eventID.
        var byEventID: [String: [CheckedEntry]] = [:]
        var retracted: [UInt64: CheckedEntry] = [:], validCorrections: Set<UInt64> = []
        for e in entries {
            guard case .supplyChain(let s) = e.statement, let id = s.event.eventID else { continue }
            if s.kind == .correction {
                let originals = (byEventID[id] ?? []).filter { $0.signer.partyId == e.signer.partyId && $0.seq < e.seq }
                if !originals.isEmpty { validCorrections.insert(e.seq) }
                for o in originals where retracted[o.seq] == nil { retracted[o.seq] = e }
            } else {
                byEventID[id, default: []].append(e)
            }
        }
        self.retracted = retracted
        self.validCorrections = validCorrections

        // 2. Evidence, entry by entry.
        var producers: [String: [CheckedEntry]] = [:], consumers: [String: [CheckedEntry]] = [:], mentions: [String: [CheckedEntry]] = [:]
        var future: [CheckedEntry] = [], passport: [CheckedEntry] = []
        for e in entries {
            for id in e.statement.subjects { mentions[id, default: []].append(e) }
            // Passport data: evidence for the passport of what it is about, or excluded with the reason.
            if case .passportData(let d) = e.statement {
                if let why = PassportEvidence.exclusion(of: e, d, registry: registry, maxEventTimeSkewMillis: maxEventTimeSkewMillis) {
                    if e.statement.eventTime.epochMillis > e.appendedAtMillis &+ maxEventTimeSkewMillis {
                        implausible.append(.init(seq: e.seq, reason: why))
                    } else {
                        exclusions.append(.init(seq: e.seq, reason: why))
                    }
                } else {
                    passport.append(e)
                }
                continue
            }
            let kind = e.statement.kind
            let produced = e.statement.produced
            guard !produced.isEmpty else { continue }
            if retracted[e.seq] != nil { continue } // reported from `retracted`
            let eventMillis = e.statement.eventTime.epochMillis
            if eventMillis > e.appendedAtMillis &+ maxEventTimeSkewMillis {
                implausible.append(.init(seq: e.seq, reason: "entry \(e.seq) (\(kind.rawValue) by \(e.signer.reference)) is dated \(e.statement.eventTime.text), more than \(maxEventTimeSkewMillis / 3_600_000) hours after it was recorded (\(Timestamp(epochMillis: e.appendedAtMillis).text)): not evidence"))
                continue
            }
            var defined: [String] = []
            switch kind {
            case .endOfLife:
                if eventMillis > auditEndMillis {
                    future.append(e)
                    continue
                }
                defined = produced
            case .productAssembly where Self.isRepair(e.statement):
                // A repair changes an item in the repairer's hands; the brand owner may also record it.
                defined = produced.filter { e.signer.roles.contains(.repairer) || registry.authority(of: e.signer, kind: kind, over: $0, seq: e.seq, appendedAtMillis: e.appendedAtMillis) != nil }
            default:
                for id in produced {
                    if registry.authority(of: e.signer, kind: kind, over: id, seq: e.seq, appendedAtMillis: e.appendedAtMillis) != nil {
                        defined.append(id)
                    } else {
                        exclusions.append(.init(seq: e.seq, reason: "entry \(e.seq) (\(kind.rawValue) by \(e.signer.legalName), \(e.signer.reference)) is not evidence for \(id): its signer holds no scope or delegation covering it"))
                    }
                }
            }
            guard !defined.isEmpty else { continue }
            for id in defined { producers[id, default: []].append(e) }
            for id in e.statement.consumed { consumers[id, default: []].append(e) }
        }
        self.passportEvidence = passport
        self.producers = producers
        self.consumers = consumers
        self.mentions = mentions
        self.exclusions = exclusions
        self.implausible = implausible
        self.futureEndOfLife = future.filter { $0.statement.produced.contains(product) }

        // 3. The component tree, breadth first.
        var edges: [Edge] = [], nodes: [String] = [product], seen: Set<String> = [product]
        var queue = [product], head = 0
        while head < queue.count {
            let id = queue[head]
            head += 1
            for e in producers[id] ?? [] where e.statement.kind != .endOfLife {
                for c in e.statement.consumed {
                    edges.append(Edge(parent: id, child: c, seq: e.seq))
                    if seen.insert(c).inserted { nodes.append(c); queue.append(c) }
                }
            }
        }
        self.edges = edges
        self.nodes = nodes

        // 4. Supplier tiers (shortest party-crossing path), smelters' chains of custody, minerals declared.
        let tiers = Self.partyTiers(product: product, nodes: nodes, edges: edges, producers: producers,
                                    entriesBySeq: entriesBySeq, registry: registry)
        self.tiers = tiers
        let partyTiers = Dictionary(uniqueKeysWithValues: tiers.map { ($0.partyId, $0.tier) })
        self.partyTiers = partyTiers
        custodyChains = Self.custodyChains(tiers: tiers, nodes: nodes, edges: edges, producers: producers)
        declaredMinerals = Self.declaredMinerals(nodes: nodes, producers: producers)
        var origins: [String: Origin] = [:]
        for id in nodes {
            guard let e = producers[id]?.first(where: { $0.statement.kind == .componentOrigin }),
                  case .supplyChain(let s) = e.statement else { continue }
            origins[id] = Origin(id: id, seq: e.seq, supplierKey: e.signer.reference, supplierParty: e.signer.partyId,
                                 supplierName: e.signer.legalName, country: s.event.assay.countryOfOrigin, partNumber: s.event.assay.partNumber,
                                 tier: partyTiers[e.signer.partyId] ?? 1)
        }
        self.origins = origins
    }

    /// Whether an assembly event changes an existing product (repair, replacement,
    /// installation, removal) rather than building it.
    static func isRepair(_ st: Statement) -> Bool {
        guard case .supplyChain(let s) = st, s.kind == .productAssembly else { return false }
        let step = s.event.bizStep?.standard
        return s.event.action != .add || !(step == nil || step == "assembling")
    }

    /// Evidence entries that define the product itself (assembly, manufacturing step, commissioning).
    public var productEntries: [CheckedEntry] { (producers[product] ?? []).filter { $0.statement.kind != .endOfLife } }

    /// Entries about the product that do not define it: every mention (shipping, inspection, repairs …).
    public var productMentions: [CheckedEntry] { mentions[product] ?? [] }

    /// The evidence entries in the product's tree (what defines the product and its components;
    /// ends of life describe, they do not define).
    public var treeEntries: [CheckedEntry] {
        var seqs = Set<UInt64>()
        for id in nodes { for e in producers[id] ?? [] where e.statement.kind != .endOfLife { seqs.insert(e.seq) } }
        return entries.filter { seqs.contains($0.seq) }
    }
}
