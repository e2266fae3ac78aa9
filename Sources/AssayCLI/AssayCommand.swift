import AssayCore
public import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayReport
import AssayVerify
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

        Options: --key is always your secret key file; --public-key the key a registration or \
        revocation is about; --log-key the log operator's verifier key; --witness-key a witness's. \
        --ledger defaults to $\(EnvironmentDefaults.ledgerVariable) and --key to $\(EnvironmentDefaults.keyVariable) \
        (a flag given wins). Every command that reports a result takes --json.

        Exit codes: 0 success, 1 verification failed, 2 usage or input error.
        """,
        version: AssayVersion.current,
        subcommands: [
            KeyCommand.self, SignCommand.self, InitCommand.self, RegisterCommand.self, RevokeCommand.self,
            AppendCommand.self, LogCommand.self, ShowCommand.self, VerifyCommand.self,
            CheckpointCommand.self, ProveCommand.self, VerifyProofCommand.self, WitnessCommand.self,
            StatementCommand.self, ImportCommand.self, ExportCommand.self, ReportCommand.self, GraphCommand.self,
            CosignaturesCommand.self, ServeCommand.self, SubmitCommand.self, MigrateCommand.self, PassportCommand.self,
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

    /// Runs one invocation and returns its exit code (testable in-process). Every failure is
    /// one `assay: …` line on standard error: exit 1 when verification failed, 2 otherwise.
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
        } catch let e as WitnessError {
            writeError(e.message)
            return e.isRefusal ? 1 : 2
        } catch let e as ModelError {
            writeError(e.description)
            return 2
        } catch let e as any CodedError {
            // CryptoError, LogError, the storage error, …: input or environment errors.
            writeError(e.message)
            return 2
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                // --help, --version, --generate-completion-script: their text on standard output.
                let text = fullMessage(for: error)
                FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
                return 0
            }
            // An argument-parser usage error: its short message, in the one error style.
            let message = Self.message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            writeError((message.isEmpty ? "invalid usage" : message) + " (see assay help)")
            return 2
        }
    }

    /// Writes `assay: <message>` as one line on standard error: newlines become spaces and
    /// every other control character is shown escaped (`Terminal.text`).
    static func writeError(_ message: String) {
        let flat = message.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("assay: \(Terminal.text(flat))\n".utf8))
    }
}
