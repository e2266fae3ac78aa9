public import AssayModel

/// A fact a policy requires the product's evidence to sign (a regulation's data point): met
/// when a counted signed fact about the product, its model or a component in its tree matches
/// one of `anyOf`; otherwise reported under `principle` by name and article.
public struct RequiredFact: Sendable, Equatable {
    /// Where a fact may stand: the statement kind, a passport aspect, the path in the statement
    /// (array indices left out: `data.batteryMaterials.isCriticalRawMaterial`; the pattern
    /// matches that path and everything under it) and, optionally, the value it must have.
    public struct Pattern: Sendable, Equatable {
        public var kind: String?
        public var aspect: String?
        public var path: String
        public var value: String?

        public init(kind: String? = nil, aspect: String? = nil, path: String, value: String? = nil) {
            self.kind = kind
            self.aspect = aspect
            self.path = path
            self.value = value
        }

        /// `kind/aspect:path` for messages.
        public var description: String {
            (kind ?? "any kind") + (aspect.map { "/\($0)" } ?? "") + " " + path + (value.map { " = \($0)" } ?? "")
        }

        func matches(_ f: SignedFact) -> Bool {
            if let kind, kind != f.kind { return false }
            if let aspect, aspect != f.aspect { return false }
            let p = RequiredFact.stripIndices(f.path)
            guard p == path || p.hasPrefix(path + ".") else { return false }
            if let value { return f.value.lowercased() == value.lowercased() }
            return true
        }
    }

    public var name: String
    public var article: String
    public var principle: Principle
    public var anyOf: [Pattern]

    public init(_ name: String, article: String, principle: Principle, anyOf: [Pattern]) {
        self.name = name
        self.article = article
        self.principle = principle
        self.anyOf = anyOf
    }

    static func stripIndices(_ path: String) -> String {
        var out = ""
        var inIndex = false
        for c in path {
            if c == "[" { inIndex = true; continue }
            if c == "]" { inIndex = false; continue }
            if !inIndex { out.append(c) }
        }
        return out
    }

    /// Reads one `requiredFacts` member of a policy document.
    init(reading r: inout ObjectReader) throws(ModelError) {
        name = try nonEmptyText(try r.string("name"), field: r.fieldPath("name"))
        article = try nonEmptyText(try r.string("article"), field: r.fieldPath("article"))
        let p = try r.string("principle")
        guard let pr = Principle(rawValue: p), pr != .integrity else {
            throw ModelError(.invalidValue, field: r.fieldPath("principle"), "\"\(p)\" is not a principle a missing fact can be reported under")
        }
        principle = pr
        var patterns: [Pattern] = []
        for (i, v) in try r.array("anyOf", nonEmpty: true).enumerated() {
            var q = try ObjectReader(v, path: "\(r.fieldPath("anyOf"))[\(i)]")
            let kind = try q.optionalString("kind")
            if let kind, StatementKind(rawValue: kind) == nil {
                throw ModelError(.invalidValue, field: q.fieldPath("kind"), "\"\(kind)\" is not a statement kind")
            }
            let aspect = try q.optionalString("aspect")
            let path = try nonEmptyText(try q.string("path"), field: q.fieldPath("path"))
            guard !path.contains("["), !path.hasPrefix("."), !path.hasSuffix("."), !path.contains("..") else {
                throw ModelError(.invalidValue, field: q.fieldPath("path"), "must be member names joined by dots, without array indices")
            }
            let value = try q.optionalString("value")
            try q.finish()
            patterns.append(Pattern(kind: kind, aspect: aspect, path: path, value: value))
        }
        anyOf = patterns
        try r.finish()
    }
}

private func nonEmptyText(_ s: String, field: String) throws(ModelError) -> String {
    guard !s.isEmpty, s.unicodeScalars.count <= 512 else { throw ModelError(.invalidValue, field: field, "must be 1 to 512 characters") }
    return s
}

extension RequiredFact {
    /// Judges `required` against the bundle's facts: one problem per missing fact (named, with
    /// its article and where it was looked for), one fact finding per met one (its value and
    /// the entry that signed it). Only counted facts of the entries that define the product or a
    /// component in its tree, of lifecycle commitments covering it and of passport data about
    /// the product, a component in its tree, its model or a batch its own defining entries place
    /// it in (ILMD `cbvmda:lotNumber`) that count as evidence (`ProvenanceGraph.passportEvidence`) count.
    static func judge(_ required: [RequiredFact], graph: ProvenanceGraph, policyName: String) -> [Principle: [PrincipleFinding]] {
        guard !required.isEmpty else { return [:] }
        let about = Set(graph.nodes).union([productModel(of: graph.product)].compactMap { $0 })
        // Only what the parties with authority sign counts: the statements that define the
        // product and its components, the commitments covering it, its passport data (whose
        // signers' authority the entry checks enforce); never a mere mention by anyone.
        let tree = Set(graph.treeEntries.map(\.seq))
        // The batches the product's own defining entries (evidence, authority checked) place it in.
        let batches = Set(graph.productEntries.compactMap { $0.statement.declaredBatch(of: graph.product) })
        let passport = Set(graph.passportEvidence.filter { e in
            e.statement.subjects.contains { about.contains($0) || batches.contains($0) }
        }.map(\.seq))
        let relevant = graph.entries.filter { e in
            if tree.contains(e.seq) || passport.contains(e.seq) { return true }
            if case .lifecycleCommitment(let c) = e.statement { return c.covers(graph.product) }
            return false
        }
        let excluded = Set(graph.exclusions.map(\.seq)).union(graph.implausible.map(\.seq)).union(graph.retracted.keys)
        let facts = SignedFacts.facts(of: relevant, notCounted: excluded).filter(\.counted)
        var out: [Principle: [PrincipleFinding]] = [:]
        for r in required {
            // The latest matching fact speaks for the product.
            if let f = facts.last(where: { f in r.anyOf.contains { $0.matches(f) } }), let e = graph.entriesBySeq[f.seq] {
                let shown = f.value.count > 80 ? String(f.value.prefix(77)) + "…" : f.value
                out[r.principle, default: []].append(.init(severity: .fact, message: "\(r.name) (\(r.article)), required by \(policyName): \(f.path) = \(shown), signed by \(f.partyName)", evidence: [EvidenceRef(e)]))
            } else {
                out[r.principle, default: []].append(.init(severity: .problem, message: "missing \(r.name) (\(r.article)), required by \(policyName): no counted fact about the product at \(r.anyOf.map(\.description).joined(separator: " or "))", evidence: []))
            }
        }
        return out
    }
}
