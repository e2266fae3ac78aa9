import AssayCore
import ArgumentParser
import AssayLedger
import AssayModel
import AssayReport
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List entries: seq, time, kind, signer, short hash."
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "First sequence number.") var from: UInt64 = 0
    @Option(help: "At most this many entries.") var limit: UInt64?
    @Flag(help: "JSON lines.") var json = false

    func run() throws {
        let ledger = try options.open(readOnly: true)
        var out = ""
        var n: UInt64 = 0
        if limit == 0 { return }
        try ledger.forEachRecord(from: from) { r in
            let time = Timestamp(epochMillis: r.appendedAtMillis).text
            // Stored kind and signer are shown escaped: never a control character, never a line or column of their own.
            if json {
                out += EntryLine.json(seq: r.seq, time: time, kind: r.kind, signer: r.signer, leafHash: r.leafHash.hex) + "\n"
            } else {
                out += "\(r.seq)\t\(time)\t\(Terminal.field(r.kind))\t\(Terminal.field(r.signer))\t\(r.leafHash.hex.prefix(12))\n"
            }
            n += 1
            if out.utf8.count > 1 << 16 { emitRaw(out); out = "" }
            return limit.map { n < $0 } ?? true
        }
        emitRaw(out)
    }
}
