import Foundation

/// Defaults taken from the environment when a flag is not given (a flag always wins):
/// `ASSAY_LEDGER` for `--ledger`, `ASSAY_KEY` for `--key` (your secret key file).
enum EnvironmentDefaults {
    static let ledgerVariable = "ASSAY_LEDGER"
    static let keyVariable = "ASSAY_KEY"

    /// The value of `name`, nil when unset or empty.
    static func value(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// The ledger path: the flag, else `ASSAY_LEDGER`.
    static func ledger(_ flag: String?) throws -> String {
        guard let path = flag ?? value(ledgerVariable) else {
            throw CLIFailure.input("give --ledger <file> or set \(ledgerVariable)")
        }
        return path
    }

    /// The secret key file: the flag, else `ASSAY_KEY`.
    static func key(_ flag: String?, purpose: String = "") throws -> String {
        guard let path = flag ?? value(keyVariable) else {
            throw CLIFailure.input("give --key <secret key file>\(purpose.isEmpty ? "" : " " + purpose) or set \(keyVariable)")
        }
        return path
    }

    /// Help text for a `--ledger` option.
    static let ledgerHelp = "The ledger: a file (SQLite) or a postgres:// URL (PostgreSQL); default: $\(ledgerVariable)."
}
