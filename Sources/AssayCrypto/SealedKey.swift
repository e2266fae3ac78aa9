internal import CAssaySodium

/// A secret key encrypted under a passphrase: Argon2id (`crypto_pwhash`, libsodium's
/// "interactive" limits, stored in the file) derives a key that seals the 32-byte seed with
/// XSalsa20-Poly1305 (`crypto_secretbox`).
///
/// File text: `ENCRYPTED+KEY+<name>+<key id hex>+<base64(type || salt[16] || u32 opslimit ||
/// u32 memlimit KiB || nonce[24] || sealed seed[48])>`.
public enum SealedKey {
    public static let prefix = "ENCRYPTED+KEY+"

    /// Encrypts `key` under `passphrase`.
    public static func seal(_ key: NamedSigningKey, passphrase: String) throws(CryptoError) -> String {
        Sodium.ensure()
        var salt = [UInt8](repeating: 0, count: Int(crypto_pwhash_SALTBYTES))
        randombytes_buf(&salt, salt.count)
        var nonce = [UInt8](repeating: 0, count: Int(crypto_secretbox_NONCEBYTES))
        randombytes_buf(&nonce, nonce.count)
        let ops = UInt32(crypto_pwhash_OPSLIMIT_INTERACTIVE)
        let memKiB = UInt32(crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024)
        var boxKey = try derive(passphrase, salt: salt, ops: ops, memKiB: memKiB)
        defer { secureZero(&boxKey) }
        var sealed = [UInt8](repeating: 0, count: 32 + Int(crypto_secretbox_MACBYTES))
        key.key.withSeed { seed in
            _ = crypto_secretbox_easy(&sealed, seed, UInt64(seed.count), nonce, boxKey)
        }
        var raw = [key.type.rawValue] + salt
        for v in [ops, memKiB] { raw += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        raw += nonce + sealed
        return "\(prefix)\(key.keyReference)+\(Base64.encode(raw))"
    }

    /// Decrypts a sealed key file's text with `passphrase`.
    /// - Throws: `CryptoError.malformedKey` for a malformed file or a wrong passphrase (the
    ///   two are told apart in the message; neither message contains key material).
    public static func open(_ text: String, passphrase: String) throws(CryptoError) -> NamedSigningKey {
        try open(SecretBytes(copying: text.utf8), passphrase: passphrase)
    }

    /// Decrypts a sealed key file's text held in `file` (trailing white space allowed). The
    /// decrypted seed lives only in a `SecretBytes`, wiped before this returns.
    public static func open(_ file: SecretBytes, passphrase: String) throws(CryptoError) -> NamedSigningKey {
        Sodium.ensure()
        let malformed = CryptoError(.malformedKey, "malformed encrypted secret key")
        let parsed = try file.withUnsafeBytes { (text: UnsafeRawBufferPointer) throws(CryptoError) -> (KeyFileFields, [UInt8]) in
            let fields: KeyFileFields
            do { fields = try KeyFileFields(text, tag: "ENCRYPTED") } catch { throw malformed }
            // The sealed part is ciphertext, not a secret: an ordinary array is fine.
            guard let raw = Base64.decode(utf8: UnsafeBufferPointer(rebasing: text.bindMemory(to: UInt8.self)[fields.key])) else {
                throw malformed
            }
            return (fields, raw)
        }
        let (fields, raw) = parsed
        guard raw.count == 1 + 16 + 8 + 24 + 48, let type = NoteSignatureType(rawValue: raw[0]) else { throw malformed }
        let salt = Array(raw[1..<17])
        let ops = raw[17..<21].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let memKiB = raw[21..<25].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard ops >= 1, ops <= 64, memKiB >= 8, memKiB <= 4 * 1024 * 1024 else {
            throw CryptoError(.malformedKey, "encrypted secret key has out-of-range key-derivation limits")
        }
        let nonce = Array(raw[25..<49])
        let sealed = Array(raw[49...])
        var boxKey = try derive(passphrase, salt: salt, ops: ops, memKiB: memKiB)
        defer { secureZero(&boxKey) }
        let seed = SecretBytes(capacity: 32)
        defer { seed.wipe() }
        var opened = false
        seed.fill { out in
            opened = crypto_secretbox_open_easy(out.baseAddress!.assumingMemoryBound(to: UInt8.self), sealed, UInt64(sealed.count),
                                                nonce, boxKey) == 0
            return 32
        }
        guard opened else {
            throw CryptoError(.malformedKey, "wrong passphrase for the encrypted secret key (or the file is damaged)")
        }
        let signing = try seed.withUnsafeBytes { (s: UnsafeRawBufferPointer) throws(CryptoError) -> SigningKey in
            try SigningKey(seedBytes: s)
        }
        let key = try NamedSigningKey(name: fields.name, key: signing, type: type)
        guard key.keyID == fields.id else { throw CryptoError(.malformedKey, "encrypted secret key: key id does not match the key") }
        return key
    }

    static func derive(_ passphrase: String, salt: [UInt8], ops: UInt32, memKiB: UInt32) throws(CryptoError) -> [UInt8] {
        var pw = Array(passphrase.utf8)
        defer { secureZero(&pw) }
        guard !pw.isEmpty else { throw CryptoError(.malformedKey, "the passphrase is empty") }
        var out = [UInt8](repeating: 0, count: Int(crypto_secretbox_KEYBYTES))
        let rc = pw.withUnsafeBufferPointer { p in
            p.withMemoryRebound(to: CChar.self) { c in
                crypto_pwhash(&out, UInt64(out.count), c.baseAddress!, UInt64(c.count), salt, UInt64(ops), Int(memKiB) * 1024,
                              crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard rc == 0 else { throw CryptoError(.randomness, "key derivation ran out of memory") }
        return out
    }
}
