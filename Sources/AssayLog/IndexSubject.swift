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
    public static func key(_ reference: String) -> IndexSubject { IndexSubject(.keyReference, reference) }

    /// `SHA-256(0x10 || type || UTF-8 name)`.
    public var key: Digest { SubjectIndex.key(name, type: type) }

    public var description: String { type == .identifier ? name : "key \(name)" }

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

    /// Every index subject of a statement: its identifiers, then its key references.
    public static func of(_ statement: Statement) -> [IndexSubject] {
        statement.subjects.map(IndexSubject.identifier) + keyReferences(of: statement).map(IndexSubject.key)
    }
}
