import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

@Suite("DSSE canonical fast path")
struct EnvelopeFastPathTests {
    @Test("canonical bytes parse the same through the fast path and the JSON decoder")
    func sameResult() throws {
        var rng = SplitMix64(seed: 42)
        let key = try NamedSigningKey(name: "fast.example", key: SigningKey(seed: rng.bytes(32)))
        for n in [0, 1, 2, 3, 57, 1000] {
            let env = Envelope.sign(payload: rng.bytes(n), with: key)
            let bytes = env.canonicalJSON
            let fast = try #require(Envelope.parseCanonical(bytes))
            #expect(fast == env)
            #expect(try Envelope(json: bytes) == env)
            #expect(fast.isValidSignature(at: 0, by: key.key.publicKey))
        }
    }

    @Test("anything but the exact canonical layout falls back to the JSON decoder")
    func fallback() throws {
        let key = try NamedSigningKey(name: "fast.example", key: SigningKey(seed: [UInt8](repeating: 9, count: 32)))
        let env = Envelope.sign(payload: Array("{}".utf8), with: key)
        let canonical = String(decoding: env.canonicalJSON, as: UTF8.self)
        let variants = [
            canonical.replacingOccurrences(of: "\",\"payload\"", with: "\", \"payload\""),        // whitespace
            "{\"payload\":\"\(Base64.encode(env.payload))\",\"payloadType\":\"\(env.payloadType)\",\"signatures\":[{\"keyid\":\"\(env.signatures[0].keyID)\",\"sig\":\"\(Base64.encode(env.signatures[0].signature))\"}]}", // order
            canonical + "\n",                                                                        // trailing newline
            canonical.replacingOccurrences(of: "/", with: "\\/"),                                    // escaped slashes
        ]
        for v in variants {
            #expect(Envelope.parseCanonical(Array(v.utf8)) == nil, "\(v)")
            #expect(try Envelope(json: Array(v.utf8)) == env, "\(v)")
        }
        // Broken input is refused by both paths.
        #expect(Envelope.parseCanonical(Array(canonical.dropLast().utf8)) == nil)
        #expect(throws: CryptoError.self) { try Envelope(json: Array(canonical.dropLast().utf8)) }
    }
}
