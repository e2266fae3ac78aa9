public import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import Foundation
import Logging

/// The `assay` command tree.
public struct AssayCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "A signed provenance ledger for connected products.",
        discussion: """
        Suppliers sign component statements offline (assay sign); the ledger operator appends them \
        (assay append) to an append-only, hash-chained, Merkle-tree ledger; auditors verify it \
        (assay verify) or one proof (assay verify-proof) with nothing but the log's public key.

        Exit codes: 0 success, 1 verification failed, 2 usage or input error.
        """,
        subcommands: [
            KeyCommand.self, SignCommand.self, InitCommand.self, RegisterCommand.self, RevokeCommand.self,
            AppendCommand.self, LogCommand.self, ShowCommand.self, VerifyCommand.self,
            CheckpointCommand.self, ProveCommand.self, VerifyProofCommand.self, WitnessCommand.self,
            StatementCommand.self, ImportCommand.self, ExportCommand.self, ReportCommand.self, GraphCommand.self,
            CosignaturesCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments` (the process arguments when nil), runs the command, and exits
    /// with 0, 1 (verification failed) or 2 (usage or input error).
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        // Library logs go to standard error, quiet unless ASSAY_LOG asks for more.
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["ASSAY_LOG"] ?? "") ?? .warning
            return h
        }
        let code = run(arguments)
        Foundation.exit(code)
    }

    /// Runs one invocation and returns its exit code (testable in-process).
    public static func run(_ arguments: [String]?) -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let failure as CLIFailure {
            writeError(failure.message)
            return failure.exitCode
        } catch let e as LedgerError {
            writeError(e.message)
            return e.code == .inconsistent ? 1 : 2
        } catch let e as CryptoError {
            writeError(e.message)
            return 2
        } catch let e as ModelError {
            writeError(e.description)
            return 2
        } catch let e as LogError {
            writeError(e.message)
            return 2
        } catch let e as StoreError {
            writeError(e.message)
            return 2
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                emit(fullMessage(for: error))
                return 0
            }
            let msg = Terminal.text(fullMessage(for: error))
            FileHandle.standardError.write(Data((msg.hasSuffix("\n") ? msg : msg + "\n").utf8))
            return 2
        }
    }

    /// Writes `assay: <message>` as one line on standard error: newlines become spaces and
    /// every other control character is shown escaped (`Terminal.text`).
    static func writeError(_ message: String) {
        let line = Terminal.text(message.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " "))
        FileHandle.standardError.write(Data("assay: \(line)\n".utf8))
    }
}

/// A failure with its exit code: 1 when verification failed, 2 for usage or input errors.
struct CLIFailure: Error {
    let message: String
    let exitCode: Int32

    static func input(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
    static func verification(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }
}

/// The `--ledger` option shared by ledger commands.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The ledger file (SQLite).")
    var ledger: String

    func open(readOnly: Bool = false) throws -> Ledger {
        try Ledger.open(at: ledger, readOnly: readOnly)
    }
}

/// Writes text to standard output, with control characters shown escaped (`Terminal.text`).
func emit(_ text: String) {
    let t = Terminal.text(text)
    FileHandle.standardOutput.write(Data((t.hasSuffix("\n") ? t : t + "\n").utf8))
}

/// Writes to standard error (progress, notes), with control characters shown escaped.
func note(_ text: String) {
    let t = Terminal.text(text)
    FileHandle.standardError.write(Data((t.hasSuffix("\n") ? t : t + "\n").utf8))
}

/// Rendering text for a reader's terminal, so that nothing a statement holds can act on it.
///
/// Unsafe scalars are C0 controls, DEL, C1 controls, the Unicode bidi embeddings, overrides
/// and isolates (U+202A–202E, U+2066–2069) and the line and paragraph separators (U+2028,
/// U+2029). They are shown as `\u` and four upper-case hex digits (`\u001B` for ESC) — the
/// JSON escape of the same character, so JSON output passed through `emit` stays valid JSON
/// meaning the same thing.
enum Terminal {
    /// Whether `s` would act on a terminal (or reorder its text) rather than show.
    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
            || (0x2066...0x2069).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    static func escape(_ s: Unicode.Scalar) -> String {
        let h = String(s.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// Whole output text: every unsafe scalar escaped except the structural newline and tab.
    static func text(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            if isUnsafe(c) && c != "\n" && c != "\t" { out += escape(c) } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// One field value inside line-oriented output: every unsafe scalar escaped, newline and
    /// tab included, so a value can never start a line or a column of its own.
    static func field(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            if isUnsafe(c) { out += escape(c) } else { out.unicodeScalars.append(c) }
        }
        return out
    }
}
