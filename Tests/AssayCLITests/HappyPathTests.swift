import AssayReport
import AssayTestSupport
import Foundation
import Testing

/// A. The supplier → manufacturer → auditor flow, end to end, through the built executable.
@Suite("assay end to end")
struct HappyPathTests {
    @Test("init, register, sign offline, append, log, show, verify, checkpoint, prove, verify-proof, witness cosign")
    func endToEnd() throws {
        let flow = try EndToEnd()
        defer { flow.remove() }
        try flow.createLedger()
        try flow.registerParties()
        try flow.signOffline()
        try flow.appendThreeWays()
        try flow.readLog()
        try flow.show()
        try flow.verify()
        try flow.checkpoint()
        try flow.proveInclusion()
        try flow.witnessCosignsFirstCheckpoint()
        try flow.growAndProveConsistency()
        try flow.witnessCosignsGrownCheckpoint()
        try flow.requireWitnessCosignatures()
        try flow.verifyGrownLedger()
    }

    @Test("key generate: a 0600 secret key, a C2SP verifier key printed and written to .pub, no overwrite")
    func keyGenerate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let out = dir.file("k.key")
        let r = try assay("key", "generate", "--name", "example.com/party", "--out", out)
        expectSuccess(r)
        let vkey = r.stdout.trimmingCharacters(in: .newlines)
        let parts = vkey.split(separator: "+", maxSplits: 2).map(String.init)
        #expect(parts.count == 3 && parts[0] == "example.com/party")
        #expect(parts.count == 3 && parts[1].count == 8 && parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let raw = parts.count == 3 ? Data(base64Encoded: parts[2]).map { [UInt8]($0) } : nil
        #expect(raw?.count == 33 && raw?.first == 0x01, "base64(0x01 || 32-byte Ed25519 key)")
        if let raw, parts.count == 3 {
            // Key id = SHA-256(name || 0x0A || 0x01 || key)[:4] (C2SP signed-note).
            let id = TestSHA256.hash(Array(parts[0].utf8) + [0x0A] + raw).prefix(4)
            #expect(HexCodec.string(Array(id)) == parts[1], "the key id is derived as the signed-note spec defines")
        }
        #expect(try String(contentsOfFile: out + ".pub", encoding: .utf8) == vkey + "\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = try String(contentsOfFile: out, encoding: .utf8)
        #expect(secret.hasPrefix("PRIVATE+KEY+example.com/party+\(parts.count == 3 ? parts[1] : "")+"))
        #expect(!r.stdout.contains("PRIVATE"), "the secret key is never printed")

        let before = CLIHarness.sha256(file: out)
        let again = try assay("key", "generate", "--name", "example.com/party", "--out", out)
        expectRefusal(again, mentioning: ["already exists"])
        #expect(CLIHarness.sha256(file: out) == before)

        let witness = try assay("key", "generate", "--name", "witness.example", "--out", dir.file("w.key"), "--witness")
        expectSuccess(witness)
        let wraw = witness.stdout.split(separator: "+", maxSplits: 2).last.flatMap { Data(base64Encoded: String($0.dropLast())) }
        #expect(wraw?.first == 0x04, "a witness key has signature type 0x04 (cosignature/v1)")

        let badName = try assay("key", "generate", "--name", "has space", "--out", dir.file("x.key"))
        expectRefusal(badName, mentioning: ["key name"])
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.key")))
    }

    @Test("keys whose base64 contains '+' sign, register, checkpoint and verify like any other")
    func keysWithPlusInBase64() throws {
        // Regression: note keys were once split at every '+', so about half of all keys failed.
        let ws = try Workspace.base()
        defer { ws.remove() }
        var found: (key: String, vkey: String)? = nil
        for i in 0..<64 where found == nil {
            let out = ws.file("plus\(i).key")
            let r = try assay("key", "generate", "--name", "plus.example/p\(i)", "--out", out)
            guard r.exitCode == 0 else { continue }
            let secret = try ws.text(out).trimmingCharacters(in: .newlines)
            let vkey = r.stdout.trimmingCharacters(in: .newlines)
            let secretB64 = secret.split(separator: "+", maxSplits: 4).last.map(String.init) ?? ""
            let publicB64 = vkey.split(separator: "+", maxSplits: 2).last.map(String.init) ?? ""
            if secretB64.contains("+") && publicB64.contains("+") { found = (out, vkey) }
        }
        let key = try #require(found, "no key with '+' in both halves in 64 tries")
        let reg = try assay("register", "--ledger", ws.ledger, "--key", ws.key(.operator),
                            "--party-id", "https://id.gs1.org/417/4000000000020", "--legal-name", "Plus GmbH",
                            "--role", "supplier", "--public-key", key.key + ".pub")
        expectSuccess(reg)
        let st = try ws.write("plus.json", Statements.event(42))
        let signed = try assay("sign", "--key", key.key, st)
        expectSuccess(signed)
        let appended = try assay("append", "--ledger", ws.ledger, try ws.write("plus.dsse.json", signed.stdout))
        expectSuccess(appended)
        let verified = try assay("verify", "--ledger", ws.ledger)
        expectSuccess(verified)
        #expect(verified.stdout.hasPrefix("OK: 10 entries, 4 signers, "), "\(verified)")
    }

    @Test("sign reads the statement from standard input, writes --out, and needs no ledger")
    func signFromStdin() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let statement = Statements.event(7, action: "repaired")
        let out = ws.file("out.dsse.json")
        let r = try assay("sign", "--key", ws.key(.manufacturer), "--out", out, "-", stdin: Array(statement.utf8))
        expectSuccess(r)
        #expect(r.stdout.isEmpty)
        let env = try EnvelopeParts(try ws.read(out))
        #expect(env.payload == Array(statement.utf8))
        #expect(env.keyID == ws.ref(.manufacturer))
        #expect(!FileManager.default.fileExists(atPath: ws.ledger), "signing touches no ledger")
    }

    @Test("sign refuses a statement that is not a valid statement kind, naming the field")
    func signRefusesInvalidStatement() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let missingAction = try ws.write("bad.json",
            "{\"type\":\"GenericEvent\",\"subject\":\"x\",\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}")
        expectRefusal(try assay("sign", "--key", ws.key(.supplier), missingAction), mentioning: ["action"])
        let unknownKind = try ws.write("kind.json", "{\"type\":\"Teleportation\"}")
        expectRefusal(try assay("sign", "--key", ws.key(.supplier), unknownKind), mentioning: ["Teleportation"])
        let notJSON = try ws.write("nj.json", "type: GenericEvent")
        let r = try assay("sign", "--key", ws.key(.supplier), notJSON)
        expectRefusal(r, mentioning: [notJSON])
    }

    /// Inclusion proofs at the edges RFC 6962 names: the first leaf, the last leaf, a
    /// power-of-two tree (8) and a tree that is not (11).
    @Test("inclusion proofs at the edges verify", arguments: [(0, 8), (3, 8), (7, 8), (0, 11), (7, 11), (8, 11), (10, 11)])
    func inclusionEdges(seq: Int, size: Int) throws {
        let ws = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let proof = try assay("prove", "inclusion", "--ledger", ws.ledger, "--seq", "\(seq)", "--size", "\(size)")
        expectSuccess(proof)
        let path = try dir.write("p.txt", proof.stdout)
        let ok = try assay("verify-proof", "--log-key", ws.pub(.operator), path)
        expectSuccess(ok)
        #expect(ok.stdout.hasPrefix("OK: entry \(seq) ") && ok.stdout.contains("at tree size \(size),"), "\(ok)")
    }

    @Test("consistency proofs between equal sizes are empty and verify")
    func consistencyEqualSizes() throws {
        let ws = try SharedFixtures.provedWorkspace()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for size in ["8", "11"] {
            let proof = try assay("prove", "consistency", "--ledger", ws.ledger, "--from", size, "--to", size)
            expectSuccess(proof)
            #expect(proof.stdout == "assay/consistency-proof@v1\nold \(size)\nnew \(size)\n")
            let cp = ws.file("cp\(size).txt")
            let ok = try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", cp, "--new", cp, try dir.write("c.txt", proof.stdout))
            expectSuccess(ok)
        }
    }

    @Test("a one-entry ledger: checkpoint of size 1, inclusion of entry 0 with an empty path")
    func singleEntryLedger() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
        let cp = try ws.checkpoint(as: "cp1.txt")
        let proof = try assay("prove", "inclusion", "--ledger", ws.ledger, "--seq", "0")
        expectSuccess(proof)
        #expect(proof.stdout.contains("\nindex 0\n\n"), "a tree of one leaf has an empty audit path\n\(proof)")
        let ok = try assay("verify-proof", "--log-key", ws.pub(.operator), try ws.write("p.txt", proof.stdout))
        expectSuccess(ok)
        #expect(ok.stdout.hasPrefix("OK: entry 0 (LedgerGenesis signed by \(ws.ref(.operator)))"), "\(ok)")
        let cons = try assay("prove", "consistency", "--ledger", ws.ledger, "--from", "1", "--to", "1")
        expectSuccess(cons)
        let okCons = try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", cp, "--new", cp, try ws.write("c.txt", cons.stdout))
        expectSuccess(okCons)
        let verified = try assay("verify", "--ledger", ws.ledger)
        expectSuccess(verified)
        #expect(verified.stdout.hasPrefix("OK: 1 entries, 1 signers, 1 checkpoints, "), "\(verified)")
    }

    @Test("a padded envelope of exactly the size limit (368640 bytes) is accepted and stored canonically")
    func envelopeAtTheLimit() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let env = try ws.read(try ws.sign(Statements.event(9), by: .supplier, as: "e.dsse.json"))
        let padded = env + [UInt8](repeating: 0x20, count: 368_640 - env.count)
        #expect(padded.count == 368_640)
        let r = try assay("append", "--ledger", ws.ledger, try ws.write("limit.dsse.json", bytes: padded))
        expectSuccess(r)
        #expect(r.stdoutLines == ["appended seq 8 GenericEvent by \(ws.ref(.supplier))"])
        let stored = try LedgerSQL(path: ws.ledger).rows().last
        #expect(stored?.envelope == (try EnvelopeParts(env)).canonical)
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
    }
}

/// The stages of `HappyPathTests.endToEnd()`: one workspace (every actor's keys, the ledger, the files
/// written along the way) and the values a later stage checks against. The stages build on each other
/// and must run in the order they are declared here.
final class EndToEnd {
    /// Every actor's keys, and the ledger once `createLedger()` has run.
    let ws: Workspace
    /// The ledger's path.
    let L: String
    /// The key references (`name+keyid`) of the supplier, the manufacturer and the operator.
    let sup: String, man: String, op: String

    // Set by `signOffline()`.
    /// The statement the supplier signed offline.
    private var statement = ""
    /// That statement's envelope, canonical, as `sign` printed it.
    private var canonicalEnvelope: [UInt8] = []
    /// The file holding that envelope.
    private var envelopeFile = ""

    // Set by `appendThreeWays()`.
    /// The JSON objects `append --batch - --json` printed for seq 6 and 7.
    private var appendedViaStdin: [[String: Any]] = []

    // Set by `readLog()` and `verify()`.
    /// The ledger's stored rows (seq 0…7).
    private var rows: [StoredRow] = []
    /// The leaf hashes of seq 0…7, recomputed from the documented layout.
    private var leaves: [[UInt8]] = []
    /// The Merkle root of those 8 leaves, in hex.
    private var root8 = ""

    // Set by `checkpoint()` and `witnessCosignsFirstCheckpoint()`.
    /// The size-8 checkpoint note, its lines, and the file holding it.
    private var cp8Note = "", cp8Lines: [String] = [], cp8 = ""
    /// The witness's state file, and the file holding the witness-cosigned size-8 checkpoint.
    private var state = "", cp8w = ""

    // Set by `growAndProveConsistency()` and `witnessCosignsGrownCheckpoint()`.
    /// The size-11 checkpoint note and the file holding it.
    private var cp11Note = "", cp11 = ""
    /// The file holding the text consistency proof 8 → 11.
    private var consPath = ""
    /// The witness-cosigned size-11 checkpoint note and the file holding it.
    private var cp11wNote = "", cp11w = ""

    init() throws {
        ws = try Workspace.keysOnly()
        L = ws.ledger
        sup = ws.ref(.supplier)
        man = ws.ref(.manufacturer)
        op = ws.ref(.operator)
    }

    /// Deletes the workspace.
    func remove() { ws.remove() }

    /// The operator creates the ledger: `init` names the origin and the operator's key and writes the file.
    func createLedger() throws {
        let created = try assay("init", "--ledger", L, "--key", ws.key(.operator), "--origin", testOrigin)
        expectSuccess(created)
        #expect(created.stdout.contains("origin \(testOrigin)"), "\(created)")
        #expect(created.stdout.contains(op), "\(created)")
        #expect(FileManager.default.fileExists(atPath: L))
    }

    /// The operator registers two parties, the supplier (seq 1) and the manufacturer (seq 2).
    func registerParties() throws {
        let regS = try assay("register", "--ledger", L, "--key", ws.key(.operator),
                             "--party-id", "https://id.gs1.org/417/4012345000009", "--legal-name", "Anna Components GmbH",
                             "--role", "supplier", "--public-key", ws.pub(.supplier))
        expectSuccess(regS)
        #expect(regS.stdout.contains(sup) && regS.stdout.contains("at seq 1"), "\(regS)")
        let regM = try assay("register", "--ledger", L, "--key", ws.key(.operator),
                             "--party-id", "https://id.gs1.org/417/4098765000003", "--legal-name", "Bob Makers AG",
                             "--role", "manufacturer", "--public-key", ws.pub(.manufacturer))
        expectSuccess(regM)
        #expect(regM.stdout.contains(man) && regM.stdout.contains("at seq 2"), "\(regM)")
    }

    /// The supplier signs offline: the envelope's payload is exactly the statement's bytes, printed canonically.
    func signOffline() throws {
        statement = Statements.event(1)
        let stPath = try ws.write("sn1.json", statement)
        let signed = try assay("sign", "--key", ws.key(.supplier), stPath)
        expectSuccess(signed)
        let env = try EnvelopeParts(signed.stdoutBytes)
        #expect(env.payload == Array(statement.utf8))
        #expect(env.keyID == sup)
        #expect(env.payloadType == "application/vnd.assay.statement.v1+json")
        #expect(env.signature.count == 64)
        #expect(signed.stdoutBytes == env.canonical + [0x0A], "sign prints the canonical envelope and a newline")
        canonicalEnvelope = env.canonical
        envelopeFile = try ws.write("sn1.dsse.json", signed.stdout)
    }

    /// The manufacturer appends three ways: one file (seq 3), a JSON-lines batch file (4, 5), a batch on stdin (6, 7).
    func appendThreeWays() throws {
        let one = try assay("append", "--ledger", L, envelopeFile)
        expectSuccess(one)
        #expect(one.stdoutLines == ["appended seq 3 GenericEvent by \(sup)"])

        let e2 = try ws.sign(Statements.event(2), by: .supplier, as: "sn2.dsse.json")
        let e3 = try ws.sign(Statements.event(3, action: "assembled"), by: .manufacturer, as: "sn3.dsse.json")
        let batch = try ws.write("batch.jsonl", try ws.text(e2) + ws.text(e3))
        let two = try assay("append", "--ledger", L, "--batch", batch)
        expectSuccess(two)
        #expect(two.stdoutLines == ["appended seq 4 GenericEvent by \(sup)", "appended seq 5 GenericEvent by \(man)"])

        let e4 = try ws.sign(Statements.event(4), by: .supplier, as: "sn4.dsse.json")
        let e5 = try ws.sign(Statements.event(5, action: "shipped"), by: .manufacturer, as: "sn5.dsse.json")
        let viaStdin = try assay("append", "--ledger", L, "--batch", "-", "--json", stdin: try ws.read(e4) + ws.read(e5))
        expectSuccess(viaStdin)
        appendedViaStdin = try viaStdin.stdoutLines.map { try jsonObject($0) }
        #expect(appendedViaStdin.map { $0["seq"] as? Int } == [6, 7])
        #expect(appendedViaStdin.map { $0["kind"] as? String } == ["GenericEvent", "GenericEvent"])
        #expect(appendedViaStdin.map { $0["signer"] as? String } == [sup, man])
    }

    /// `log` as text, as JSON (checked against the stored rows and recomputed leaf and chain hashes), and paged.
    func readLog() throws {
        // Text: seq, time, kind, signer, short hash, tab-separated.
        let log = try assay("log", "--ledger", L)
        expectSuccess(log)
        let kinds = ["LedgerGenesis", "PartyRegistration", "PartyRegistration"] + Array(repeating: "GenericEvent", count: 5)
        let signers = [op, op, op, sup, sup, man, sup, man]
        #expect(log.stdoutLines.count == 8, "\(log)")
        for (i, line) in log.stdoutLines.enumerated() where i < 8 {
            let f = line.split(separator: "\t").map(String.init)
            #expect(f.count == 5, "log line \(i): \(line)")
            guard f.count == 5 else { continue }
            #expect(f[0] == "\(i)")
            #expect(f[1].hasSuffix("Z") && f[1].count == 24, "RFC 3339 UTC time with milliseconds: \(f[1])")
            #expect(f[2] == kinds[i])
            #expect(f[3] == signers[i])
            #expect(f[4].count == 12 && f[4].allSatisfy(\.isHexDigit))
        }

        // JSON, checked against the stored rows and an independent recomputation of the
        // documented leaf and chain hashes.
        let logJSON = try assay("log", "--ledger", L, "--json")
        expectSuccess(logJSON)
        let entries = try logJSON.stdoutLines.map { try jsonObject($0) }
        rows = try LedgerSQL(path: L).rows()
        #expect(entries.count == 8 && rows.count == 8)
        var previous = [UInt8](repeating: 0, count: 32)
        leaves = []
        for (row, entry) in zip(rows, entries) {
            let leaf = RecordFormat.leafHash(seq: row.seq, time: row.appendedAt, envelope: row.envelope)
            let chain = RecordFormat.chainHash(previous: previous, leaf: leaf)
            #expect(leaf == row.leafHash, "leaf hash of seq \(row.seq) follows the documented layout")
            #expect(chain == row.chainHash, "chain hash of seq \(row.seq) follows the documented layout")
            #expect(entry["leafHash"] as? String == HexCodec.string(leaf))
            #expect(entry["seq"] as? Int == Int(row.seq))
            #expect(entry["kind"] as? String == row.kind)
            #expect(entry["signer"] as? String == row.signer)
            previous = chain
            leaves.append(leaf)
        }
        #expect(appendedViaStdin.map { $0["leafHash"] as? String } == [HexCodec.string(leaves[6]), HexCodec.string(leaves[7])])
        #expect(rows[3].envelope == canonicalEnvelope, "the ledger stores the envelope as signed, canonical")

        let page = try assay("log", "--ledger", L, "--from", "3", "--limit", "2")
        expectSuccess(page)
        #expect(page.stdoutLines.map { $0.split(separator: "\t").first.map(String.init) } == ["3", "4"])
    }

    /// `show` prints one entry, as text (seq 3) and as JSON (seq 5), with its hashes, statement and envelope.
    func show() throws {
        let show = try assay("show", "--ledger", L, "3")
        expectSuccess(show)
        #expect(show.stdout.contains("seq:        3\n"))
        #expect(show.stdout.contains("kind:       GenericEvent\n"))
        #expect(show.stdout.contains("signer:     \(sup)\n"))
        #expect(show.stdout.contains("leaf hash:  \(HexCodec.string(leaves[3]))\n"))
        #expect(show.stdout.contains("chain hash: \(HexCodec.string(rows[3].chainHash))\n"))
        #expect(show.stdout.contains("statement:  \(statement)\n"))
        let showJSON = try assay("show", "--ledger", L, "5", "--json")
        expectSuccess(showJSON)
        let shown = try jsonObject(showJSON.stdout)
        #expect(shown["seq"] as? Int == 5)
        #expect(shown["signer"] as? String == man)
        #expect(shown["chainHash"] as? String == HexCodec.string(rows[5].chainHash))
        #expect((shown["statement"] as? [String: Any])?["action"] as? String == "assembled")
        #expect(((shown["envelope"] as? [String: Any])?["signatures"] as? [[String: Any]])?.first?["keyid"] as? String == man)
    }

    /// `verify` exits 0 with a one-line summary whose head and root match an independent computation.
    func verify() throws {
        root8 = HexCodec.string(RecordFormat.root(leaves))
        let verified = try assay("verify", "--ledger", L)
        expectSuccess(verified)
        let head = HexCodec.string(rows[7].chainHash)
        #expect(verified.stdoutLines == ["OK: 8 entries, 3 signers, 0 checkpoints, head \(head), root \(root8) (assay \(AssayVersion.current))"])
        let report = try VerifyReport(try assay("verify", "--ledger", L, "--json"))
        #expect(report.ok && report.entries == 8 && report.failureSeq == nil)
        #expect(report.root == root8)
    }

    /// `checkpoint` signs a C2SP note (origin, size, root, chain head, subject index root, one
    /// signature), stored once and returned again.
    func checkpoint() throws {
        let cp = try assay("checkpoint", "--ledger", L, "--key", ws.key(.operator))
        expectSuccess(cp)
        cp8Note = cp.stdout
        cp8Lines = cp.stdoutLines
        #expect(cp8Lines.count == 7, "\(cp)")
        if cp8Lines.count == 7 {
            #expect(cp8Lines[0] == testOrigin)
            #expect(cp8Lines[1] == "8")
            #expect(cp8Lines[2] == Data(RecordFormat.root(leaves)).base64EncodedString())
            #expect(cp8Lines[3] == "assay-chain-head " + Data(rows[7].chainHash).base64EncodedString())
            // The subject index root (FORMAT.md §13): the canonical base64 of 32 bytes.
            let index = cp8Lines[4].hasPrefix("assay-subject-index ") ? String(cp8Lines[4].dropFirst("assay-subject-index ".count)) : ""
            #expect(Data(base64Encoded: index).map { $0.count == 32 && $0.base64EncodedString() == index } == true, "\(cp8Lines[4])")
            #expect(cp8Lines[5] == "")
            #expect(cp8Lines[6].hasPrefix("— \(Actor.operator.keyName) "))
        }
        cp8 = try ws.write("cp8.txt", cp8Note)
        let latest = try assay("checkpoint", "--ledger", L, "--latest")
        expectSuccess(latest)
        #expect(latest.stdout == cp8Note)
        let again = try assay("checkpoint", "--ledger", L, "--key", ws.key(.operator))
        expectSuccess(again)
        #expect(again.stdout == cp8Note, "no growth: the stored checkpoint is returned, not a second one")
        let withCheckpoint = try assay("verify", "--ledger", L)
        expectSuccess(withCheckpoint)
        #expect(withCheckpoint.stdout.hasPrefix("OK: 8 entries, 3 signers, 1 checkpoints, "), "\(withCheckpoint)")
    }

    /// `prove inclusion` (text, then JSON) of seq 3, and `verify-proof` checks it offline with the log key only.
    func proveInclusion() throws {
        let inc = try assay("prove", "inclusion", "--ledger", L, "--seq", "3")
        expectSuccess(inc)
        #expect(inc.stdout.hasPrefix("c2sp.org/tlog-proof@v1\nextra "))
        #expect(inc.stdout.contains("\nindex 3\n"))
        #expect(try ProofFiles.checkpoint(of: inc.stdout) == cp8Note)
        let incPath = try ws.write("inc3.txt", inc.stdout)
        let ok1 = try assay("verify-proof", "--log-key", ws.pub(.operator), incPath)
        expectSuccess(ok1)
        #expect(ok1.stdoutLines == ["OK: entry 3 (GenericEvent signed by \(sup)) is included in \(testOrigin) at tree size 8, root \(root8) "
                                    + "(log signature and 0 witness cosignature(s) verified)"])
        let okString = try assay("verify-proof", "--log-key", ws.vkey(.operator), incPath)
        expectSuccess(okString)

        let incJSON = try assay("prove", "inclusion", "--ledger", L, "--seq", "3", "--json")
        expectSuccess(incJSON)
        let incObj = try jsonObject(incJSON.stdout)
        #expect(incObj["type"] as? String == "inclusion")
        #expect(incObj["index"] as? Int == 3 && incObj["treeSize"] as? Int == 8)
        #expect(incObj["leafHash"] as? String == HexCodec.string(leaves[3]))
        #expect(incObj["checkpoint"] as? String == cp8Note)
        let ok2 = try assay("verify-proof", "--log-key", ws.pub(.operator), try ws.write("inc3.json", incJSON.stdout))
        expectSuccess(ok2)
        #expect(ok2.stdout.hasPrefix("OK: entry 3 "))
    }

    /// A witness is configured for the log and cosigns the first checkpoint (it has no earlier state).
    func witnessCosignsFirstCheckpoint() throws {
        state = ws.file("witness-state")
        expectSuccess(try assay("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator)))
        let w1 = try assay("witness", "cosign", "--checkpoint", cp8, "--log-key", ws.pub(.operator),
                           "--key", ws.key(.witness), "--state", state)
        expectSuccess(w1)
        #expect(w1.stdout.hasPrefix(cp8Note), "the cosigned note keeps the log's text and signature")
        #expect(w1.stdoutLines.last?.hasPrefix("— \(Actor.witness.keyName) ") == true, "\(w1)")
        #expect(w1.stdoutLines.count == cp8Lines.count + 1)
        cp8w = try ws.write("cp8w.txt", w1.stdout)
    }

    /// The ledger grows to 11; a second checkpoint; a consistency proof 8 → 11 verifies (text and JSON).
    func growAndProveConsistency() throws {
        try ws.appendEvents(3, from: 6)
        let cp11r = try assay("checkpoint", "--ledger", L, "--key", ws.key(.operator))
        expectSuccess(cp11r)
        #expect(cp11r.stdoutLines.dropFirst().first == "11")
        cp11Note = cp11r.stdout
        cp11 = try ws.write("cp11.txt", cp11Note)
        let cons = try assay("prove", "consistency", "--ledger", L, "--from", "8")
        expectSuccess(cons)
        #expect(cons.stdout.hasPrefix("assay/consistency-proof@v1\nold 8\nnew 11\n"), "\(cons)")
        consPath = try ws.write("cons.txt", cons.stdout)
        let okCons = try assay("verify-proof", "--log-key", ws.pub(.operator), "--old", cp8, "--new", cp11, consPath)
        expectSuccess(okCons)
        let root11 = try ProofFiles.rootAndSize(ofNote: cp11Note).rootHex
        #expect(okCons.stdoutLines == ["OK: \(testOrigin) at size 11 (root \(root11)) extends size 8 (root \(root8))"])
        let consJSON = try assay("prove", "consistency", "--ledger", L, "--from", "8", "--to", "11", "--json")
        expectSuccess(consJSON)
        let consObj = try jsonObject(consJSON.stdout)
        #expect(consObj["oldCheckpoint"] as? String == cp8Note && consObj["newCheckpoint"] as? String == cp11Note)
        let okConsJSON = try assay("verify-proof", "--log-key", ws.pub(.operator), try ws.write("cons.json", consJSON.stdout))
        expectSuccess(okConsJSON)
        #expect(okConsJSON.stdout == okCons.stdout)
    }

    /// The witness cosigns the grown checkpoint, given the consistency proof (the log key from its configuration).
    func witnessCosignsGrownCheckpoint() throws {
        let w2 = try assay("witness", "cosign", "--checkpoint", cp11, // the log key comes from the witness's configuration
                           "--key", ws.key(.witness), "--state", state, "--proof", consPath)
        expectSuccess(w2)
        #expect(w2.stdout.hasPrefix(cp11Note))
        #expect(w2.stdoutLines.last?.hasPrefix("— \(Actor.witness.keyName) ") == true)
        cp11wNote = w2.stdout
        cp11w = try ws.write("cp11w.txt", cp11wNote)
    }

    /// Policy "log key plus 1 of these witnesses": cosigned checkpoints pass, bare ones and a wrong witness fail.
    func requireWitnessCosignatures() throws {
        let inc9 = try assay("prove", "inclusion", "--ledger", L, "--seq", "9")
        expectSuccess(inc9)
        let inc9w = try ws.write("inc9w.txt", try ProofFiles.replacingCheckpoint(in: inc9.stdout, with: cp11wNote))
        let inc9bare = try ws.write("inc9.txt", inc9.stdout)
        let okWitnessed = try assay("verify-proof", "--log-key", ws.pub(.operator), "--witness-key", ws.pub(.witness),
                                    "--witnesses-needed", "1", inc9w)
        expectSuccess(okWitnessed)
        #expect(okWitnessed.stdout.hasPrefix("OK: entry 9 (GenericEvent signed by \(sup)) is included in \(testOrigin) at tree size 11"),
                "\(okWitnessed)")
        #expect(okWitnessed.stdout.contains("1 witness cosignature(s) verified"))
        let unwitnessed = try assay("verify-proof", "--log-key", ws.pub(.operator), "--witness-key", ws.pub(.witness),
                                    "--witnesses-needed", "1", inc9bare)
        expectRefusal(unwitnessed, exit: 1, mentioning: ["witness", "needs 1"])
        let wrongWitness = try assay("verify-proof", "--log-key", ws.pub(.operator), "--witness-key", ws.pub(.witness2),
                                     "--witnesses-needed", "1", inc9w)
        expectRefusal(wrongWitness, exit: 1, mentioning: ["witness"])
        let consWitnessed = try assay("verify-proof", "--log-key", ws.pub(.operator), "--witness-key", ws.pub(.witness),
                                      "--witnesses-needed", "1", "--old", cp8w, "--new", cp11w, consPath)
        expectSuccess(consWitnessed)
        let consBare = try assay("verify-proof", "--log-key", ws.pub(.operator), "--witness-key", ws.pub(.witness),
                                 "--witnesses-needed", "1", "--old", cp8, "--new", cp11w, consPath)
        expectRefusal(consBare, exit: 1, mentioning: ["witness"])
    }

    /// The whole ledger, two checkpoints included, still verifies.
    func verifyGrownLedger() throws {
        let final = try assay("verify", "--ledger", L)
        expectSuccess(final)
        #expect(final.stdout.hasPrefix("OK: 11 entries, 3 signers, 2 checkpoints, "), "\(final)")
    }
}

/// Parses one JSON object.
func jsonObject(_ text: String) throws -> [String: Any] {
    guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw CLIHarnessError("not a JSON object: \(text.prefix(300))")
    }
    return o
}
