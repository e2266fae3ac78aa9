import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Support for the server tests: a workspace (a real SQLite ledger file and the operator's
// key file), a real `assay serve` child process on 127.0.0.1 with port 0, and checks of what
// the server answers against the log key.

/// A temporary directory with a ledger (genesis, the supplier and the manufacturer
/// registered) and the operator's secret key file.
struct ServerWorkspace {
    let dir: TemporaryDirectory
    /// The ledger: the file `ledger.assay` in `dir`, or a PostgreSQL URL.
    let ledger: String
    /// The PostgreSQL database holding the ledger, when it is there (dropped by `remove`).
    let database: PostgresTestDatabase?
    var operatorKeyFile: String { dir.file("operator.key") }

    /// - Parameter postgres: the ledger in a new PostgreSQL database (the test server's) instead of a file.
    init(postgres: Bool = false) throws {
        dir = try TemporaryDirectory(prefix: "assay-server-test")
        database = postgres ? try PostgresTestServer.freshDatabase() : nil
        ledger = database?.writerURL ?? dir.file("ledger.assay")
        _ = try Fixtures.ledger(at: ledger)
        guard FileManager.default.createFile(atPath: dir.file("operator.key"), contents: Data(Fixtures.operatorKey.secretKeyText().utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("cannot write the operator key")
        }
    }

    func remove() {
        dir.remove()
        database?.drop()
    }

    /// The log's verifier key and origin.
    static let logKey = Fixtures.operatorKey.verifierKey
    static let origin = "test.example/ledger"

    /// A valid envelope by the registered supplier: a generic event about serial `n`.
    static func event(_ n: Int) -> [UInt8] { Fixtures.envelope(Fixtures.event(n), by: Fixtures.supplierKey) }

    /// The number of records in the ledger file, read by `assay log --json` (a separate process).
    func ledgerSize() throws -> Int {
        let r = try CLIHarness.assay(["verify", "--ledger", ledger, "--json"])
        guard let obj = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any],
              let size = (obj["size"] ?? obj["entries"] ?? obj["treeSize"]) as? Int else {
            throw TestFailure("cannot read the ledger size from assay verify --json:\n\(r)")
        }
        return size
    }

    /// `assay verify --ledger` on the file: exit code and output.
    func verify() throws -> CLIResult { try CLIHarness.assay(["verify", "--ledger", ledger]) }
}

/// A running `assay serve` child process. Its standard output and error go to files; the
/// first line of standard output names the bound address.
final class ServerProcess: @unchecked Sendable {
    // @unchecked Sendable: the Process is started in init and afterwards only signalled and
    // waited for; the mutable output state is read only after the process ended.
    let port: Int
    private let process = Process()
    private let outPath: String
    private let errPath: String
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `assay serve` on `workspace`'s ledger and waits (up to 60 s) for it to listen.
    convenience init(_ workspace: ServerWorkspace, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        try self.init(ledger: workspace.ledger, keyFile: workspace.operatorKeyFile, outputDirectory: workspace.dir.path,
                      extraArguments: extraArguments, environment: environment)
    }

    /// Starts `assay serve` on `ledger` with the operator key in `keyFile`, its output in files
    /// in `outputDirectory`, and waits (up to 60 s) for it to listen.
    /// - Parameter executable: another `assay` than the built one (a copy installed elsewhere).
    init(ledger: String, keyFile: String, outputDirectory: String, extraArguments: [String] = [], environment: [String: String] = [:],
         executable: String? = nil) throws {
        let id = UUID().uuidString
        outPath = (outputDirectory as NSString).appendingPathComponent("serve-\(id).out")
        errPath = (outputDirectory as NSString).appendingPathComponent("serve-\(id).err")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try executable ?? CLIHarness.assayExecutable())
        process.arguments = ["serve", "--ledger", ledger, "--key", keyFile, "--listen", "127.0.0.1:0"] + extraArguments
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_LOG"] = "info"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var found: Int? = nil
        while found == nil, Date() < deadline, process.isRunning {
            let out = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
            if let line = out.split(separator: "\n", omittingEmptySubsequences: false).first, out.contains("\n"),
               line.hasPrefix("listening on http://127.0.0.1:"), let p = Int(line.split(separator: ":").last ?? "") {
                found = p
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw TestFailure("assay serve did not print its address:\n--- stdout\n\(Self.read(outPath))\n--- stderr\n\(Self.read(errPath))")
        }
        port = found
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// A new keep-alive connection to the server.
    func client() throws -> HTTPTestClient { try HTTPTestClient(port: port) }

    func signal(_ sig: Int32) { if process.isRunning { kill(process.processIdentifier, sig) } }

    /// Waits for the process to end (SIGKILL after `timeout` s) and returns how it ended.
    func wait(timeout: Double = 60) -> (status: Int32?, signal: Int32?, timedOut: Bool, stdout: String, stderr: String) {
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit()
        let signalled = process.terminationReason == .uncaughtSignal
        return (signalled ? nil : process.terminationStatus, signalled ? process.terminationStatus : nil, timedOut,
                Self.read(outPath), Self.read(errPath))
    }

    var stderr: String { Self.read(errPath) }

    private static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}

/// What a 201/200 submission answer carries, checked against the log key.
struct EntryReceipt {
    let seq: UInt64
    let leafHash: Digest
    let treeSize: UInt64
    let checkpoint: SignedCheckpoint
    let proof: InclusionProof

    /// Parses one entry answer (`seq`, `leafHash`, `checkpoint`, `inclusionProof`, `treeSize`)
    /// and checks it: the checkpoint verifies under the log key, its size is `treeSize`, and the
    /// proof leads from `leafHash` to its root.
    init(_ obj: [String: Any]) throws {
        guard let seq = obj["seq"] as? Int, let leaf = obj["leafHash"] as? String, let size = obj["treeSize"] as? Int,
              let note = obj["checkpoint"] as? String, let hashes = obj["inclusionProof"] as? [String] else {
            throw TestFailure("an entry answer lacks a field: \(obj)")
        }
        guard let leafBytes = Data(base64Encoded: leaf), let leafHash = try? Digest(bytes: [UInt8](leafBytes)) else {
            throw TestFailure("leafHash \(leaf) is not base64 of 32 bytes")
        }
        let cp = try SignedCheckpoint(parsing: Array(note.utf8), logKey: ServerWorkspace.logKey, origin: ServerWorkspace.origin)
        guard cp.checkpoint.size == UInt64(size) else { throw TestFailure("treeSize \(size) but the checkpoint is for \(cp.checkpoint.size)") }
        let proof = InclusionProof(index: UInt64(seq), treeSize: UInt64(size), hashes: try hashes.map { h in
            guard let d = Data(base64Encoded: h) else { throw TestFailure("proof hash \(h) is not base64") }
            return try Digest(bytes: [UInt8](d))
        })
        try proof.verify(leafHash: leafHash, root: try cp.checkpoint.root)
        self.seq = UInt64(seq)
        self.leafHash = leafHash
        self.treeSize = UInt64(size)
        checkpoint = cp
        self.proof = proof
    }
}

/// Runs `body(i)` for `i` in `0..<count` on `count` threads of their own (blocking sockets are
/// fine there) and rethrows the first error.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let group = DispatchGroup()
    let errors = Locked<[String]>([])
    for i in 0..<count {
        group.enter()
        let t = Thread {
            defer { group.leave() }
            do { try body(i) } catch { errors.withLock { $0.append("thread \(i): \(error)") } }
        }
        t.stackSize = 1 << 20
        t.start()
    }
    group.wait()
    let all = errors.withLock { $0 }
    if !all.isEmpty { throw TestFailure(all.prefix(5).joined(separator: "\n")) }
}

/// A value behind a lock.
final class Locked<T>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
