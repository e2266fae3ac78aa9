import Foundation

/// A read-only `sqlite3` shell holding a connection to a ledger open, so that an `assay`
/// process closing is never the last connection: it then neither checkpoints nor deletes the
/// WAL, and committed transactions stay in the WAL until SQLite's auto-checkpoint.
final class WALHolder {
    private let process = Process()
    private let input = Pipe()

    init(ledger: String) throws {
        var candidates: [String] = []
        if let env = Environment.value("ASSAY_SQLITE3") { candidates.append(env) }
        candidates.append("/usr/bin/sqlite3")
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/sqlite3") }
        guard let shell = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw HarnessFailure("the sqlite3 shell was not found (apt-get install sqlite3, or set ASSAY_SQLITE3)")
        }
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-readonly", ledger]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The shell opens the file lazily: one query makes the connection real.
        input.fileHandleForWriting.write(Data("SELECT count(*) FROM records;\n".utf8))
        usleep(100_000)
    }

    /// Ends the shell (end of input) and waits for it.
    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
