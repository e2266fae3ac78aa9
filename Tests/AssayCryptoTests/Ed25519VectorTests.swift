import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// Ed25519 conformance against public vectors: Wycheproof (verification verdicts),
/// the SUPERCOP `sign.input` file (key derivation and deterministic signing) and
/// ed25519-speccheck (libsodium's strict edge-case behaviour).
@Suite("Ed25519 conformance vectors")
struct Ed25519VectorTests {
    // MARK: Wycheproof

    struct WycheproofFile: Decodable {
        struct Group: Decodable {
            struct Key: Decodable { let pk: String }
            struct Case: Decodable {
                let tcId: Int
                let comment: String
                let flags: [String]
                let msg: String
                let sig: String
                let result: String
            }
            let publicKey: Key
            let tests: [Case]
        }
        let algorithm: String
        let numberOfTests: Int
        let testGroups: [Group]
    }

    @Test("Wycheproof ed25519_test.json: every verdict matches (valid → accept, anything else → reject)")
    func wycheproof() throws {
        let file = try Vectors.json(WycheproofFile.self, "ed25519/wycheproof/ed25519_test.json")
        #expect(file.algorithm == "EDDSA")
        var total = 0, valid = 0, invalid = 0
        for group in file.testGroups {
            let pkBytes = try Vectors.hex(group.publicKey.pk)
            for c in group.tests {
                total += 1
                let msg = try Vectors.hex(c.msg)
                let sig = try Vectors.hex(c.sig)
                let expected = c.result == "valid"
                if expected { valid += 1 } else { invalid += 1 }
                let accepted: Bool
                do {
                    let key = try PublicKey(rawRepresentation: pkBytes)
                    accepted = key.isValidSignature(rawSignature: sig, for: msg)
                } catch {
                    // A key that is not 32 bytes cannot verify anything.
                    accepted = false
                }
                #expect(accepted == expected,
                        "Wycheproof tcId \(c.tcId) (\(c.result); flags \(c.flags); \(c.comment)): verify returned \(accepted)")
            }
        }
        #expect(total == 151, "Wycheproof case count")
        #expect(file.numberOfTests == total, "numberOfTests in the file disagrees with the cases counted")
        #expect(valid == 88 && invalid == 63, "expected 88 valid and 63 invalid cases, counted \(valid) and \(invalid)")
    }

    // MARK: ed25519-speccheck

    struct SpeccheckCase: Decodable {
        let message: String
        let pub_key: String
        let signature: String
    }

    struct SpeccheckExpected: Decodable {
        let resultsByLibrary: [String: [Bool]]
        let libsodiumExpected: [String: Bool]
    }

    @Test("ed25519-speccheck: libsodium's strict verifier accepts only case 3, as published")
    func speccheck() throws {
        let cases = try Vectors.json([SpeccheckCase].self, "ed25519/speccheck/cases.json")
        let expected = try Vectors.json(SpeccheckExpected.self, "ed25519/speccheck/expected_results.json")
        #expect(cases.count == 12)
        let row = try #require(expected.resultsByLibrary["LibSodium"], "no LibSodium row in expected_results.json")
        #expect(row.count == cases.count)
        var accepted: [Int] = []
        for (i, c) in cases.enumerated() {
            let want = try #require(expected.libsodiumExpected[String(i)] as Bool?, "no libsodium expectation for case \(i)")
            #expect(row[i] == want, "LibSodium row and libsodiumExpected disagree on case \(i)")
            let msg = try Vectors.hex(c.message)
            let sig = try Vectors.hex(c.signature)
            let key = try PublicKey(rawRepresentation: try Vectors.hex(c.pub_key))
            let ok = key.isValidSignature(rawSignature: sig, for: msg)
            if ok { accepted.append(i) }
            #expect(ok == want, "speccheck case \(i): verify returned \(ok), libsodium's published result is \(want)")
        }
        #expect(accepted == [3], "cases accepted: \(accepted)")
    }

    // MARK: SUPERCOP sign.input

    struct SignInputLine {
        let number: Int
        let seed: [UInt8]
        let secretPublicHalf: [UInt8]
        let publicKey: [UInt8]
        let message: [UInt8]
        let signature: [UInt8]
        let signedMessageTail: [UInt8]
    }

    static func signInputLines() throws -> [SignInputLine] {
        let text = try Vectors.text("ed25519/djb-sign-input/sign.input")
        var out: [SignInputLine] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 5, fields[4].isEmpty else {
                throw VectorsError("sign.input line \(i + 1) does not have the form sk:pk:msg:sig||msg:")
            }
            let sk = try Vectors.hex(String(fields[0]))
            let pk = try Vectors.hex(String(fields[1]))
            let msg = try Vectors.hex(String(fields[2]))
            let sm = try Vectors.hex(String(fields[3]))
            guard sk.count == 64, pk.count == 32, sm.count == 64 + msg.count else {
                throw VectorsError("sign.input line \(i + 1) has fields of the wrong length")
            }
            out.append(SignInputLine(number: i + 1, seed: Array(sk[0..<32]), secretPublicHalf: Array(sk[32...]),
                                     publicKey: pk, message: msg, signature: Array(sm[0..<64]),
                                     signedMessageTail: Array(sm[64...])))
        }
        return out
    }

    @Test("sign.input: all 1024 lines derive the public key, sign byte for byte and verify")
    func signInput() throws {
        let lines = try Self.signInputLines()
        #expect(lines.count == 1024)
        for line in lines {
            let key = try SigningKey(seed: line.seed)
            #expect(key.publicKey.rawRepresentation == line.publicKey, "line \(line.number): seed → public key")
            #expect(line.secretPublicHalf == line.publicKey, "line \(line.number): sk = seed ‖ pk")
            #expect(line.signedMessageTail == line.message, "line \(line.number): sig ‖ msg carries the message")
            let sig = key.signature(for: line.message)
            #expect(sig.rawRepresentation == line.signature, "line \(line.number): signature differs")
            let pk = try PublicKey(rawRepresentation: line.publicKey)
            #expect(pk.isValidSignature(rawSignature: line.signature, for: line.message), "line \(line.number): verify")
            // The same signature must not verify once one bit of it, or of the message, changes.
            var badSig = line.signature
            badSig[line.number % 64] ^= UInt8(1) << UInt8(line.number % 8)
            #expect(!pk.isValidSignature(rawSignature: badSig, for: line.message), "line \(line.number): flipped signature bit accepted")
            var badMsg = line.message
            if badMsg.isEmpty { badMsg = [0] } else { badMsg[line.number % badMsg.count] ^= 0x80 }
            #expect(!pk.isValidSignature(rawSignature: line.signature, for: badMsg), "line \(line.number): altered message accepted")
            key.withSeed { #expect($0 == line.seed, "line \(line.number): withSeed returns the seed") }
        }
    }

    @Test("the first sign.input lines are RFC 8032 §7.1 TEST 1–3")
    func rfc8032() throws {
        let lines = try Self.signInputLines()
        try #require(lines.count >= 3)
        // RFC 8032 §7.1: TEST 1 signs the empty message, TEST 2 the byte 0x72, TEST 3 the bytes af82.
        #expect(lines[0].message.isEmpty)
        #expect(lines[1].message == [0x72])
        #expect(lines[2].message == [0xaf, 0x82])
        #expect(lines[0].publicKey == (try Vectors.hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")))
    }

    @Test("signature and key lengths are checked")
    func lengths() throws {
        let key = try SigningKey(seed: [UInt8](repeating: 0x11, count: 32))
        let msg = Array("message".utf8)
        let sig = key.signature(for: msg).rawRepresentation
        #expect(key.publicKey.isValidSignature(rawSignature: sig, for: msg))
        #expect(!key.publicKey.isValidSignature(rawSignature: Array(sig.dropLast()), for: msg))
        #expect(!key.publicKey.isValidSignature(rawSignature: sig + [0], for: msg))
        #expect(!key.publicKey.isValidSignature(rawSignature: [], for: msg))
        #expect(throws: CryptoError(.malformedKey, "")) { try SigningKey(seed: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError(.malformedKey, "")) { try SigningKey(seed: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: CryptoError(.malformedKey, "")) { try PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError(.malformedSignature, "")) { try Signature(rawRepresentation: [UInt8](repeating: 1, count: 63)) }
        // Two fresh keys differ, and one does not verify the other's signature.
        let a = SigningKey(), b = SigningKey()
        #expect(a.publicKey != b.publicKey)
        #expect(!b.publicKey.isValidSignature(a.signature(for: msg), for: msg))
    }
}
