import ArgumentParser
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import Foundation

/// `assay cosignatures`: witness cosignatures stored beside the checkpoints they cosign.
struct CosignaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cosignatures",
        abstract: "Store witness cosignatures beside their checkpoint (so export carries them).",
        subcommands: [Add.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store the cosignature lines of a cosigned checkpoint note (from assay witness cosign).",
            discussion: """
            The note's text must equal a checkpoint stored in the ledger, byte for byte, and carry the \
            operator's valid signature. Each C2SP cosignature/v1 line is stored once per witness name and \
            key id; lines already stored are skipped. assay export then uses the checkpoint with the most \
            cosignatures (ties: the largest), with its cosignature lines, so a bundle can meet \
            verify --bundle --witnesses-needed.
            """
        )

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The cosigned checkpoint note ('-' for standard input).") var file: String
        @Flag(help: "JSON: size, added, stored.") var json = false

        func run() throws {
            let bytes = try InputFiles.read(file, what: "cosigned checkpoint", maxBytes: SignedNote.maxBytes)
            let ledger = try options.open()
            let added = try ledger.addCosignatures(note: bytes)
            // The note parsed as a checkpoint inside addCosignatures; read its size for the report.
            let size = try Checkpoint(parsing: try SignedNote(parsing: bytes).text).size
            let stored = try ledger.cosignatureCount(size: size)
            if json {
                emit(JSONWriter.object([("size", "\(size)"), ("added", "\(added)"), ("stored", "\(stored)")]))
            } else {
                emit("stored \(added) new cosignature\(added == 1 ? "" : "s") for the checkpoint of size \(size) (\(stored) stored in all)")
            }
        }
    }
}
