import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// Signed-note verifier and signer keys (c2sp.org/signed-note, Go `sumdb/note`) against
/// `checkpoint/signed_note_vectors.json`.
@Suite("signed-note keys")
struct NoteKeyVectorTests {
    struct File: Decodable {
        struct Key: Decodable {
            let name: String
            let vkey: String
            let keyIdHex: String
            let signatureType: Int
            let publicKeyHex: String
            let skey: String?
            let seedHex: String?
        }
        struct ParseCase: Decodable {
            let vkey: String
            let valid: Bool
            let reason: String?
        }
        struct VkeyRule: Decodable { let baseVkey: String }
        struct SkeyRule: Decodable { let baseSkey: String }
        let keys: [Key]
        let vkeyParseCases: [ParseCase]
        let vkeyMutationRule: VkeyRule
        let skeyMutationRule: SkeyRule
    }

    static func load() throws -> File {
        try Vectors.json(File.self, "checkpoint/signed_note_vectors.json")
    }

    @Test("vkeyParseCases: 12 valid keys parse and print back unchanged; 6 invalid ones are rejected")
    func parseCases() throws {
        let file = try Self.load()
        #expect(file.vkeyParseCases.filter(\.valid).count == 12)
        #expect(file.vkeyParseCases.filter { !$0.valid }.count == 6)
        for c in file.vkeyParseCases {
            if c.valid {
                let key = try VerifierKey(parsing: c.vkey)
                #expect(key.description == c.vkey, "round trip of \(c.vkey)")
            } else {
                #expect(throws: CryptoError.self, "accepted invalid vkey \(c.vkey) (\(c.reason ?? ""))") {
                    try VerifierKey(parsing: c.vkey)
                }
            }
        }
    }

    @Test("keys: each vkey gives its listed key id and public key; each skey the same public key")
    func keys() throws {
        let file = try Self.load()
        #expect(file.keys.count == 12)
        for k in file.keys {
            let vkey = try VerifierKey(parsing: k.vkey)
            #expect(vkey.name == k.name)
            #expect(vkey.keyID.hex == k.keyIdHex, "\(k.name): key id")
            #expect(vkey.publicKey.rawRepresentation == (try Vectors.hex(k.publicKeyHex)), "\(k.name): public key")
            #expect(Int(vkey.type.rawValue) == k.signatureType)
            // Key id = SHA-256(name || 0x0A || type || public key)[:4], computed here from explicit bytes.
            let idInput = Array(k.name.utf8) + [0x0A, UInt8(k.signatureType)] + (try Vectors.hex(k.publicKeyHex))
            #expect(Array(SHA256.hash(idInput).bytes.prefix(4)) == (try Vectors.hex(k.keyIdHex)), "\(k.name): id formula")
            #expect(NoteKeyID(name: k.name, type: .ed25519, publicKey: vkey.publicKey) == vkey.keyID)
            #expect(try VerifierKey(name: k.name, publicKey: vkey.publicKey) == vkey)

            guard let skey = k.skey else { continue }
            let signer = try NamedSigningKey(parsing: skey)
            #expect(signer.name == k.name)
            #expect(signer.key.publicKey == vkey.publicKey, "\(k.name): skey and vkey public keys differ")
            #expect(signer.keyID == vkey.keyID)
            #expect(signer.verifierKey.description == k.vkey)
            #expect(signer.secretKeyText() == skey, "\(k.name): skey does not print back unchanged")
            if let seedHex = k.seedHex {
                let seed = try Vectors.hex(seedHex)
                signer.key.withSeed { #expect($0 == seed, "\(k.name): seed") }
                #expect(try SigningKey(seed: seed).publicKey == vkey.publicKey)
            }
        }
    }

    /// Every proper substring `b[i..<j]` of `text` (0 ≤ i < j ≤ n, not the whole string)
    /// and every single-byte `+1` mutation.
    static func mutations(of text: String) -> [[UInt8]] {
        let b = Array(text.utf8)
        var out: [[UInt8]] = []
        for i in 0..<b.count {
            for j in (i + 1)...b.count where !(i == 0 && j == b.count) {
                out.append(Array(b[i..<j]))
            }
        }
        for i in 0..<b.count {
            var m = b
            m[i] &+= 1
            out.append(m)
        }
        return out
    }

    @Test("vkeyMutationRule: every proper substring and every single-byte +1 mutation is rejected")
    func vkeyMutations() throws {
        let base = try Self.load().vkeyMutationRule.baseVkey
        #expect(throws: Never.self) { try VerifierKey(parsing: base) }
        let cases = Self.mutations(of: base)
        let n = base.utf8.count
        #expect(cases.count == n * (n + 1) / 2 - 1 + n)
        var accepted: [String] = []
        for m in cases {
            // Mutations can leave UTF-8 (a byte +1 of ASCII stays ASCII here, but be safe).
            let text = String(decoding: m, as: UTF8.self)
            if (try? VerifierKey(parsing: text)) != nil { accepted.append(text) }
        }
        #expect(accepted.isEmpty, "accepted mutated vkeys: \(accepted.prefix(10))")
    }

    @Test("skeyMutationRule: every proper substring and every single-byte +1 mutation is rejected")
    func skeyMutations() throws {
        let base = try Self.load().skeyMutationRule.baseSkey
        #expect(throws: Never.self) { try NamedSigningKey(parsing: base) }
        var acceptedCount = 0
        var firstAccepted: String? = nil
        for m in Self.mutations(of: base) {
            let text = String(decoding: m, as: UTF8.self)
            if (try? NamedSigningKey(parsing: text)) != nil {
                acceptedCount += 1
                // Do not print key material: the index of the first accepted mutation is enough.
                if firstAccepted == nil { firstAccepted = "length \(m.count)" }
            }
        }
        #expect(acceptedCount == 0, "\(acceptedCount) mutated skeys accepted (first: \(firstAccepted ?? "-"))")
    }

    @Test("a generated key round-trips through vkey and skey text")
    func generatedRoundTrip() throws {
        // FORMAT.md §1: names of keys Assay signs with are printable ASCII (a DSSE keyid is).
        #expect(throws: CryptoError.self) { try NamedSigningKey(name: "ÜberLog", key: SigningKey()) }
        for name in ["assay.example/log", "witness-1", "Uber.Log_1~"] {
            let signer = try NamedSigningKey(name: name, key: SigningKey())
            let vkeyText = signer.verifierKey.description
            let vkey = try VerifierKey(parsing: vkeyText)
            #expect(vkey == signer.verifierKey)
            #expect(vkey.description == vkeyText)
            let again = try NamedSigningKey(parsing: signer.secretKeyText())
            #expect(again.name == signer.name)
            #expect(again.key.publicKey == signer.key.publicKey)
            #expect(again.keyID == signer.keyID)
            let msg = Array("same message".utf8)
            #expect(again.key.signature(for: msg) == signer.key.signature(for: msg), "Ed25519 is deterministic")
            #expect(vkey.publicKey.isValidSignature(again.key.signature(for: msg), for: msg))
        }
    }

    @Test("cosignature keys (type 0x04) get a different key id and round-trip")
    func cosignatureKeyType() throws {
        let key = try SigningKey(seed: [UInt8](repeating: 9, count: 32))
        let plain = try NamedSigningKey(name: "witness", key: key)
        let cosigner = try NamedSigningKey(name: "witness", key: key, type: .cosignatureV1)
        #expect(plain.keyID != cosigner.keyID)
        let idInput = Array("witness".utf8) + [0x0A, 0x04] + key.publicKey.rawRepresentation
        #expect(cosigner.keyID.bytes == Array(SHA256.hash(idInput).bytes.prefix(4)))
        let vkey = try VerifierKey(parsing: cosigner.verifierKey.description)
        #expect(vkey.type == .cosignatureV1)
        #expect(vkey == cosigner.verifierKey)
        let sk = try NamedSigningKey(parsing: cosigner.secretKeyText())
        #expect(sk.type == .cosignatureV1)
        #expect(sk.keyID == cosigner.keyID)
    }

    @Test("key names: no empty name, space or '+'")
    func names() throws {
        let key = SigningKey()
        for bad in ["", "a b", "a+b", "tab\there", "nl\n", "nbsp\u{00A0}"] {
            #expect(!isValidNoteKeyName(bad), "\(bad.debugDescription)")
            #expect(throws: CryptoError.self) { try NamedSigningKey(name: bad, key: key) }
            #expect(throws: CryptoError.self) { try VerifierKey(name: bad, publicKey: key.publicKey) }
        }
        for good in ["a", "example.com/log", "sum.golang.org", "ÜberLog"] {
            #expect(isValidNoteKeyName(good), "\(good)")
        }
    }
}

@Suite("Key references")
struct KeyReferenceTests {
    @Test("a key reference is name+8 hex digits, parsed and printed as one value")
    func roundTrip() throws {
        let key = try NamedSigningKey(name: "acme.example/operator", key: SigningKey(seed: [UInt8](repeating: 7, count: 32)))
        let ref = key.keyReference
        #expect(ref.description == key.verifierKey.reference)
        #expect(try KeyReference(parsing: ref.description) == ref)
        for bad in ["no-plus", "a+1234567", "a+123456789", "+12345678", "a+1234567g", "a+b+12345678"] {
            #expect(throws: CryptoError.self) { try KeyReference(parsing: bad) }
        }
    }
}
