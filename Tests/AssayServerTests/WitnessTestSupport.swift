import AssayCrypto
import AssayLedger
import AssayLog
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Support for the witness protocol tests: any long-running `assay` child process that prints
// `listening on http://127.0.0.1:PORT` first (`assay witness serve`, `assay serve`), the
// add-checkpoint request, and the witness state as files.

/// A running `assay` child process that serves HTTP; its output goes to files in `dir`.
final class AssayChild: @unchecked Sendable {
    // @unchecked Sendable: the Process is started in init and afterwards only signalled and
    // waited for.
    let port: Int
    private let process = Process()
    private let outPath: String
    private let errPath: String
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `assay <arguments>` and waits (up to 60 s) for its address line.
    /// - Throws: `TestFailure` with its output when it ends or stays silent instead.
    init(_ arguments: [String], dir: TemporaryDirectory) throws {
        let id = UUID().uuidString
        outPath = dir.file("child-\(id).out")
        errPath = dir.file("child-\(id).err")
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try CLIHarness.assayExecutable())
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_LOG"] = "info"
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
            let out = Self.read(outPath)
            if out.contains("\n"), let line = out.split(separator: "\n").first, line.hasPrefix("listening on http://127.0.0.1:"),
               let p = Int(line.split(separator: ":").last ?? "") {
                found = p
            } else {
                usleep(20_000)
            }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw TestFailure("assay \(arguments.joined(separator: " ")) did not print its address:\n--- stdout\n\(Self.read(outPath))\n--- stderr\n\(Self.read(errPath))")
        }
        port = found
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var isRunning: Bool { process.isRunning }
    var stderr: String { Self.read(errPath) }

    /// A new keep-alive connection.
    func client() throws -> HTTPTestClient { try HTTPTestClient(port: port) }

    /// SIGTERM, then waits (SIGKILL after `timeout` s); the exit status (nil when signalled).
    @discardableResult
    func stop(timeout: Double = 60) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? nil : process.terminationStatus
    }

    static func read(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }
}

/// A witness for the tests: its key files, its state directory, and `assay witness serve`.
struct WitnessFixture {
    let dir: TemporaryDirectory
    let key: NamedSigningKey
    var keyFile: String { dir.file("witness.key") }
    var state: String { dir.file("witness-state") }
    var verifierKey: VerifierKey { key.verifierKey }

    init(dir: TemporaryDirectory, key: NamedSigningKey = Fixtures.witnessKey) throws {
        self.dir = dir
        self.key = key
        guard FileManager.default.createFile(atPath: dir.file("witness.key"), contents: Data(key.secretKeyText().utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw TestFailure("cannot write the witness key")
        }
        _ = try dir.write("witness.key.pub", key.verifierKey.description + "\n")
    }

    /// `assay witness serve` for `logs` (origin, log key) on a free port.
    func start(logs: [(String, VerifierKey)]) throws -> AssayChild {
        try AssayChild(["witness", "serve", "--key", keyFile, "--state", state, "--listen", "127.0.0.1:0"]
                       + logs.flatMap { ["--log", "\($0.0)=\($0.1.description)"] }, dir: dir)
    }

    /// Every file of the state except the evidence directory, with its SHA-256.
    func stateFiles() -> [String: String] {
        var out: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: state)) ?? [] where name != "evidence" {
            out[name] = CLIHarness.sha256(file: (state as NSString).appendingPathComponent(name)) ?? "unreadable"
        }
        return out
    }

    /// The evidence files the witness kept, their text.
    func evidence() -> [String] {
        let dir = (state as NSString).appendingPathComponent("evidence")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map {
            AssayChild.read((dir as NSString).appendingPathComponent($0))
        }
    }
}

extension HTTPTestClient {
    /// `POST /add-checkpoint` with `old`, `proof` and the checkpoint note.
    func addCheckpoint(old: UInt64, proof: [Digest] = [], note: SignedNote) throws -> HTTPTestResponse {
        try request("POST", "/add-checkpoint", body: AddCheckpointRequest(oldSize: old, proof: proof, checkpoint: Array(note.serialized.utf8)).serialized)
    }
}

/// Checks a 200 add-checkpoint answer: one cosignature line by `witness` that verifies over
/// `note`'s text. Returns the line.
func expectCosignature(_ r: HTTPTestResponse, over note: SignedNote, by witness: VerifierKey,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> SignedNote.Line? {
    #expect(r.status == 200, "\(r)", sourceLocation: sourceLocation)
    guard r.status == 200 else { return nil }
    let lines = try AddCheckpointRequest.cosignatures(response: r.body)
    let opened = try SignedNote(text: note.text, signatures: lines).open(verifiers: [witness])
    #expect(opened.verified.count == 1 && lines.count == 1, "one cosignature line by \(witness.reference): \(r.text)", sourceLocation: sourceLocation)
    return opened.verified.first
}
