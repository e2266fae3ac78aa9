import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process (normally `assay`) started with Foundation's `Process`, standard output
/// and error going to files, so that whatever it wrote before it was killed can be read back,
/// and no pipe can fill up and stall it.
///
/// Use it from one thread: `start()`, optionally `signal(_:)`, then `wait(timeout:)`.
final class ChildProcess {
    /// The executable and its arguments.
    let command: [String]
    private let process = Process()
    private let outPath: String
    private let errPath: String
    private let output: FileHandle
    private let errors: FileHandle
    private let input: FileHandle
    private let exited = DispatchSemaphore(value: 0)
    private let endTime = Locked<UInt64>(0)
    private var startTime: UInt64 = 0

    /// Prepares (does not start) `executable` with `arguments`; its output files go in `scratch`.
    init(_ executable: String, _ arguments: [String], scratch: String) throws {
        command = [executable] + arguments
        let id = UUID().uuidString
        outPath = scratch + "/child-\(id).out"
        errPath = scratch + "/child-\(id).err"
        guard FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil),
              let o = FileHandle(forWritingAtPath: outPath),
              let e = FileHandle(forWritingAtPath: errPath),
              let i = FileHandle(forReadingAtPath: "/dev/null") else {
            throw HarnessFailure("cannot create the output files of a child process in \(scratch)")
        }
        output = o
        errors = e
        input = i
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_LOG"] = nil // library logging stays at its quiet default
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        let exited = self.exited, endTime = self.endTime
        process.terminationHandler = { _ in
            endTime.withLock { $0 = DispatchTime.now().uptimeNanoseconds }
            exited.signal()
        }
    }

    deinit {
        try? output.close()
        try? errors.close()
        try? input.close()
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }

    /// Starts the process.
    func start() throws {
        startTime = DispatchTime.now().uptimeNanoseconds
        do {
            try process.run()
        } catch {
            throw HarnessFailure("cannot start \(command.joined(separator: " ")): \(error)")
        }
    }

    /// The process id (valid after `start()`).
    var pid: Int32 { process.processIdentifier }

    /// Sends `sig` if the process is still running; returns whether it was sent.
    @discardableResult
    func signal(_ sig: Int32) -> Bool {
        guard process.isRunning else { return false }
        return kill(process.processIdentifier, sig) == 0
    }

    /// Waits for the process to end (killing it with SIGKILL after `timeout` seconds) and
    /// returns what it did.
    func wait(timeout: Double = 120) -> ProcessOutcome {
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            _ = kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit() // already ended: returns at once, and settles the status
        let seconds = Double(endTime.current &- startTime) / 1e9
        let signalled = process.terminationReason == .uncaughtSignal
        return ProcessOutcome(
            command: command,
            exitStatus: signalled ? nil : process.terminationStatus,
            signal: signalled ? process.terminationStatus : nil,
            timedOut: timedOut,
            stdout: Self.readAll(outPath),
            stderr: Self.readAll(errPath),
            seconds: seconds)
    }

    private static func readAll(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// Runs `executable` to completion.
    static func run(_ executable: String, _ arguments: [String], scratch: String, timeout: Double = 120) throws -> ProcessOutcome {
        let child = try ChildProcess(executable, arguments, scratch: scratch)
        try child.start()
        return child.wait(timeout: timeout)
    }
}

/// What one child process did: how it ended, what it wrote, how long it took.
struct ProcessOutcome: Sendable, CustomStringConvertible {
    /// The executable and its arguments.
    let command: [String]
    /// The exit status when it exited by itself; nil when a signal ended it.
    let exitStatus: Int32?
    /// The signal that ended it, if one did.
    let signal: Int32?
    /// Whether the harness had to kill it for running too long.
    let timedOut: Bool
    let stdout: String
    let stderr: String
    /// From start to exit.
    let seconds: Double

    /// Exited by itself with status 0.
    var succeeded: Bool { exitStatus == 0 && !timedOut }

    /// Ended by SIGKILL (from the test, not from the timeout watchdog).
    var wasKilled: Bool { signal == SIGKILL && !timedOut }

    /// The lines of standard output that were completely written (ended by a newline): a
    /// process killed while printing may leave a partial last line, which does not count.
    var completeStdoutLines: [String] {
        var lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast() // after the last newline: empty, or a line cut short
        return lines
    }

    /// The command line in shell form, abbreviated to the program's base name.
    var commandLine: String {
        let args = command.dropFirst().map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }
        return ([(command.first as NSString?)?.lastPathComponent ?? ""] + args).joined(separator: " ")
    }

    var status: String {
        if timedOut { return "timed out" }
        if let signal { return "killed by signal \(signal)" }
        return "exit \(exitStatus ?? -1)"
    }

    var description: String {
        func clip(_ s: String) -> String { s.count > 1500 ? String(s.prefix(1500)) + "…[\(s.count) chars]" : s }
        return "$ \(commandLine)\n[\(status), \(String(format: "%.3f", seconds)) s]\n--- stdout\n\(clip(stdout))\n--- stderr\n\(clip(stderr))"
    }
}
