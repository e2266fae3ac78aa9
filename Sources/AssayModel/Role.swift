/// The roles a registered party can hold. `operator` is the ledger operator's own role,
/// given by the genesis entry, never by a registration.
public enum Role: String, CaseIterable, Sendable, Hashable, Comparable {
    case `operator`
    case supplier
    case manufacturer
    case importer
    case repairer
    case recycler
    case auditor

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

    /// The roles a party registration may grant (all but `operator`).
    public static let registrable: [Role] = allCases.filter { $0 != .operator }
}
