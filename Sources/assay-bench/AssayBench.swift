import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import AssayStoreSQLite
import AssayVerify
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `swift run -c release assay-bench`: measures Assay against the raw rates of its primitives,
/// in one run, on this machine, and prints a table (and JSON).
struct AssayBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay-bench",
        abstract: "Benchmark Assay against the raw rate of libsodium and SQLite, measured in the same run."
    )

    @Option(help: "Ledger sizes at which append throughput is measured (comma-separated).")
    var sizes: String = "10000,100000,1000000"

    @Option(help: "Entries per append transaction (batched append).")
    var batch: Int = 1000

    @Option(help: "Entries measured at each size.")
    var window: Int = 10000

    @Option(help: "Inclusion proofs generated and verified.")
    var proofs: Int = 100_000

    @Option(help: "Where to write the JSON results.")
    var out: String = "bench-out/bench.json"

    @Option(help: "Working directory for ledger files.")
    var dir: String = NSTemporaryDirectory()

    @Flag(help: "Small sizes, for a quick check that the benchmark runs.")
    var quick = false

    @Flag(name: .customLong("no-peer"), help: "Skip the in-toto peer comparison.")
    var noPeer = false

    @Flag(help: "Keep the benchmark ledger (its path is printed), for profiling `assay verify` on it.")
    var keep = false

    @Flag(help: "Run only the service section (a real `assay serve` under load from this process); the default run includes it.")
    var service = false

    @Flag(name: .customLong("no-service"), help: "Skip the service section.")
    var noService = false

    @Option(help: "A PostgreSQL superuser URL for the PostgreSQL section (default: $ASSAY_TEST_POSTGRES_URL, which `eval \"$(bash tools/ci/postgres.sh)\"` sets); without one the section is skipped, saying so.")
    var postgres: String?

    @Flag(name: .customLong("postgres-only"), help: "Run only the PostgreSQL section (SQLite and PostgreSQL side by side).")
    var postgresOnly = false

    @Flag(name: .customLong("no-postgres"), help: "Skip the PostgreSQL section.")
    var noPostgres = false

    @Option(help: "Seconds of each service phase (default 10, 3 with --quick).")
    var serviceSeconds: Double?

    @Option(help: "Offline verifications of the 50-entry product's bundle (the median is reported); raise it to profile them.")
    var bundleVerifications: Int = 7

    mutating func run() throws {
        if quick {
            sizes = "2000,6000"
            window = 1000
            batch = 500
            proofs = 5000
        }
        var serviceOptions = quick ? ServiceBench.Options.quick : ServiceBench.Options()
        if let serviceSeconds { serviceOptions.seconds = serviceSeconds }
        let postgresURL = postgres ?? ProcessInfo.processInfo.environment["ASSAY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var postgresOptions = quick ? PostgresBench.Options.quick : PostgresBench.Options()
        if let serviceSeconds { postgresOptions.seconds = serviceSeconds }
        if postgresOnly {
            guard let postgresURL else { throw ValidationErrorText("--postgres-only needs --postgres URL or ASSAY_TEST_POSTGRES_URL") }
            var table = ResultTable()
            try PostgresBench.run(admin: postgresURL, dir: dir, options: postgresOptions, table: &table)
            print(table.render())
            try table.writeJSON(to: out, extra: ["cores": "\(ProcessInfo.processInfo.activeProcessorCount)", "section": "postgres", "quick": "\(quick)"])
            note("wrote \(out)")
            return
        }
        if service {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            note("assay-bench: \(cores) cores; service section only")
            var table = ResultTable()
            try ServiceBench.run(dir: dir, options: serviceOptions, table: &table)
            print(table.render())
            try table.writeJSON(to: out, extra: ["cores": "\(cores)", "section": "service", "quick": "\(quick)"])
            note("wrote \(out)")
            return
        }
        let targets = sizes.split(separator: ",").compactMap { Int($0) }.sorted()
        var table = ResultTable()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        note("assay-bench: \(cores) cores; sizes \(targets)")

        // 1. The limits.
        let limits = Limits.measure(cores: cores)
        table.add("ed25519 verify, 1 core", limits.verify1, "sig/s")
        table.add("ed25519 verify, \(cores) cores", limits.verifyAll, "sig/s")
        table.add("ed25519 sign, 1 core", limits.sign1, "sig/s")
        table.add("ed25519 sign, \(cores) cores", limits.signAll, "sig/s")
        table.add("sha256 of 65 bytes, 1 core", limits.sha65, "hash/s")
        let sqlitePath = (dir as NSString).appendingPathComponent("assay-bench-raw-\(getpid()).db")
        let rawInsert = try StoreBenchmark.rawInsertRate(path: sqlitePath, rows: 200_000, rowBytes: 600)
        table.add("sqlite insert, 1 tx, prepared", rawInsert, "row/s")

        // 2. Batched append, at growing sizes.
        let fixture = try Fixture(dir: dir, name: "main")
        let sample = fixture.envelopes(start: 0, count: 4000).enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        for (phase, secs) in PhaseBreakdown.measure(sample, key: fixture.suppliers[0].key.publicKey) {
            table.add("per entry, 1 core: \(phase)", secs * 1e6, "µs")
        }
        var appendRates: [(Int, Double)] = []
        for target in targets {
            let start = max(Int(try fixture.ledger.size()), target - window)
            try fixture.grow(to: start, batch: batch)
            let before = fixture.appendSeconds
            try fixture.grow(to: target, batch: batch) // times only the append calls, not the signing
            let rate = Double(target - start) / (fixture.appendSeconds - before)
            appendRates.append((target, rate))
            table.add("append, batches of \(batch), at \(target) entries", rate, "entry/s", limit: limits.verifyAll, limitName: "verify, all cores")
        }
        if let first = appendRates.first, let last = appendRates.last, appendRates.count > 1 {
            table.add("append rate at \(last.0) vs \(first.0)", last.1 / first.1 * 100, "%")
        }
        // The same at the largest size with ten times the batch: how much of the gap is the
        // durable commit (an fsync per batch) and the start and end of each batch.
        do {
            let start = Int(try fixture.ledger.size())
            let before = fixture.appendSeconds
            try fixture.grow(to: start + window, batch: batch * 10)
            table.add("append, batches of \(batch * 10), at \(start + window) entries", Double(window) / (fixture.appendSeconds - before),
                      "entry/s", limit: limits.verifyAll, limitName: "verify, all cores")
        }

        // Tree maintenance: store-level appends with and without it, same envelopes.
        let envs = fixture.envelopes(start: 0, count: window)
        let withTree = try Fixture.storeOnlyRate(dir: dir, envelopes: envs, tree: true, batch: batch)
        let withoutTree = try Fixture.storeOnlyRate(dir: dir, envelopes: envs, tree: false, batch: batch)
        table.add("store append with Merkle tree (no sig checks)", withTree, "entry/s", limit: rawInsert, limitName: "sqlite insert")
        table.add("store append without Merkle tree", withoutTree, "entry/s", limit: rawInsert, limitName: "sqlite insert")
        table.add("tree maintenance overhead", (withoutTree / withTree - 1) * 100, "%")

        // What finding an envelope already present costs the writer per entry (issue 14: the
        // ledger looks each appended envelope up through its first subject): new envelopes (the
        // common case: an index probe that finds nothing) and ones already stored (a record read
        // and a byte comparison), at the largest size, and re-appending a stored batch.
        do {
            let n = min(window, 5000)
            let fresh = fixture.envelopes(start: 10_000_000, count: n).map { (e: $0.bytes, s: "https://id.gs1.org/01/04012345000016/21/SN\($0.label.dropFirst())") }
            let size = Int(try fixture.ledger.size())
            let stored = try (0..<n).map { i -> (e: [UInt8], s: String) in
                let r = try fixture.ledger.record(at: UInt64(size - n + i))
                return (r.envelope, "https://id.gs1.org/01/04012345000016/21/SN\(size - n + i)")
            }
            for (name, list) in [("new envelope", fresh), ("envelope already present", stored)] {
                let t0 = now()
                var found = 0
                for x in list where try fixture.ledger.store.record(withEnvelope: x.e, subject: x.s) != nil { found += 1 }
                precondition(found == (name == "new envelope" ? 0 : n), "duplicate lookup found \(found) of \(n) (\(name))")
                table.add("duplicate lookup per entry, \(name), at \(size)", (now() - t0) / Double(n) * 1e6, "µs")
            }
            let again = stored.prefix(1000).enumerated().map { Ledger.AppendItem(label: "again \($0.offset)", bytes: $0.element.e) }
            let t0 = now()
            let outcomes = try fixture.ledger.appendDetailed(again)
            let sizeAfter = try fixture.ledger.size()
            precondition(outcomes.allSatisfy(\.wasPresent) && sizeAfter == UInt64(size), "re-appended envelopes must be found")
            table.add("re-append of \(again.count) stored envelopes (all already present)", Double(again.count) / (now() - t0), "entry/s")
        }

        // 3. Single-entry durable append latency.
        let lat = try fixture.singleAppendLatencies(count: quick ? 50 : 300)
        table.add("single append latency p50", lat.p50 * 1000, "ms")
        table.add("single append latency p99", lat.p99 * 1000, "ms")

        // The subject index (issue 13): one product with 50 entries, then checkpoints. The first
        // signing in a process builds the index from the stored rows (what `assay checkpoint` does
        // each time it runs); later ones bring it forward by the entries appended since.
        let product = "https://id.gs1.org/01/04012345000016/21/SN-BENCH-50"
        try fixture.ledger.append(fixture.events(about: product, count: 50))
        let sizeBeforeCheckpoint = try fixture.ledger.size()
        let cold = try Ledger.open(at: fixture.path)
        var t0 = now()
        _ = try cold.signCheckpoint(with: fixture.op)
        table.add("checkpoint signing at \(sizeBeforeCheckpoint), fresh handle (subject index built from storage)", (now() - t0) * 1000, "ms")
        try cold.append(fixture.envelopes(start: Int(sizeBeforeCheckpoint), count: batch))
        t0 = now()
        _ = try cold.signCheckpoint(with: fixture.op)
        table.add("checkpoint signing after \(batch) more entries (index brought forward)", (now() - t0) * 1000, "ms")

        // 4. Full verify of the largest ledger, as the CLI runs it, in its own process (it
        // recomputes the subject index and checks it against both checkpoints).
        let size = try fixture.ledger.size()
        let v = try Fixture.verifyInChildProcess(ledger: fixture.path)
        table.add("full verify of \(size) entries (assay verify)", Double(size) / v.seconds, "entry/s", limit: limits.verifyAll, limitName: "verify, all cores")
        table.add("full verify peak RSS", Double(v.maxRSSKiB) / 1024, "MiB")

        // 5. Inclusion proofs.
        let p = try fixture.proofRates(count: proofs)
        table.add("inclusion proof generation at \(size), first \(proofs) (incl. one-time cache loads)", p.cold, "proof/s")
        table.add("inclusion proof generation at \(size), steady", p.warm, "proof/s")
        table.add("inclusion proof verification", p.verify, "proof/s", limit: limits.sha65 / 21, limitName: "sha256 / log2(n) hashes")

        // Bundle export and offline verification for the 50-entry product in the largest ledger.
        var exportTimes: [Double] = []
        var bundle: ProductBundle? = nil
        for _ in 0..<5 {
            let t0 = now()
            bundle = try cold.exportBundle(product: product)
            exportTimes.append(now() - t0)
        }
        let verifier = BundleVerifier(logKey: fixture.op.verifierKey, origin: "bench.example/ledger", product: product,
                                      auditDate: try CalendarDate(parsing: "2027-01-01"))
        var verifyTimes: [Double] = []
        for _ in 0..<max(1, bundleVerifications) {
            let t1 = now()
            let verdict = verifier.verify(bundle!)
            verifyTimes.append(now() - t1)
            precondition(verdict.principles[0].verdict == .satisfied, "the benchmark bundle must verify: \(verdict.principles[0].findings.first?.message ?? "")")
        }
        let b = bundle!
        let withIndex = b.json.utf8.count
        let withoutIndex = ProductBundle(origin: b.origin, product: b.product, checkpoint: b.checkpoint, entries: b.entries).json.utf8.count
        table.add("bundle export, one product of \(size) entries (\(b.entries.count) entries, \(b.index.count) subjects), warm", exportTimes.sorted()[2] * 1000, "ms")
        table.add("bundle offline verify (median of \(verifyTimes.count))", verifyTimes.sorted()[verifyTimes.count / 2] * 1000, "ms")
        table.add("bundle bytes for the subject index, per subject", Double(withIndex - withoutIndex) / Double(max(1, b.index.count)), "B")
        table.add("bundle bytes, total (JSON)", Double(withIndex), "B")

        // 6. Peer comparison: in-toto's reference DSSE verification on the same envelopes.
        if !noPeer {
            let n = quick ? 2000 : 20_000
            let items = fixture.envelopes(start: 0, count: n)
            let t0 = now()
            let envs = items.concurrentMap(minimumChunk: 64) { try! Envelope(json: $0.bytes) }
            let keys = Dictionary(uniqueKeysWithValues: fixture.suppliers.map { ($0.keyReference.description, $0.key.publicKey) })
            let ok = envs.concurrentMap(minimumChunk: 64) { $0.isValidSignature(at: 0, by: keys[$0.signatures[0].keyID]!) }
            precondition(!ok.contains(false))
            let assayRate = Double(n) / (now() - t0)
            if let peer = try PeerComparison.inToto(items: items, suppliers: fixture.suppliers, dir: dir) {
                table.add("in-toto reference: DSSE verify (\(peer.implementation))", peer.rate, "env/s")
                table.add("Assay: parse + verify the same envelopes, all cores", assayRate, "env/s", limit: peer.rate, limitName: "in-toto")
            } else {
                note("peer comparison skipped: python3 with in-toto is not available (bash tools/bench/run.sh installs it)")
            }
        }

        // 7. The service (issue 17): a real `assay serve` under load from this process.
        if !noService {
            try ServiceBench.run(dir: dir, options: serviceOptions, table: &table)
        }

        // 8. The PostgreSQL backend (issue 19), side by side with SQLite.
        if !noPostgres {
            if let postgresURL {
                try PostgresBench.run(admin: postgresURL, dir: dir, options: postgresOptions, table: &table)
            } else {
                note("PostgreSQL section skipped: no server (eval \"$(bash tools/ci/postgres.sh)\" starts one and sets ASSAY_TEST_POSTGRES_URL)")
            }
        }

        print(table.render())
        try table.writeJSON(to: out, extra: ["cores": "\(cores)", "sizes": sizes])
        note("wrote \(out)")
        if keep { note("kept \(fixture.path)") } else { fixture.remove() }
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
