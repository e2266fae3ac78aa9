import AssayModel
/// What every backend stores, by name: the constants FORMAT.md §7 lists, in one place.
public enum LedgerSchema {
    /// Kinds whose records the signer registry is built from; backends index exactly these
    /// (the one list: no backend keeps a second).
    public static let registryKinds = StatementKind.registryKinds.map(\.rawValue)
    /// The metadata keys a ledger holds, exactly.
    public static let metadataKeys = [formatKey, originKey]
    /// The key of the format name.
    public static let formatKey = "format"
    /// The key of the log origin.
    public static let originKey = "origin"
    /// The value of the `format` metadata entry.
    public static let formatName = "assay-ledger"
}
