import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// C2SP signed notes and checkpoints against `checkpoint/signed_note_vectors.json`
/// (golang.org/x/mod sumdb/note, transparency-dev/formats, the C2SP specs).
@Suite("signed-note vectors")
struct SignedNoteVectorTests {
    struct File: Decodable {
        struct Key: Decodable {
            let name: String
            let vkey: String
            let skey: String?
        }
        struct Sig: Decodable, Equatable, CustomStringConvertible {
            let name: String
            let keyIdHex: String
            let base64: String
            var description: String { "\(name)+\(keyIdHex) \(base64.prefix(12))…" }
        }
        struct CheckpointBody: Decodable {
            let origin: String
            let size: UInt64
            let rootHashBase64: String
        }
        struct Expect: Decodable {
            let ok: Bool
            let text: String?
            let verifiedSigs: [Sig]?
            let unverifiedSigs: [Sig]?
            let error: String?
            let checkpoint: CheckpointBody?
        }
        struct OpenCase: Decodable {
            let desc: String
            let noteBase64: String
            let verifierKeys: [String]
            let expect: Expect
            let implementationSpecific: Bool?
            let parseOnly: Bool?
        }
        struct SignCase: Decodable {
            let desc: String
            let skey: String
            let text: String
            let expectNote: String?
            let expectError: String?
        }
        struct ParseCheckpointCase: Decodable {
            let desc: String
            let expectedOrigin: String
            let logVerifier: String
            let otherVerifiers: [String]
            let signers: [String]
            let note: String
            let expectError: Bool
            let expectVerifiedSigCount: Int
        }
        struct Cases<C: Decodable>: Decodable { let cases: [C] }
        let keys: [Key]
        let openCases: Cases<OpenCase>
        let signCases: [SignCase]
        let parseCheckpointCases: Cases<ParseCheckpointCase>
    }

    struct Fixture {
        let file: File
        let verifiers: [String: VerifierKey]
        let signers: [String: NamedSigningKey]

        init() throws {
            file = try Vectors.json(File.self, "checkpoint/signed_note_vectors.json")
            var v: [String: VerifierKey] = [:], s: [String: NamedSigningKey] = [:]
            for k in file.keys {
                v[k.name] = try VerifierKey(parsing: k.vkey)
                if let skey = k.skey { s[k.name] = try NamedSigningKey(parsing: skey) }
            }
            verifiers = v
            signers = s
        }

        func verifier(_ name: String) throws -> VerifierKey {
            guard let v = verifiers[name] else { throw VectorsError("no key named \(name) in the vectors") }
            return v
        }

        func signer(_ name: String) throws -> NamedSigningKey {
            guard let s = signers[name] else { throw VectorsError("no private key named \(name) in the vectors") }
            return s
        }
    }

    static func sig(_ line: SignedNote.Line) -> File.Sig {
        File.Sig(name: line.name, keyIdHex: line.keyID.hex, base64: Data(line.keyID.bytes + line.signature).base64EncodedString())
    }

    /// The `LogError` code for an error string of the Go reference.
    static func code(forGoError text: String) -> LogError.Code? {
        if text.hasPrefix("malformed note") { return .malformedNote }
        if text == "note has no verifiable signatures" { return .noVerifiableSignature }
        if text.hasPrefix("invalid signature for key") { return .invalidSignature }
        if text.hasPrefix("ambiguous key") { return .ambiguousKey }
        return nil
    }

    static func open(_ bytes: [UInt8], _ verifiers: [VerifierKey]) -> (SignedNote?, Result<SignedNote.Opened, LogError>) {
        let note: SignedNote
        do throws(LogError) {
            note = try SignedNote(parsing: bytes)
        } catch {
            return (nil, .failure(error))
        }
        do throws(LogError) {
            return (note, .success(try note.open(verifiers: verifiers)))
        } catch {
            return (note, .failure(error))
        }
    }

    @Test("openCases: 23 notes give the expected text, verified and unverified signatures, or error")
    func openCases() throws {
        let fx = try Fixture()
        let cases = fx.file.openCases.cases
        #expect(cases.count == 23)
        for c in cases {
            let ctx = "open case “\(c.desc)”"
            let bytes = try Vectors.base64(c.noteBase64)
            let verifiers = try c.verifierKeys.map { try fx.verifier($0) }
            let (note, result) = Self.open(bytes, verifiers)
            if let text = c.expect.text {
                #expect(note?.text == text, "\(ctx): text")
            }
            if let cp = c.expect.checkpoint, let note {
                let body = try Checkpoint(parsing: note.text)
                #expect(body.origin == cp.origin && body.size == cp.size, "\(ctx): checkpoint body")
                #expect(Data(body.rootHash).base64EncodedString() == cp.rootHashBase64, "\(ctx): checkpoint root")
            }
            switch result {
            case .success(let opened):
                #expect(c.expect.ok, "\(ctx): opened, but the vector expects “\(c.expect.error ?? "")”")
                #expect(opened.verified.map(Self.sig) == (c.expect.verifiedSigs ?? []), "\(ctx): verified signatures")
                #expect(opened.unverified.map(Self.sig) == (c.expect.unverifiedSigs ?? []), "\(ctx): unverified signatures")
            case .failure(let error):
                #expect(!c.expect.ok, "\(ctx): rejected with \(error.code): \(error.message)")
                let want = c.expect.error.flatMap(Self.code(forGoError:))
                #expect(want != nil, "\(ctx): no LogError code for “\(c.expect.error ?? "nil")”")
                #expect(error.code == want, "\(ctx): error \(error.code) (\(error.message)), expected \(c.expect.error ?? "")")
                if error.code == .invalidSignature || error.code == .ambiguousKey {
                    #expect(error.message == c.expect.error, "\(ctx): message")
                }
                // Where the vector lists the unverified signatures of a rejected note, the
                // parsed note carries exactly those lines, none of them by a given verifier.
                if let unverified = c.expect.unverifiedSigs {
                    let parsed = try #require(note, "\(ctx): note did not parse")
                    var seen = Set<SignedNote.Line>()
                    let distinct = parsed.signatures.filter { seen.insert($0).inserted }
                    #expect(distinct.map(Self.sig) == unverified, "\(ctx): signature lines")
                    for line in distinct {
                        #expect(!verifiers.contains { $0.name == line.name && $0.keyID == line.keyID }, "\(ctx)")
                    }
                }
            }
        }
    }

    @Test("a parsed note serializes back to its exact bytes")
    func reserialize() throws {
        let fx = try Fixture()
        var count = 0
        for c in fx.file.openCases.cases {
            let bytes = try Vectors.base64(c.noteBase64)
            guard let note = try? SignedNote(parsing: bytes) else { continue }
            count += 1
            #expect(Array(note.serialized.utf8) == bytes, "“\(c.desc)”")
        }
        #expect(count >= 12)
    }

    @Test("signCases: deterministic signing reproduces the Go TestSign note; text without a final newline is rejected")
    func signCases() throws {
        let fx = try Fixture()
        #expect(fx.file.signCases.count == 2)
        for c in fx.file.signCases {
            let key = try NamedSigningKey(parsing: c.skey)
            if let want = c.expectNote {
                let note = try SignedNote.sign(text: c.text, keys: [key])
                #expect(note.serialized == want, "“\(c.desc)”")
                #expect(try SignedNote(parsing: Array(want.utf8)) == note)
                let opened = try note.open(verifiers: [key.verifierKey])
                #expect(opened.verified.count == 1)
            } else {
                #expect(c.expectError.flatMap(Self.code(forGoError:)) == .malformedNote)
                #expect(throws: LogError(.malformedNote, ""), "“\(c.desc)”") { try SignedNote.sign(text: c.text, keys: [key]) }
            }
        }
        let key = try fx.signer("PeterNeumann")
        #expect(throws: LogError(.malformedNote, "")) { try SignedNote.sign(text: "bell \u{07}\n", keys: [key]) }
    }

    /// The text of a note: everything before its last blank line, final newline included
    /// (the "no sigs" case has no signature line, so it does not parse as a note).
    static func noteText(_ note: String) -> String {
        guard let split = note.range(of: "\n\n", options: .backwards) else { return note }
        return String(note[..<split.lowerBound]) + "\n"
    }

    /// The outcome of the Go `log.ParseCheckpoint` rules, applied with Assay's pieces:
    /// open the note with the log key and the other verifiers; the log key must have signed;
    /// the body must be a checkpoint whose origin is the expected one.
    static func goParseCheckpoint(_ bytes: [UInt8], log: VerifierKey, others: [VerifierKey],
                                  origin: String) -> (error: Bool, verifiedCount: Int, body: Checkpoint?) {
        let (note, result) = open(bytes, [log] + others)
        guard let note, case .success(let opened) = result else { return (true, 0, nil) }
        let count = opened.verified.count
        let logSigned = opened.verified.contains { $0.name == log.name && $0.keyID == log.keyID }
        // These vectors' roots are 6 bytes ("abcdef"), so the body is parsed without the
        // 32-byte requirement Assay applies to its own checkpoints.
        guard let body = try? Checkpoint(parsing: note.text, requireSHA256: false) else { return (true, count, nil) }
        return (!logSigned || body.origin != origin, count, body)
    }

    @Test("parseCheckpointCases (11): Go ParseCheckpoint outcome and verified-signature count")
    func parseCheckpointCases() throws {
        let fx = try Fixture()
        let cases = fx.file.parseCheckpointCases.cases
        #expect(cases.count == 11)
        for c in cases {
            let ctx = "checkpoint case “\(c.desc)”"
            let log = try fx.verifier(c.logVerifier)
            let others = try c.otherVerifiers.map { try fx.verifier($0) }
            let bytes = Array(c.note.utf8)
            let got = Self.goParseCheckpoint(bytes, log: log, others: others, origin: c.expectedOrigin)
            #expect(got.error == c.expectError, "\(ctx): error \(got.error), expected \(c.expectError)")
            #expect(got.verifiedCount == c.expectVerifiedSigCount, "\(ctx): \(got.verifiedCount) verified signatures")

            // The collector materialised these notes by signing; our signer reproduces them.
            let text = Self.noteText(c.note)
            let keys = try c.signers.map { try fx.signer($0) }
            #expect(try SignedNote.sign(text: text, keys: keys).serialized == c.note, "\(ctx): signing reproduces the note")

            // SignedCheckpoint requires 32-byte SHA-256 roots, so it refuses every one of
            // these notes; the ones Go accepts fail on exactly that check.
            do throws(LogError) {
                _ = try SignedCheckpoint(parsing: bytes, logKey: log, origin: c.expectedOrigin, witnesses: others)
                Issue.record("\(ctx): SignedCheckpoint accepted a \(got.body?.rootHash.count ?? -1)-byte root")
            } catch {
                if !c.expectError { #expect(error.code == .malformedCheckpoint, "\(ctx): \(error.message)") }
            }
        }
    }

    /// The same 11 cases rebuilt with a 32-byte root, signed with the same published test
    /// keys, so SignedCheckpoint itself can be held to the Go outcomes.
    @Test("parseCheckpointCases with a 32-byte root: SignedCheckpoint gives the Go outcome and count")
    func parseCheckpointCasesSHA256() throws {
        let fx = try Fixture()
        let root = Merkle.leafHash(Array("assay".utf8))
        for c in fx.file.parseCheckpointCases.cases {
            let ctx = "checkpoint case “\(c.desc)” (32-byte root)"
            let log = try fx.verifier(c.logVerifier)
            let others = try c.otherVerifiers.map { try fx.verifier($0) }
            let original = Self.noteText(c.note)
            let text = original.replacingOccurrences(of: "\nYWJjZGVm\n", with: "\n\(root.base64)\n")
            let keys = try c.signers.map { try fx.signer($0) }
            let bytes = Array(try SignedNote.sign(text: text, keys: keys).serialized.utf8)
            let go = Self.goParseCheckpoint(bytes, log: log, others: others, origin: c.expectedOrigin)
            #expect(go.error == c.expectError && go.verifiedCount == c.expectVerifiedSigCount, "\(ctx): Go rules")
            let opened = Result { () throws(LogError) in
                try SignedCheckpoint(parsing: bytes, logKey: log, origin: c.expectedOrigin, witnesses: others)
            }
            switch opened {
            case .success(let cp):
                #expect(!c.expectError, "\(ctx): accepted")
                #expect(cp.verifiedSignatures.count == c.expectVerifiedSigCount, "\(ctx): verified count")
                #expect(try cp.checkpoint.root == root)
                #expect(cp.checkpoint.size == 42 && cp.checkpoint.origin == c.expectedOrigin)
                // Witness policy: the distinct witness cosignatures that verified.
                let witnesses = Set(cp.verifiedSignatures.filter { $0.name != log.name }.map(\.name)).count
                #expect(throws: Never.self, "\(ctx)") {
                    try SignedCheckpoint(parsing: bytes, logKey: log, origin: c.expectedOrigin, witnesses: others, witnessesNeeded: witnesses)
                }
                #expect(throws: LogError(.noVerifiableSignature, ""), "\(ctx)") {
                    try SignedCheckpoint(parsing: bytes, logKey: log, origin: c.expectedOrigin, witnesses: others, witnessesNeeded: witnesses + 1)
                }
            case .failure(let error):
                #expect(c.expectError, "\(ctx): rejected: \(error.message)")
            }
        }
    }
}
