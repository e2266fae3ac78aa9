public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `assay` executable (and the `sqlite3` shell) as real child processes, the
/// way a user would, for the integration tests in `AssayCLITests`.
///
/// The executable is looked for in the build products folder the test bundle runs from
/// (`swift build --build-tests` and `swift test` put `assay` beside `AssayPackageTests.xctest`);
/// when it is not there, the environment variable `ASSAY_BIN` names it. A missing executable
/// is an error naming both places, never a silent skip.
public enum CLIHarness {
    /// The environment variable naming the `assay` executable when it is not beside the tests.
    public static let executableVariable = "ASSAY_BIN"
    /// The environment variable naming the `sqlite3` shell (default: `/usr/bin/sqlite3`, then `PATH`).
    public static let sqliteVariable = "ASSAY_SQLITE3"
    /// Longest a child process may run before it is killed and the run reported as timed out.
    public static let defaultTimeout: TimeInterval = 120

    /// The path of the built `assay` executable.
    /// - Throws: `CLIHarnessError` naming where it looked and how to fix it.
    public static func assayExecutable() throws(CLIHarnessError) -> String {
        try located.get()
    }

    private static let located: Result<String, CLIHarnessError> = {
        var tried: [String] = []
        for dir in productDirectories() {
            let candidate = (dir as NSString).appendingPathComponent("assay")
            tried.append(candidate)
            if FileManager.default.isExecutableFile(atPath: candidate) { return .success(candidate) }
        }
        if let env = ProcessInfo.processInfo.environment[executableVariable], !env.isEmpty {
            tried.append(env)
            if FileManager.default.isExecutableFile(atPath: env) { return .success(env) }
        }
        return .failure(CLIHarnessError(
            "the assay executable was not found (tried: \(tried.joined(separator: ", "))); build it with "
                + "`swift build --build-tests` (it lands beside the test bundle) or set \(executableVariable)"))
    }()

    /// Folders that may hold the build products: the test bundle's folder and the folder of
    /// the running test executable (on Linux the `.xctest` is itself an executable).
    static func productDirectories() -> [String] {
        var dirs: [String] = []
        func add(_ path: String?) {
            guard let path, !path.isEmpty else { return }
            let dir = (path as NSString).deletingLastPathComponent
            if !dirs.contains(dir) { dirs.append(dir) }
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            add(bundle.bundlePath)
        }
        #if os(Linux)
        add(try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        #endif
        add(Bundle.main.executablePath)
        if let first = CommandLine.arguments.first, first.hasPrefix("/") { add(first) }
        return dirs
    }

    /// Runs `assay` with `arguments`.
    /// - Parameters:
    ///   - arguments: the arguments after the program name.
    ///   - stdin: bytes for standard input (none: `/dev/null`).
    ///   - directory: the working directory (default: the current one).
    ///   - environment: variables to set (or, with nil, unset) for this run only.
    /// - Returns: exit status, signal (if it died of one), standard output and error.
    @discardableResult
    public static func assay(_ arguments: [String], stdin: [UInt8]? = nil, in directory: String? = nil,
                             environment: [String: String?] = [:],
                             timeout: TimeInterval = defaultTimeout) throws(CLIHarnessError) -> CLIResult {
        try run(executable: try assayExecutable(), arguments, stdin: stdin, in: directory, environment: environment, timeout: timeout)
    }

    /// The `sqlite3` command-line shell.
    public static func sqliteExecutable() throws(CLIHarnessError) -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment[sqliteVariable], !env.isEmpty { candidates.append(env) }
        candidates.append("/usr/bin/sqlite3")
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/sqlite3")
        }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        throw CLIHarnessError("the sqlite3 shell was not found (apt-get install sqlite3, or set \(sqliteVariable))")
    }

    /// Runs SQL on `database` with the `sqlite3` shell (`-batch -bail`), SQL on standard input.
    @discardableResult
    public static func sqlite3(_ database: String, _ sql: String, options: [String] = []) throws(CLIHarnessError) -> CLIResult {
        try run(executable: try sqliteExecutable(), ["-batch", "-bail"] + options + [database], stdin: Array(sql.utf8))
    }

    /// Runs any executable as a child process. Standard output and error go to files (no
    /// pipe can fill up and deadlock); standard input comes from a file or `/dev/null`.
    ///
    /// The child's environment is the test process's, without the defaults `assay` reads
    /// (`ASSAY_LOG`, `ASSAY_LEDGER`, `ASSAY_KEY`), so that every test says what it uses, then
    /// with `environment` applied (a nil value unsets).
    public static func run(executable: String, _ arguments: [String], stdin: [UInt8]? = nil, in directory: String? = nil,
                           environment: [String: String?] = [:],
                           timeout: TimeInterval = defaultTimeout) throws(CLIHarnessError) -> CLIResult {
        let scratch = NSTemporaryDirectory() + "assay-cli-run-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw CLIHarnessError("cannot create \(scratch): \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inPath = scratch + "/stdin", outPath = scratch + "/stdout", errPath = scratch + "/stderr"
        guard FileManager.default.createFile(atPath: inPath, contents: Data(stdin ?? [])),
              FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil),
              let input = stdin == nil ? FileHandle(forReadingAtPath: "/dev/null") : FileHandle(forReadingAtPath: inPath),
              let output = FileHandle(forWritingAtPath: outPath),
              let errors = FileHandle(forWritingAtPath: errPath) else {
            throw CLIHarnessError("cannot set up the standard streams of \(executable) in \(scratch)")
        }
        defer {
            try? input.close()
            try? output.close()
            try? errors.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory, isDirectory: true) }
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_LOG"] = nil // library logging stays at its quiet default
        env["ASSAY_LEDGER"] = nil
        env["ASSAY_KEY"] = nil
        for (name, value) in environment { env[name] = value }
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw CLIHarnessError("cannot start \(executable): \(error)")
        }
        let pid = process.processIdentifier
        let watchdog = Watchdog()
        let killer = DispatchWorkItem {
            watchdog.fire()
            _ = sendKill(pid)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        process.waitUntilExit()
        killer.cancel()
        let out = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        let err = (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data()
        let signalled = process.terminationReason == .uncaughtSignal
        return CLIResult(command: [executable] + arguments,
                         exitCode: signalled ? -1 : process.terminationStatus,
                         signal: signalled ? process.terminationStatus : nil,
                         timedOut: watchdog.fired,
                         stdoutBytes: [UInt8](out), stderrBytes: [UInt8](err))
    }

    private final class Watchdog: @unchecked Sendable {
        private let lock = NSLock()
        private var _fired = false
        func fire() { lock.lock(); _fired = true; lock.unlock() }
        var fired: Bool { lock.lock(); defer { lock.unlock() }; return _fired }
    }

    /// SHA-256 of a file's bytes, lower-case hex; nil when the file does not exist.
    public static func sha256(file path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return TestSHA256.hex([UInt8](data))
    }
}

/// Kills a child process that ran past its time limit.
private func sendKill(_ pid: Int32) -> Int32 {
    kill(pid, SIGKILL)
}

/// What one child process did.
public struct CLIResult: Sendable, CustomStringConvertible {
    /// The executable and its arguments.
    public let command: [String]
    /// The exit status (−1 when the process died of a signal).
    public let exitCode: Int32
    /// The signal that ended the process, if one did (a crash: trap, abort, segfault).
    public let signal: Int32?
    /// Whether the harness had to kill it for running too long.
    public let timedOut: Bool
    public let stdoutBytes: [UInt8]
    public let stderrBytes: [UInt8]

    public init(command: [String], exitCode: Int32, signal: Int32?, timedOut: Bool, stdoutBytes: [UInt8], stderrBytes: [UInt8]) {
        self.command = command
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.stdoutBytes = stdoutBytes
        self.stderrBytes = stderrBytes
    }

    public var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    public var stderr: String { String(decoding: stderrBytes, as: UTF8.self) }

    /// Standard output split into lines (no trailing empty line).
    public var stdoutLines: [String] { Self.lines(stdout) }
    /// Standard error split into lines (no trailing empty line).
    public var stderrLines: [String] { Self.lines(stderr) }

    /// Whether the process ended by itself with an exit status (not a signal, not killed).
    public var exitedNormally: Bool { signal == nil && !timedOut }

    static func lines(_ s: String) -> [String] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if l.last == "" { l.removeLast() }
        return l
    }

    /// The command, status and both streams, for test failure messages.
    public var description: String {
        let args = command.dropFirst().map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
        let status = timedOut ? "timed out" : signal.map { "killed by signal \($0)" } ?? "exit \(exitCode)"
        func clip(_ s: String) -> String { s.count > 2000 ? String(s.prefix(2000)) + "…" : s }
        return "$ \((command.first.map { ($0 as NSString).lastPathComponent }) ?? "") \(args)\n[\(status)]\n--- stdout\n\(clip(stdout))--- stderr\n\(clip(stderr))"
    }
}

/// Why the harness could not run a command (not a failure of the command itself).
public struct CLIHarnessError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A fresh temporary directory for one test. Remove it with `remove()` (in a `defer`); set
/// `ASSAY_KEEP_TEST_DIRS=1` to keep every one for inspection.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init(prefix: String = "assay-cli-test") throws(CLIHarnessError) {
        let p = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        } catch {
            throw CLIHarnessError("cannot create temporary directory \(p): \(error)")
        }
        path = (p as NSString).standardizingPath
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `bytes` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8], mode: Int = 0o644) throws(CLIHarnessError) -> String {
        let p = file(name)
        guard FileManager.default.createFile(atPath: p, contents: Data(bytes), attributes: [.posixPermissions: mode]) else {
            throw CLIHarnessError("cannot write \(p)")
        }
        return p
    }

    /// Writes UTF-8 `text` to `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o644) throws(CLIHarnessError) -> String {
        try write(name, Array(text.utf8), mode: mode)
    }

    /// Deletes the directory and everything in it (unless `ASSAY_KEEP_TEST_DIRS` is set).
    public func remove() {
        if let keep = ProcessInfo.processInfo.environment["ASSAY_KEEP_TEST_DIRS"], !keep.isEmpty, keep != "0" { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A small, independent SHA-256 (FIPS 180-4) so the tests can hash files and recompute the
/// documented ledger hashes without trusting the code under test.
public enum TestSHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The 32-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        let bitLength = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        var w = [UInt32](repeating: 0, count: 64)
        @inline(__always) func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                hh = g; g = f; f = e; e = d &+ t1
                d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for v in h { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        return out
    }

    /// The digest of `message` as lower-case hex.
    public static func hex(_ message: [UInt8]) -> String {
        hash(message).map { String(format: "%02x", $0) }.joined()
    }
}
