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
                print(fullMessage(for: error))
                return 0
            }
            let msg = fullMessage(for: error)
            FileHandle.standardError.write(Data((msg.hasSuffix("\n") ? msg : msg + "\n").utf8))
            return 2
        }
    }

    static func writeError(_ message: String) {
        let line = message.replacingOccurrences(of: "\n", with: " ")
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

/// Writes text to standard output.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Writes to standard error (progress, notes).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
