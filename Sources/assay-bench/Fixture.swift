import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import AssayStoreSQLite
import AssayVerify
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A ledger with an operator and four registered suppliers, and a source of pre-signed envelopes.
final class Fixture {
    let path: String
    let ledger: Ledger
    let suppliers: [NamedSigningKey]
    let op: NamedSigningKey

    /// A new ledger: a file in `dir`, or, with `postgres`, in that empty PostgreSQL ledger database.
    init(dir: String, name: String, postgres: String? = nil) throws {
        op = try NamedSigningKey(name: "bench.example/operator", key: SigningKey())
        if let postgres {
            path = postgres
            ledger = try Ledger.create(postgres: postgres, origin: "bench.example/ledger", operatorKey: op)
        } else {
            path = (dir as NSString).appendingPathComponent("assay-bench-\(name)-\(getpid()).assay")
            for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
            ledger = try Ledger.create(at: path, origin: "bench.example/ledger", operatorKey: op)
        }
        suppliers = try (0..<4).map { try NamedSigningKey(name: "supplier\($0).example", key: SigningKey()) }
        var items: [Ledger.AppendItem] = []
        for (i, s) in suppliers.enumerated() {
            let reg = PartyRegistration(partyId: "urn:assay-bench:party:supplier\(i)", legalName: "Supplier \(i)",
                                        roles: [.supplier], publicKey: s.verifierKey.description,
                                        eventTime: Timestamp(epochMillis: ledger.clock()))
            items.append(.init(label: "reg \(i)", bytes: Envelope.sign(payload: Array(reg.json.utf8), with: op).canonicalJSON))
        }
        try ledger.append(items)
    }

    func remove() {
        guard !Ledger.isPostgresLocation(path) else { return } // the caller drops the database
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    }

    /// `count` signed GenericEvent envelopes, numbered from `start`, signed on all cores.
    func envelopes(start: Int, count: Int) -> [Ledger.AppendItem] {
        Self.envelopes(start: start, count: count, suppliers: suppliers)
    }

    /// `count` signed GenericEvent envelopes by `suppliers` in turn, numbered from `start`.
    static func envelopes(start: Int, count: Int, suppliers keys: [NamedSigningKey]) -> [Ledger.AppendItem] {
        Array(start..<(start + count)).concurrentMap(minimumChunk: 128) { i in
            let json = "{\"type\":\"GenericEvent\",\"subject\":\"https://id.gs1.org/01/04012345000016/21/SN\(i)\",\"action\":\"commissioned\",\"data\":{\"lot\":\"L\(i / 1000)\",\"line\":\(i % 7)},\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
            let env = Envelope.sign(payload: Array(json.utf8), with: keys[i % keys.count])
            return Ledger.AppendItem(label: "e\(i)", bytes: env.canonicalJSON)
        }
    }

    /// `count` signed GenericEvent envelopes about one product, signed by the suppliers in turn.
    func events(about product: String, count: Int) -> [Ledger.AppendItem] {
        (0..<count).map { i in
            let json = "{\"type\":\"GenericEvent\",\"subject\":\"\(product)\",\"action\":\"inspected\",\"data\":{\"n\":\(i)},\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
            let env = Envelope.sign(payload: Array(json.utf8), with: suppliers[i % suppliers.count])
            return Ledger.AppendItem(label: "p\(i)", bytes: env.canonicalJSON)
        }
    }

    /// Appends batches until the ledger holds `target` entries (signing is not timed by callers
    /// that time only this call's append part — see `grow`).
    func grow(to target: Int, batch: Int) throws {
        var size = Int(try ledger.size())
        while size < target {
            let n = min(batch, target - size)
            let items = envelopes(start: size, count: n)
            let t0 = now(), c0 = CPUTime.ofThisProcess()
            try ledger.append(items)
            appendSeconds += now() - t0
            appendCPUSeconds += CPUTime.ofThisProcess() - c0
            size += n
        }
    }

    /// Time spent inside `Ledger.append` so far.
    var appendSeconds = 0.0
    /// CPU seconds (user and system, all threads of this process) spent in those appends.
    var appendCPUSeconds = 0.0

    /// Store-level append rate (records, chain, and optionally tree; no signature or role checks).
    static func storeOnlyRate(dir: String, envelopes: [Ledger.AppendItem], tree: Bool, batch: Int) throws -> Double {
        let path = (dir as NSString).appendingPathComponent("assay-bench-store-\(tree)-\(getpid()).assay")
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let store = try SQLiteLedgerStorage.create(at: path)
        store.maintainsTree = tree
        let t0 = now()
        var i = 0
        while i < envelopes.count {
            let chunk = envelopes[i..<min(i + batch, envelopes.count)]
            try store.write { tx in
                for e in chunk { try tx.append(envelope: e.bytes, kind: "GenericEvent", signer: "s", subjects: [e.label], now: 0) }
            }
            i += batch
        }
        return Double(envelopes.count) / (now() - t0)
    }

    /// Latency of appending one envelope per durable transaction.
    func singleAppendLatencies(count: Int) throws -> (p50: Double, p99: Double) {
        let start = Int(try ledger.size())
        let items = envelopes(start: start, count: count)
        var lat: [Double] = []
        for item in items {
            let t0 = now()
            try ledger.append([item])
            lat.append(now() - t0)
        }
        lat.sort()
        return (lat[lat.count / 2], lat[min(lat.count - 1, Int(Double(lat.count) * 0.99))])
    }

    /// The `assay` executable built beside this benchmark.
    static func assayExecutable() throws -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let assay = me.deletingLastPathComponent().appendingPathComponent("assay").path
        guard FileManager.default.isExecutableFile(atPath: assay) else {
            throw ValidationErrorText("build the assay product too: swift build -c release --product assay (looked for \(assay))")
        }
        return assay
    }

    /// Runs `assay verify` on the ledger as a child process: wall time and peak RSS.
    ///
    /// The peak is read by `/usr/bin/time -f %M` (Debian's `time` package), which forks from its
    /// own small process: a child forked from this benchmark directly would carry the
    /// benchmark's own resident size into its `ru_maxrss` (Linux records the old address space's
    /// high-water mark at `exec`), which is not what `assay verify` uses.
    static func verifyInChildProcess(ledger: String) throws -> (seconds: Double, maxRSSKiB: Int) {
        let assay = try assayExecutable()
        let timeTool = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: timeTool) else {
            throw ValidationErrorText("install Debian's time package (apt-get install time): the peak memory of assay verify is measured with \(timeTool)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: timeTool)
        p.arguments = ["-f", "assay-bench-maxrss-kib %M", assay, "verify", "--ledger", ledger]
        p.standardOutput = FileHandle.standardError
        let err = Pipe()
        p.standardError = err
        let t0 = now()
        try p.run()
        let output = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let secs = now() - t0
        guard p.terminationStatus == 0 else { throw ValidationErrorText("assay verify failed on the benchmark ledger (status \(p.terminationStatus))") }
        let text = String(decoding: output, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("assay-bench-maxrss-kib ") }),
              let kib = Int(line.dropFirst("assay-bench-maxrss-kib ".count)) else {
            throw ValidationErrorText("could not read the peak memory from /usr/bin/time: \(text.suffix(200))")
        }
        return (secs, kib)
    }

    /// Inclusion proofs for random leaves of the whole tree: generation rate on first use (a
    /// fresh ledger handle, so it includes the one-time loads of the upper tree levels), the
    /// steady rate after that (new random leaves), and the verification rate.
    func proofRates(count: Int) throws -> (cold: Double, warm: Double, verify: Double) {
        let fresh = try Ledger.open(at: path)
        let size = try fresh.size()
        var rng = SystemRandomNumberGenerator()
        let root = try fresh.root(size: size)
        var rates: [Double] = []
        var proofs: [InclusionProof] = []
        var idx: [UInt64] = []
        for _ in 0..<2 {
            idx = (0..<count).map { _ in UInt64.random(in: 0..<size, using: &rng) }
            proofs.removeAll(keepingCapacity: true)
            proofs.reserveCapacity(count)
            let t0 = now()
            for i in idx { proofs.append(try fresh.inclusionProof(seq: i, size: size)) }
            rates.append(Double(count) / (now() - t0))
        }
        let leaves = try idx.map { try fresh.record(at: $0).leafHash }
        let t0 = now()
        for (k, p) in proofs.enumerated() { try p.verify(leafHash: leaves[k], root: root) }
        return (rates[0], rates[1], Double(count) / (now() - t0))
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ s: String) { description = s }
}
