import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// Issue 12 §9: a secret key is read with core dumps off, into buffers that are wiped; no copy
/// of the key file's text stays in the process's memory.
@Suite("secret key hygiene in the running process")
struct SecretHygieneTests {
    /// The base64 part of a key file (after the fourth `+`), without its newline.
    static func secretPart(_ keyFile: String) throws -> String {
        let text = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5 else { throw CLIHarnessError("not a key file") }
        return String(parts[4])
    }

    /// Runs the hidden hook: loads `key`, then counts copies of `needle` in its own writable memory
    /// (given only a prefix and the SHA-256, so the hook's arguments are no copy of it).
    static func processCheck(_ key: String, needle: String, prefixLength: Int = 12, env: [String: String] = [:]) throws -> CLIResult {
        try CLIHarness.assay(["key", "process-check", "--key", key, "--needle-prefix", String(needle.prefix(prefixLength)),
                              "--needle-length", String(needle.utf8.count), "--needle-sha256", TestSHA256.hex(Array(needle.utf8))])
    }

    /// `dumpable 0 core-limit 0 copies N` from the hook's output.
    static func fields(_ r: CLIResult) -> [String: String] {
        let words = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
        var out: [String: String] = [:]
        var i = 2
        while i + 1 < words.count { out[words[i]] = words[i + 1]; i += 2 }
        return out
    }

    @Test("after a key is loaded the process is not dumpable, its core limit is 0, and the key text is nowhere in its memory")
    func loadedKeyLeavesNoCopies() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        for actor in [Actor.operator, .witness] {
            let needle = try Self.secretPart(ws.key(actor))
            let r = try Self.processCheck(ws.key(actor), needle: needle)
            expectSuccess(r)
            let f = Self.fields(r)
            #expect(f["dumpable"] == "0", "\(r)")
            #expect(f["core-limit"] == "0", "\(r)")
            #expect(f["copies"] == "0", "copies of the key file's base64 left in memory\n\(r)")
        }
    }

    @Test("the memory scan does find text that is in memory (the hook's own argument)")
    func scanFindsWhatIsThere() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let needle = try Self.secretPart(ws.key(.supplier))
        // Looking for the prefix itself: the argument vector holds it, so the count is at least 1.
        let r = try Self.processCheck(ws.key(.supplier), needle: String(needle.prefix(12)))
        expectSuccess(r)
        #expect(Int(Self.fields(r)["copies"] ?? "") ?? 0 >= 1, "\(r)")
    }

    @Test("an encrypted key: loaded with its passphrase, not dumpable, its file buffer wiped (no copy of the sealed text left)")
    func encryptedKey() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("sealed.key")
        let gen = try CLIHarness.run(executable: "/usr/bin/env", ["ASSAY_PASSPHRASE=correct horse", try CLIHarness.assayExecutable(),
                                                                   "key", "generate", "--name", "sealed.example/k", "--out", path, "--encrypt"])
        #expect(gen.exitCode == 0, "\(gen)")
        let needle = try Self.secretPart(path)
        let r = try CLIHarness.run(executable: "/usr/bin/env", ["ASSAY_PASSPHRASE=correct horse", try CLIHarness.assayExecutable(),
                                                                 "key", "process-check", "--key", path, "--needle-prefix", String(needle.prefix(12)),
                                                                 "--needle-length", String(needle.utf8.count),
                                                                 "--needle-sha256", TestSHA256.hex(Array(needle.utf8))])
        #expect(r.exitCode == 0, "\(r)")
        #expect(Self.fields(r)["dumpable"] == "0", "\(r)")
        #expect(Self.fields(r)["copies"] == "0", "\(r)")
    }
}

/// The zeroing buffer and the in-place decoding the key loader relies on.
@Suite("SecretBytes and in-place base64")
struct SecretBytesTests {
    @Test("wipe zeroes the whole buffer and empties it")
    func wipeZeroes() {
        let s = SecretBytes(copying: Array(repeating: UInt8(0xA5), count: 64))
        #expect(s.count == 64)
        #expect(s.withUnsafeBytes { $0.allSatisfy { $0 == 0xA5 } })
        s.wipe()
        #expect(s.isWiped)
    }

    @Test("a key parsed from SecretBytes equals the one parsed from text, and leaves the input for the caller to wipe")
    func parseFromSecretBytes() throws {
        let key = try NamedSigningKey(name: "t.example/k", key: SigningKey(seed: Array(repeating: 7, count: 32)))
        let text = key.secretKeyText()
        let file = SecretBytes(copying: Array((text + "\n").utf8))
        let parsed = try NamedSigningKey(parsing: file)
        #expect(parsed.verifierKey == key.verifierKey)
        file.wipe()
        #expect(file.isWiped)
        // Trailing white space is accepted from a file; the text API stays strict.
        #expect(throws: CryptoError.self) { try NamedSigningKey(parsing: text + "\n") }
    }

    @Test("Base64.decode(utf8:into:) agrees with the array decoder and refuses what it refuses")
    func inPlaceBase64() {
        for text in ["", "Zg==", "Zm8=", "Zm9v", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=", "Zg=", "Zh==", "Z===", "Zm9v\n"] {
            let expected = Base64.decode(text)
            var t = text
            let got: [UInt8]? = t.withUTF8 { s in
                var out = [UInt8](repeating: 0, count: 64)
                let n = out.withUnsafeMutableBufferPointer { Base64.decode(utf8: s, into: $0) }
                return n.map { Array(out[0..<$0]) }
            }
            #expect(got == expected, "\(text)")
        }
    }
}
