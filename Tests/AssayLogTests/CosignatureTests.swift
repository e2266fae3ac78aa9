import AssayCrypto
import AssayLog
import Testing

/// c2sp.org/tlog-cosignature v1 (type 0x04): a witness signs
/// `"cosignature/v1\ntime <t>\n" + <checkpoint text>`; the note line carries
/// `key id (4) || timestamp (u64 big-endian) || Ed25519 signature (64)`.
@Suite("witness cosignatures")
struct CosignatureTests {
    struct Fixture {
        let log: NamedSigningKey
        let witness: NamedSigningKey
        let text: String
        let timestamp: UInt64 = 1_700_000_000
        let line: SignedNote.Line
        let note: SignedNote

        init() throws {
            log = try NamedSigningKey(name: "example.com/ledger", key: SigningKey(seed: [UInt8](repeating: 1, count: 32)))
            witness = try NamedSigningKey(name: "witness.example", key: SigningKey(seed: [UInt8](repeating: 2, count: 32)),
                                          type: .cosignatureV1)
            let root = Merkle.root(ofLeafHashes: (0..<5).map { Merkle.leafHash([UInt8($0)]) })
            text = Checkpoint(origin: "example.com/ledger", size: 5, rootHash: root, chainHead: .zero).text
            let signed = try SignedNote.sign(text: text, keys: [log])
            line = Cosignature.sign(checkpointText: text, timestamp: timestamp, key: witness)
            note = SignedNote(text: text, signatures: signed.signatures + [line])
        }

        var bytes: [UInt8] { Array(note.serialized.utf8) }

        func open(_ bytes: [UInt8], needed: Int = 1) throws(LogError) -> SignedCheckpoint {
            try SignedCheckpoint(parsing: bytes, logKey: log.verifierKey, origin: "example.com/ledger",
                                 witnesses: [witness.verifierKey], witnessesNeeded: needed)
        }
    }

    @Test("a cosignature line has the documented layout and signs the documented message")
    func layout() throws {
        let fx = try Fixture()
        #expect(fx.line.name == "witness.example")
        #expect(fx.line.keyID == fx.witness.keyID)
        #expect(fx.line.signature.count == 72)
        let ts = fx.timestamp
        #expect(Array(fx.line.signature[0..<8]) == (0..<8).map { UInt8(truncatingIfNeeded: ts >> (56 - 8 * UInt64($0))) })
        #expect(Cosignature.timestamp(of: fx.line) == ts)
        let message = Array("cosignature/v1\ntime 1700000000\n".utf8) + Array(fx.text.utf8)
        #expect(Cosignature.message(timestamp: ts, checkpointText: fx.text) == message)
        #expect(fx.witness.key.publicKey.isValidSignature(rawSignature: Array(fx.line.signature[8...]), for: message))
        // It is not a plain signature of the note text.
        #expect(!fx.witness.key.publicKey.isValidSignature(rawSignature: Array(fx.line.signature[8...]), for: Array(fx.text.utf8)))
    }

    @Test("a cosigned checkpoint opens with a cosignature/v1 verifier key and meets a one-witness policy")
    func opens() throws {
        let fx = try Fixture()
        let vkey = try VerifierKey(parsing: fx.witness.verifierKey.description)
        #expect(vkey.type == .cosignatureV1)
        let opened = try SignedNote(parsing: fx.bytes).open(verifiers: [fx.log.verifierKey, vkey])
        #expect(opened.verified.count == 2)
        #expect(opened.unverified.isEmpty)
        let cp = try fx.open(fx.bytes)
        #expect(cp.verifiedSignatures.count == 2)
        #expect(cp.checkpoint.size == 5)
        #expect(throws: LogError(.noVerifiableSignature, "")) { try fx.open(fx.bytes, needed: 2) }
        // An Ed25519 (type 0x01) key of the same name and public key has another key id, so
        // it does not match the cosignature line.
        let plain = try VerifierKey(name: "witness.example", publicKey: fx.witness.key.publicKey)
        #expect(plain.keyID != vkey.keyID)
        let asPlain = try SignedNote(parsing: fx.bytes).open(verifiers: [fx.log.verifierKey, plain])
        #expect(asPlain.verified.count == 1 && asPlain.unverified.count == 1)
    }

    @Test("flipping any byte of the cosignature (timestamp or signature) is rejected")
    func flippedCosignature() throws {
        let fx = try Fixture()
        for i in 0..<72 {
            var sig = fx.line.signature
            sig[i] ^= 0x01
            let bad = SignedNote(text: fx.text, signatures: [fx.note.signatures[0],
                                                              SignedNote.Line(name: fx.line.name, keyID: fx.line.keyID, signature: sig)])
            let bytes = Array(bad.serialized.utf8)
            #expect(throws: LogError(.invalidSignature, ""), "cosignature byte \(i)") { try fx.open(bytes) }
        }
        // The same cosignature on another checkpoint (re-signed by the log) does not verify.
        let other = fx.text.replacingOccurrences(of: "\n5\n", with: "\n6\n")
        let resigned = try SignedNote.sign(text: other, keys: [fx.log])
        let moved = SignedNote(text: other, signatures: resigned.signatures + [fx.line])
        #expect(throws: LogError(.invalidSignature, "")) { try fx.open(Array(moved.serialized.utf8)) }
    }

    @Test("flipping any bit of the serialized cosignature line is rejected by the one-witness policy")
    func flippedNoteBytes() throws {
        let fx = try Fixture()
        let bytes = fx.bytes
        #expect(throws: Never.self) { try fx.open(bytes) }
        let lineText = Array(fx.line.text.utf8)
        let start = bytes.count - lineText.count
        #expect(Array(bytes[start...]) == lineText)
        var checked = 0
        for i in start..<bytes.count {
            for bit in [0, 3, 6] {
                var b = bytes
                b[i] ^= UInt8(1) << UInt8(bit)
                checked += 1
                #expect((try? fx.open(b)) == nil, "byte \(i - start) bit \(bit) of the cosignature line")
            }
        }
        #expect(checked == lineText.count * 3)
    }
}
