import AssayCore
public import AssayVerify
import AssayModel

/// Text and JSON renderings of a bundle report (`assay verify --bundle`, `assay report`).
///
/// The text form escapes every value taken from a statement with `Terminal.field`, so it can
/// be written to a terminal as it is; the JSON form is compact, in a fixed member order.
public enum BundleReportText {
    /// The report as lines of text: the verdict, the log and policy, then each principle with
    /// its findings and up to 12 pieces of evidence each.
    public static func text(_ r: BundleReport) -> String {
        var out = "Product \(Terminal.field(r.product)) — \(r.passed ? "PASS" : "FAIL")\n"
        out += "Log \(Terminal.field(r.origin)), checkpoint size \(r.checkpointSize), \(r.witnessCosignatures) witness cosignature(s); audit date \(r.auditDate); policy \(Terminal.field(r.policyName)); assay \(AssayVersion.current)\n"
        for p in r.principles {
            let req = r.requiredPrinciples.contains(p.principle) ? "" : " (not required)"
            out += "\n\(p.principle.title): \(p.verdict.rawValue.uppercased())\(req)\n"
            for f in p.findings {
                out += "  \(f.severity == .problem ? "✗" : "·") \(Terminal.field(f.message))\n"
                for e in f.evidence.prefix(12) { out += "      \(Terminal.field("\(e)"))\n" }
                if f.evidence.count > 12 { out += "      … and \(f.evidence.count - 12) more\n" }
            }
        }
        let facts = SignedFacts.facts(of: r)
        let entries = Set(facts.map(\.seq)).count
        out += "\nSigned facts: \(facts.count) value(s) from \(entries) entr\(entries == 1 ? "y" : "ies") (listed by group in --json and report --html)\n"
        return out
    }

    /// The report as one JSON object: `product`, `passed`, `origin`, `checkpointSize`,
    /// `witnessCosignatures`, `auditDate`, `policy`, `assayVersion`, `principles` (each with
    /// `principle`, `verdict`, `required` and `findings` with their `evidence`) and `facts` (groups
    /// of signed facts, see `fact`).
    public static func json(_ r: BundleReport) -> String {
        func ev(_ e: EvidenceRef) -> String {
            JSONWriter.object([("seq", "\(e.seq)"), ("kind", JSONWriter.quote(e.kind)), ("signer", JSONWriter.quote(e.signer))])
        }
        let principles = r.principles.map { p in
            JSONWriter.object([
                ("principle", JSONWriter.quote(p.principle.rawValue)), ("verdict", JSONWriter.quote(p.verdict.rawValue)),
                ("required", r.requiredPrinciples.contains(p.principle) ? "true" : "false"),
                ("findings", "[" + p.findings.map { f in
                    JSONWriter.object([("severity", JSONWriter.quote(f.severity.rawValue)), ("message", JSONWriter.quote(f.message)),
                                       ("evidence", "[" + f.evidence.map(ev).joined(separator: ",") + "]")])
                }.joined(separator: ",") + "]"),
            ])
        }
        let facts = SignedFacts.grouped(SignedFacts.facts(of: r)).map { g in
            JSONWriter.object([("group", JSONWriter.quote(g.group.rawValue)), ("title", JSONWriter.quote(g.group.title)),
                               ("facts", "[" + g.facts.map(fact).joined(separator: ",") + "]")])
        }
        return JSONWriter.object([
            ("product", JSONWriter.quote(r.product)), ("passed", r.passed ? "true" : "false"), ("origin", JSONWriter.quote(r.origin)),
            ("checkpointSize", "\(r.checkpointSize)"), ("witnessCosignatures", "\(r.witnessCosignatures)"),
            ("auditDate", JSONWriter.quote(r.auditDate)), ("policy", JSONWriter.quote(r.policyName)),
            ("assayVersion", JSONWriter.quote(AssayVersion.current)),
            ("principles", "[" + principles.joined(separator: ",") + "]"),
            ("facts", "[" + facts.joined(separator: ",") + "]"),
        ])
    }

    /// One signed fact: `seq`, `kind`, `aspect` (passport data only), `path`, `value` (the
    /// signed text), `valueType`, `namespace` (extension members only), `party`, `partyName`,
    /// `signer`, `counted`.
    public static func fact(_ f: SignedFact) -> String {
        var fields: [(String, String)] = [("seq", "\(f.seq)"), ("kind", JSONWriter.quote(f.kind))]
        if let a = f.aspect { fields.append(("aspect", JSONWriter.quote(a))) }
        fields += [("path", JSONWriter.quote(f.path)), ("value", JSONWriter.quote(f.value)), ("valueType", JSONWriter.quote(f.valueKind.rawValue))]
        if let n = f.namespace { fields.append(("namespace", JSONWriter.quote(n))) }
        fields += [("party", JSONWriter.quote(f.partyId)), ("partyName", JSONWriter.quote(f.partyName)), ("signer", JSONWriter.quote(f.signer)),
                   ("counted", f.counted ? "true" : "false")]
        return JSONWriter.object(fields)
    }

    /// The principles that make the report fail: every required principle not satisfied,
    /// and integrity whenever it is not satisfied.
    public static func failedPrinciples(_ r: BundleReport) -> [Principle] {
        r.principles.filter { p in
            (p.verdict == .notSatisfied && r.requiredPrinciples.contains(p.principle)) || (p.principle == .integrity && p.verdict != .satisfied)
        }.map(\.principle)
    }
}
