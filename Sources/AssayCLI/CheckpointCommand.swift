import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import Foundation

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign and store a checkpoint (C2SP tlog-checkpoint) for the current tree, or print a stored one.",
        discussion: """
        The checkpoint is a C2SP signed note by the operator's key: origin, tree size, base64 root hash, \
        and an extension line 'assay-chain-head <base64>' binding the hash-chain head. Signing refuses a \
        tree that is not consistent with the latest stored checkpoint.
        """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: ArgumentHelp("The operator's secret key file, to sign a new checkpoint; default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
    var key: String?
    @Flag(help: "Print the latest stored checkpoint instead of signing.") var latest = false
    @Option(help: "Print the stored checkpoint for this tree size.") var size: UInt64?
    @Flag(help: "Print the checkpoint as JSON: origin, size, root hash and the note itself.") var json = false

    func run() throws {
        let note: SignedNote
        if latest || size != nil {
            let ledger = try options.open(readOnly: true)
            let stored: SignedNote?
            if let size { stored = try ledger.checkpoint(size: size) } else { stored = try ledger.latestCheckpoint() }
            guard let stored else {
                throw CLIFailure.input(size.map { "no checkpoint is stored for size \($0)" } ?? "the ledger has no checkpoint yet; sign one with --key")
            }
            note = stored
        } else {
            let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key, purpose: "to sign a checkpoint, or --latest to print one,"))
            note = try options.open().signCheckpoint(with: signer)
        }
        if json {
            let cp = try Checkpoint(parsing: note.text)
            emit(JSONField.object([("origin", .string(cp.origin)), ("size", .uint(cp.size)), ("rootHash", .string(Hex.encode(cp.rootHash))),
                                   ("note", .string(note.serialized))]))
        } else {
            FileHandle.standardOutput.write(Data(note.serialized.utf8))
        }
    }
}
