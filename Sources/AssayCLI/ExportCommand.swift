import ArgumentParser
import AssayLedger
import AssayLog

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one product's offline bundle: its entries, their closure, signers, proofs and a checkpoint.",
        discussion: "Needs a checkpoint covering the entries (assay checkpoint) that commits to the subject index. The bundle holds every entry about every subject the product's verdict rests on, with an index proof for each (FORMAT.md §13). With --since, includes a consistency proof from that older checkpoint and per-subject prefix proofs against its index."
    )
    @OptionGroup var options: LedgerOptions
    @Option(help: "The product: a GS1 Digital Link or EPC URN of the item (any form; it is normalised).") var product: String
    @Option(help: "Where to write the bundle.") var out: String
    @Option(help: "An older checkpoint the auditor trusts; a consistency proof and per-subject prefix proofs from it are included.") var since: String?
    @Flag(help: "Print the result as JSON: bundle file, product, entries and checkpoint size.") var json = false

    func run() throws {
        let ledger = try options.open(readOnly: true)
        let sinceNote = try since.map { try SignedNote(parsing: InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes)) }
        let bundle = try ledger.exportBundle(product: product, since: sinceNote)
        try InputFiles.writeAtomically(Array(bundle.json.utf8), to: out)
        let size = try Checkpoint(parsing: try SignedNote(parsing: Array(bundle.checkpoint.utf8)).text).size
        if json {
            emit(JSONField.object([("bundle", .string(out)), ("product", .string(bundle.product)), ("entries", .int(Int64(bundle.entries.count))),
                                   ("checkpointSize", .uint(size))]))
        } else {
            emit("exported \(bundle.entries.count) entries about \(bundle.product) to \(out) (checkpoint size \(size))")
        }
    }
}
