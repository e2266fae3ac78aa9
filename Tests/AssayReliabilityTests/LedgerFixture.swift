import Foundation

/// Everything a reliability test needs, made with the `assay` CLI as a user would: an operator
/// and a supplier key, a pool of envelopes the supplier signed once (offline), and fresh
/// ledgers with the supplier registered.
///
/// One exact envelope may be appended many times (each time at a new sequence number, with a
/// different leaf hash), so a small pool is reused for thousands of entries.
struct LedgerFixture: Sendable {
    /// The `assay` executable.
    let assay: String
    /// The scratch directory: keys, envelope files, ledgers.
    let directory: String
    let operatorKey: String
    let supplierKey: String
    /// The signed envelopes, one JSON line each (no newline).
    let envelopes: [String]
    /// The same envelopes, one file each.
    let envelopeFiles: [String]

    /// Makes keys and signs `envelopeCount` distinct statements (subjects `urn:example:item:<tag>-<i>`).
    init(tag: String, envelopeCount: Int = 32) throws {
        assay = try AssayBinary.path()
        directory = NSTemporaryDirectory() + "assay-reliability-\(tag)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        operatorKey = directory + "/operator.key"
        supplierKey = directory + "/supplier.key"
        let dir = directory, bin = assay
        for (name, path) in [("reliability.example/operator", operatorKey), ("supplier.example/signing", supplierKey)] {
            try Self.require(ChildProcess.run(bin, ["key", "generate", "--name", name, "--out", path], scratch: dir))
        }
        // Signing is offline and independent: two threads halve the wait on two cores.
        let signed = Locked([String?](repeating: nil, count: envelopeCount))
        let problems = Locked([String]())
        let supplier = supplierKey
        ThreadGroup.run((0..<2).map { lane in
            { @Sendable in
                for i in stride(from: lane, to: envelopeCount, by: 2) {
                    let statement = dir + "/statement-\(i).json"
                    let json = "{\"type\":\"GenericEvent\",\"subject\":\"urn:example:item:\(tag)-\(i)\",\"action\":\"inspected\","
                        + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
                    do {
                        try Data(json.utf8).write(to: URL(fileURLWithPath: statement))
                        let out = try Self.require(ChildProcess.run(bin, ["sign", "--key", supplier, statement], scratch: dir))
                        let line = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                        guard !line.isEmpty, !line.contains("\n") else { throw HarnessFailure("assay sign printed no single-line envelope:\n\(out)") }
                        signed.withLock { $0[i] = line }
                    } catch {
                        problems.withLock { $0.append("\(error)") }
                    }
                }
            }
        })
        if let first = problems.current.first { throw HarnessFailure(first) }
        envelopes = signed.current.map { $0! }
        var files: [String] = []
        for (i, e) in envelopes.enumerated() {
            let path = directory + "/envelope-\(i).json"
            try Data(e.utf8).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        envelopeFiles = files
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

    /// Writes a JSON-lines batch of `count` envelopes from the pool, starting at pool index `offset`.
    func writeBatch(count: Int, offset: Int, to path: String) throws {
        var text = ""
        text.reserveCapacity(count * 420)
        for i in 0..<count { text += envelopes[(offset + i) % envelopes.count] + "\n" }
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
