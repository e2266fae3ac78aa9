import ArgumentParser
import AssayLedger

/// The `--ledger` option shared by ledger commands (default: `ASSAY_LEDGER`).
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(EnvironmentDefaults.ledgerHelp, valueName: "file"))
    var ledger: String?

    /// The ledger path: `--ledger`, else `ASSAY_LEDGER`.
    func path() throws -> String { try EnvironmentDefaults.ledger(ledger) }

    func open(readOnly: Bool = false) throws -> Ledger {
        try Ledger.open(at: try path(), readOnly: readOnly)
    }
}
