import AssayModel

/// The principle checks over a product's provenance graph (DOMAIN.md, "What an offline
/// auditor checks"): accountability (authority, time plausibility, handovers), provenance,
/// lifecycle, hardware and software security, privacy and data governance, interoperability.
/// Integrity and signer checks are done before, by `BundleVerifier`; these run only when
/// integrity holds. Evidence rules are `ProvenanceGraph`'s.
struct PrincipleChecker {
    let policy: AuditPolicy
    let auditDate: CalendarDate
    let graph: ProvenanceGraph

    func check() -> [PrincipleResult] {
        [accountability(), provenance(), lifecycle(), security(), privacy(), interoperability()]
    }

    private func problem(_ m: String, _ e: [CheckedEntry]) -> PrincipleFinding {
        .init(severity: .problem, message: m, evidence: e.map(EvidenceRef.init))
    }
    private func fact(_ m: String, _ e: [CheckedEntry] = []) -> PrincipleFinding {
        .init(severity: .fact, message: m, evidence: e.map(EvidenceRef.init))
    }
    private func result(_ p: Principle, _ findings: [PrincipleFinding], applicable: Bool = true) -> PrincipleResult {
        let verdict: Verdict = !applicable ? .notApplicable : findings.contains { $0.severity == .problem } ? .notSatisfied : .satisfied
        return PrincipleResult(principle: p, verdict: verdict, findings: findings)
    }
    private func entry(_ seq: UInt64) -> [CheckedEntry] { graph.entriesBySeq[seq].map { [$0] } ?? [] }

    /// The facts a supply-chain entry leaves out that the principles need (see `SupplyChainStatement.missingFacts`).
    private func missingFacts(_ seq: UInt64) -> [(field: String, fact: String)] {
        guard case .supplyChain(let s)? = graph.entriesBySeq[seq]?.statement else { return [] }
        return s.missingFacts
    }

    private var events: [(CheckedEntry, SupplyChainStatement)] {
        graph.entries.compactMap { e in
            if case .supplyChain(let s) = e.statement { return (e, s) }
            return nil
        }
    }

    // MARK: Accountability — authority, plausible times, handovers name their owning parties.
    func accountability() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        for x in graph.exclusions {
            f.append(problem(x.reason, entry(x.seq)))
        }
        for x in graph.implausible { f.append(problem(x.reason, entry(x.seq))) }
        let handoverSteps: Set<String> = ["shipping", "receiving", "accepting", "departing", "arriving"]
        var handovers = 0
        for (e, s) in events where s.event.bizStep?.standard.map(handoverSteps.contains) == true {
            handovers += 1
            let parties = (s.event.sourceList + s.event.destinationList).filter { $0.type.hasSuffix("owning_party") || $0.type.hasSuffix("possessing_party") }
            if parties.isEmpty {
                f.append(problem("handover event \(e.seq) (\(s.event.bizStep!)) names no owning or possessing party", [e]))
            }
        }
        let parties = Set(graph.entries.map(\.signer.partyId))
        f.append(fact("every entry is signed by a registered key of one of \(parties.count) parties, with a role allowed to write its kind; every defining statement counted comes from a party with authority over its identifier; \(handovers) handover event(s)"))
        for (seq, c) in graph.retracted.sorted(by: { $0.key < $1.key }) {
            f.append(fact("entry \(seq) was declared erroneous by its own party (seq \(c.seq)) and is not counted", entry(seq) + [c]))
        }
        return result(.accountability, f)
    }

    // MARK: Provenance
    func provenance() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        guard !graph.productEntries.isEmpty else {
            return result(.provenance, [problem("no entry by a party with authority over \(graph.product) defines it (assembly, manufacturing step or commissioning)", graph.productMentions)])
        }
        // Every component has an origin (or was made by a step whose inputs have origins).
        let edgesByChild = Dictionary(grouping: graph.edges, by: \.child)
        for id in graph.nodes.dropFirst() {
            let producers = (graph.producers[id] ?? []).filter { $0.statement.kind != .endOfLife }
            let consumerEntries = (edgesByChild[id] ?? []).flatMap { entry($0.seq) }
            if producers.isEmpty {
                f.append(problem("component \(id) has no origin from a party with authority over it", consumerEntries))
                continue
            }
            for c in consumerEntries {
                // Consumed before it was produced, in the log or in the parties' own dates.
                if let first = producers.map(\.seq).min(), first > c.seq {
                    f.append(problem("component \(id) is consumed at seq \(c.seq) before it was produced (seq \(first))", [c] + producers))
                }
                if let made = producers.min(by: { $0.statement.eventTime.epochMillis < $1.statement.eventTime.epochMillis }),
                   made.statement.eventTime.epochMillis > c.statement.eventTime.epochMillis {
                    f.append(problem("entry \(c.seq) (\(c.statement.kind.rawValue)) is dated \(c.statement.eventTime.text), before component \(id) was made (\(made.statement.eventTime.text), seq \(made.seq))", [c, made]))
                }
            }
        }
        // No serialised item consumed twice (an assembly DELETE releases it).
        var holders: [String: [CheckedEntry]] = [:]
        let evidence = Set(graph.producers.values.flatMap { $0.map(\.seq) })
        for (e, s) in events where evidence.contains(e.seq) {
            let isRelease = (s.event.type == .aggregationEvent || s.event.type == .associationEvent) && s.event.action == .delete
            for c in (s.event.childEPCs + s.event.inputEPCList).map(canonicalSubject) where isSerialisedItem(c) {
                if isRelease { holders[c] = [] } else { holders[c, default: []].append(e) }
            }
        }
        for (id, hs) in holders.sorted(by: { $0.key < $1.key }) where hs.count > 1 {
            f.append(problem("serialised item \(id) is consumed \(hs.count) times", hs))
        }
        f += quantityBalance(evidence: evidence)
        // Suppliers by tier, and countries of origin.
        let origins = graph.nodes.compactMap { graph.origins[$0] }
        var byTier: [Int: Set<String>] = [:]
        for o in origins { byTier[o.tier, default: []].insert("\(o.supplierName) (\(o.supplierParty))") }
        let tiers = byTier.keys.sorted().map { "tier \($0): \(byTier[$0]!.sorted().joined(separator: "; "))" }
        let firstTierCountries = Set(origins.filter { $0.tier <= 1 }.compactMap(\.country)).sorted()
        let countries = Set(origins.compactMap(\.country)).sorted()
        // What the standard lets a statement leave out but provenance needs is judged here
        // (DOMAIN.md, "Accept the standard, judge at audit time").
        for o in origins.sorted(by: { $0.seq < $1.seq || ($0.seq == $1.seq && $0.id < $1.id) }) {
            for m in missingFacts(o.seq) {
                f.append(problem("component \(o.id) has no \(m.fact) (seq \(o.seq); EPCIS field \(m.field))", entry(o.seq)))
            }
        }
        for e in graph.treeEntries {
            guard case .supplyChain(let s) = e.statement else { continue }
            if s.kind == .manufacturingStep {
                for m in missingFacts(e.seq) where m.fact != "firmware image digest" {
                    f.append(problem("manufacturing step \(e.seq) names no \(m.fact) (EPCIS field \(m.field))", [e]))
                }
            }
            guard s.isFirstAssembly else { continue }
            for m in missingFacts(e.seq) {
                f.append(problem("the assembly of \(s.event.parentID ?? graph.product) (seq \(e.seq)) gives no \(m.fact) (EPCIS field \(m.field) or assay:placeOfManufacture)", [e]))
            }
            if s.event.assay.manufacturingDate == nil {
                f.append(fact("the assembly of \(s.event.parentID ?? graph.product) (seq \(e.seq)) gives no date of manufacture (assay:manufacturingDate): its event time \(s.event.eventTime.text) is taken", [e]))
            }
        }
        f.append(fact("\(graph.nodes.count - 1) component(s); suppliers by tier — \(tiers.isEmpty ? "none" : tiers.joined(separator: " | ")); first-tier countries of origin: \(firstTierCountries.joined(separator: ", ")); all countries of origin: \(countries.joined(separator: ", "))",
                      origins.flatMap { entry($0.seq) }))
        f += partyTiers()
        f += chainOfCustody()
        return result(.provenance, f)
    }

    /// One fact per party in the tree: its tier and the hand-over that reached it.
    func partyTiers() -> [PrincipleFinding] {
        let names = Dictionary(graph.tiers.map { ($0.partyId, $0.legalName) }, uniquingKeysWith: { a, _ in a })
        return graph.tiers.map { t in
            let who = "\(t.legalName) (\(t.partyId))"
            let smelter = t.smelters.isEmpty ? "" : ", smelter or refiner " + t.smelters.map(\.smelter.summary).joined(separator: "; ")
            guard let via = t.via else {
                return fact("tier 0 (the product's maker): \(who)\(smelter)", t.seqs.flatMap(entry))
            }
            let consumer = names[via.consumerParty].map { "\($0) (\(via.consumerParty))" } ?? via.consumerParty
            return fact("tier \(t.tier): \(who)\(smelter) — supplies \(via.item) (seq \(via.definingSeq)), consumed at seq \(via.seq) by \(consumer), tier \(t.tier - 1)",
                        (t.seqs + [via.seq]).flatMap(entry))
        }
    }

    /// Chains of custody of the minerals: each smelter's path to the product, non-conformant
    /// smelters, and minerals the materials name with no smelter of theirs in the tree.
    /// Problems under `AuditPolicy.requireMineralChainOfCustody`, facts otherwise.
    func chainOfCustody() -> [PrincipleFinding] {
        let required = policy.requireMineralChainOfCustody
        func finding(_ m: String, _ e: [CheckedEntry]) -> PrincipleFinding { required ? problem(m, e) : fact(m, e) }
        var f: [PrincipleFinding] = []
        for c in graph.custodyChains {
            let s = c.smelter.smelter
            let path = c.path.map { "\($0.id) (seq \($0.seq))" }.joined(separator: " → ")
            let evidence = Set(c.path.map(\.seq) + [c.smelter.registrationSeq]).sorted().flatMap(entry)
            f.append(fact("chain of custody of \(c.mineral.rawValue) (\(c.mineral.regulation)): smelter or refiner \(c.smelterName) (\(c.smelterParty)) \(s.summary), tier \(c.tier): \(path)", evidence))
            if s.conformanceStatus == .nonConformant {
                f.append(finding("smelter or refiner \(c.smelterName) (\(s.rmiId), \(c.mineral.rawValue)) in the product's chain of custody is non-conformant\(s.programme.map { " under \($0)" } ?? "")\(s.assessedOn.map { " (assessed \($0))" } ?? "") (registration seq \(c.smelter.registrationSeq))", evidence))
            }
        }
        let traced = Set(graph.custodyChains.map(\.mineral))
        var byMineral: [Mineral: [ProvenanceGraph.DeclaredMineral]] = [:]
        for d in graph.declaredMinerals { byMineral[d.mineral, default: []].append(d) }
        for (mineral, ds) in byMineral.sorted(by: { $0.key < $1.key }) where !traced.contains(mineral) {
            let named = ds.map { "\"\($0.material)\" of \($0.item) (seq \($0.seq))" }.joined(separator: "; ")
            f.append(finding("\(mineral.rawValue) is named by the material \(named), but no smelter or refiner of \(mineral.rawValue) is in the product's chain of custody (\(mineral.regulation))",
                             Set(ds.map(\.seq)).sorted().flatMap(entry)))
        }
        if required && graph.custodyChains.isEmpty && byMineral.isEmpty {
            f.append(fact("no material of the product's tree names a mineral whose chain of custody is traced (tin, tantalum, tungsten, gold, cobalt, lithium, nickel, natural graphite), and no smelter or refiner is in it"))
        }
        return f
    }

    /// Units that count pieces: unspecified (EPCIS: a count), UN/ECE C62 "one", H87 "piece", EA "each".
    static let countUnits: Set<String> = ["", "C62", "H87", "EA"]

    /// Consumed ≤ commissioned, per class, in one unit: counts compare with counts; a class
    /// consumed in a unit its origins do not use cannot be balanced and is reported.
    func quantityBalance(evidence: Set<UInt64>) -> [PrincipleFinding] {
        func unit(_ u: String?) -> String { Self.countUnits.contains(u ?? "") ? "count" : u! }
        var made: [String: [String: Double]] = [:], used: [String: [String: (Double, [CheckedEntry])]] = [:]
        for (e, s) in events where evidence.contains(e.seq) {
            if s.kind == .componentOrigin {
                for q in s.event.quantityList { made[canonicalSubject(q.epcClass), default: [:]][unit(q.uom), default: 0] += q.quantity ?? 0 }
            }
            let inputs = s.kind == .manufacturingStep ? s.event.inputQuantityList
                : (s.kind == .productAssembly && s.event.action == .add ? s.event.childQuantityList : [])
            for q in inputs {
                let cls = canonicalSubject(q.epcClass), u = unit(q.uom)
                used[cls, default: [:]][u, default: (0, [])].0 += q.quantity ?? 0
                used[cls]![u]!.1.append(e)
            }
        }
        var f: [PrincipleFinding] = []
        for (cls, units) in used.sorted(by: { $0.key < $1.key }) {
            guard let m = made[cls] else { continue } // no origin at all: reported as a missing origin
            for (u, (amount, by)) in units.sorted(by: { $0.key < $1.key }) {
                guard let commissioned = m[u] else {
                    f.append(problem("\(cls) is consumed in unit \(u) but its origins commission it in \(m.keys.sorted().joined(separator: ", ")): the quantities cannot be balanced", by))
                    continue
                }
                if amount > commissioned + 1e-9 {
                    f.append(problem("more of \(cls) is consumed (\(amount) \(u)) than its origins commissioned (\(commissioned) \(u))", by))
                }
            }
        }
        return f
    }

    // MARK: Lifecycle
    /// The commitments that cover the product (its model, and its serial when a range is
    /// given), from a party with authority over the model, in log order.
    var commitments: [(CheckedEntry, LifecycleCommitment)] {
        guard let model = productModel(of: graph.product) else { return [] }
        return (graph.producers[model] ?? []).compactMap { e in
            if case .lifecycleCommitment(let c) = e.statement, c.covers(graph.product) { return (e, c) }
            return nil
        }
    }

    func lifecycle() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        let cs = commitments
        guard let (latestEntry, latest) = cs.last else {
            return result(.lifecycle, [problem("no lifecycle commitment from a party with authority over the product's model \(productModel(of: graph.product) ?? graph.product) is recorded", graph.productEntries)])
        }
        for i in cs.indices.dropFirst() where cs[i].1.securitySupportEnd < cs[i - 1].1.securitySupportEnd {
            f.append(problem("the security support end date was shortened from \(cs[i - 1].1.securitySupportEnd) to \(cs[i].1.securitySupportEnd)", [cs[i - 1].0, cs[i].0]))
        }
        if policy.requireSpareParts && latest.spareParts.isEmpty {
            f.append(problem("the commitment lists no spare parts", [latestEntry]))
        }
        if latest.securitySupportEnd < auditDate.description {
            f.append(problem("security support ended on \(latest.securitySupportEnd), before the audit date \(auditDate)", [latestEntry]))
        }
        for p in latest.spareParts where p.availableUntil < auditDate.description {
            f.append(fact("spare part \(p.partNumber) was available until \(p.availableUntil) (expired at the audit date)", [latestEntry]))
        }
        // Nothing recorded about the product after its end of life, but corrections of earlier events.
        let ends = (graph.producers[graph.product] ?? []).filter { $0.statement.kind == .endOfLife }
        for e in ends {
            for m in missingFacts(e.seq) {
                f.append(problem("the end of life at seq \(e.seq) gives no \(m.fact) (EPCIS field \(m.field))", [e]))
            }
        }
        if let eol = ends.first {
            for e in graph.productMentions where e.seq > eol.seq && e.statement.kind != .endOfLife && !graph.validCorrections.contains(e.seq) {
                f.append(problem("entry \(e.seq) records the product after its end of life (seq \(eol.seq))", [eol, e]))
            }
            f.append(fact("end of life recorded at seq \(eol.seq), dated \(eol.statement.eventTime.text)", [eol]))
        }
        for e in graph.futureEndOfLife {
            f.append(fact("entry \(e.seq) dates an end of life \(e.statement.eventTime.text), after the audit date \(auditDate): it has not happened yet and is not counted", [e]))
        }
        f += expectedUseTime(latest, latestEntry)
        f.append(fact("security support until \(latest.securitySupportEnd); repair information, take-back (\(latest.takeBack.channel)) and \(latest.spareParts.count) spare part(s) committed", [latestEntry]))
        if let declared = Self.declaredFields(latest) {
            f.append(fact("declared: " + declared, [latestEntry]))
        }
        return result(.lifecycle, f)
    }

    /// CRA Art. 13(8): the support period reflects the expected use time, so the support end
    /// is not before `placedOnMarket` + `expectedUseTime` (when declared).
    func expectedUseTime(_ c: LifecycleCommitment, _ e: CheckedEntry) -> [PrincipleFinding] {
        guard let use = c.expectedUseTime, let start = try? CalendarDate(parsing: c.placedOnMarket) else { return [] }
        guard let until = use.added(to: start) else {
            return [problem("the expected use time \(use) from \(c.placedOnMarket) runs past the year 9999, after the security support end \(c.securitySupportEnd) (CRA Art. 13(8): the support period reflects the expected use time)", [e])]
        }
        if c.securitySupportEnd < until.description {
            return [problem("the security support ends on \(c.securitySupportEnd), before the end of the expected use time \(use) from placed on market \(c.placedOnMarket), \(until) (CRA Art. 13(8): the support period reflects the expected use time)", [e])]
        }
        return [fact("the security support end \(c.securitySupportEnd) covers the expected use time \(use) from \(c.placedOnMarket) (until \(until))", [e])]
    }

    /// The CRA/PSTI declared fields a commitment gives, as one line; nil when it gives none.
    static func declaredFields(_ c: LifecycleCommitment) -> String? {
        var parts: [String] = []
        if let u = c.expectedUseTime { parts.append("expected use time \(u)") }
        if let m = c.securityUpdateMechanism { parts.append("security updates: \(m)") }
        if let s = c.sbom { parts.append("software BOM \(s.url) (\(s.digest))") }
        if let p = c.vulnerabilityDisclosurePolicy { parts.append("vulnerability disclosure policy \(p)") }
        if let m = c.manufacturerContact { parts.append("manufacturer contact \(m)") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    // MARK: Hardware and software security
    func security() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        var firmware: [CheckedEntry] = [], sbom: [CheckedEntry] = []
        for e in graph.treeEntries {
            guard case .supplyChain(let s) = e.statement else { continue }
            if s.event.assay.firmware != nil { firmware.append(e) }
            if s.event.assay.firmware?.sbomDigest != nil || s.event.assay.documents["softwareBOM"] != nil { sbom.append(e) }
        }
        for e in graph.treeEntries {
            guard case .supplyChain(let s) = e.statement, s.kind == .manufacturingStep,
                  s.missingFacts.contains(where: { $0.fact == "firmware image digest" }) else { continue }
            f.append(problem("encoding step \(e.seq) records no firmware image digest (ilmd.assay:firmware)", [e]))
        }
        if policy.requireFirmwareDigest && firmware.isEmpty {
            f.append(problem("no firmware image digest is recorded for the product by a party with authority over it or its components", graph.productEntries))
        }
        let commitmentSBOM = commitments.last.flatMap { $0.1.sbom == nil ? nil : $0.0 }
        if let e = commitmentSBOM { sbom.append(e) }
        if policy.requireSoftwareBOM && sbom.isEmpty {
            f.append(problem("no software BOM digest is recorded for the product by a party with authority over it or its components", graph.productEntries))
        }
        if let (e, c) = commitments.last {
            if let use = c.expectedUseTime, use.totalMonths < policy.minimumSupportYears * 12 {
                // CRA Art. 13(8): a product expected to be in use for less than the minimum is
                // supported for its expected use time (judged under lifecycle).
                f.append(fact("the expected use time \(use) is shorter than the required \(policy.minimumSupportYears) years: the support period must cover the expected use time instead (CRA Art. 13(8))", [e]))
            } else if let start = try? CalendarDate(parsing: c.placedOnMarket), let end = try? CalendarDate(parsing: c.securitySupportEnd) {
                let years = Double(end.daysSinceEpoch - start.daysSinceEpoch) / 365.25
                if years + 1e-9 < Double(policy.minimumSupportYears) {
                    f.append(problem("the security support period is \(Self.oneDecimal(years)) years, less than the required \(policy.minimumSupportYears)", [e]))
                }
            }
            f.append(fact("vulnerability reports to \(c.vulnerabilityContact), answered within \(c.vulnerabilityResponseDays) days", [e]))
        } else {
            f.append(problem("no vulnerability contact: the model has no lifecycle commitment from a party with authority over it", []))
        }
        if !firmware.isEmpty { f.append(fact("firmware digest recorded", firmware)) }
        return result(.security, f)
    }

    static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    // MARK: Privacy and data governance
    /// Passport members that hold an economic operator's contact point, required by the
    /// regulations (Battery Pass ContactInformation, spare-part sources; ESPR operator data).
    static let passportContactMembers: Set<String> = ["emailAddress", "webAddress", "emailAddressOfSupplier", "supplierWebAddress", "contactEmail", "contact"]

    func privacy() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        for e in graph.entries {
            switch e.statement {
            case .partyRegistration, .ledgerGenesis, .keyRevocation, .authorityDelegation: continue
            default: break
            }
            let text = String(decoding: e.envelope.payload, as: UTF8.self)
            let allowed: [String]
            if case .lifecycleCommitment(let c) = e.statement {
                allowed = [c.vulnerabilityContact] + [c.manufacturerContact].compactMap { $0 }
            } else if e.statement.kind == .passportData {
                // The economic operators' contact points the Battery Pass and the ESPR require
                // (manufacturer, operator, spare-part suppliers): business contacts by regulation.
                allowed = ((try? JSONValue.leaves(e.envelope.payload, limits: .init(maxBytes: Statement.maxBytes, maxDepth: Statement.maxDepth))) ?? [])
                    .filter { Self.passportContactMembers.contains($0.key ?? "") }.map(\.text)
            } else {
                allowed = []
            }
            for token in PersonalData.tokens(in: text) where !allowed.contains(where: { $0.contains(token) }) {
                f.append(problem("entry \(e.seq) holds what looks like personal contact data (\(token.prefix(3))…): contact details belong only in party registrations", [e]))
                break
            }
        }
        // Corrections are appended after what they correct, never instead of it.
        var byEventID: [String: CheckedEntry] = [:]
        for (e, s) in events {
            if s.kind == .correction {
                if let id = s.event.eventID, let original = byEventID[id], original.seq > e.seq {
                    f.append(problem("correction \(e.seq) precedes the event it corrects", [e, original]))
                }
            } else if let id = s.event.eventID {
                byEventID[id] = e
            }
        }
        let corrections = events.filter { $0.1.kind == .correction }.map(\.0)
        f.append(fact("\(corrections.count) correction(s), each appended as a new entry", corrections))
        return result(.privacy, f)
    }

    // MARK: Interoperability
    func interoperability() -> PrincipleResult {
        let evs = events
        guard !evs.isEmpty else { return result(.interoperability, [fact("no EPCIS events in the bundle")], applicable: false) }
        var f: [PrincipleFinding] = []
        let extensionVocab = evs.filter { e in
            [e.1.event.bizStep, e.1.event.disposition].contains { if case .extension? = $0 { return true } else { return false } }
        }.map(\.0)
        if !extensionVocab.isEmpty {
            f.append(fact("\(extensionVocab.count) event(s) use business steps or dispositions from a declared extension vocabulary (URI)", extensionVocab))
        }
        var gs1 = 0, convertible = 0
        for (_, s) in evs {
            for id in s.event.objectIdentifiers {
                guard let g = try? GS1Identifier(parsing: id) else { continue }
                gs1 += 1
                if (try? g.epcURN()) != nil || id.hasPrefix("urn:epc:") { convertible += 1 }
            }
        }
        f.append(fact("\(evs.count) EPCIS 2.0 event(s) validate; \(gs1) GS1 identifier(s) parse and compare in Digital Link form (\(convertible) also convert to EPC URNs here)", evs.map(\.0)))
        return result(.interoperability, f)
    }
}
