import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

typealias TF = ThermostatFixture

extension BundleReport {
    /// The result for one principle (every report has all seven).
    func result(_ p: Principle) -> PrincipleResult {
        principles.first { $0.principle == p }!
    }

    /// The verdict of every principle.
    var verdicts: [Principle: Verdict] {
        Dictionary(uniqueKeysWithValues: principles.map { ($0.principle, $0.verdict) })
    }

    /// Every principle, its verdict and its findings, for failure messages.
    var summary: String {
        principles.map { p in
            "\(p.principle.rawValue): \(p.verdict.rawValue)" + p.findings.map { f in
                "\n  [\(f.severity.rawValue)] \(f.message) :: \(f.evidence.map(\.description).joined(separator: "; "))"
            }.joined()
        }.joined(separator: "\n")
    }
}

/// Every principle satisfied except those in `broken`, which are not satisfied.
func verdicts(notSatisfied broken: Set<Principle>) -> [Principle: Verdict] {
    Dictionary(uniqueKeysWithValues: Principle.allCases.map { ($0, broken.contains($0) ? Verdict.notSatisfied : .satisfied) })
}

/// The verdicts when integrity fails: nothing else is judged.
let integrityFailed: [Principle: Verdict] =
    Dictionary(uniqueKeysWithValues: Principle.allCases.map { ($0, $0 == .integrity ? Verdict.notSatisfied : .notEvaluated) })

/// Whether `refs` names exactly `expected` (seq, kind and signer of each; order ignored).
func names(_ refs: [EvidenceRef], exactly expected: [TF.ExpectedEvidence]) -> Bool {
    refs.count == expected.count && expected.allSatisfy { e in refs.contains(where: e.matches) }
}

/// Whether `refs` names every one of `expected` (seq, kind and signer), possibly among others.
func names(_ refs: [EvidenceRef], including expected: [TF.ExpectedEvidence]) -> Bool {
    expected.allSatisfy { e in refs.contains(where: e.matches) }
}

/// Editing a bundle's JSON text the way an attacker (or a broken exporter) would: the
/// bundle writer puts each entry on its own line, `{"seq":N,"record":…,"proof":[…]}`.
enum BundleText {
    /// The line of entry `seq` in `json`.
    static func entryLineIndex(_ lines: [String], seq: UInt64) -> Int? {
        lines.firstIndex { $0.hasPrefix("{\"seq\":\(seq),") }
    }

    /// Deletes entry `seq` from the bundle's JSON (fixing the separating commas).
    static func removing(seq: UInt64, from json: String) -> String {
        var lines = json.components(separatedBy: "\n")
        guard let i = entryLineIndex(lines, seq: seq) else { preconditionFailure("no entry \(seq) in the bundle") }
        let wasLast = !lines[i].hasSuffix(",")
        lines.remove(at: i)
        if wasLast, lines[i - 1].hasSuffix(",") { lines[i - 1].removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Flips one bit of byte `byte` of proof hash `hash` of entry `seq`.
    static func flippingProofByte(seq: UInt64, hash: Int = 0, byte: Int = 7, in json: String) -> String {
        var lines = json.components(separatedBy: "\n")
        guard let i = entryLineIndex(lines, seq: seq) else { preconditionFailure("no entry \(seq) in the bundle") }
        let line = lines[i]
        let proof = line.range(of: "\"proof\":[")!
        let hashes = line[proof.upperBound...].prefix(while: { $0 != "]" }).split(separator: ",").map { String($0.dropFirst().dropLast()) }
        var raw = Base64.decode(hashes[hash])!
        raw[byte] ^= 0x01
        lines[i] = line.replacingOccurrences(of: hashes[hash], with: Base64.encode(raw))
        return lines.joined(separator: "\n")
    }

    /// Duplicates the line of entry `seq`.
    static func duplicating(seq: UInt64, in json: String) -> String {
        var lines = json.components(separatedBy: "\n")
        guard let i = entryLineIndex(lines, seq: seq) else { preconditionFailure("no entry \(seq) in the bundle") }
        let line = lines[i].hasSuffix(",") ? lines[i] : lines[i] + ","
        lines.insert(line, at: i)
        return lines.joined(separator: "\n")
    }
}

extension ProductBundle {
    /// Parses a bundle from JSON text.
    init(text: String) throws {
        try self.init(bytes: Array(text.utf8))
    }

    /// The statements of its entries, decoded (for inspection, not verification).
    var statements: [(seq: UInt64, signer: String, statement: Statement)] {
        entries.map { e in
            let env = try! Envelope(json: e.record.envelope)
            return (e.record.seq, env.signatures[0].keyID, try! Statement.decode(env.payload))
        }
    }
}

/// Python 3 with the `jsonschema` package (for checking the schemas against the parsers).
enum PythonJSONSchema {
    static let python: String? = {
        for p in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: p) {
            if let r = try? CLIHarness.run(executable: p, ["-c", "import jsonschema"]), r.exitCode == 0 { return p }
        }
        return nil
    }()

    static var available: Bool { python != nil }

    /// Validates each document against `schema` (a file in Schemas/) with a draft 2020-12
    /// validator; returns, per document, whether it is valid.
    static func validate(_ documents: [String], schema: String) throws -> [Bool] {
        let dir = try TemporaryDirectory(prefix: "assay-schema")
        defer { dir.remove() }
        var paths: [String] = []
        for (i, d) in documents.enumerated() { paths.append(try dir.write("doc\(i).json", d)) }
        let script = """
        import json, sys
        from jsonschema import Draft202012Validator
        schema = json.load(open(sys.argv[1]))
        Draft202012Validator.check_schema(schema)
        v = Draft202012Validator(schema)
        for p in sys.argv[2:]:
            try:
                doc = json.load(open(p))
                print("valid" if v.is_valid(doc) else "invalid")
            except ValueError:
                print("invalid")
        """
        let r = try CLIHarness.run(executable: python!, ["-c", script, schemaPath(schema)] + paths)
        guard r.exitCode == 0 else { throw CLIHarnessError("schema validation failed to run: \(r)") }
        return r.stdoutLines.map { $0 == "valid" }
    }

    /// The path of a file in the package's Schemas/ folder.
    static func schemaPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas").appendingPathComponent(name).path
    }
}

/// A log that signs whatever it is given: records built by hand (no append checks), its
/// Merkle tree and subject index computed in memory, a checkpoint signed with the thermostat
/// operator's key, and a bundle of every record with the index proofs of the product's
/// closure (`HandBuiltBundle`). For what an honest ledger refuses to hold, so that the offline
/// verifier's own checks are tested.
struct RogueLog {
    var records: [LedgerRecord] = []

    /// Appends `statementJSON` signed by `key` with record time `time` (RFC 3339).
    mutating func append(_ statementJSON: String, by key: NamedSigningKey, at time: String) {
        let millis = try! Timestamp(parsing: time).epochMillis
        records.append(LedgerRecord(seq: UInt64(records.count), appendedAtMillis: millis,
                                    envelope: Fixtures.envelope(statementJSON, by: key)))
    }

    /// The bundle of every record, about `product`, with a checkpoint signed by `TF.operatorKey`.
    func bundle(product: String) throws -> ProductBundle {
        try HandBuiltBundle.make(origin: TF.ledgerOrigin, product: product, records: records, key: TF.operatorKey)
    }

    /// A log holding the genesis only.
    static func withGenesis() -> RogueLog {
        var log = RogueLog()
        let g = LedgerGenesis(origin: TF.ledgerOrigin, operatorKey: TF.operatorKey.verifierKey.description,
                              eventTime: try! Timestamp(parsing: "2026-11-01T08:00:00Z"))
        log.append(g.json, by: TF.operatorKey, at: "2026-11-01T08:00:00Z")
        return log
    }
}
