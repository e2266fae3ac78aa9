public import AssayModel

extension ProvenanceGraph {
    /// How a party was first reached going down from the product: entry `seq`, signed by
    /// `consumerParty`, consumed `item`, which the party defines (in entry `definingSeq`).
    public struct TierLink: Sendable, Equatable {
        /// The identifier handed over.
        public let item: String
        /// The entry (a manufacturing step or an assembly) that consumed it.
        public let seq: UInt64
        /// The party that signed that entry (one tier nearer the product).
        public let consumerParty: String
        /// The entry of the party's that defines `item` (its origin or the step that made it).
        public let definingSeq: UInt64

        public init(item: String, seq: UInt64, consumerParty: String, definingSeq: UInt64) {
            self.item = item
            self.seq = seq
            self.consumerParty = consumerParty
            self.definingSeq = definingSeq
        }
    }

    /// A party that defines something in the product's tree, and its supplier tier.
    ///
    /// Tier 0 is the product's maker: every party with a defining entry for the product itself
    /// (its assembly, the step that made it, its commissioning). Otherwise the tier is the
    /// least number of hand-overs between parties on a path from the product down to something
    /// the party defines: going down an edge (an entry consuming a component) to a component
    /// defined by another party adds one, to one defined by the same party adds none. So a
    /// supplier whose part reaches the product through a manufacturing step or sub-assembly of
    /// the maker's own is tier 1, and a smelter whose metal a tier-1 supplier's own step
    /// consumed is tier 2.
    public struct PartyTier: Sendable, Equatable {
        public let partyId: String
        /// The legal name its registration gives (of the key that signed its first defining entry in the tree).
        public let legalName: String
        public let tier: Int
        /// How it was reached (nil at tier 0).
        public let via: TierLink?
        /// Its defining entries in the tree, in seq order.
        public let seqs: [UInt64]
        /// The smelters and refiners its registrations declare (`Registry.smelters(of:)`), with
        /// the seq of the registration each comes from; empty for other parties.
        public let smelters: [RegisteredSmelter]
    }

    /// A smelter or refiner declaration and the registration it comes from.
    public struct RegisteredSmelter: Sendable, Equatable {
        /// The seq of the party registration that declares it (the latest for its RMI id).
        public let registrationSeq: UInt64
        public let smelter: Smelter
    }

    /// One link of a chain of custody: an identifier, and the entry that brought it into the chain.
    public struct CustodyStep: Sendable, Equatable {
        public let id: String
        /// For the first step, the smelter's entry that defines its material; for the others,
        /// the entry that consumed the previous step's identifier to make this one.
        public let seq: UInt64

        public init(id: String, seq: UInt64) {
            self.id = id
            self.seq = seq
        }
    }

    /// The chain of custody of one mineral from a smelter or refiner to the product.
    public struct CustodyChain: Sendable, Equatable {
        public let mineral: Mineral
        public let smelterParty: String
        public let smelterName: String
        public let smelter: RegisteredSmelter
        /// The smelter's supplier tier.
        public let tier: Int
        /// From the smelter's material (first) to the product (last), fewest edges first found
        /// breadth first from the product.
        public let path: [CustodyStep]
    }

    /// A mineral named by a material that an evidence entry of the tree declares.
    public struct DeclaredMineral: Sendable, Equatable {
        public let mineral: Mineral
        /// The material's name as written.
        public let material: String
        /// The identifier the entry defines.
        public let item: String
        /// The entry declaring the material.
        public let seq: UInt64
    }

    /// Tiers by breadth-first search over parties: parties are nodes, and an entry of party P
    /// (in the tree) consuming an identifier that party Q ≠ P defines is an edge P → Q.
    static func partyTiers(product: String, nodes: [String], edges: [Edge], producers: [String: [CheckedEntry]],
                           entriesBySeq: [UInt64: CheckedEntry], registry: Registry) -> [PartyTier] {
        func definers(_ id: String) -> [CheckedEntry] { (producers[id] ?? []).filter { $0.statement.kind != .endOfLife } }
        // The defining entries (and a legal name) of every party in the tree.
        var seqs: [String: Set<UInt64>] = [:], names: [String: (UInt64, String)] = [:]
        for id in nodes {
            for e in definers(id) {
                seqs[e.signer.partyId, default: []].insert(e.seq)
                if (names[e.signer.partyId]?.0 ?? .max) > e.seq { names[e.signer.partyId] = (e.seq, e.signer.legalName) }
            }
        }
        var adjacency: [String: [(party: String, link: TierLink)]] = [:]
        for edge in edges {
            guard let consumer = entriesBySeq[edge.seq]?.signer.partyId else { continue }
            for d in definers(edge.child) where d.signer.partyId != consumer {
                adjacency[consumer, default: []].append((d.signer.partyId, TierLink(item: edge.child, seq: edge.seq, consumerParty: consumer, definingSeq: d.seq)))
            }
        }
        var tier: [String: Int] = [:], via: [String: TierLink] = [:]
        var queue = Set(definers(product).map(\.signer.partyId)).sorted()
        for p in queue { tier[p] = 0 }
        var head = 0
        while head < queue.count {
            let p = queue[head]
            head += 1
            for (q, link) in adjacency[p] ?? [] where tier[q] == nil {
                tier[q] = tier[p]! + 1
                via[q] = link
                queue.append(q)
            }
        }
        return tier.map { party, t in
            PartyTier(partyId: party, legalName: names[party]?.1 ?? party, tier: t, via: via[party],
                      seqs: (seqs[party] ?? []).sorted(),
                      smelters: registry.smelters(of: party).map { RegisteredSmelter(registrationSeq: $0.seq, smelter: $0.smelter) })
        }.sorted { ($0.tier, $0.partyId) < ($1.tier, $1.partyId) }
    }

    /// For every smelter declaration of a party in the tree, the path from the shallowest
    /// identifier the party defines up to the product, along the edges breadth first found.
    static func custodyChains(tiers: [PartyTier], nodes: [String], edges: [Edge], producers: [String: [CheckedEntry]]) -> [CustodyChain] {
        var parent: [String: Edge] = [:]
        for e in edges where parent[e.child] == nil && e.child != nodes.first { parent[e.child] = e }
        var chains: [CustodyChain] = []
        for t in tiers where !t.smelters.isEmpty {
            guard let start = nodes.first(where: { id in (producers[id] ?? []).contains { $0.signer.partyId == t.partyId && $0.statement.kind != .endOfLife } }),
                  let defining = producers[start]?.first(where: { $0.signer.partyId == t.partyId && $0.statement.kind != .endOfLife }) else { continue }
            var path = [CustodyStep(id: start, seq: defining.seq)]
            var current = start, visited: Set<String> = [start]
            while let up = parent[current], visited.insert(up.parent).inserted {
                path.append(CustodyStep(id: up.parent, seq: up.seq))
                current = up.parent
            }
            for s in t.smelters {
                chains.append(CustodyChain(mineral: s.smelter.metal, smelterParty: t.partyId, smelterName: t.legalName, smelter: s,
                                           tier: t.tier, path: path))
            }
        }
        return chains.sorted { ($0.mineral, $0.tier, $0.smelter.smelter.rmiId) < ($1.mineral, $1.tier, $1.smelter.smelter.rmiId) }
    }

    /// The minerals the materials of the tree's evidence entries name.
    static func declaredMinerals(nodes: [String], producers: [String: [CheckedEntry]]) -> [DeclaredMineral] {
        var out: [DeclaredMineral] = []
        var seen: Set<String> = []
        for id in nodes {
            for e in producers[id] ?? [] where e.statement.kind != .endOfLife {
                guard case .supplyChain(let s) = e.statement else { continue }
                for m in s.event.assay.materials {
                    for mineral in Mineral.named(inMaterial: m.name) where seen.insert("\(e.seq) \(mineral.rawValue) \(m.name)").inserted {
                        out.append(DeclaredMineral(mineral: mineral, material: m.name, item: id, seq: e.seq))
                    }
                }
            }
        }
        return out
    }
}
