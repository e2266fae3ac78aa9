/// A signed checkpoint as stored: the operator-signed note, under the tree size it states.
public struct StoredCheckpoint: Sendable, Equatable {
    /// The tree size.
    public let size: UInt64
    /// When it was stored, milliseconds since the epoch.
    public let createdAtMillis: Int64
    /// The signed note bytes as the operator signed them (operator signature only).
    public let note: [UInt8]

    /// A checkpoint row with every field as given.
    public init(size: UInt64, createdAtMillis: Int64, note: [UInt8]) {
        self.size = size
        self.createdAtMillis = createdAtMillis
        self.note = note
    }
}
