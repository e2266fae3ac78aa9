import AssayCore
import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel
import AssayReport

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one entry.")

    @OptionGroup var options: LedgerOptions
    @Flag(help: "JSON.") var json = false
    @Argument(help: "The sequence number.") var seq: UInt64

    func run() throws {
        let ledger = try options.open(readOnly: true)
        let r = try ledger.record(at: seq)
        let env = try Envelope(json: r.envelope)
        let payload = String(decoding: env.payload, as: UTF8.self)
        let time = Timestamp(epochMillis: r.appendedAtMillis).text
        if json {
            // The envelope and statement are embedded as the JSON they are (both were parsed on append).
            emit(JSONField.object([("seq", .uint(r.seq)), ("time", .string(time)), ("kind", .string(r.kind)), ("signer", .string(r.signer)),
                                   ("leafHash", .string(r.leafHash.hex)), ("chainHash", .string(r.chainHash.hex)),
                                   ("envelope", .raw(String(decoding: r.envelope, as: UTF8.self))), ("statement", .raw(payload))]))
        } else {
            // One line per field: the values (the statement's JSON text too) are shown escaped.
            emit("""
            seq:        \(r.seq)
            time:       \(time)
            kind:       \(Terminal.field(r.kind))
            signer:     \(Terminal.field(r.signer))
            leaf hash:  \(r.leafHash.hex)
            chain hash: \(r.chainHash.hex)
            statement:  \(Terminal.field(payload))
            """)
        }
    }
}
