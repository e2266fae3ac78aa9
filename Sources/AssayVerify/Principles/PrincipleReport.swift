/// The principles an offline auditor checks (DOMAIN.md, "What an offline auditor checks").
public enum Principle: String, CaseIterable, Sendable, Hashable, Comparable {
    case integrity
    case accountability
    case provenance
    case lifecycle
    case security = "hardware-software-security"
    case privacy = "privacy-data-governance"
    case interoperability

    public static func < (a: Principle, b: Principle) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// A title for people.
    public var title: String {
        switch self {
        case .integrity: "Integrity and data security"
        case .accountability: "Accountability in the supply chain"
        case .provenance: "Provenance"
        case .lifecycle: "Lifecycle"
        case .security: "Hardware and software security"
        case .privacy: "Privacy and data governance"
        case .interoperability: "Interoperability"
        }
    }
}

/// A principle's verdict: never a bare yes/no.
public enum Verdict: String, Sendable, Equatable {
    case satisfied
    case notSatisfied = "not-satisfied"
    case notApplicable = "not-applicable"
    /// Not judged: the evidence could not be trusted (integrity failed), so no statement is made.
    case notEvaluated = "not-evaluated"
}

/// An entry behind a finding: its sequence number, kind and signer.
public struct EvidenceRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let seq: UInt64
    public let kind: String
    public let signer: String

    public static func < (a: EvidenceRef, b: EvidenceRef) -> Bool { a.seq < b.seq }
    public var description: String { "seq \(seq) \(kind) by \(signer)" }
}

/// One reason for a verdict, with the entries behind it.
public struct PrincipleFinding: Sendable, Equatable {
    /// A problem (counts against the principle) or a fact (supports or informs it).
    public enum Severity: String, Sendable { case problem, fact }
    public let severity: Severity
    public let message: String
    public let evidence: [EvidenceRef]
}

/// The verdict on one principle for one product.
public struct PrincipleResult: Sendable, Equatable {
    public let principle: Principle
    public let verdict: Verdict
    public let findings: [PrincipleFinding]
    public var problems: [PrincipleFinding] { findings.filter { $0.severity == .problem } }
}
