import AssayTestSupport
import Foundation
import Testing

/// B. Every bad input gives a one-line error on standard error, exit status 2, and leaves the
/// ledger byte-for-byte as it was (main file and WAL hashed before and after, and what
/// `assay log --json` lists compared).
@Suite("bad input is refused: one line, exit 2, ledger unchanged")
struct BadInputTests {
    /// Envelopes `append` must refuse.
    enum BadEnvelope: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case malformedJSON, emptyFile, notAnEnvelope, badSignature, alteredPayload, unknownSigner, revokedSigner
        case supplierWritesRegistration, manufacturerRevokesSupplier, secondGenesis, wrongPayloadType
        case twoSignatures, payloadNotAStatement, overSizeLimit

        var testDescription: String { rawValue }

        /// Writes the envelope (changing the ledger first where the case needs it, e.g. a
        /// revocation) and returns its path and what the error must mention.
        func prepare(_ ws: Workspace) throws -> (path: String, mentions: [String]) {
            let good = try ws.read(try ws.sign(Statements.event(50), by: .supplier, as: "good.dsse.json"))
            let name = "bad-\(rawValue).dsse.json"
            switch self {
            case .malformedJSON:
                let p = try ws.write(name, bytes: Array(good.prefix(good.count / 2)))
                return (p, [name, "not valid JSON"])
            case .emptyFile:
                return (try ws.write(name, ""), [name, "JSON"])
            case .notAnEnvelope:
                return (try ws.write(name, "{\"hello\":\"world\"}"), [name, "not a DSSE envelope"])
            case .badSignature:
                let p = try ws.write(name, bytes: try EnvelopeParts(good).flippingSignatureBit().canonical)
                return (p, [name, "signature", "does not verify"])
            case .alteredPayload:
                let p = try ws.write(name, bytes: try EnvelopeParts(good).alteringPayload().canonical)
                return (p, [name, "signature", "does not verify"])
            case .unknownSigner:
                let p = try ws.sign(Statements.event(51), by: .stranger, as: name)
                return (p, [name, ws.ref(.stranger), "not a registered key"])
            case .revokedSigner:
                try ws.must("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.supplier),
                            "--reason", "superseded")
                return (try ws.write(name, bytes: good), [name, ws.ref(.supplier), "revoked"])
            case .supplierWritesRegistration:
                let p = try ws.sign(Statements.registration(publicKey: ws.vkey(.stranger)), by: .supplier, as: name)
                return (p, [name, ws.ref(.supplier), "may not write PartyRegistration"])
            case .manufacturerRevokesSupplier:
                let p = try ws.sign(Statements.revocation(of: ws.ref(.supplier)), by: .manufacturer, as: name)
                return (p, [name, "may not revoke"])
            case .secondGenesis:
                let genesis = "{\"type\":\"LedgerGenesis\",\"origin\":\"\(testOrigin)\",\"operatorKey\":\"\(ws.vkey(.operator))\","
                    + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
                let p = try ws.sign(genesis, by: .operator, as: name)
                return (p, [name, "genesis"])
            case .wrongPayloadType:
                var e = try EnvelopeParts(good)
                e.payloadType = "text/plain"
                return (try ws.write(name, bytes: e.canonical), [name, "payloadType"])
            case .twoSignatures:
                let e = try EnvelopeParts(good)
                let sig = Data(e.signature).base64EncodedString()
                let json = "{\"payloadType\":\"\(e.payloadType)\",\"payload\":\"\(Data(e.payload).base64EncodedString())\","
                    + "\"signatures\":[{\"keyid\":\"\(e.keyID)\",\"sig\":\"\(sig)\"},{\"keyid\":\"\(e.keyID)\",\"sig\":\"\(sig)\"}]}"
                return (try ws.write(name, json), [name, "exactly one signature"])
            case .payloadNotAStatement:
                var e = try EnvelopeParts(good)
                e.payload = Array("{\"type\":\"Teleportation\"}".utf8)
                return (try ws.write(name, bytes: e.canonical), [name, "Teleportation"])
            case .overSizeLimit:
                let envelope = good.last == 0x0A ? Array(good.dropLast()) : good
                let padded = envelope + [UInt8](repeating: 0x20, count: 368_641 - envelope.count)
                return (try ws.write(name, bytes: padded), [name, "368641", "368640"])
            }
        }
    }

    @Test("append refuses the envelope", arguments: BadEnvelope.allCases)
    func appendRefuses(_ bad: BadEnvelope) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (path, mentions) = try bad.prepare(ws)
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("append", "--ledger", ws.ledger, path)
        expectRefusal(r, mentioning: mentions)
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
    }

    @Test("append refuses the envelope inside a batch on standard input, naming the line",
          arguments: [BadEnvelope.badSignature, .unknownSigner, .supplierWritesRegistration, .overSizeLimit, .malformedJSON])
    func batchRefuses(_ bad: BadEnvelope) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (path, mentions) = try bad.prepare(ws)
        let good = try ws.text(try ws.sign(Statements.event(60), by: .manufacturer, as: "ok.dsse.json"))
        let badLine = try ws.text(path).trimmingCharacters(in: .newlines)
        let input = good + badLine + "\n"
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("append", "--ledger", ws.ledger, "--batch", "-", stdin: Array(input.utf8))
        let fileName = (path as NSString).lastPathComponent
        expectRefusal(r, mentioning: mentions.filter { $0 != fileName } + ["stdin line 2"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
    }

    enum BatchSource: String, CaseIterable, Sendable { case file, stdin }

    @Test("a batch whose line 3 of 4 is bad appends nothing and names line 3", arguments: BatchSource.allCases)
    func batchLineThreeOfFour(_ source: BatchSource) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        var lines: [String] = []
        for n in 1...4 {
            let env = try ws.read(try ws.sign(Statements.event(70 + n), by: n % 2 == 0 ? .manufacturer : .supplier, as: "b\(n).dsse.json"))
            let bytes = n == 3 ? try EnvelopeParts(env).flippingSignatureBit().canonical : env
            lines.append(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .newlines))
        }
        let input = lines.joined(separator: "\n") + "\n"
        let before = try LedgerSnapshot.take(ws.ledger)
        let r: CLIResult
        switch source {
        case .file:
            let path = try ws.write("batch.jsonl", input)
            r = try assay("append", "--ledger", ws.ledger, "--batch", path)
            expectRefusal(r, mentioning: ["batch.jsonl line 3", "signature"])
        case .stdin:
            r = try assay("append", "--ledger", ws.ledger, "--batch", "-", stdin: Array(input.utf8))
            expectRefusal(r, mentioning: ["stdin line 3", "signature"])
        }
        #expect(try ws.entryCount() == 8, "nothing of the batch may be appended")
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
    }

    @Test("batch line numbers count blank lines; an empty batch and no input are refused")
    func batchLineNumbersAndEmptyBatches() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let good = try ws.text(try ws.sign(Statements.event(80), by: .supplier, as: "g.dsse.json")).trimmingCharacters(in: .newlines)
        let before = try LedgerSnapshot.take(ws.ledger)
        let withBlank = "\(good)\n\n   \n{not json\n"
        expectRefusal(try assay("append", "--ledger", ws.ledger, "--batch", "-", stdin: Array(withBlank.utf8)),
                      mentioning: ["stdin line 4"])
        expectRefusal(try assay("append", "--ledger", ws.ledger, "--batch", "-", stdin: Array("\n \n".utf8)),
                      mentioning: ["no envelopes"])
        expectRefusal(try assay("append", "--ledger", ws.ledger), mentioning: ["--batch"])
        let missing = ws.file("nope.dsse.json")
        expectRefusal(try assay("append", "--ledger", ws.ledger, missing), mentioning: [missing, "does not exist"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
    }

    /// Files that are not a usable ledger.
    enum BadLedger: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case missing, directory, textFile, emptyFile, plainSQLite, foreignApplicationID, futureSchemaVersion
        var testDescription: String { rawValue }

        /// Creates the file at `path` and returns what the error must mention.
        func create(at path: String, from ws: Workspace) throws -> [String] {
            switch self {
            case .missing:
                return [path, "does not exist"]
            case .directory:
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                return [path, "directory"]
            case .textFile:
                try ws.write((path as NSString).lastPathComponent, "these are my notes, not a ledger\n")
                return [path, "not an Assay ledger"]
            case .emptyFile:
                try ws.write((path as NSString).lastPathComponent, "")
                return [path, "not an Assay ledger"]
            case .plainSQLite:
                try LedgerSQL(path: path).exec("CREATE TABLE records(seq INTEGER PRIMARY KEY, x BLOB); INSERT INTO records VALUES (0, X'00');")
                return [path, "not an Assay ledger"]
            case .foreignApplicationID:
                try LedgerSQL(path: path).exec("PRAGMA application_id = 1234; CREATE TABLE t(x);")
                return [path, "not an Assay ledger"]
            case .futureSchemaVersion:
                try FileManager.default.copyItem(atPath: ws.ledger, toPath: path)
                try LedgerSQL(path: path).exec("PRAGMA user_version = 99;")
                return [path, "version 99"]
            }
        }
    }

    /// A command that needs a ledger, with the ledger path filled in.
    static let ledgerCommands: [String] = ["append", "verify", "log", "show", "checkpoint", "register", "prove"]

    static func arguments(_ command: String, ledger: String, ws: Workspace, envelope: String) -> [String] {
        switch command {
        case "append": ["append", "--ledger", ledger, envelope]
        case "verify": ["verify", "--ledger", ledger]
        case "log": ["log", "--ledger", ledger]
        case "show": ["show", "--ledger", ledger, "0"]
        case "checkpoint": ["checkpoint", "--ledger", ledger, "--key", ws.key(.operator)]
        case "register": ["register", "--ledger", ledger, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4000000000037",
                          "--legal-name", "Eve", "--role", "auditor", "--public-key", ws.pub(.stranger)]
        default: ["prove", "inclusion", "--ledger", ledger, "--seq", "0"]
        }
    }

    @Test("a missing, unreadable or foreign ledger file is refused and left alone",
          arguments: BadLedger.allCases, ledgerCommands)
    func badLedgerFile(_ bad: BadLedger, command: String) throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let path = ws.file("target.assay")
        let mentions = try bad.create(at: path, from: ws)
        let envelope = try ws.sign(Statements.event(90), by: .supplier, as: "e.dsse.json")
        // A WAL-mode ledger of another schema version gets SQLite's -wal/-shm side files when
        // opened at all; that is not a change to the ledger. Anything else must stay as it is.
        func listing() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: ws.path).filter {
                bad != .futureSchemaVersion || !($0.hasSuffix("-wal") || $0.hasSuffix("-shm"))
            }.sorted()
        }
        let filesBefore = try listing()
        let hash = CLIHarness.sha256(file: path)
        let r = try assay(Self.arguments(command, ledger: path, ws: ws, envelope: envelope))
        expectRefusal(r, mentioning: mentions)
        #expect(CLIHarness.sha256(file: path) == hash, "the file changed")
        #expect(try listing() == filesBefore,
                "no file may be created or removed (a missing ledger is not created, no -wal/-shm beside a foreign file)")
        if bad == .directory {
            #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty)
        }
    }

    @Test("a ledger file without read permission is refused (only meaningful when not run as root)",
          .enabled(if: getuid() != 0, "root reads files whatever their mode"))
    func unreadableLedger() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: ws.ledger)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: ws.ledger) }
        let hash = CLIHarness.sha256(file: ws.ledger)
        expectRefusal(try assay("verify", "--ledger", ws.ledger), mentioning: [ws.ledger, "not readable"])
        #expect(CLIHarness.sha256(file: ws.ledger) == hash)
    }

    @Test("init refuses to overwrite an existing ledger")
    func initRefusesOverwrite() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("init", "--ledger", ws.ledger, "--key", ws.key(.stranger), "--origin", "evil.example/ledger")
        expectRefusal(r, mentioning: [ws.ledger, "already exists"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
    }

    @Test("init refuses a witness key as operator key and an unusable origin, creating no file")
    func initRefusesBadArguments() throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        let attempts: [(key: Actor, origin: String, mention: String)] = [
            (.witness, testOrigin, "Ed25519"),
            (.operator, "", "origin"),
            (.operator, "two\nlines", "origin"),
            (.operator, String(repeating: "o", count: 256), "origin"),
        ]
        for a in attempts {
            let r = try assay("init", "--ledger", ws.ledger, "--key", ws.key(a.key), "--origin", a.origin)
            expectRefusal(r, mentioning: [a.mention])
            #expect(try FileManager.default.contentsOfDirectory(atPath: ws.path).filter { $0.hasPrefix("ledger.assay") }.isEmpty,
                    "no ledger file (nor -wal/-shm) may be left behind\n\(r)")
        }
    }

    @Test("sign refuses a secret key file readable by group or others", arguments: [0o644, 0o640, 0o604, 0o660, 0o666, 0o606])
    func signRefusesOpenKey(mode: Int) throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: ws.key(.supplier))
        let st = try ws.write("s.json", Statements.event(1))
        let out = ws.file("s.dsse.json")
        let r = try assay("sign", "--key", ws.key(.supplier), st)
        expectRefusal(r, mentioning: [ws.key(.supplier), "permissions", String(mode, radix: 8)])
        let toFile = try assay("sign", "--key", ws.key(.supplier), "--out", out, st)
        expectRefusal(toFile, mentioning: ["permissions"])
        #expect(!FileManager.default.fileExists(atPath: out), "no envelope may be written")
    }

    @Test("a secret key file readable by its owner only is accepted", arguments: [0o600, 0o400])
    func signAcceptsPrivateKey(mode: Int) throws {
        let ws = try Workspace.keysOnly()
        defer { ws.remove() }
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: ws.key(.supplier))
        expectSuccess(try assay("sign", "--key", ws.key(.supplier), try ws.write("s.json", Statements.event(1))))
    }

    @Test("ledger commands refuse an operator key with open permissions and leave the ledger unchanged")
    func ledgerCommandsRefuseOpenKey() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: ws.key(.operator))
        let before = try LedgerSnapshot.take(ws.ledger)
        let attempts: [[String]] = [
            ["register", "--ledger", ws.ledger, "--key", ws.key(.operator), "--party-id", "https://id.gs1.org/417/4000000000044",
             "--legal-name", "Eve", "--role", "supplier", "--public-key", ws.pub(.stranger)],
            ["revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.supplier), "--reason", "superseded"],
            ["checkpoint", "--ledger", ws.ledger, "--key", ws.key(.operator)],
        ]
        for args in attempts {
            expectRefusal(try assay(args), mentioning: [ws.key(.operator), "permissions"])
        }
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
        let fresh = ws.file("fresh.assay")
        expectRefusal(try assay("init", "--ledger", fresh, "--key", ws.key(.operator), "--origin", testOrigin),
                      mentioning: ["permissions"])
        #expect(!FileManager.default.fileExists(atPath: fresh), "init must not create a ledger")
    }

    @Test("register and revoke refuse bad arguments without touching the ledger")
    func registerAndRevokeRefuse() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let before = try LedgerSnapshot.take(ws.ledger)
        func register(_ extra: [String], key: String? = nil, pub: String? = nil) throws -> CLIResult {
            try assay(["register", "--ledger", ws.ledger, "--key", key ?? ws.key(.operator),
                       "--party-id", "https://id.gs1.org/417/4000000000051", "--legal-name", "Eve",
                       "--public-key", pub ?? ws.pub(.stranger)] + extra)
        }
        expectRefusal(try register(["--role", "wizard"]), mentioning: ["wizard"])
        expectRefusal(try register([]), mentioning: ["--role"])
        expectRefusal(try register(["--role", "operator"]), mentioning: ["operator"])
        expectRefusal(try register(["--role", "supplier"], pub: ws.pub(.witness)), mentioning: ["witness"])
        expectRefusal(try register(["--role", "supplier"], pub: ws.pub(.supplier)), mentioning: ["already registered"])
        expectRefusal(try register(["--role", "supplier"], key: ws.key(.supplier)), mentioning: ["may not write PartyRegistration"])
        expectRefusal(try register(["--role", "supplier"], pub: try ws.write("junk.pub", "not a key\n")), mentioning: ["junk.pub"])
        expectRefusal(try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.stranger),
                                "--reason", "superseded"), mentioning: ["not a registered key"])
        expectRefusal(try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.operator),
                                "--reason", "superseded"), mentioning: ["operator key cannot be revoked"])
        expectRefusal(try assay("revoke", "--ledger", ws.ledger, "--key", ws.key(.operator), "--public-key", ws.pub(.supplier),
                                "--reason", "boredom"), mentioning: ["boredom"])
        expectRefusal(try assay("checkpoint", "--ledger", ws.ledger, "--key", ws.key(.supplier)), mentioning: ["not the ledger operator"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the ledger changed")
    }
}
