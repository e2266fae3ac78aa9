import ArgumentParser
import AssayLedger
import AssayLog
import AssayModel
import AssayVerify

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one product's offline bundle (entries, their closure, signers, proofs and a checkpoint), with --epcis its EPCIS events as an EPCIS 2.0 document, or with --battery-passport its Battery Pass.",
        discussion: """
        Needs a checkpoint covering the entries (assay checkpoint) that commits to the subject index. The bundle holds every entry about every subject the product's verdict rests on, with an index proof for each (FORMAT.md §13). With --since, includes a consistency proof from that older checkpoint and per-subject prefix proofs against its index.

        With --epcis, writes instead an EPCIS 2.0 EPCISDocument (JSON-LD, in the form of the GS1 EPCIS 2.0 JSON Schema) holding the EPCIS events among the bundle's entries (the product's own and those of its components and model), in log order, each exactly as signed (its own @context included). Assay's own kinds (genesis, registrations, revocations, delegations, lifecycle commitments, generic events) are left out, as are entries appended after the checkpoint. The document's @context is the GS1 EPCIS 2.0 context plus every context and namespace prefix the events use; its extension members assay:product, assay:origin, assay:checkpointSize and assay:seqs (each event's ledger seq, in eventList order) tie it back to the ledger. A product with no EPCIS events gives a document with an empty eventList. The events are signed in the ledger, not in this document: verify them with the bundle.

        With --battery-passport, writes the product's passport in the Battery Pass Data Model v1.2.0 structure (to --out, or standard output): the product's bundle is exported and verified as an offline auditor would (this ledger's operator key and origin, its write policy, today's date), and refused (exit 1) unless its integrity holds; each of the seven parts is the data of the evidence entry about the product, else its batch, else its model (latest first), copied as signed; the latest battery condition and status about the product are merged in; "evidence" names the seq, party, signer and subject behind every part and "missing" the parts no entry gives. The same passport comes from a bundle offline with assay verify --bundle … --battery-passport.
        """
    )
    @OptionGroup var options: LedgerOptions
    @Option(help: ArgumentHelp("A log server's URL: fetch the product's bundle from it (GET /v1/bundles/{product}) instead of reading a ledger.", valueName: "url")) var server: String?
    @Option(help: "The product: a GS1 Digital Link or EPC URN of the item (any form; it is normalised).") var product: String
    @Option(help: "Where to write the bundle (or, with --epcis, the EPCIS document; with --battery-passport, the passport, default standard output).") var out: String?
    @Option(help: "An older checkpoint the auditor trusts; a consistency proof and per-subject prefix proofs from it are included (bundles only).") var since: String?
    @Flag(help: "Write the product's EPCIS events as an EPCIS 2.0 JSON-LD document instead of a bundle.") var epcis = false
    @Flag(name: .customLong("battery-passport"), help: "Write the product's Battery Pass (v1.2.0 parts, from its verified bundle) instead of a bundle.") var batteryPassport = false
    @Option(help: ArgumentHelp("With --epcis: the document's creationDate, an RFC 3339 date-time with offset (default: now, UTC); fix it for a reproducible document.", valueName: "time"))
    var created: String?
    @Flag(help: "Print the result as JSON: the file written, product, entries (or events) and checkpoint size.") var json = false

    func run() throws {
        if let server {
            try exportFromServer(server)
            return
        }
        if batteryPassport {
            try runBatteryPassport()
            return
        }
        guard let out else { throw CLIFailure.input("--out is required: where to write the \(epcis ? "EPCIS document" : "bundle")") }
        if epcis {
            try runEPCIS(out)
            return
        }
        guard created == nil else { throw CLIFailure.input("--created sets an EPCIS document's creationDate: use it with --epcis") }
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

    private func runBatteryPassport() throws {
        guard !epcis else { throw CLIFailure.input("give one of --epcis or --battery-passport") }
        guard since == nil else { throw CLIFailure.input("--since adds proofs to a bundle; a passport carries none: leave it out with --battery-passport") }
        guard created == nil else { throw CLIFailure.input("--created sets an EPCIS document's creationDate: use it with --epcis") }
        let ledger = try options.open(readOnly: true)
        let passport: BatteryPassport
        do { passport = try ledger.exportBatteryPassport(product: product) } catch let e as PassportExportError {
            throw e.code == .notVerified ? CLIFailure.verification(e.message) : CLIFailure.input(e.message)
        }
        try BatteryPassportOutput.write(passport, to: out, json: json)
    }

    private func runEPCIS(_ out: String) throws {
        guard since == nil else {
            throw CLIFailure.input("--since adds proofs to a bundle; an EPCIS document carries none: leave it out with --epcis")
        }
        var fixed: Timestamp?
        if let created {
            do { fixed = try Timestamp(parsing: created) } catch {
                throw CLIFailure.input("--created: \(error.description)")
            }
        }
        let ledger = try options.open(readOnly: true)
        let creationDate = fixed ?? Timestamp(epochMillis: ledger.clock())
        let document = try ledger.exportEPCIS(product: product, creationDate: creationDate)
        try InputFiles.writeAtomically(Array(document.json.utf8), to: out)
        if json {
            emit(JSONField.object([("document", .string(out)), ("product", .string(document.product)),
                                   ("events", .int(Int64(document.seqs.count))), ("omitted", .int(Int64(document.omitted))),
                                   ("checkpointSize", .uint(document.checkpointSize))]))
        } else {
            emit("exported \(document.seqs.count) EPCIS events about \(document.product) and its components to \(out) "
                 + "(\(document.omitted) entries of Assay's own kinds left out; checkpoint size \(document.checkpointSize))")
        }
    }
}
