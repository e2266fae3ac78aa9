import AssayTestSupport
import AssayCrypto
import Foundation
import Testing

@Suite("DSSE envelopes")
struct EnvelopeTests {
    static func signer(_ fill: UInt8 = 0x42, name: String = "test-signer") throws -> NamedSigningKey {
        try NamedSigningKey(name: name, key: SigningKey(seed: [UInt8](repeating: fill, count: 32)))
    }

    @Test("PAE golden vector from the DSSE v1 protocol specification")
    func paeGolden() {
        let pae = Envelope.pae(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(pae == Array("DSSEv1 29 http://example.com/HelloWorld 11 hello world".utf8))
    }

    @Test("PAE lengths are byte counts in ASCII decimal, not character counts")
    func paeLengths() {
        #expect(Envelope.pae(payloadType: "t", payload: []) == Array("DSSEv1 1 t 0 ".utf8))
        // "é" is two UTF-8 bytes; a 1000-byte payload has a four-digit length.
        let payload = [UInt8](repeating: 0x20, count: 1000)
        #expect(Envelope.pae(payloadType: "é", payload: payload) == Array("DSSEv1 2 é 1000 ".utf8) + payload)
    }

    @Test("sign → canonical JSON → parse gives an equal envelope whose signature verifies")
    func roundTrip() throws {
        let key = try Self.signer()
        let payload = Array(#"{"kind":"test","n":1}"#.utf8)
        let env = Envelope.sign(payload: payload, with: key)
        #expect(env.payloadType == Envelope.statementPayloadType)
        #expect(env.signatures.count == 1)
        #expect(env.signatures[0].keyID == "test-signer+\(key.keyID.hex)")
        // The signature covers exactly PAE(type, payload), built here independently.
        let pae = Array("DSSEv1 \(env.payloadType.utf8.count) \(env.payloadType) \(payload.count) ".utf8) + payload
        #expect(env.signedBytes == pae)
        #expect(key.key.publicKey.isValidSignature(rawSignature: env.signatures[0].signature, for: pae))
        #expect(env.isValidSignature(at: 0, by: key.key.publicKey))
        #expect(!env.isValidSignature(at: 1, by: key.key.publicKey))
        #expect(!env.isValidSignature(at: -1, by: key.key.publicKey))
        #expect(!env.isValidSignature(at: 0, by: try Self.signer(0x43).key.publicKey))

        let json = env.canonicalJSON
        let expectedJSON = "{\"payloadType\":\"\(env.payloadType)\",\"payload\":\"\(Data(payload).base64EncodedString())\","
            + "\"signatures\":[{\"keyid\":\"test-signer+\(key.keyID.hex)\",\"sig\":\"\(Data(env.signatures[0].signature).base64EncodedString())\"}]}"
        #expect(String(decoding: json, as: UTF8.self) == expectedJSON)
        let parsed = try Envelope(json: json)
        #expect(parsed == env)
        #expect(parsed.canonicalJSON == json)
        #expect(parsed.isValidSignature(at: 0, by: key.key.publicKey))
    }

    @Test("a tampered payload, payload type or signature does not verify")
    func tamper() throws {
        let key = try Self.signer()
        let env = Envelope.sign(payload: Array("payload".utf8), payloadType: "application/x-test", with: key)
        let pk = key.key.publicKey
        #expect(env.isValidSignature(at: 0, by: pk))
        let otherPayload = Envelope(payloadType: env.payloadType, payload: Array("payloaD".utf8), signatures: env.signatures)
        #expect(!otherPayload.isValidSignature(at: 0, by: pk))
        let otherType = Envelope(payloadType: "application/x-tesT", payload: env.payload, signatures: env.signatures)
        #expect(!otherType.isValidSignature(at: 0, by: pk))
        for i in 0..<64 {
            var sig = env.signatures[0].signature
            sig[i] ^= 0x01
            let bad = Envelope(payloadType: env.payloadType, payload: env.payload,
                               signatures: [EnvelopeSignature(keyID: env.signatures[0].keyID, signature: sig)])
            #expect(!bad.isValidSignature(at: 0, by: pk), "signature byte \(i) flipped")
        }
    }

    @Test("random payloads round-trip (seeded)")
    func randomRoundTrips() throws {
        let seed: UInt64 = 0xD55E_0001
        var rng = SplitMix64(seed: seed)
        let key = try Self.signer(0x07, name: "example.com/signer")
        for round in 0..<200 {
            let payload = rng.bytes(Int.random(in: 0...300, using: &rng))
            let env = Envelope.sign(payload: payload, with: key)
            let parsed = try Envelope(json: env.canonicalJSON)
            #expect(parsed == env, "seed \(seed) round \(round)")
            #expect(parsed.isValidSignature(at: 0, by: key.key.publicKey), "seed \(seed) round \(round)")
        }
    }

    @Test("parsing accepts any JSON layout of the same envelope and re-emits the canonical bytes")
    func parseLayouts() throws {
        let key = try Self.signer()
        let env = Envelope.sign(payload: Array("x".utf8), with: key)
        let sig = Data(env.signatures[0].signature).base64EncodedString()
        let loose = """
            {
              "signatures": [ { "sig": "\(sig)", "keyid": "\(env.signatures[0].keyID)" } ],
              "payload": "eA==",
              "payloadType": "\(env.payloadType)"
            }
            """
        let parsed = try Envelope(json: Array(loose.utf8))
        #expect(parsed == env)
        #expect(parsed.canonicalJSON == env.canonicalJSON)
    }

    @Test("malformed envelopes are rejected with malformedEnvelope")
    func malformed() {
        let bad: [String] = [
            "",
            "not json",
            "[]",
            #"{"payload":"eA==","signatures":[{"keyid":"k","sig":"AA=="}]}"#,
            #"{"payloadType":"t","signatures":[{"keyid":"k","sig":"AA=="}]}"#,
            #"{"payloadType":"t","payload":"eA==","signatures":[]}"#,
            #"{"payloadType":"t","payload":"eA","signatures":[{"keyid":"k","sig":"AA=="}]}"#,
            #"{"payloadType":"t","payload":"eA==","signatures":[{"keyid":"k","sig":"A"}]}"#,
            #"{"payloadType":"","payload":"eA==","signatures":[{"keyid":"k","sig":"AA=="}]}"#,
            #"{"payloadType":"a b","payload":"eA==","signatures":[{"keyid":"k","sig":"AA=="}]}"#,
            #"{"payloadType":"t","payload":"eA==","signatures":[{"keyid":"k\"","sig":"AA=="}]}"#,
            #"{"payloadType":"t","payload":1,"signatures":[{"keyid":"k","sig":"AA=="}]}"#,
        ]
        for text in bad {
            #expect(throws: CryptoError(.malformedEnvelope, ""), "accepted: \(text)") { try Envelope(json: Array(text.utf8)) }
        }
    }
}
