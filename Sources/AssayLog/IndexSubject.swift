public import AssayCrypto
public import AssayModel

/// A subject of the completeness index (FORMAT.md §13): an identifier a statement is about
/// (`Statement.subjects`), or a signing key's reference for the registry entries about that key.
public struct IndexSubject: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let type: SubjectIndex.KeyType
    /// The identifier in canonical form, or the key reference `name+keyid`.
    public let name: String

    public init(_ type: SubjectIndex.KeyType, _ name: String) {
        self.type = type
        self.name = name
    }

    public static func identifier(_ name: String) -> IndexSubject { IndexSubject(.identifier, name) }
    public static func defining(_ name: String) -> IndexSubject { IndexSubject(.defining, name) }
    public static func key(_ reference: String) -> IndexSubject { IndexSubject(.keyReference, reference) }

    /// `SHA-256(0x10 || type || UTF-8 name)`.
    public var key: Digest { SubjectIndex.key(name, type: type) }

    /// The name, as messages show it (`key …` for a key reference). An identifier is required
    /// either whole or by its defining entries, never both, so the name alone is unambiguous.
    public var description: String { type == .keyReference ? "key \(name)" : name }

    /// The kinds whose entries define (or correct) what they are about: what a lot's or a
    /// model's verdict rests on, without the assemblies and shipments of every product that
    /// used it (FORMAT.md §13.1). Passport data about a model or a lot is part of what defines
    /// it, so a product's bundle carries its model's passport.
    public static let definingKinds: Set<StatementKind> = [.componentOrigin, .manufacturingStep, .endOfLife, .lifecycleCommitment, .correction, .passportData]

    /// `definingKinds` as stored kind names.
    public static let definingKindNames: Set<String> = Set(definingKinds.map(\.rawValue))

    public static func < (a: IndexSubject, b: IndexSubject) -> Bool {
        (a.type.rawValue, a.name) < (b.type.rawValue, b.name)
    }

    /// The key references a statement is about: the operator key a genesis names, the key a
    /// registration registers, the key a revocation revokes (as `name+keyid`). Nothing for
    /// other kinds, or for a key that does not parse (such a statement is never admitted).
    public static func keyReferences(of statement: Statement) -> [String] {
        switch statement {
        case .ledgerGenesis(let g): (try? VerifierKey(parsing: g.operatorKey)).map { [$0.reference] } ?? []
        case .partyRegistration(let p): (try? VerifierKey(parsing: p.publicKey)).map { [$0.reference] } ?? []
        case .keyRevocation(let r): [r.revokedKey]
        default: []
        }
    }

    /// Every index subject of a statement: its identifiers, the same as defining subjects when
    /// its kind is a defining one, then its key references.
    public static func of(_ statement: Statement) -> [IndexSubject] {
        let ids = statement.subjects
        return ids.map(IndexSubject.identifier)
            + (definingKinds.contains(statement.kind) ? ids.map(IndexSubject.defining) : [])
            + keyReferences(of: statement).map(IndexSubject.key)
    }
}
