import ArgumentParser
import AssayCrypto
import AssayModel
import Foundation

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a statement as a DSSE envelope, offline.",
        discussion: """
        Validates the statement, then signs PAE(payloadType, payload) with the key and prints the \
        envelope JSON (it is JSON already; --json is accepted and changes nothing). Needs no ledger: this is how a supplier hands a signed statement to a manufacturer.
        """
    )

    @Option(help: ArgumentHelp("The signer's secret key file (mode 0600); default: $ASSAY_KEY.", valueName: "file"))
    var key: String?

    @Option(help: "Write the envelope here instead of standard output.")
    var out: String?

    @Flag(help: "Accepted like on every command; the output is the envelope JSON either way.")
    var json = false

    @Argument(help: "The statement JSON file ('-' for standard input).")
    var statement: String

    func run() throws {
        let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key))
        let bytes = try InputFiles.read(statement, what: "statement", maxBytes: Statement.maxBytes)
        do {
            _ = try Statement.decode(bytes)
        } catch {
            throw CLIFailure.input("\(statement): \(error.description)")
        }
        let env = Envelope.sign(payload: bytes, with: signer)
        let json = env.canonicalJSON + [0x0A]
        if let out {
            try InputFiles.writeAtomically(json, to: out)
        } else {
            FileHandle.standardOutput.write(Data(json))
        }
    }
}
