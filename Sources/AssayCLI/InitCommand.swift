import ArgumentParser
import AssayCrypto
import AssayLedger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger with a genesis entry signed by the operator."
    )

    @Option(help: ArgumentHelp("The ledger to create, a file or a postgres:// URL (refuses to overwrite); default: $\(EnvironmentDefaults.ledgerVariable).", valueName: "file"))
    var ledger: String?

    @Option(help: ArgumentHelp("The operator's secret key file; default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
    var key: String?

    @Option(name: .customLong("operator-key"), help: .hidden)
    var operatorKey: String?

    @Option(help: "The log origin: the first line of every checkpoint, e.g. acme.example/ledger.")
    var origin: String

    @Option(name: .customLong("operator-name"), help: "The operator's legal name.")
    var operatorName: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let path = try EnvironmentDefaults.ledger(ledger)
        let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key ?? operatorKey, purpose: "(the operator's)"))
        let l = try Ledger.create(at: path, origin: origin, operatorKey: signer, operatorName: operatorName)
        let genesis = try l.record(at: 0)
        let reference = signer.verifierKey.reference
        let shown = l.store.location // a postgres:// URL without its password
        if json {
            emit(JSONField.object([("ledger", .string(shown)), ("origin", .string(origin)), ("operator", .string(reference)),
                                   ("seq", .uint(genesis.seq)), ("chainHash", .string(genesis.chainHash.hex))]))
        } else {
            emit("created \(shown): origin \(origin), operator \(reference), genesis \(genesis.chainHash.hex.prefix(16))")
        }
    }
}
