import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

@Suite("SHA-256, digests and encodings")
struct DigestTests {
    /// FIPS 180-2 appendix B known answers (also in NIST's SHAVS examples).
    static let knownAnswers: [(message: String, hex: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    @Test("SHA-256 FIPS 180-2 known answers, one-shot and incremental")
    func knownAnswers() throws {
        for (message, hex) in Self.knownAnswers {
            let bytes = Array(message.utf8)
            let want = try Vectors.hex(hex)
            #expect(SHA256.hash(bytes).bytes == want, "SHA-256(\"\(message)\")")
            var h = SHA256.Hasher256()
            for b in bytes { h.update(byte: b) }
            #expect(h.finalize().bytes == want, "byte-at-a-time SHA-256(\"\(message)\")")
        }
        // One million 'a' (FIPS 180-2 B.3), fed in uneven chunks.
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let want = try Vectors.hex("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hash(million).bytes == want)
        var h = SHA256.Hasher256()
        var i = 0, step = 1
        while i < million.count {
            let end = min(million.count, i + step)
            h.update(million[i..<end])
            i = end
            step = step * 3 % 9973 + 1
        }
        #expect(h.finalize().bytes == want)
    }

    @Test("hashing several parts equals hashing their concatenation")
    func parts() {
        let a = Array("hello ".utf8), b = [UInt8](), c = Array("world".utf8)
        #expect(SHA256.hash(a, b, c) == SHA256.hash(a + b + c))
        #expect(SHA256.hash(a, c) != SHA256.hash(c, a))
    }

    @Test("digests are exactly 32 bytes and round-trip through hex and base64")
    func digestCodec() throws {
        let d = SHA256.hash(Array("abc".utf8))
        #expect(d.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(try Digest(hex: d.hex) == d)
        #expect(try Digest(hex: d.hex.uppercased()) == d)
        #expect(try Digest(base64: d.base64) == d)
        #expect(d.base64 == Data(d.bytes).base64EncodedString())
        #expect(try Digest(bytes: d.bytes) == d)
        #expect(Digest.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(throws: CryptoError.self) { try Digest(bytes: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: CryptoError.self) { try Digest(bytes: [UInt8](repeating: 0, count: 33)) }
        #expect(throws: CryptoError.self) { try Digest(hex: String(d.hex.dropLast(2))) }
        #expect(throws: CryptoError.self) { try Digest(hex: String(d.hex.dropLast()) + "g") }
        #expect(throws: CryptoError.self) { try Digest(base64: "YmFuYW5hcw==") } // 7 bytes
    }

    @Test("base64 decoding is strict: padding, alphabet and canonical trailing bits")
    func strictBase64() {
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("YQ==") == [0x61])
        #expect(Base64.decode("YWI=") == [0x61, 0x62])
        #expect(Base64.decode("YQ") == nil, "missing padding")
        #expect(Base64.decode("YR==") == nil, "non-zero trailing bits")
        #expect(Base64.decode("YW I=") == nil, "whitespace")
        #expect(Base64.decode("YQ==\n") == nil, "trailing newline")
        #expect(Base64.decode("YW-_") == nil, "URL alphabet")
        #expect(Hex.decode("0aFf") == [0x0a, 0xff])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.encode([0x00, 0xab, 0xff]) == "00abff")
    }

    @Test("base64 decoding agrees with Foundation plus the canonical re-encoding rule, on random and mutated input")
    func base64AgainstReference() {
        /// The reference: Foundation's decoder, restricted to the exact text Foundation would write.
        func reference(_ text: String) -> [UInt8]? {
            guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else { return nil }
            return [UInt8](data)
        }
        var rng = SplitMix64(seed: 0xB64)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= -_\n".utf8)
        var accepted = 0, refused = 0
        for round in 0..<4000 {
            let bytes = rng.bytes(Int(rng.next() % 70))
            var text = Array(Data(bytes).base64EncodedString().utf8)
            #expect(Base64.decode(String(decoding: text, as: UTF8.self)) == bytes, "round trip of \(bytes.count) bytes")
            // Mutate one or two characters (or drop one) and compare with the reference.
            if !text.isEmpty {
                for _ in 0..<(1 + round % 2) {
                    let at = Int(rng.next() % UInt64(text.count))
                    if rng.next() % 5 == 0 { text.remove(at: at) } else { text[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                    if text.isEmpty { break }
                }
            }
            let mutated = String(decoding: text, as: UTF8.self)
            let got = Base64.decode(mutated)
            #expect(got == reference(mutated), "\(mutated)")
            if got == nil { refused += 1 } else { accepted += 1 }
        }
        // Both outcomes were exercised.
        #expect(accepted > 500 && refused > 500, "accepted \(accepted), refused \(refused)")
    }

    @Test("constant-time comparison")
    func constantTime() {
        #expect(constantTimeEquals([], []))
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        var secret: [UInt8] = [1, 2, 3, 4]
        secureZero(&secret)
        #expect(secret == [0, 0, 0, 0])
    }
}
