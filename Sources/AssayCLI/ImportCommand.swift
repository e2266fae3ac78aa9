import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import supply-chain data.",
        subcommands: [EPCIS.self]
    )

    struct EPCIS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "epcis",
            abstract: "Split an EPCIS 2.0 document into events; validate, sign and append each, in one transaction.",
            discussion: """
            All or nothing: if any event is invalid or its signer may not write its kind, nothing is appended. \
            Import signs EPCIS events only (ObjectEvent, AggregationEvent, AssociationEvent, TransformationEvent, \
            TransactionEvent): a document whose eventList holds any other object (an Assay registration, \
            revocation, commitment, genesis or generic event) is refused whole, and the ledger operator's key \
            may not be used to import. Only the JSON(-LD) form of EPCIS 2.0 is read, not the XML form.
            """
        )
        @OptionGroup var options: LedgerOptions
        @Option(help: ArgumentHelp("The secret key that signs every event (a party's key, never the operator's); default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
        var key: String?
        @Flag(help: "Print the appended entries as JSON lines (and nothing else).") var json = false
        @Argument(help: "The EPCIS 2.0 JSON(-LD) document.") var document: String

        func run() throws {
            let bytes = try InputFiles.read(document, what: "EPCIS document", maxBytes: EPCISDocument.maxBytes)
            try InputFiles.refuseXML(bytes, path: document)
            // What is signed is decided before any key is loaded: EPCIS events only.
            do { _ = try EPCISDocument(bytes: bytes).importablePayloads() } catch {
                throw CLIFailure.input("\(document): \(error.description)")
            }
            let ledger = try options.open()
            let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key))
            let progress = Progress(label: "import", enabled: !json, total: nil)
            let records = try ledger.importEPCIS(bytes, signer: signer, label: document, progress: { progress.update($0) }).map(\.record)
            progress.finish()
            if json {
                emitRaw(records.map { EntryLine.json(seq: $0.seq, kind: $0.kind, signer: $0.signer, leafHash: $0.leafHash.hex) + "\n" }.joined())
            } else {
                emit("imported \(records.count) events from \(document) as seq \(records.first!.seq)–\(records.last!.seq)")
            }
        }
    }
}
