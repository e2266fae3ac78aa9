/// Which roles may sign which kinds of statement. The default is the table in
/// `Schemas/FORMAT.md`; an auditor's policy may replace it.
public struct WritePolicy: Sendable, Equatable {
    public var allowed: [StatementKind: Set<Role>]

    public init(allowed: [StatementKind: Set<Role>]) { self.allowed = allowed }

    /// The default: the operator writes genesis, registrations and revocations (a party
    /// may also revoke its own key, checked separately); any registered party may write a
    /// generic event. A delegation is written by the brand owner itself (its scopes are checked
    /// separately), never by the operator. A manufacturer commissions its own serials (a
    /// ComponentOrigin counts as evidence only for identifiers its scopes or delegations cover,
    /// so commissioning a supplier's lot gains it nothing). Passport data is written by the roles that own some
    /// aspect of it (which aspect each may write, and over which products, is checked
    /// separately: `PassportData.mayWrite`). A distributor writes supply-chain events (and
    /// corrections of its own) only.
    public static let `default` = WritePolicy(allowed: [
        .ledgerGenesis: [.operator],
        .partyRegistration: [.operator],
        .keyRevocation: [.operator],
        .authorityDelegation: [.manufacturer, .supplier, .importer],
        .genericEvent: Set(Role.allCases).subtracting([.distributor]),
        .componentOrigin: [.supplier, .manufacturer],
        .manufacturingStep: [.manufacturer],
        .productAssembly: [.manufacturer, .repairer],
        .lifecycleCommitment: [.manufacturer, .importer],
        .passportData: [.manufacturer, .authorisedRepresentative, .repairer, .secondLifeOperator, .recycler],
        .endOfLife: [.recycler, .repairer, .secondLifeOperator],
        .correction: [.supplier, .manufacturer, .importer, .distributor, .repairer, .secondLifeOperator, .recycler],
        .supplyChainEvent: [.supplier, .manufacturer, .importer, .distributor, .repairer, .secondLifeOperator, .recycler],
    ])

    /// Whether a signer holding `roles` may write `kind`.
    public func mayWrite(_ kind: StatementKind, roles: Set<Role>) -> Bool {
        guard let ok = allowed[kind] else { return false }
        return !ok.isDisjoint(with: roles)
    }
}
