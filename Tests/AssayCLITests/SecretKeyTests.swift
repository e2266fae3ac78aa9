import AssayTestSupport
import Foundation
import Testing

/// Issue 7, "Keys and secrets": 0600 from the start, refused when readable by others,
/// optionally encrypted with a passphrase that is never an argument, and never printed.
@Suite("secret keys")
struct SecretKeyTests {
    /// Runs assay with extra environment variables.
    func assayEnv(_ env: [String: String], _ args: [String], stdin: [UInt8]? = nil) throws -> CLIResult {
        try CLIHarness.run(executable: "/usr/bin/env", env.map { "\($0.key)=\($0.value)" } + [try CLIHarness.assayExecutable()] + args,
                           stdin: stdin ?? [])
    }

    /// The secret parts of a key file: the base64 field and the raw seed bytes' hex.
    func secrets(of keyFile: String) throws -> [String] {
        let text = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let b64 = String(text.split(separator: "+", maxSplits: 4)[4])
        let raw = [UInt8](Data(base64Encoded: b64) ?? Data())
        return [b64, String(b64.prefix(16)), HexCodec.string(Array(raw.dropFirst().prefix(32)))]
    }

    @Test("a generated secret key is 0600 and never appears in any output, log or error")
    func neverPrinted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = dir.file("op.key")
        var outputs: [CLIResult] = []
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["key", "generate", "--name", "op.example", "--out", key]))
        let attrs = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let ledger = dir.file("l.assay")
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["init", "--ledger", ledger, "--key", key, "--origin", "t.example/l"]))
        let stmt = try dir.write("s.json", Statements.event(1))
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["sign", "--key", key, stmt]))
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["checkpoint", "--ledger", ledger, "--key", key]))
        // Errors that involve the key file: a bad statement, a key used as the wrong kind of file.
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["sign", "--key", key, key]))
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["verify-proof", "--log-key", key, stmt]))
        outputs.append(try assayEnv(["ASSAY_LOG": "trace"], ["append", "--ledger", ledger, key]))
        #expect(outputs.prefix(4).allSatisfy { $0.exitCode == 0 }, "\(outputs)")
        #expect(outputs.suffix(3).allSatisfy { $0.exitCode == 2 }, "\(outputs.suffix(3))")
        for secret in try secrets(of: key) {
            for r in outputs {
                #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "secret material printed by \(r.command)")
            }
        }
    }

    @Test("a key file readable by group or others is refused, and nothing is signed")
    func openPermissions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = dir.file("k.key")
        _ = try assay("key", "generate", "--name", "k.example", "--out", key)
        for mode in [0o640, 0o604, 0o644, 0o666] {
            chmod(key, mode_t(mode))
            let r = try assay("sign", "--key", key, try dir.write("s.json", Statements.event(2)))
            #expect(r.exitCode == 2 && r.stdout.isEmpty, "\(r)")
            #expect(r.stderr.contains("open permissions") && r.stderrLines.count == 1, "\(r)")
        }
    }

    @Test("an encrypted key works with the right passphrase from the environment, and fails cleanly otherwise")
    func encrypted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = dir.file("e.key")
        let gen = try assayEnv(["ASSAY_PASSPHRASE": "correct horse"], ["key", "generate", "--name", "enc.example", "--out", key, "--encrypt"])
        #expect(gen.exitCode == 0, "\(gen)")
        let text = try String(contentsOfFile: key, encoding: .utf8)
        #expect(text.hasPrefix("ENCRYPTED+KEY+enc.example+"))
        let stmt = try dir.write("s.json", Statements.event(3))
        let ok = try assayEnv(["ASSAY_PASSPHRASE": "correct horse"], ["sign", "--key", key, stmt])
        #expect(ok.exitCode == 0 && ok.stdout.contains("\"sig\""), "\(ok)")
        let wrong = try assayEnv(["ASSAY_PASSPHRASE": "wrong"], ["sign", "--key", key, stmt])
        #expect(wrong.exitCode == 2 && wrong.stdout.isEmpty && wrong.stderr.contains("wrong passphrase"), "\(wrong)")
        #expect(!wrong.stderr.contains("correct horse") && !ok.stderr.contains("correct horse"))
        // The signature verifies under the public key written beside the encrypted file.
        let ledger = dir.file("l.assay")
        let op = dir.file("op.key")
        _ = try assay("key", "generate", "--name", "op.example", "--out", op)
        _ = try assay("init", "--ledger", ledger, "--key", op, "--origin", "t.example/l")
        _ = try assay("register", "--ledger", ledger, "--key", op, "--party-id", "urn:example:party:enc",
                      "--legal-name", "Enc", "--role", "supplier", "--public-key", key + ".pub")
        let env = try dir.write("e.dsse", ok.stdoutBytes)
        let app = try assay("append", "--ledger", ledger, env)
        #expect(app.exitCode == 0, "\(app)")
    }

    @Test("no passphrase available: a one-line error, not a hang")
    func noPassphrase() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let key = dir.file("e.key")
        _ = try assayEnv(["ASSAY_PASSPHRASE": "pw"], ["key", "generate", "--name", "enc.example", "--out", key, "--encrypt"])
        let r = try CLIHarness.run(executable: "/usr/bin/setsid", ["-w", try CLIHarness.assayExecutable(), "sign", "--key", key, try dir.write("s.json", Statements.event(4))], stdin: [])
        #expect(r.exitedNormally && r.exitCode == 2, "\(r)")
        #expect(r.stderr.contains("ASSAY_PASSPHRASE"), "\(r)")
    }
}
