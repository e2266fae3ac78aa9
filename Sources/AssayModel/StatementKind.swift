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
    case passportData = "PassportData"
    case componentOrigin = "ComponentOrigin"
    case manufacturingStep = "ManufacturingStep"
    case productAssembly = "ProductAssembly"
    case endOfLife = "EndOfLife"
    case correction = "Correction"
    case supplyChainEvent = "SupplyChainEvent"

    /// Kinds whose statements are Assay's own JSON shapes (the rest are EPCIS events).
    public static let assayTypes: [StatementKind] = [.ledgerGenesis, .partyRegistration, .keyRevocation, .authorityDelegation, .genericEvent, .lifecycleCommitment, .passportData]

    /// Kinds that change who may sign what (replayed before any other entry is judged).
    public static let registryKinds: [StatementKind] = [.ledgerGenesis, .partyRegistration, .keyRevocation, .authorityDelegation]
}
