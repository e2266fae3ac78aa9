/// One witness cosignature line stored beside its checkpoint (FORMAT.md §7, `cosignatures`).
///
/// At most one per (checkpoint size, witness name, key id); `body` is the checkpoint text the
/// witness signed, which must equal the stored checkpoint's text byte for byte.
public struct StoredCosignature: Sendable, Equatable {
    /// The tree size of the checkpoint it cosigns, as stored.
    public let size: Int64
    /// The witness key name.
    public let witness: String
    /// The 4-byte note key id, as 8 lowercase hex digits.
    public let keyID: String
    /// The checkpoint text (note body) the witness signed.
    public let body: [UInt8]
    /// The signature line, `— <name> <base64>` without its final newline.
    public let line: String
    /// When it was stored, milliseconds since the epoch.
    public let createdAtMillis: Int64

    /// A cosignature row with every field as given.
    public init(size: Int64, witness: String, keyID: String, body: [UInt8], line: String, createdAtMillis: Int64) {
        self.size = size
        self.witness = witness
        self.keyID = keyID
        self.body = body
        self.line = line
        self.createdAtMillis = createdAtMillis
    }
}
