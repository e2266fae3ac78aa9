import AssayCore
import ArgumentParser
import AssayLedger
import AssayReport
import AssayVerify
import Foundation

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append signed envelopes, all in one transaction.",
        discussion: """
        Each envelope's signature must verify under a registered, unrevoked key whose roles may write \
        that statement kind. Envelopes come from files (one envelope per file), and/or from --batch: a \
        JSON-lines file (one envelope per line; '-' reads standard input). All are appended in one \
        transaction, or none is. Each appended entry's sequence number is printed after the commit.
        """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "A JSON-lines file of envelopes, one per line ('-' for standard input).")
    var batch: String?

    @Flag(help: "Print the appended entries as JSON lines.")
    var json = false

    @Argument(help: "Envelope files.")
    var envelopes: [String] = []

    /// Largest batch file accepted.
    static let maxBatchBytes = 512 * 1024 * 1024

    func run() throws {
        guard !envelopes.isEmpty || batch != nil else {
            throw CLIFailure.input("give envelope files or --batch <file>")
        }
        var items: [Ledger.AppendItem] = []
        for path in envelopes {
            let bytes = try InputFiles.read(path, what: "envelope", maxBytes: EntryChecker.maxEnvelopeBytes)
            items.append(.init(label: path, bytes: bytes))
        }
        if let batch {
            let bytes = try InputFiles.read(batch, what: "batch", maxBytes: Self.maxBatchBytes)
            let name = batch == "-" ? "stdin" : batch
            var lineNo = 0
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                lineNo += 1
                let trimmed = line.last == 0x0D ? line.dropLast() : line[...]
                if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                items.append(.init(label: "\(name) line \(lineNo)", bytes: Array(trimmed)))
            }
            guard !items.isEmpty else { throw CLIFailure.input("\(name) holds no envelopes") }
        }
        let ledger = try options.open()
        let progress = Progress(label: "append", enabled: !json && items.count >= 1000, total: UInt64(items.count))
        let outcomes = try ledger.appendDetailed(items, progress: { progress.update($0) })
        progress.finish()
        var out = ""
        for o in outcomes {
            let r = o.record
            if json {
                out += EntryLine.json(seq: r.seq, kind: r.kind, signer: r.signer, leafHash: r.leafHash.hex, alreadyPresent: o.wasPresent) + "\n"
            } else if o.wasPresent {
                out += "already present at seq \(r.seq) \(r.kind) by \(Terminal.field(r.signer)) (nothing appended)\n"
            } else {
                out += "appended seq \(r.seq) \(r.kind) by \(Terminal.field(r.signer))\n"
            }
        }
        emitRaw(out)
    }
}
