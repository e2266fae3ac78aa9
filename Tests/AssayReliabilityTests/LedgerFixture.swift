import AssayCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything a reliability test needs, made as a user would: an operator key (by the `assay`
/// CLI), a supplier key, fresh ledgers with the supplier registered, and envelopes the supplier
/// signed offline.
///
/// Every envelope handed out is new (a subject numbered from a shared counter): a ledger
/// returns the existing entry for an envelope it already holds instead of appending it again
/// (issue 14), so counting acknowledged appends as new entries needs envelopes never used before.
struct LedgerFixture: Sendable {
    /// The `assay` executable.
    let assay: String
    /// The scratch directory: keys, envelope files, ledgers.
    let directory: String
    let operatorKey: String
    /// The supplier's secret key file (its verifier key beside it, `.pub`).
    let supplierKey: String
    let envelopes: EnvelopeSource

    /// Makes the keys; envelopes are signed on demand (subjects `urn:example:item:<tag>-<n>`).
    init(tag: String) throws {
        assay = try AssayBinary.path()
        directory = NSTemporaryDirectory() + "assay-reliability-\(tag)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        operatorKey = directory + "/operator.key"
        supplierKey = directory + "/supplier.key"
        try Self.require(ChildProcess.run(assay, ["key", "generate", "--name", "reliability.example/operator", "--out", operatorKey], scratch: directory))
        let supplier = try NamedSigningKey(name: "supplier.example/signing", key: SigningKey())
        try Data(supplier.secretKeyText().utf8).write(to: URL(fileURLWithPath: supplierKey))
        chmod(supplierKey, 0o600)
        try Data((supplier.verifierKey.description + "\n").utf8).write(to: URL(fileURLWithPath: supplierKey + ".pub"))
        envelopes = EnvelopeSource(tag: tag, key: supplier)
    }

    /// A file holding one envelope never handed out before.
    func freshEnvelopeFile() throws -> String {
        let line = envelopes.next(1)[0]
        let path = directory + "/envelope-\(UUID().uuidString).json"
        try Data(line.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Removes the scratch directory (unless `ASSAY_KEEP_TEST_DIRS` is set).
    func remove() {
        if Environment.keepDirectories {
            print("kept \(directory)")
            return
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates a ledger at `path` and registers the supplier: two entries (seq 0 and 1).
    func createLedger(at path: String) throws {
        try Self.require(run(["init", "--ledger", path, "--key", operatorKey, "--origin", "reliability.example/ledger"]))
        try Self.require(run(["register", "--ledger", path, "--key", operatorKey, "--party-id", "urn:example:party:sup",
                              "--legal-name", "Sup", "--role", "supplier", "--public-key", supplierKey + ".pub"]))
    }

    /// Writes a JSON-lines batch of `count` envelopes never handed out before.
    func writeBatch(count: Int, to path: String) throws {
        var text = ""
        text.reserveCapacity(count * 420)
        for line in envelopes.next(count) { text += line + "\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Runs `assay` to completion.
    func run(_ arguments: [String], timeout: Double = 120) throws -> ProcessOutcome {
        try ChildProcess.run(assay, arguments, scratch: directory, timeout: timeout)
    }

    /// Reads the whole ledger with `assay log --json` and checks the sequence numbers run 0…n−1.
    func log(_ ledger: String) throws -> LedgerLog {
        let out = try run(["log", "--ledger", ledger, "--json"])
        guard out.succeeded else { throw HarnessFailure("assay log failed:\n\(out)") }
        return try LedgerLog(jsonLines: out.stdout, source: out)
    }

    /// Runs `assay verify`: the entry count it reported when it printed `OK: N entries`, or the failure.
    func verify(_ ledger: String) throws -> VerifyResult {
        VerifyResult(try run(["verify", "--ledger", ledger]))
    }

    @discardableResult
    static func require(_ outcome: ProcessOutcome) throws -> ProcessOutcome {
        guard outcome.succeeded else { throw HarnessFailure("setup command failed:\n\(outcome)") }
        return outcome
    }
}

/// An entry as `assay append --json` acknowledges it and `assay log --json` lists it.
struct Acknowledgement: Sendable, Hashable, Decodable, CustomStringConvertible {
    let seq: UInt64
    let leafHash: String

    var description: String { "seq \(seq) leaf \(leafHash.prefix(16))…" }

    /// The acknowledgements in complete output lines; a line that does not parse is an error.
    static func parse(_ lines: [String]) throws -> [Acknowledgement] {
        let decoder = JSONDecoder()
        return try lines.map { line in
            do {
                return try decoder.decode(Acknowledgement.self, from: Data(line.utf8))
            } catch {
                throw HarnessFailure("not an acknowledgement line: \(line)")
            }
        }
    }
}

/// A ledger as `assay log --json` lists it: the leaf hash of every entry, by sequence number.
struct LedgerLog: Sendable, Equatable {
    /// `leafHashes[seq]`.
    var leafHashes: [String]

    var count: Int { leafHashes.count }

    init(leafHashes: [String]) { self.leafHashes = leafHashes }

    /// Parses `log --json` output, requiring sequence numbers 0, 1, 2 … with no gap or repeat.
    init(jsonLines: String, source: ProcessOutcome? = nil) throws {
        let lines = jsonLines.split(separator: "\n").map(String.init)
        let entries = try Acknowledgement.parse(lines)
        leafHashes = []
        leafHashes.reserveCapacity(entries.count)
        for (i, e) in entries.enumerated() where e.seq != UInt64(i) {
            throw HarnessFailure("assay log lists seq \(e.seq) at position \(i) (a gap or duplicate)" + (source.map { "\n\($0)" } ?? ""))
        }
        for e in entries { leafHashes.append(e.leafHash) }
    }

    /// Whether `other` holds the same leaf hash at `seq`.
    func holds(_ ack: Acknowledgement) -> Bool {
        ack.seq < UInt64(leafHashes.count) && leafHashes[Int(ack.seq)] == ack.leafHash
    }

    /// Whether this log is a prefix of `other` (same leaf hash at every seq it has).
    func isPrefix(of other: LedgerLog) -> Bool {
        count <= other.count && other.leafHashes[..<count].elementsEqual(leafHashes)
    }

    /// The first seq at which this log and `other` differ, within the shorter one.
    func firstDifference(from other: LedgerLog) -> Int? {
        zip(leafHashes, other.leafHashes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
    }
}

/// The outcome of `assay verify`.
struct VerifyResult: Sendable {
    let outcome: ProcessOutcome
    /// The `N` of `OK: N entries …`, when it exited 0 and printed that.
    let entries: Int?

    init(_ outcome: ProcessOutcome) {
        self.outcome = outcome
        if outcome.succeeded, let line = outcome.stdout.split(separator: "\n").first(where: { $0.hasPrefix("OK: ") }) {
            entries = line.dropFirst(4).split(separator: " ").first.flatMap { Int($0) }
        } else {
            entries = nil
        }
    }

    var ok: Bool { entries != nil }
}
