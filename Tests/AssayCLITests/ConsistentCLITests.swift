import AssayReport
import AssayTestSupport
import Foundation
import Testing

/// Issue 14: one CLI a new user can predict. Every command that reports a result takes
/// `--json` and prints parseable JSON; `--ledger` and `--key` default to `ASSAY_LEDGER` and
/// `ASSAY_KEY` (a flag wins); `--version`; one error style; clear messages for a public key
/// given as a secret key, a malformed `--log-key` and EPCIS XML; shell completions.
@Suite("a consistent CLI: --json everywhere, environment defaults, version, errors, completions")
struct ConsistentCLITests {
    /// A command that reports a result, with what it needs set up in a copy of the base workspace.
    struct JSONCase: CustomTestStringConvertible, Sendable {
        let name: String
        /// Prepares the workspace and returns the arguments (without `--json`).
        let arguments: @Sendable (Workspace) throws -> [String]
        var testDescription: String { name }
    }

    /// Signs a checkpoint, then returns `args`.
    static func afterCheckpoint(_ ws: Workspace, _ args: [String]) throws -> [String] {
        try ws.checkpoint(as: "cp.txt")
        return args
    }

    static let jsonCases: [JSONCase] = [
        JSONCase(name: "key generate") { ws in ["key", "generate", "--name", "new.example/k", "--out", ws.file("new.key")] },
        JSONCase(name: "init") { ws in ["init", "--ledger", ws.file("new.assay"), "--key", ws.key(.operator), "--origin", "new.example/l"] },
        JSONCase(name: "register") { ws in
            ["register", "--ledger", ws.ledger, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4000000000013",
             "--legal-name", "Eve Ltd", "--role", "supplier", "--public-key", ws.pub(.stranger)]
        },
        JSONCase(name: "revoke") { ws in
            ["revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.supplier), "--reason", "superseded"]
        },
        JSONCase(name: "append") { ws in
            ["append", "--ledger", ws.ledger, try ws.sign(Statements.event(70), by: .supplier, as: "e70.dsse.json")]
        },
        JSONCase(name: "log") { ws in ["log", "--ledger", ws.ledger] },
        JSONCase(name: "show") { ws in ["show", "--ledger", ws.ledger, "3"] },
        JSONCase(name: "verify") { ws in ["verify", "--ledger", ws.ledger] },
        JSONCase(name: "checkpoint") { ws in ["checkpoint", "--ledger", ws.ledger, "--key", ws.key(.operator)] },
        JSONCase(name: "checkpoint --latest") { ws in try afterCheckpoint(ws, ["checkpoint", "--ledger", ws.ledger, "--latest"]) },
        JSONCase(name: "prove inclusion") { ws in try afterCheckpoint(ws, ["prove", "inclusion", "--ledger", ws.ledger, "--seq", "3"]) },
        JSONCase(name: "prove consistency") { ws in try afterCheckpoint(ws, ["prove", "consistency", "--ledger", ws.ledger, "--from", "2"]) },
        JSONCase(name: "verify-proof") { ws in
            try ws.checkpoint(as: "cp.txt")
            let proof = try ws.write("inc.txt", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "3").stdout)
            return ["verify-proof", "--log-key", ws.pub(.operator), proof]
        },
        JSONCase(name: "statement check") { ws in
            ["statement", "check", try ws.write("ok.json", Statements.event(1)), try ws.write("bad.json", "{\"type\":\"GenericEvent\"}")]
        },
        JSONCase(name: "import epcis") { ws in
            let (event, context) = try ImportScopeTests.originEvent()
            return ["import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier),
                    try ws.write("doc.json", try ImportScopeTests.document([event], context: context))]
        },
        JSONCase(name: "witness add-log") { ws in
            ["witness", "add-log", "--state", ws.file("state"), "--origin", testOrigin, "--log-key", ws.pub(.operator)]
        },
        JSONCase(name: "sign") { ws in ["sign", "--key", ws.key(.supplier), try ws.write("st.json", Statements.event(71))] },
        JSONCase(name: "statement new") { _ in ["statement", "new", "ComponentOrigin"] },
        JSONCase(name: "graph") { ws in
            let cp = try ws.checkpoint(as: "cp.txt")
            _ = cp
            let bundle = ws.file("p.assay-bundle")
            try ws.must("export", "--ledger", ws.ledger, "--product", "https://id.gs1.org/01/04012345000016/21/SN1", "--out", bundle)
            return ["graph", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", testOrigin,
                    "--product", "https://id.gs1.org/01/04012345000016/21/SN1"]
        },
        JSONCase(name: "cosignatures add") { ws in
            let cp = try ws.checkpoint(as: "cp.txt")
            try ws.must("witness", "add-log", "--state", ws.file("state"), "--origin", testOrigin, "--log-key", ws.pub(.operator))
            let cosigned = try ws.write("cosigned.txt", try ws.must("witness", "cosign", "--state", ws.file("state"), "--checkpoint", cp,
                                                                    "--key", ws.key(.witness)).stdout)
            return ["cosignatures", "add", "--ledger", ws.ledger, cosigned]
        },
        JSONCase(name: "witness cosign") { ws in
            let cp = try ws.checkpoint(as: "cp.txt")
            try ws.must("witness", "add-log", "--state", ws.file("state"), "--origin", testOrigin, "--log-key", ws.pub(.operator))
            return ["witness", "cosign", "--state", ws.file("state"), "--checkpoint", cp, "--key", ws.key(.witness)]
        },
    ]

    @Test("every command that reports a result takes --json and prints JSON (one object, or one per line)", arguments: jsonCases)
    func json(_ c: JSONCase) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let r = try assay(try c.arguments(ws) + ["--json"])
        // statement check reports the invalid file in its JSON and still exits 2.
        #expect(r.exitCode == (c.name == "statement check" ? 2 : 0) && r.exitedNormally, "\(r)")
        #expect(!r.stdoutLines.isEmpty, "\(r)")
        for line in r.stdoutLines {
            let value = try? JSONSerialization.jsonObject(with: Data(line.utf8))
            #expect(value is [String: Any], "not a JSON object: \(line)\n\(r)")
        }
    }

    @Test("--ledger defaults to ASSAY_LEDGER and --key to ASSAY_KEY; a flag wins over the environment")
    func environmentDefaults() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let missing = ws.file("no-such.assay")
        // ASSAY_LEDGER alone.
        let viaEnv = try CLIHarness.assay(["log", "--json"], environment: ["ASSAY_LEDGER": ws.ledger])
        expectSuccess(viaEnv)
        #expect(viaEnv.stdoutLines.count == 8, "\(viaEnv)")
        let verify = try CLIHarness.assay(["verify"], environment: ["ASSAY_LEDGER": ws.ledger])
        expectSuccess(verify)
        // The flag wins: the environment names a file that does not exist.
        expectSuccess(try CLIHarness.assay(["log", "--ledger", ws.ledger], environment: ["ASSAY_LEDGER": missing]))
        #expect(try CLIHarness.assay(["log"], environment: ["ASSAY_LEDGER": missing]).exitCode == 2)
        // Neither: a usage error naming both ways.
        expectRefusal(try assay("log"), mentioning: ["--ledger", "ASSAY_LEDGER"])
        // ASSAY_KEY signs; --key wins over it.
        let statement = try ws.write("s.json", Statements.event(40))
        let bySupplier = try CLIHarness.assay(["sign", statement], environment: ["ASSAY_KEY": ws.key(.supplier)])
        expectSuccess(bySupplier)
        #expect(bySupplier.stdout.contains("\"keyid\":\"\(ws.ref(.supplier))\""), "\(bySupplier)")
        let byFlag = try CLIHarness.assay(["sign", "--key", ws.key(.manufacturer), statement], environment: ["ASSAY_KEY": ws.key(.supplier)])
        expectSuccess(byFlag)
        #expect(byFlag.stdout.contains("\"keyid\":\"\(ws.ref(.manufacturer))\""), "\(byFlag)")
        expectRefusal(try assay("sign", statement), mentioning: ["--key", "ASSAY_KEY"])
        // Both together: a checkpoint signed with neither flag.
        let cp = try CLIHarness.assay(["checkpoint", "--json"], environment: ["ASSAY_LEDGER": ws.ledger, "ASSAY_KEY": ws.key(.operator)])
        expectSuccess(cp)
        #expect(cp.stdout.contains("\"size\":8"), "\(cp)")
        // The help says so.
        let help = try assay("checkpoint", "--help")
        #expect(help.stdout.contains("ASSAY_LEDGER") && help.stdout.contains("ASSAY_KEY"), "\(help)")
    }

    @Test("--operator-key and --revoked-key still work, hidden, as aliases of --key and --public-key")
    func hiddenAliases() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        expectSuccess(try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--revoked-key", ws.pub(.manufacturer),
                                "--reason", "superseded"))
        expectSuccess(try assay("init", "--ledger", ws.file("other.assay"), "--operator-key", ws.key(.operator), "--origin", "other.example/l"))
        let help = try assay("init", "--help")
        #expect(!help.stdout.contains("--operator-key") && help.stdout.contains("--key"), "\(help)")
    }

    @Test("--version prints the version; verify's text and JSON carry it")
    func version() throws {
        let r = try assay("--version")
        expectSuccess(r)
        #expect(r.stdoutLines == [AssayVersion.current], "\(r)")
        let ws = try SharedFixtures.provedWorkspace()
        let text = try assay("verify", "--ledger", ws.ledger)
        #expect(text.stdout.hasSuffix("(assay \(AssayVersion.current))\n"), "\(text)")
        let json = try assay("verify", "--ledger", ws.ledger, "--json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdoutBytes)) as? [String: Any])
        #expect(object["assayVersion"] as? String == AssayVersion.current)
    }

    @Test("argument-parser's usage errors come in the one error style: one 'assay:' line, exit 2", arguments: [
        ["frobnicate"], ["key", "generate", "--name", "n"], ["show", "--ledger", "x.assay", "not-a-number"], ["log", "--no-such-flag"],
    ])
    func usageErrorStyle(_ arguments: [String]) throws {
        let r = try assay(arguments)
        expectRefusal(r, mentioning: [])
    }

    @Test("a public key given as a secret key is named as such, whatever its permissions")
    func publicKeyAsSecretKey() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let statement = try ws.write("s.json", Statements.event(1))
        for mode in [0o644, 0o600] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: ws.pub(.supplier))
            let r = try assay("sign", "--key", ws.pub(.supplier), statement)
            expectRefusal(r, mentioning: ["is a public key", "not a secret key", ws.ref(.supplier)])
            #expect(!r.stderr.contains("chmod"), "\(r)")
        }
        let ledger = ws.file("l.assay")
        expectRefusal(try assay("init", "--ledger", ledger, "--key", ws.pub(.operator), "--origin", testOrigin), mentioning: ["is a public key"])
        #expect(!FileManager.default.fileExists(atPath: ledger))
    }

    @Test("a malformed --log-key is refused (exit 2), a wrong one fails verification (exit 1)")
    func malformedLogKey() throws {
        let ws = try SharedFixtures.provedWorkspace()
        for bad in ["not-a-key", "acme.example/operator+12345678+AAAA"] {
            expectRefusal(try assay("verify-proof", "--log-key", bad, ws.file("inc3.txt")), mentioning: ["verifier key", bad])
            expectRefusal(try assay("verify", "--ledger", ws.ledger, "--log-key", bad), mentioning: ["verifier key"])
        }
        // verify --ledger checks the operator against --log-key rather than ignoring it.
        expectSuccess(try assay("verify", "--ledger", ws.ledger, "--log-key", ws.pub(.operator)))
        let wrong = try assay("verify", "--ledger", ws.ledger, "--log-key", ws.pub(.supplier))
        expectRefusal(wrong, exit: 1, mentioning: ["not by the --log-key \(ws.ref(.supplier))"])
    }

    @Test("EPCIS XML: import epcis refuses a malformed document naming the XML problem; statement check says where XML goes")
    func epcisXML() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let xml = try ws.write("doc.xml", "\u{FEFF}<?xml version=\"1.0\"?>\n<epcis:EPCISDocument schemaVersion=\"2.0\"/>\n")
        let before = try LedgerSnapshot.take(ws.ledger)
        // An undeclared namespace prefix: not namespace-well-formed XML.
        expectRefusal(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), xml), mentioning: ["XML"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        let check = try assay("statement", "check", xml)
        #expect(check.exitCode == 2, "\(check)")
        #expect(check.stdout.contains("INVALID") && check.stdout.contains("EPCIS XML is read by assay import epcis; a statement is JSON"), "\(check)")
        #expect(!check.stdout.contains("malformed JSON"), "\(check)")
    }

    @Test("shell completion scripts are generated", arguments: ["bash", "zsh", "fish"])
    func completions(_ shell: String) throws {
        let r = try assay("--generate-completion-script", shell)
        expectSuccess(r)
        #expect(r.stdout.contains("assay"), "\(r)")
        for name in ["verify-proof", "witness", "checkpoint"] {
            #expect(r.stdout.contains(name), "\(shell) completion lacks \(name)")
        }
    }
}
