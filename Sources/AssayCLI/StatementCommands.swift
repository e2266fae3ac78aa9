import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel
import AssayVerify
import Foundation

struct StatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Write and check statements (EPCIS 2.0 events and Assay's own kinds).",
        subcommands: [New.self, Check.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a filled-in example statement of a kind, to edit.",
            discussion: "Kinds: \(StatementKind.allCases.map(\.rawValue).joined(separator: ", "))."
        )
        @Argument(help: "The statement kind.") var kind: String

        func run() throws {
            guard let t = StatementTemplates.byKind[kind] ?? StatementTemplates.byKind.first(where: { $0.key.lowercased() == kind.lowercased() })?.value else {
                throw CLIFailure.input("unknown kind \"\(kind)\" (kinds: \(StatementKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            emit(t)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate statements without signing them.",
            discussion: "Prints one line per file: its kind, or the field and the rule it breaks. Exit 2 if any is invalid."
        )
        @Argument(help: "Statement files (JSON), or DSSE envelopes (their payload is checked).") var files: [String]

        func run() throws {
            var bad = 0
            for f in files {
                do {
                    var bytes = try InputFiles.read(f, what: "statement", maxBytes: EntryChecker.maxEnvelopeBytes)
                    if let env = try? Envelope(json: bytes) { bytes = env.payload }
                    let st = try Statement.decode(bytes)
                    emit("\(f): OK \(st.kind.rawValue)")
                } catch let e as ModelError {
                    bad += 1
                    emit("\(f): INVALID \(Terminal.field(e.description))")
                } catch let e as CLIFailure {
                    bad += 1
                    emit("\(f): INVALID \(Terminal.field(e.message))")
                }
            }
            if bad > 0 { throw CLIFailure.input("\(bad) of \(files.count) statements are invalid") }
        }
    }
}

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
            may not be used to import.
            """
        )
        @OptionGroup var options: LedgerOptions
        @Option(help: "The secret key that signs every event (a party's key, never the operator's).") var key: String
        @Flag(help: "Print the appended entries as JSON lines.") var json = false
        @Argument(help: "The EPCIS 2.0 JSON(-LD) document.") var document: String

        /// The `type` values import signs: the five EPCIS 2.0 event types.
        static let importableTypes = Set(EPCISEvent.EventType.allCases.map(\.rawValue))

        /// Refuses any `eventList` member that is not an EPCIS 2.0 event, naming its index.
        static func checkOnlyEPCISEvents(_ events: [JSONValue]) throws {
            for (i, e) in events.enumerated() {
                guard case .object(let o) = e else {
                    throw CLIFailure.input("eventList[\(i)]: not a JSON object; import signs EPCIS events only")
                }
                guard case .string(let type)? = o["type"] else {
                    throw CLIFailure.input("eventList[\(i)]: no string \"type\" member; import signs EPCIS events only")
                }
                guard importableTypes.contains(type) else {
                    throw CLIFailure.input("eventList[\(i)]: type \(JSONWriter.quote(String(type.prefix(60)))) is not an EPCIS event; import signs EPCIS events only")
                }
            }
        }

        func run() throws {
            let bytes = try InputFiles.read(document, what: "EPCIS document", maxBytes: EPCISDocument.maxBytes)
            let doc: EPCISDocument
            do { doc = try EPCISDocument(bytes: bytes) } catch { throw CLIFailure.input("\(document): \(error.description)") }
            guard !doc.events.isEmpty else { throw CLIFailure.input("\(document) holds no events") }
            // What is signed is decided before any key is loaded: EPCIS events only.
            try Self.checkOnlyEPCISEvents(doc.events)
            var payloads: [[UInt8]] = []
            for (i, e) in doc.events.enumerated() {
                let payload = Array(e.serialized.utf8)
                let statement: Statement
                do { statement = try Statement.decode(payload) } catch {
                    throw CLIFailure.input("\(document): event \(i + 1) (eventList[\(i)]): \(error.description)")
                }
                guard case .supplyChain = statement else {
                    throw CLIFailure.input("eventList[\(i)]: kind \(statement.kind.rawValue) is not an EPCIS event; import signs EPCIS events only")
                }
                payloads.append(payload)
            }
            let ledger = try options.open()
            let signer = try InputFiles.secretKey(key)
            // The operator key signs genesis, registrations, revocations and checkpoints, never imported data.
            let registry = try ledger.currentRegistry()
            let reference = "\(signer.name)+\(signer.keyID.hex)"
            let operatorKey = registry.operatorReference.flatMap { registry.keys[$0]?.verifierKey }
            if reference == registry.operatorReference || operatorKey?.publicKey.rawRepresentation == signer.key.publicKey.rawRepresentation {
                throw CLIFailure.input("\(key) is the ledger operator's key, which signs only genesis, registrations, revocations and checkpoints; import with the key of the party whose events these are")
            }
            let items: [Ledger.AppendItem] = payloads.enumerated().map { i, payload in
                .init(label: "\(document) event \(i + 1)", bytes: Envelope.sign(payload: payload, with: signer).canonicalJSON)
            }
            let progress = Progress(label: "import", enabled: !json && items.count >= 1000, total: UInt64(items.count))
            let records = try ledger.append(items, progress: { progress.update($0) })
            progress.finish()
            for r in records where json {
                emit("{\"seq\":\(r.seq),\"kind\":\"\(r.kind)\",\"signer\":\"\(r.signer)\"}")
            }
            emit("imported \(records.count) events from \(document) as seq \(records.first!.seq)–\(records.last!.seq)")
        }
    }
}
