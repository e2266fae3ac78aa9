import AssayModel

/// The principle checks over a product's provenance graph (DOMAIN.md, "What an offline
/// auditor checks"): accountability (handovers), provenance, lifecycle, hardware and software
/// security, privacy and data governance, interoperability. Integrity and signer checks are
/// done before, by `BundleVerifier`.
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

    private var events: [(CheckedEntry, SupplyChainStatement)] {
        graph.entries.compactMap { e in
            if case .supplyChain(let s) = e.statement { return (e, s) }
            return nil
        }
    }

    // MARK: Accountability — handovers name their owning parties.
    func accountability() -> PrincipleResult {
        var f: [PrincipleFinding] = []
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
        f.append(fact("every entry is signed by a registered key of one of \(parties.count) parties, with a role allowed to write its kind; \(handovers) handover event(s)"))
        return result(.accountability, f)
    }

    // MARK: Provenance
    func provenance() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        guard !graph.productEntries.isEmpty else {
            return result(.provenance, [problem("no entry in the bundle produces or describes the product \(graph.product)", [])])
        }
        // Every component has an origin (or was made by a step whose inputs have origins).
        for id in graph.nodes.dropFirst() {
            let producers = graph.producers[id] ?? []
            let consumer = graph.edges.first { $0.child == id }.flatMap { edge in graph.entries.first { $0.seq == edge.seq } }
            if producers.isEmpty {
                f.append(problem("component \(id) has no origin entry signed by a registered supplier", consumer.map { [$0] } ?? []))
                continue
            }
            // Consumed before it was produced?
            if let c = consumer, let first = producers.map(\.seq).min(), first > c.seq {
                f.append(problem("component \(id) is consumed at seq \(c.seq) before it was produced (seq \(first))", [c] + producers))
            }
            for p in producers {
                if case .supplyChain(let s) = p.statement, s.kind == .componentOrigin, !p.signer.roles.contains(.supplier) {
                    f.append(problem("the origin of \(id) is signed by \(p.signer.reference), which is not a supplier", [p]))
                }
            }
        }
        // No serialised item consumed twice (an assembly DELETE releases it).
        var holders: [String: [CheckedEntry]] = [:]
        for (e, s) in events {
            let isRelease = (s.event.type == .aggregationEvent || s.event.type == .associationEvent) && s.event.action == .delete
            for c in (s.event.childEPCs + s.event.inputEPCList).map(canonicalSubject) where isSerialisedItem(c) {
                if isRelease { holders[c] = [] } else { holders[c, default: []].append(e) }
            }
        }
        for (id, hs) in holders.sorted(by: { $0.key < $1.key }) where hs.count > 1 {
            f.append(problem("serialised item \(id) is consumed \(hs.count) times", hs))
        }
        // Quantities balance: consumed ≤ commissioned, per class and unit.
        var made: [String: Double] = [:], used: [String: (Double, [CheckedEntry])] = [:]
        for (e, s) in events {
            if s.kind == .componentOrigin {
                for q in s.event.quantityList { made["\(canonicalSubject(q.epcClass)) \(q.uom ?? "")", default: 0] += q.quantity ?? 0 }
            }
            for q in s.event.inputQuantityList + s.event.childQuantityList {
                let k = "\(canonicalSubject(q.epcClass)) \(q.uom ?? "")"
                used[k, default: (0, [])].0 += q.quantity ?? 0
                used[k]!.1.append(e)
            }
        }
        for (k, u) in used.sorted(by: { $0.key < $1.key }) {
            if let m = made[k], u.0 > m {
                f.append(problem("more of \(k) is consumed (\(u.0)) than its origins commissioned (\(m))", u.1))
            }
        }
        let origins = graph.nodes.compactMap { graph.origins[$0] }
        let suppliers = Set(origins.map { "\($0.supplierName) (\($0.supplierParty))" }).sorted()
        let countries = Set(origins.compactMap(\.country)).sorted()
        f.append(fact("\(graph.nodes.count - 1) component(s); first-tier suppliers: \(suppliers.joined(separator: "; ")); countries of origin: \(countries.joined(separator: ", "))",
                      origins.compactMap { o in graph.entries.first { $0.seq == o.seq } }))
        return result(.provenance, f)
    }

    // MARK: Lifecycle
    /// The commitments that cover the product (its model, and its serial when a range is given).
    var commitments: [(CheckedEntry, LifecycleCommitment)] {
        graph.entries.compactMap { e in
            if case .lifecycleCommitment(let c) = e.statement, c.covers(graph.product) { return (e, c) }
            return nil
        }
    }

    func lifecycle() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        let cs = commitments
        guard let (latestEntry, latest) = cs.last else {
            return result(.lifecycle, [problem("no lifecycle commitment is recorded for the product's model \(productModel(of: graph.product) ?? graph.product)", graph.productEntries)])
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
        // Nothing recorded for the product after its end of life.
        let about = (graph.producers[graph.product] ?? []) + (graph.consumers[graph.product] ?? [])
        if let eol = about.filter({ $0.statement.kind == .endOfLife }).map(\.seq).min() {
            let eolEntry = about.first { $0.seq == eol }!
            for e in about where e.seq > eol && e.statement.kind != .correction && e.statement.kind != .endOfLife {
                f.append(problem("entry \(e.seq) records the product after its end of life (seq \(eol))", [eolEntry, e]))
            }
            f.append(fact("end of life recorded at seq \(eol)", [eolEntry]))
        }
        f.append(fact("security support until \(latest.securitySupportEnd); repair information, take-back (\(latest.takeBack.channel)) and \(latest.spareParts.count) spare part(s) committed", [latestEntry]))
        return result(.lifecycle, f)
    }

    // MARK: Hardware and software security
    func security() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        let treeSeqs = Set(graph.edges.map(\.seq) + graph.productEntries.map(\.seq) + graph.nodes.flatMap { (graph.producers[$0] ?? []).map(\.seq) })
        let tree = graph.entries.filter { treeSeqs.contains($0.seq) }
        var firmware: [CheckedEntry] = [], sbom: [CheckedEntry] = []
        for e in tree {
            guard case .supplyChain(let s) = e.statement else { continue }
            if s.event.assay.firmware != nil { firmware.append(e) }
            if s.event.assay.firmware?.sbomDigest != nil || s.event.assay.documents["softwareBOM"] != nil { sbom.append(e) }
        }
        if policy.requireFirmwareDigest && firmware.isEmpty {
            f.append(problem("no firmware image digest is recorded for the product", graph.productEntries))
        }
        if policy.requireSoftwareBOM && sbom.isEmpty {
            f.append(problem("no software BOM digest is recorded for the product", graph.productEntries))
        }
        if let (e, c) = commitments.last {
            if let start = try? CalendarDate(parsing: c.placedOnMarket), let end = try? CalendarDate(parsing: c.securitySupportEnd) {
                let years = Double(end.daysSinceEpoch - start.daysSinceEpoch) / 365.25
                if years + 1e-9 < Double(policy.minimumSupportYears) {
                    f.append(problem(String(format: "the security support period is %.1f years, less than the required %d", years, policy.minimumSupportYears), [e]))
                }
            }
            f.append(fact("vulnerability reports to \(c.vulnerabilityContact), answered within \(c.vulnerabilityResponseDays) days", [e]))
        } else {
            f.append(problem("no vulnerability contact: the model has no lifecycle commitment", []))
        }
        if !firmware.isEmpty { f.append(fact("firmware digest recorded", firmware)) }
        return result(.security, f)
    }

    // MARK: Privacy and data governance
    func privacy() -> PrincipleResult {
        var f: [PrincipleFinding] = []
        for e in graph.entries {
            switch e.statement {
            case .partyRegistration, .ledgerGenesis, .keyRevocation: continue
            default: break
            }
            let text = String(decoding: e.envelope.payload, as: UTF8.self)
            let allowed: [String]
            if case .lifecycleCommitment(let c) = e.statement { allowed = [c.vulnerabilityContact] } else { allowed = [] }
            for token in Self.personalDataTokens(in: text) where !allowed.contains(where: { $0.contains(token) }) {
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

    /// E-mail addresses and phone numbers in free text.
    static func personalDataTokens(in text: String) -> [String] {
        var out: [String] = []
        let words = text.split(whereSeparator: { "\"{}[],: \n\t<>()".contains($0) })
        for w in words {
            let s = String(w.hasPrefix("mailto") ? w.dropFirst(6) : w)
            guard let at = s.firstIndex(of: "@"), at != s.startIndex, !s.contains("/") else { continue }
            // local@domain.tld: a host name whose last label is letters only (not a version like 1.4.2).
            let local = s[..<at], domain = s[s.index(after: at)...]
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
                  let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter),
                  local.allSatisfy({ $0.isLetter || $0.isNumber || ".+_-%".contains($0) }) else { continue }
            out.append(s)
        }
        // +<country code> followed by at least 8 digits, spaces allowed.
        var i = text.startIndex
        while let plus = text[i...].firstIndex(of: "+") {
            let digits = text[text.index(after: plus)...].prefix(while: { $0.isNumber || $0 == " " || $0 == "-" }).filter(\.isNumber)
            if digits.count >= 9 { out.append("+" + digits) }
            i = text.index(after: plus)
        }
        return out
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
