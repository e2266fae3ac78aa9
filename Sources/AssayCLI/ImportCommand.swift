import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel
import AssayCore

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
            may not be used to import. Never twice: an event whose eventID or CBV 2.0 event hash ID the ledger \
            already holds is reported as already present (with its seq) and not appended; an eventID that already \
            names a different event refuses the whole import. An EPCIS 2.0 XML document (first non-space byte `<`) is read by the standard's XML↔JSON mapping and imported as its JSON-LD form, which is what is signed (FORMAT.md §14).
            """
        )
        @OptionGroup var options: LedgerOptions
        @Option(help: ArgumentHelp("The secret key that signs every event (a party's key, never the operator's); default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
        var key: String?
        @Flag(help: "Print one JSON line per event (status appended, present or refused) and a summary line (and nothing else).") var json = false
        @Argument(help: "The EPCIS 2.0 document: JSON-LD, or XML.") var document: String

        func run() throws {
            var bytes = try InputFiles.read(document, what: "EPCIS document", maxBytes: EPCISDocument.maxBytes)
            if EPCISXML.looksLikeXML(bytes) {
                // EPCIS 2.0 XML: by the standard's XML↔JSON mapping; the JSON-LD form is what is signed.
                do { bytes = Array(try EPCISXML.jsonDocument(from: bytes).serialized.utf8) } catch {
                    throw CLIFailure.input("\(document): \(error.description)")
                }
            }
            // What is signed is decided before any key is loaded: EPCIS events only.
            do { _ = try EPCISDocument(bytes: bytes).importablePayloads() } catch {
                throw CLIFailure.input("\(document): \(error.description)")
            }
            let ledger = try options.open()
            let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key))
            let progress = Progress(label: "import", enabled: !json, total: nil)
            let report = try ledger.importEPCIS(bytes, signer: signer, label: document, progress: { progress.update($0) })
            progress.finish()
            if json {
                emitRaw(Self.jsonLines(report))
            } else {
                emit(Self.text(report, document: document))
            }
            if !report.refused.isEmpty {
                throw CLIFailure.input("\(document): \(report.refused.count) event\(report.refused.count == 1 ? "" : "s") refused (an eventID already names a different event); nothing was appended")
            }
        }

        static func quoted(_ s: String?) -> String { s.map { JSONWriter.quote($0) } ?? "null" }

        /// One JSON line per event (`status`: appended, present or refused), then a summary line.
        static func jsonLines(_ r: ImportReport) -> String {
            var lines: [(Int, String)] = []
            for a in r.appended {
                lines.append((a.index, "{\"event\":\(a.index + 1),\"status\":\"appended\",\"seq\":\(a.record.seq),\"kind\":\(quoted(a.record.kind)),\"signer\":\(quoted(a.record.signer)),\"leafHash\":\"\(a.record.leafHash.hex)\"}"))
            }
            for p in r.alreadyPresent {
                lines.append((p.index, "{\"event\":\(p.index + 1),\"status\":\"present\",\"seq\":\(p.seq),\"eventID\":\(quoted(p.eventID)),\"hashID\":\(quoted(p.hashID)),\"matchedBy\":\(quoted(p.matchedBy))}"))
            }
            for f in r.refused {
                let existing = f.existingSeq.map { "\"existingSeq\":\($0)" } ?? "\"existingEvent\":\((f.existingIndex ?? 0) + 1)"
                lines.append((f.index, "{\"event\":\(f.index + 1),\"status\":\"refused\",\"eventID\":\(quoted(f.eventID)),\"hashID\":\(quoted(f.hashID)),\(existing)}"))
            }
            let body = lines.sorted { $0.0 < $1.0 }.map { $0.1 + "\n" }.joined()
            return body + "{\"appended\":\(r.appended.count),\"alreadyPresent\":\(r.alreadyPresent.count),\"refused\":\(r.refused.count)}\n"
        }

        static func text(_ r: ImportReport, document: String) -> String {
            var out = "\(document): \(r.appended.count) appended, \(r.alreadyPresent.count) already present, \(r.refused.count) refused"
            if let first = r.appended.first, let last = r.appended.last { out += "\nappended as seq \(first.record.seq)–\(last.record.seq)" }
            for p in r.alreadyPresent {
                out += "\nevent \(p.index + 1)\(p.eventID.map { " (\(Terminal.text($0)))" } ?? ""): already present as seq \(p.seq) (same \(p.matchedBy))"
            }
            for f in r.refused {
                let existing = f.existingSeq.map { "seq \($0)" } ?? "event \((f.existingIndex ?? 0) + 1) of this document"
                out += "\nevent \(f.index + 1): refused: eventID \(Terminal.text(f.eventID)) already names a different event (\(existing)); hash ID \(f.hashID)"
            }
            return out
        }
    }
}
