import AssayTestSupport
import Foundation
import Testing

// Helpers shared by the CLI integration tests: a workspace per test (a temporary directory
// with keys and a ledger), statement and envelope builders, an independent implementation
// of the documented record, chain and Merkle hashes, and direct SQLite access for tampering.

/// Runs `assay` with `arguments`.
@discardableResult
func assay(_ arguments: String..., stdin: [UInt8]? = nil) throws -> CLIResult {
    try CLIHarness.assay(arguments, stdin: stdin)
}

/// Runs `assay` with `arguments`.
@discardableResult
func assay(_ arguments: [String], stdin: [UInt8]? = nil) throws -> CLIResult {
    try CLIHarness.assay(arguments, stdin: stdin)
}

/// The parties whose keys every workspace holds.
enum Actor: String, CaseIterable, Sendable {
    case `operator`, supplier, manufacturer, stranger, witness, witness2

    /// The signed-note key name.
    var keyName: String {
        switch self {
        case .operator: "acme.example/operator"
        case .supplier: "supplier.example/anna"
        case .manufacturer: "maker.example/bob"
        case .stranger: "stranger.example/eve"
        case .witness: "witness.example/w1"
        case .witness2: "witness.example/w2"
        }
    }

    var isWitness: Bool { self == .witness || self == .witness2 }
}

/// The log origin of every test ledger.
let testOrigin = "acme.example/ledger"

// MARK: - Statements

enum Statements {
    /// A GenericEvent about serial number `n` (valid, as `assay sign` requires).
    static func event(_ n: Int, action: String = "commissioned") -> String {
        "{\"type\":\"GenericEvent\",\"subject\":\"https://id.gs1.org/01/04012345000016/21/SN\(n)\",\"action\":\"\(action)\","
            + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    /// A PartyRegistration of `publicKey` (a verifier key string) as a supplier.
    static func registration(publicKey: String) -> String {
        "{\"type\":\"PartyRegistration\",\"partyId\":\"https://id.gs1.org/417/4000000000013\",\"legalName\":\"Rogue Ltd\","
            + "\"roles\":[\"supplier\"],\"publicKey\":\"\(publicKey)\","
            + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }

    /// A KeyRevocation of the key reference `name+keyid`.
    static func revocation(of reference: String) -> String {
        "{\"type\":\"KeyRevocation\",\"revokedKey\":\"\(reference)\",\"reason\":\"superseded\","
            + "\"effectiveTime\":\"2026-11-20T10:00:00+01:00\","
            + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
    }
}

// MARK: - Workspaces

/// A temporary directory holding the keys of every `Actor` and, usually, a ledger.
struct Workspace {
    /// The directory.
    let path: String
    /// Verifier keys by actor (the `.pub` file contents).
    let vkeys: [Actor: String]
    /// The temporary directory this workspace owns (nil for a view on a shared fixture).
    let owned: TemporaryDirectory?

    init(path: String, vkeys: [Actor: String], owned: TemporaryDirectory? = nil) {
        self.path = path
        self.vkeys = vkeys
        self.owned = owned
    }

    var ledger: String { file("ledger.assay") }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    func key(_ a: Actor) -> String { file("\(a.rawValue).key") }
    func pub(_ a: Actor) -> String { key(a) + ".pub" }
    func vkey(_ a: Actor) -> String { vkeys[a]! }
    /// `name+keyid`, the reference envelopes carry.
    func ref(_ a: Actor) -> String { vkey(a).split(separator: "+", maxSplits: 2).prefix(2).joined(separator: "+") }

    /// Deletes the directory (a no-op on a shared fixture's view).
    func remove() { owned?.remove() }

    /// A copy of the shared base workspace: keys plus a ledger of 8 entries (genesis, the
    /// supplier's and the manufacturer's registrations, 5 events), no checkpoint.
    static func base() throws -> Workspace {
        let shared = try SharedFixtures.base.get()
        let dir = try TemporaryDirectory()
        try copyContents(of: shared.path, to: dir.path)
        return Workspace(path: dir.path, vkeys: shared.vkeys, owned: dir)
    }

    /// A copy of the shared keys only (no ledger).
    static func keysOnly() throws -> Workspace {
        let ws = try base()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ws.ledger + suffix) }
        return ws
    }

    static func copyContents(of source: String, to target: String) throws {
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: source) where !name.hasSuffix("-shm") {
            let from = (source as NSString).appendingPathComponent(name)
            let to = (target as NSString).appendingPathComponent(name)
            try fm.copyItem(atPath: from, toPath: to)
            if name.hasSuffix(".key") { try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: to) }
        }
    }

    /// Writes `text` to `name` and returns the path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String { try write(name, bytes: Array(text.utf8), mode: mode) }

    /// Writes `bytes` to `name` and returns the path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let p = file(name)
        guard FileManager.default.createFile(atPath: p, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
            throw CLIHarnessError("cannot write \(p)")
        }
        return p
    }

    /// Signs `statement` with `actor`'s key (offline) and returns the envelope file's path.
    @discardableResult
    func sign(_ statement: String, by actor: Actor, as name: String) throws -> String {
        let st = try write(name + ".statement.json", statement)
        let out = file(name)
        let r = try assay("sign", "--key", key(actor), "--out", out, st)
        guard r.exitCode == 0 else { throw CLIHarnessError("signing \(name) failed:\n\(r)") }
        return out
    }

    /// Bytes of a file in the workspace.
    func read(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else { throw CLIHarnessError("cannot read \(path)") }
        return [UInt8](d)
    }

    func text(_ path: String) throws -> String { String(decoding: try read(path), as: UTF8.self) }

    /// Runs `assay` and throws unless it exits 0 (for setting up a test, not for the checks).
    @discardableResult
    func must(_ arguments: String..., stdin: [UInt8]? = nil) throws -> CLIResult {
        let r = try assay(arguments, stdin: stdin)
        guard r.exitCode == 0 else { throw CLIHarnessError("setup step failed:\n\(r)") }
        return r
    }

    /// Signs a checkpoint with the operator key, saves it as `name` and returns its path.
    @discardableResult
    func checkpoint(as name: String, ledger: String? = nil) throws -> String {
        let r = try must("checkpoint", "--ledger", ledger ?? self.ledger, "--key", key(.operator))
        return try write(name, r.stdout)
    }

    /// Appends `count` events signed by the supplier (one batch) numbered from `first`.
    func appendEvents(_ count: Int, from first: Int, ledger: String? = nil, action: String = "commissioned") throws {
        var lines: [String] = []
        for n in first..<(first + count) {
            let env = try sign(Statements.event(n, action: action), by: n % 2 == 0 ? .manufacturer : .supplier, as: "ev-\(action)-\(n).dsse.json")
            lines.append(try text(env).trimmingCharacters(in: .newlines))
        }
        let batch = try write("batch-\(action)-\(first).jsonl", lines.joined(separator: "\n") + "\n")
        try must("append", "--ledger", ledger ?? self.ledger, "--batch", batch)
    }

    /// The number of entries, from `assay log --json`.
    func entryCount(_ ledger: String? = nil) throws -> Int {
        try must("log", "--ledger", ledger ?? self.ledger, "--json").stdoutLines.count
    }
}

/// Fixtures built once per test run and copied (or only read) by the tests.
enum SharedFixtures {
    struct Built: Sendable {
        let path: String
        let vkeys: [Actor: String]
    }

    /// Where the shared fixtures live; removed when the test process exits.
    static let root: String = {
        let p = NSTemporaryDirectory() + "assay-cli-fixtures-\(getpid())-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        atexit {
            if let keep = ProcessInfo.processInfo.environment["ASSAY_KEEP_TEST_DIRS"], !keep.isEmpty, keep != "0" { return }
            try? FileManager.default.removeItem(atPath: SharedFixtures.root)
        }
        return p
    }()

    /// Keys for every actor and a ledger of 8 entries: genesis (0), the supplier (1) and the
    /// manufacturer (2) registered, events SN1…SN5 (3…7) signed alternately by supplier and
    /// manufacturer. No checkpoint.
    static let base: Result<Built, any Error> = Result {
        let path = (root as NSString).appendingPathComponent("base")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var vkeys: [Actor: String] = [:]
        for a in Actor.allCases {
            let out = (path as NSString).appendingPathComponent("\(a.rawValue).key")
            var args = ["key", "generate", "--name", a.keyName, "--out", out]
            if a.isWitness { args.append("--witness") }
            let r = try CLIHarness.assay(args)
            guard r.exitCode == 0 else { throw CLIHarnessError("key generate failed:\n\(r)") }
            vkeys[a] = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let ws = Workspace(path: path, vkeys: vkeys)
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin,
                    "--operator-name", "ACME Ledger Services")
        try ws.must("register", "--ledger", ws.ledger, "--key", ws.key(.operator),
                    "--party-id", "https://id.gs1.org/417/4012345000009", "--legal-name", "Anna Components GmbH",
                    "--role", "supplier", "--public-key", ws.pub(.supplier))
        try ws.must("register", "--ledger", ws.ledger, "--key", ws.key(.operator),
                    "--party-id", "https://id.gs1.org/417/4098765000003", "--legal-name", "Bob Makers AG",
                    "--role", "manufacturer", "--public-key", ws.pub(.manufacturer))
        try ws.appendEvents(5, from: 1)
        return Built(path: path, vkeys: vkeys)
    }

    /// The base ledger with checkpoints and proofs, for the offline tests (read it, never write):
    /// `cp8.txt` (checkpoint at size 8), `inc3.txt`/`inc3.json` (inclusion of entry 3 at size 8),
    /// then grown to 11 entries: `cp11.txt`, `cons.txt`/`cons.json` (consistency 8 → 11),
    /// `inc9.txt`/`inc9.json` (entry 9 at size 11), `cp8w.txt`/`cp11w.txt` (cosigned by
    /// witness 1) and `inc9w.txt` (the inclusion proof carrying the cosigned checkpoint).
    static let proved: Result<Built, any Error> = Result {
        let b = try base.get()
        let path = (root as NSString).appendingPathComponent("proved")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Workspace.copyContents(of: b.path, to: path)
        let ws = Workspace(path: path, vkeys: b.vkeys)
        try ws.checkpoint(as: "cp8.txt")
        try ws.write("inc3.txt", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "3").stdout)
        try ws.write("inc3.json", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "3", "--json").stdout)
        try ws.appendEvents(3, from: 6)
        try ws.checkpoint(as: "cp11.txt")
        try ws.write("cons.txt", try ws.must("prove", "consistency", "--ledger", ws.ledger, "--from", "8", "--to", "11").stdout)
        try ws.write("cons.json", try ws.must("prove", "consistency", "--ledger", ws.ledger, "--from", "8", "--json").stdout)
        try ws.write("inc9.txt", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "9").stdout)
        try ws.write("inc9.json", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "9", "--json").stdout)
        let state = ws.file("witness-state")
        try ws.must("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator))
        try ws.write("cp8w.txt", try ws.must("witness", "cosign", "--checkpoint", ws.file("cp8.txt"), "--log-key", ws.pub(.operator),
                                              "--key", ws.key(.witness), "--state", state).stdout)
        try ws.write("cp11w.txt", try ws.must("witness", "cosign", "--checkpoint", ws.file("cp11.txt"), "--log-key", ws.pub(.operator),
                                               "--key", ws.key(.witness), "--state", state, "--proof", ws.file("cons.txt")).stdout)
        try ws.write("inc9w.txt", try ProofFiles.replacingCheckpoint(in: try ws.text(ws.file("inc9.txt")), with: try ws.text(ws.file("cp11w.txt"))))
        return Built(path: path, vkeys: b.vkeys)
    }

    /// A workspace view of the shared proved fixture (read only: write only into your own directory).
    static func provedWorkspace() throws -> Workspace {
        let p = try proved.get()
        return Workspace(path: p.path, vkeys: p.vkeys)
    }
}

// MARK: - Proof and note text

enum ProofFiles {
    /// Replaces the checkpoint note at the end of a tlog-proof (after its first blank line).
    static func replacingCheckpoint(in proof: String, with note: String) throws -> String {
        guard let blank = proof.range(of: "\n\n") else { throw CLIHarnessError("no blank line in the proof") }
        return String(proof[..<blank.upperBound]) + note
    }

    /// The checkpoint note at the end of a tlog-proof.
    static func checkpoint(of proof: String) throws -> String {
        guard let blank = proof.range(of: "\n\n") else { throw CLIHarnessError("no blank line in the proof") }
        return String(proof[blank.upperBound...])
    }

    /// The root hash (hex) and size in a checkpoint note.
    static func rootAndSize(ofNote note: String) throws -> (size: UInt64, rootHex: String) {
        let lines = note.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, let size = UInt64(lines[1]), let root = Data(base64Encoded: String(lines[2])) else {
            throw CLIHarnessError("not a checkpoint note: \(note)")
        }
        return (size, HexCodec.string([UInt8](root)))
    }
}

enum HexCodec {
    static func string(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.utf8.makeIterator()
        func nib(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c >= 65 ? c - 55 : c - 48 }
        while let a = it.next(), let b = it.next() { out.append(nib(a) << 4 | nib(b)) }
        return out
    }
}

// MARK: - Envelopes

/// A DSSE envelope taken apart, to be changed and put back in Assay's canonical layout.
struct EnvelopeParts {
    var payloadType: String
    var payload: [UInt8]
    var keyID: String
    var signature: [UInt8]

    init(_ bytes: [UInt8]) throws {
        guard let obj = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
              let type = obj["payloadType"] as? String, let p = obj["payload"] as? String,
              let sigs = obj["signatures"] as? [[String: Any]], let first = sigs.first,
              let kid = first["keyid"] as? String, let sig = first["sig"] as? String,
              let payload = Data(base64Encoded: p), let signature = Data(base64Encoded: sig) else {
            throw CLIHarnessError("not an envelope: \(String(decoding: bytes, as: UTF8.self).prefix(200))")
        }
        payloadType = type
        self.payload = [UInt8](payload)
        keyID = kid
        self.signature = [UInt8](signature)
    }

    /// `{"payloadType":…,"payload":…,"signatures":[{"keyid":…,"sig":…}]}`, no whitespace.
    var canonical: [UInt8] {
        Array(("{\"payloadType\":\"\(payloadType)\",\"payload\":\"\(Data(payload).base64EncodedString())\","
            + "\"signatures\":[{\"keyid\":\"\(keyID)\",\"sig\":\"\(Data(signature).base64EncodedString())\"}]}").utf8)
    }

    /// The same envelope with one bit of the signature flipped.
    func flippingSignatureBit(at byte: Int = 10) -> EnvelopeParts {
        var e = self
        e.signature[byte] ^= 0x01
        return e
    }

    /// The same envelope with the payload's serial number changed (SN… → SX…), signature kept.
    func alteringPayload() throws -> EnvelopeParts {
        var e = self
        guard let i = e.payload.firstIndex(of: UInt8(ascii: "N")), e.payload[i - 1] == UInt8(ascii: "S") else {
            throw CLIHarnessError("payload has no serial number to alter")
        }
        e.payload[i] = UInt8(ascii: "X")
        return e
    }
}

// MARK: - The documented record format, recomputed independently

/// Record, leaf, chain and Merkle hashes as `Schemas/FORMAT.md` and `LedgerRecord.swift` document
/// them, computed with the tests' own SHA-256.
enum RecordFormat {
    static func bigEndian(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) } }

    /// `0x01 || u64 seq || i64 appendedAtMillis || envelope`.
    static func recordBytes(seq: UInt64, time: Int64, envelope: [UInt8]) -> [UInt8] {
        [0x01] + bigEndian(seq) + bigEndian(UInt64(bitPattern: time)) + envelope
    }

    /// `SHA-256(0x00 || record)`.
    static func leafHash(seq: UInt64, time: Int64, envelope: [UInt8]) -> [UInt8] {
        TestSHA256.hash([0x00] + recordBytes(seq: seq, time: time, envelope: envelope))
    }

    /// `SHA-256(0x02 || previous || leaf)`, previous = 32 zero bytes before the first record.
    static func chainHash(previous: [UInt8], leaf: [UInt8]) -> [UInt8] {
        TestSHA256.hash([0x02] + previous + leaf)
    }

    /// `SHA-256(0x01 || left || right)`.
    static func nodeHash(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] { TestSHA256.hash([0x01] + l + r) }

    /// RFC 6962 MTH over leaf hashes.
    static func root(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.isEmpty { return TestSHA256.hash([]) }
        if leaves.count == 1 { return leaves.first! }
        var k = 1
        while k * 2 < leaves.count { k *= 2 }
        let mid = leaves.startIndex + k
        return nodeHash(root(leaves[..<mid]), root(leaves[mid...]))
    }

    static func root(_ leaves: [[UInt8]]) -> [UInt8] { root(leaves[...]) }

    /// Every complete subtree of level ≥ 1 (what the `nodes` table stores): id, hash.
    static func completeNodes(_ leaves: [[UInt8]]) -> [(id: Int64, hash: [UInt8])] {
        var out: [(Int64, [UInt8])] = []
        var level = leaves
        var depth: Int64 = 0
        while level.count > 1 {
            depth += 1
            var next: [[UInt8]] = []
            var i = 0
            while i + 1 < level.count {
                let h = nodeHash(level[i], level[i + 1])
                out.append((depth << 56 | Int64(next.count), h))
                next.append(h)
                i += 2
            }
            level = next
        }
        return out
    }
}

// MARK: - Direct SQLite access

/// One row of the `records` table as stored.
struct StoredRow {
    let seq: UInt64
    let appendedAt: Int64
    let kind: String
    let signer: String
    let envelope: [UInt8]
    let leafHash: [UInt8]
    let chainHash: [UInt8]
}

/// Reads and tampers with a ledger file through the `sqlite3` shell, as an attacker with
/// write access to the file would.
struct LedgerSQL {
    let path: String

    /// Runs SQL and throws unless the shell succeeds.
    @discardableResult
    func exec(_ sql: String) throws -> CLIResult {
        let r = try CLIHarness.sqlite3(path, sql)
        guard r.exitCode == 0, r.stderr.isEmpty else { throw CLIHarnessError("sqlite3 failed:\n\(r)") }
        return r
    }

    /// Every record, in `seq` order.
    func rows() throws -> [StoredRow] {
        let r = try exec("SELECT seq, appended_at, kind, signer, hex(envelope), hex(leaf_hash), hex(chain_hash) FROM records ORDER BY seq;")
        return try r.stdoutLines.map { line in
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7, let seq = UInt64(f[0]), let t = Int64(f[1]) else { throw CLIHarnessError("unexpected row: \(line)") }
            return StoredRow(seq: seq, appendedAt: t, kind: f[2], signer: f[3], envelope: HexCodec.bytes(f[4]),
                             leafHash: HexCodec.bytes(f[5]), chainHash: HexCodec.bytes(f[6]))
        }
    }

    /// The `CREATE TRIGGER` statements in the file.
    func triggers() throws -> [(name: String, sql: String)] {
        try exec("SELECT name, hex(sql) FROM sqlite_master WHERE type = 'trigger' ORDER BY name;").stdoutLines.map { line in
            let f = line.split(separator: "|").map(String.init)
            return (f[0], String(decoding: HexCodec.bytes(f[1]), as: UTF8.self))
        }
    }

    /// Runs `sql` with every trigger dropped, then (when `restore`) re-creates them exactly,
    /// so the file looks untouched to anything that only checks the schema.
    func tamper(_ sql: String, restoreTriggers restore: Bool = true) throws {
        let trig = try triggers()
        var script = "BEGIN;\n"
        for t in trig { script += "DROP TRIGGER \(t.name);\n" }
        script += sql + "\n"
        if restore { for t in trig { script += t.sql + ";\n" } }
        script += "COMMIT;\n"
        try exec(script)
    }

    static func blob(_ bytes: [UInt8]) -> String { "X'\(HexCodec.string(bytes))'" }

    /// SQL that rewrites the envelope of `seq` and recomputes the leaf and chain hashes of
    /// `seq` and every later record (what a careful forger does).
    func rehashSQL(rows: [StoredRow], replacing seq: UInt64, with envelope: [UInt8]) -> (sql: String, leaves: [[UInt8]]) {
        var sql = ""
        var previous = [UInt8](repeating: 0, count: 32)
        var leaves: [[UInt8]] = []
        for row in rows {
            let env = row.seq == seq ? envelope : row.envelope
            let leaf = RecordFormat.leafHash(seq: row.seq, time: row.appendedAt, envelope: env)
            let chain = RecordFormat.chainHash(previous: previous, leaf: leaf)
            if row.seq >= seq {
                sql += "UPDATE records SET envelope = \(Self.blob(env)), leaf_hash = \(Self.blob(leaf)), chain_hash = \(Self.blob(chain)) WHERE seq = \(row.seq);\n"
            }
            previous = chain
            leaves.append(leaf)
        }
        return (sql, leaves)
    }

    /// SQL that replaces the whole `nodes` table with the complete subtrees of `leaves`.
    static func rebuildNodesSQL(_ leaves: [[UInt8]]) -> String {
        "DELETE FROM nodes;\n" + RecordFormat.completeNodes(leaves).map {
            "INSERT INTO nodes(id, hash) VALUES (\($0.id), \(blob($0.hash)));"
        }.joined(separator: "\n")
    }
}

// MARK: - Ledger state

/// What "the ledger is unchanged" means: the main file's bytes, the WAL's bytes (absent and
/// empty are the same: no pending content), and what `assay log --json` lists.
struct LedgerSnapshot: Equatable, CustomStringConvertible {
    let mainFile: String?
    let wal: String?
    let log: String

    static func take(_ path: String) throws -> LedgerSnapshot {
        let walData = FileManager.default.contents(atPath: path + "-wal")
        let log = try assay("log", "--ledger", path, "--json")
        return LedgerSnapshot(mainFile: CLIHarness.sha256(file: path),
                              wal: walData.flatMap { $0.isEmpty ? nil : TestSHA256.hex([UInt8]($0)) },
                              log: log.exitCode == 0 ? log.stdout : "log failed: \(log.stderr)")
    }

    var description: String { "main \(mainFile ?? "absent"), wal \(wal ?? "empty"), \(log.split(separator: "\n").count) log lines" }
}

/// The JSON report of `assay verify --json`.
struct VerifyReport {
    let ok: Bool
    let entries: Int
    let checkpointsChecked: Int
    let root: String
    let headHash: String
    let failureSeq: Int?
    let failureCheck: String?
    let failureMessage: String?
    let expected: String?
    let found: String?
    let warnings: [String]

    init(_ r: CLIResult) throws {
        guard let obj = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any] else {
            throw CLIHarnessError("verify --json did not print a JSON object:\n\(r)")
        }
        ok = obj["ok"] as? Bool ?? false
        entries = obj["entries"] as? Int ?? -1
        checkpointsChecked = obj["checkpointsChecked"] as? Int ?? -1
        root = obj["root"] as? String ?? ""
        headHash = obj["headHash"] as? String ?? ""
        let f = obj["failure"] as? [String: Any]
        failureSeq = f?["seq"] as? Int
        failureCheck = f?["check"] as? String
        failureMessage = f?["message"] as? String
        expected = f?["expected"] as? String
        found = f?["found"] as? String
        warnings = (obj["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }
}

// MARK: - Expectations

/// Expects a refusal: exit status `code`, exactly one line on standard error starting with
/// `assay: ` and containing every one of `fragments` (case-insensitive), nothing on standard output.
func expectRefusal(_ r: CLIResult, exit code: Int32 = 2, mentioning fragments: [String], stdoutEmpty: Bool = true,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.exitedNormally, "the process crashed or hung\n\(r)", sourceLocation: sourceLocation)
    #expect(r.exitCode == code, "expected exit \(code)\n\(r)", sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1, "expected a one-line error\n\(r)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("assay: "), "expected an 'assay: ' error line\n\(r)", sourceLocation: sourceLocation)
    for f in fragments {
        #expect(r.stderr.lowercased().contains(f.lowercased()), "the error should mention \"\(f)\"\n\(r)", sourceLocation: sourceLocation)
    }
    if stdoutEmpty {
        #expect(r.stdout.isEmpty, "nothing should be printed on standard output\n\(r)", sourceLocation: sourceLocation)
    }
}

/// Expects success (exit 0) with nothing on standard error.
func expectSuccess(_ r: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.exitCode == 0 && r.exitedNormally, "expected success\n\(r)", sourceLocation: sourceLocation)
    #expect(r.stderr.isEmpty, "expected nothing on standard error\n\(r)", sourceLocation: sourceLocation)
}

/// Expects a clean error for malformed input: exit 1 or 2 (never a signal), one `assay:` line.
func expectCleanError(_ r: CLIResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.exitedNormally, "the process crashed or hung\n\(r)", sourceLocation: sourceLocation)
    #expect(r.exitCode == 1 || r.exitCode == 2, "expected exit 1 or 2\n\(r)", sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1 && r.stderr.hasPrefix("assay: "), "expected a one-line 'assay: ' error\n\(r)",
            sourceLocation: sourceLocation)
    #expect(!r.stdout.hasPrefix("OK"), "a malformed input must not verify\n\(r)", sourceLocation: sourceLocation)
}
