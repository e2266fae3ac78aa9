/// Signature types of the C2SP signed-note format (c2sp.org/signed-note).
public enum NoteSignatureType: UInt8, Sendable {
    /// Ed25519 signature over the note text.
    case ed25519 = 0x01
    /// Ed25519 timestamped cosignature (c2sp.org/tlog-cosignature, cosignature/v1).
    case cosignatureV1 = 0x04
}

/// A 32-bit signed-note key id: `SHA-256(name || 0x0A || type || public key)[:4]`, big-endian.
public struct NoteKeyID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt32

    public init(value: UInt32) { self.value = value }

    /// Computes the id of `publicKey` under `name` for `type`.
    public init(name: String, type: NoteSignatureType, publicKey: PublicKey) {
        var h = SHA256.Hasher256()
        h.update(Array(name.utf8))
        h.update(byte: 0x0A)
        h.update(byte: type.rawValue)
        h.update(publicKey.rawRepresentation)
        let d = h.finalize().bytes
        value = UInt32(d[0]) << 24 | UInt32(d[1]) << 16 | UInt32(d[2]) << 8 | UInt32(d[3])
    }

    /// Eight lower-case hex digits.
    public var hex: String {
        Hex.encode([UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)])
    }

    public var bytes: [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    public var description: String { hex }

    /// Reads four big-endian bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Whether `name` is a valid signed-note key name: non-empty, valid UTF-8,
/// no Unicode space, no `+`.
public func isValidNoteKeyName(_ name: String) -> Bool {
    guard !name.isEmpty else { return false }
    for s in name.unicodeScalars {
        if s == "+" || s.properties.isWhitespace || s.value < 0x20 || s.value == 0x7f { return false }
    }
    return true
}

/// Whether `name` may name a key Assay signs with: printable ASCII (0x21–0x7E) without `+`,
/// `"` or `\` — narrower than a C2SP note key name, because the key reference stands unescaped
/// in DSSE envelopes' `keyid`, which FORMAT.md §2 keeps printable ASCII.
public func isValidSigningKeyName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7E && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
}

/// A verifier key in the C2SP signed-note text form: `<name>+<hex key id>+<base64(type || public key)>`.
public struct VerifierKey: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let keyID: NoteKeyID
    public let type: NoteSignatureType
    public let publicKey: PublicKey

    /// How Assay names a key in envelopes and the registry: `name+keyid-hex`.
    public var reference: String { keyReference.description }
    /// The key's reference as a value.
    public var keyReference: KeyReference { KeyReference(name: name, keyID: keyID) }

    /// Builds the verifier key of `publicKey` under `name`.
    public init(name: String, publicKey: PublicKey, type: NoteSignatureType = .ed25519) throws(CryptoError) {
        guard isValidNoteKeyName(name) else {
            throw CryptoError(.malformedKey, "invalid key name \"\(name)\": it must be non-empty with no spaces or '+'")
        }
        self.name = name
        self.type = type
        self.publicKey = publicKey
        self.keyID = NoteKeyID(name: name, type: type, publicKey: publicKey)
    }

    /// Parses and checks a vkey string: the key id must match the key.
    public init(parsing text: String) throws(CryptoError) {
        let trimmed = text
        let parts = trimmed.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw CryptoError(.malformedKey, "malformed verifier key: expected name+keyid+key")
        }
        let name = String(parts[0])
        guard isValidNoteKeyName(name) else {
            throw CryptoError(.malformedKey, "malformed verifier key: invalid key name")
        }
        guard parts[1].utf8.count == 8, let idBytes = Hex.decode(String(parts[1])),
              parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), let id = NoteKeyID(bytes: idBytes) else {
            throw CryptoError(.malformedKey, "malformed verifier key: key id must be 8 lower-case hex digits")
        }
        guard let raw = Base64.decode(String(parts[2])), raw.count == 33 else {
            throw CryptoError(.malformedKey, "malformed verifier key: key must be base64 of 33 bytes")
        }
        guard let type = NoteSignatureType(rawValue: raw[0]) else {
            throw CryptoError(.wrongKeyType, "verifier key has unsupported signature type 0x\(Hex.encode([raw[0]]))")
        }
        let pk = try PublicKey(rawRepresentation: Array(raw[1...]))
        let expected = NoteKeyID(name: name, type: type, publicKey: pk)
        guard expected == id else {
            throw CryptoError(.malformedKey, "malformed verifier key: key id \(id.hex) does not match the key (\(expected.hex))")
        }
        self.name = name
        self.keyID = id
        self.type = type
        self.publicKey = pk
    }

    /// The vkey text.
    public var description: String {
        "\(keyReference)+\(Base64.encode([type.rawValue] + publicKey.rawRepresentation))"
    }
}

/// A named secret key: a `SigningKey` with its signed-note name, stored on disk in the
/// Go `note` signer-key form `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`.
public struct NamedSigningKey: Sendable {
    public let name: String
    public let key: SigningKey
    public let type: NoteSignatureType

    public init(name: String, key: SigningKey, type: NoteSignatureType = .ed25519) throws(CryptoError) {
        guard isValidSigningKeyName(name) else {
            throw CryptoError(.malformedKey, "invalid key name \"\(name)\": it must be non-empty printable ASCII with no spaces, '+', '\"' or '\\'")
        }
        self.name = name
        self.key = key
        self.type = type
    }

    /// The key's reference (`name+keyid`), what envelopes carry in `keyid`.
    public var keyReference: KeyReference { KeyReference(name: name, keyID: keyID) }

    /// The verifier key (public half) of this key.
    public var verifierKey: VerifierKey {
        try! VerifierKey(name: name, publicKey: key.publicKey, type: type)
    }

    public var keyID: NoteKeyID { verifierKey.keyID }

    /// Parses the secret-key text. The message of any error never contains key material.
    public init(parsing text: String) throws(CryptoError) {
        try self.init(parsing: SecretBytes(copying: text.utf8), trimmingTrailingWhiteSpace: false)
    }

    /// Parses secret-key text held in `secret` (trailing white space allowed) without copying
    /// the key into Swift arrays or strings: the base64 part is decoded straight into a
    /// `SecretBytes`, which is wiped before this returns. `secret` itself is left to the caller.
    /// The message of any error never contains key material.
    public init(parsing secret: SecretBytes, trimmingTrailingWhiteSpace trim: Bool = true) throws(CryptoError) {
        let fields = try secret.withUnsafeBytes { (text: UnsafeRawBufferPointer) throws(CryptoError) -> KeyFileFields in
            try KeyFileFields(text, tag: "PRIVATE", trim: trim)
        }
        let raw = SecretBytes(capacity: 33)
        defer { raw.wipe() }
        let decoded: Int? = secret.withUnsafeBytes { text in
            let b64 = UnsafeBufferPointer(rebasing: text.bindMemory(to: UInt8.self)[fields.key])
            var n: Int?
            raw.fill { out in
                n = Base64.decodedCount(utf8: b64) == 33 ? Base64.decode(utf8: b64, into: out.bindMemory(to: UInt8.self)) : nil
                return n ?? out.count
            }
            return n
        }
        guard decoded == 33 else {
            throw CryptoError(.malformedKey, "malformed secret key: key must be base64 of 33 bytes")
        }
        let (typeByte, key) = try raw.withUnsafeBytes { (r: UnsafeRawBufferPointer) throws(CryptoError) -> (UInt8, SigningKey) in
            (r[0], try SigningKey(seedBytes: UnsafeRawBufferPointer(rebasing: r[1..<33])))
        }
        guard let type = NoteSignatureType(rawValue: typeByte) else {
            throw CryptoError(.wrongKeyType, "secret key has unsupported signature type")
        }
        guard NoteKeyID(name: fields.name, type: type, publicKey: key.publicKey) == fields.id else {
            throw CryptoError(.malformedKey, "malformed secret key: key id does not match the key")
        }
        self.name = fields.name
        self.key = key
        self.type = type
    }

    /// The secret-key text. Handle with care: write it only to a 0600 file.
    public func secretKeyText() -> String {
        key.withSeed { seed in
            var raw = [type.rawValue] + seed
            defer { secureZero(&raw) }
            return "PRIVATE+KEY+\(keyReference)+\(Base64.encode(raw))"
        }
    }
}

/// The fields of a key file's text `<TAG>+KEY+<name>+<key id hex>+<base64>` (trailing white space
/// allowed), found without copying the secret part: `key` is the byte range of the base64.
struct KeyFileFields {
    let name: String
    let id: NoteKeyID
    let key: Range<Int>

    init(_ text: UnsafeRawBufferPointer, tag: String, trim: Bool = true) throws(CryptoError) {
        let what = tag == "PRIVATE" ? "secret key" : "encrypted secret key"
        var end = text.count
        while trim, end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(text[end - 1]) { end -= 1 }
        var plus: [Int] = []
        for i in 0..<end where text[i] == UInt8(ascii: "+") && plus.count < 4 { plus.append(i) }
        func field(_ r: Range<Int>) -> String? { String(validating: text[r], as: UTF8.self) }
        guard plus.count == 4, field(0..<plus[0]) == tag, field(plus[0] + 1..<plus[1]) == "KEY" else {
            throw CryptoError(.malformedKey, "malformed \(what): expected \(tag)+KEY+name+keyid+key")
        }
        guard let name = field(plus[1] + 1..<plus[2]), isValidSigningKeyName(name) else {
            throw CryptoError(.malformedKey, "malformed \(what): invalid key name")
        }
        guard let idText = field(plus[2] + 1..<plus[3]), idText.utf8.count == 8,
              idText.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
              let idBytes = Hex.decode(idText), let id = NoteKeyID(bytes: idBytes) else {
            throw CryptoError(.malformedKey, "malformed \(what): key id must be 8 lower-case hex digits")
        }
        self.name = name
        self.id = id
        self.key = plus[3] + 1..<end
    }
}
