/// How Assay names a key in envelopes, the registry and messages: `<name>+<key id hex>`, the
/// first two fields of a C2SP verifier key (FORMAT.md §1). A type, so that no caller rebuilds
/// the text by hand.
public struct KeyReference: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let keyID: NoteKeyID

    public init(name: String, keyID: NoteKeyID) {
        self.name = name
        self.keyID = keyID
    }

    /// Parses `<name>+<8 hex digits>`.
    /// - Throws: `CryptoError.malformedKey` for any other shape.
    public init(parsing text: String) throws(CryptoError) {
        let parts = text.split(separator: "+", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count == 8, let bytes = Hex.decode(String(parts[1])),
              let id = NoteKeyID(bytes: bytes) else {
            throw CryptoError(.malformedKey, "a key reference is <name>+<8 hex digits>")
        }
        name = String(parts[0])
        keyID = id
    }

    /// `<name>+<key id hex>`.
    public var description: String { "\(name)+\(keyID.hex)" }
}
