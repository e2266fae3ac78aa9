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

/// The kinds of statement a ledger holds. For Assay's own kinds the raw value is the
/// statement's `type`; the supply-chain kinds are EPCIS events classified by type, action
/// and business step (see `SupplyChainStatement`).
public enum StatementKind: String, CaseIterable, Sendable, Hashable {
    case ledgerGenesis = "LedgerGenesis"
    case partyRegistration = "PartyRegistration"
    case keyRevocation = "KeyRevocation"
    case authorityDelegation = "AuthorityDelegation"
    case genericEvent = "GenericEvent"
    case lifecycleCommitment = "LifecycleCommitment"
    case componentOrigin = "ComponentOrigin"
    case manufacturingStep = "ManufacturingStep"
    case productAssembly = "ProductAssembly"
    case endOfLife = "EndOfLife"
    case correction = "Correction"
    case supplyChainEvent = "SupplyChainEvent"

    /// Kinds whose statements are Assay's own JSON shapes (the rest are EPCIS events).
    public static let assayTypes: [StatementKind] = [.ledgerGenesis, .partyRegistration, .keyRevocation, .authorityDelegation, .genericEvent, .lifecycleCommitment]

    /// Kinds that change who may sign what (replayed before any other entry is judged).
    public static let registryKinds: [StatementKind] = [.ledgerGenesis, .partyRegistration, .keyRevocation, .authorityDelegation]
}

/// Which roles may sign which kinds of statement. The default is the table in
/// `Schemas/FORMAT.md`; an auditor's policy may replace it.
public struct WritePolicy: Sendable, Equatable {
    public var allowed: [StatementKind: Set<Role>]

    public init(allowed: [StatementKind: Set<Role>]) { self.allowed = allowed }

    /// The default: the operator writes genesis, registrations and revocations (a party
    /// may also revoke its own key, checked separately); any registered party may write a
    /// generic event. A delegation is written by the brand owner itself (its scopes are checked
    /// separately), never by the operator.
    public static let `default` = WritePolicy(allowed: [
        .ledgerGenesis: [.operator],
        .partyRegistration: [.operator],
        .keyRevocation: [.operator],
        .authorityDelegation: [.manufacturer, .supplier, .importer],
        .genericEvent: Set(Role.allCases),
        .componentOrigin: [.supplier],
        .manufacturingStep: [.manufacturer],
        .productAssembly: [.manufacturer, .repairer],
        .lifecycleCommitment: [.manufacturer, .importer],
        .endOfLife: [.recycler, .repairer],
        .correction: [.supplier, .manufacturer, .importer, .repairer, .recycler],
        .supplyChainEvent: [.supplier, .manufacturer, .importer, .repairer, .recycler],
    ])

    /// Whether a signer holding `roles` may write `kind`.
    public func mayWrite(_ kind: StatementKind, roles: Set<Role>) -> Bool {
        guard let ok = allowed[kind] else { return false }
        return !ok.isDisjoint(with: roles)
    }
}
