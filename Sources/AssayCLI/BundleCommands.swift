import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayVerify
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one product's offline bundle: its entries, their closure, signers, proofs and a checkpoint.",
        discussion: "Needs a checkpoint covering the entries (assay checkpoint). With --since, includes a consistency proof from that older checkpoint."
    )
    @OptionGroup var options: LedgerOptions
    @Option(help: "The product: a GS1 Digital Link or EPC URN of the item (any form; it is normalised).") var product: String
    @Option(help: "Where to write the bundle.") var out: String
    @Option(help: "An older checkpoint the auditor trusts; a consistency proof from it is included.") var since: String?

    func run() throws {
        let ledger = try options.open(readOnly: true)
        let sinceNote = try since.map { try SignedNote(parsing: InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes)) }
        let bundle = try ledger.exportBundle(product: product, since: sinceNote)
        try InputFiles.writeAtomically(Array(bundle.json.utf8), to: out)
        emit("exported \(bundle.entries.count) entries about \(bundle.product) to \(out) (checkpoint size \(try Checkpoint(parsing: try SignedNote(parsing: Array(bundle.checkpoint.utf8)).text).size))")
    }
}

/// Options shared by the commands that judge a bundle.
struct BundleOptions: ParsableArguments {
    @Option(help: "The product bundle (.assay-bundle).") var bundle: String
    @OptionGroup var trust: TrustOptions
    @Option(help: "The log's origin you expect (the checkpoint's first line); the bundle must be from that log.") var origin: String
    @Option(help: "The product you are auditing (Digital Link or EPC URN); the bundle must be for it.") var product: String
    @Option(help: "Audit date YYYY-MM-DD for expiry checks (default: today, UTC).") var at: String?
    @Option(help: "An audit policy (JSON, or a DSSE envelope of it signed by --policy-key).") var policy: String?
    @Option(name: .customLong("policy-key"), help: "The auditor's verifier key that must have signed --policy.") var policyKey: String?
    @Option(help: "A checkpoint you already trust: the bundle must prove consistency with it.") var since: String?

    func load() throws -> (ProductBundle, BundleReport) {
        let bytes = try InputFiles.read(bundle, what: "bundle", maxBytes: ProductBundle.maxBytes)
        let b: ProductBundle
        do { b = try ProductBundle(bytes: bytes) } catch { throw CLIFailure.input("\(bundle): \(error.description)") }
        let (log, witnesses) = try trust.load()
        let date: CalendarDate
        if let at {
            date = try CalendarDate(parsing: at, field: "--at")
        } else {
            date = try CalendarDate(parsing: String(Timestamp(epochMillis: Int64(Date().timeIntervalSince1970 * 1000)).text.prefix(10)))
        }
        let trusted = try since.map { try InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) }
        let verifier = BundleVerifier(logKey: log, origin: origin, product: product, witnesses: witnesses, witnessesNeeded: trust.witnessesNeeded,
                                      policy: try loadPolicy(), auditDate: date, trustedCheckpoint: trusted)
        return (b, verifier.verify(b))
    }

    func loadPolicy() throws -> AuditPolicy {
        guard let policy else { return .default }
        var bytes = try InputFiles.read(policy, what: "policy", maxBytes: 256 * 1024)
        if let env = try? Envelope(json: bytes) {
            guard let policyKey else { throw CLIFailure.input("\(policy) is a signed policy: give --policy-key to check it") }
            let key = try InputFiles.verifierKey(policyKey)
            guard env.payloadType == AuditPolicy.payloadType else {
                throw CLIFailure.input("\(policy): payloadType is not \(AuditPolicy.payloadType)")
            }
            guard env.signatures.indices.contains(where: { env.signatures[$0].keyID == key.reference && env.isValidSignature(at: $0, by: key.publicKey) }) else {
                throw CLIFailure.verification("\(policy): the policy is not signed by \(key.reference)")
            }
            bytes = env.payload
        } else if policyKey != nil {
            throw CLIFailure.verification("\(policy) is not signed, but --policy-key requires a signed policy")
        }
        do { return try AuditPolicy(json: bytes) } catch { throw CLIFailure.input("\(policy): \(error.description)") }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a product bundle's verdicts, provenance graph and commitments."
    )
    @OptionGroup var options: BundleOptions
    @Option(help: "The HTML file to write.") var html: String

    func run() throws {
        let (_, report) = try options.load()
        try InputFiles.writeAtomically(Array(HTMLReport.render(report).utf8), to: html)
        emit("wrote \(html): \(report.passed ? "PASS" : "FAIL") for \(report.product)")
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a bundle's provenance graph (components → origins → suppliers and countries)."
    )
    @OptionGroup var options: BundleOptions
    @Option(help: "dot or mermaid.") var format: String = "dot"

    func run() throws {
        guard format == "dot" || format == "mermaid" else { throw CLIFailure.input("--format must be dot or mermaid") }
        let (_, report) = try options.load()
        FileHandle.standardOutput.write(Data((format == "dot" ? report.graph.dot() : report.graph.mermaid()).utf8))
    }
}

/// Text and JSON renderings of a bundle report.
enum BundleReportText {
    static func text(_ r: BundleReport) -> String {
        var out = "Product \(Terminal.field(r.product)) — \(r.passed ? "PASS" : "FAIL")\n"
        out += "Log \(Terminal.field(r.origin)), checkpoint size \(r.checkpointSize), \(r.witnessCosignatures) witness cosignature(s); audit date \(r.auditDate); policy \(r.policyName)\n"
        for p in r.principles {
            let req = r.requiredPrinciples.contains(p.principle) ? "" : " (not required)"
            out += "\n\(p.principle.title): \(p.verdict.rawValue.uppercased())\(req)\n"
            for f in p.findings {
                out += "  \(f.severity == .problem ? "✗" : "·") \(Terminal.field(f.message))\n"
                for e in f.evidence.prefix(12) { out += "      \(Terminal.field("\(e)"))\n" }
                if f.evidence.count > 12 { out += "      … and \(f.evidence.count - 12) more\n" }
            }
        }
        return out
    }

    static func json(_ r: BundleReport) -> String {
        func ev(_ e: EvidenceRef) -> String {
            JSONWriter.object([("seq", "\(e.seq)"), ("kind", JSONWriter.quote(e.kind)), ("signer", JSONWriter.quote(e.signer))])
        }
        let principles = r.principles.map { p in
            JSONWriter.object([
                ("principle", JSONWriter.quote(p.principle.rawValue)), ("verdict", JSONWriter.quote(p.verdict.rawValue)),
                ("required", r.requiredPrinciples.contains(p.principle) ? "true" : "false"),
                ("findings", "[" + p.findings.map { f in
                    JSONWriter.object([("severity", JSONWriter.quote(f.severity.rawValue)), ("message", JSONWriter.quote(f.message)),
                                       ("evidence", "[" + f.evidence.map(ev).joined(separator: ",") + "]")])
                }.joined(separator: ",") + "]"),
            ])
        }
        return JSONWriter.object([
            ("product", JSONWriter.quote(r.product)), ("passed", r.passed ? "true" : "false"), ("origin", JSONWriter.quote(r.origin)),
            ("checkpointSize", "\(r.checkpointSize)"), ("witnessCosignatures", "\(r.witnessCosignatures)"),
            ("auditDate", JSONWriter.quote(r.auditDate)), ("policy", JSONWriter.quote(r.policyName)),
            ("principles", "[" + principles.joined(separator: ",") + "]"),
        ])
    }
}
