/// The roles a registered party can hold. `operator` is the ledger operator's own role,
/// given by the genesis entry, never by a registration.
public enum Role: String, CaseIterable, Sendable, Hashable, Comparable {
    case `operator`
    case supplier
    case manufacturer
    case importer
    /// Acts for a manufacturer established outside the EU under a written mandate (Battery
    /// Regulation Art. 3(1)(15), ESPR Art. 2(40)): may write the manufacturer's static passport data.
    case authorisedRepresentative
    /// Makes a product available on the market without being its manufacturer or importer:
    /// writes supply-chain events only.
    case distributor
    /// Prepares a used battery for repurposing or reuse (Battery Regulation Art. 73): records
    /// its condition and its new status.
    case secondLifeOperator
    case repairer
    case recycler
    case auditor

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }

    /// The roles a party registration may grant (all but `operator`).
    public static let registrable: [Role] = allCases.filter { $0 != .operator }
}
