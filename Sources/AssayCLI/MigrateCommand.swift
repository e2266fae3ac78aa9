import ArgumentParser
import AssayLedger

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a ledger to another backend (SQLite file ↔ PostgreSQL), entry for entry, and verify the copy.",
        discussion: """
        --from and --to are each a ledger file or a postgres:// URL. The target must hold no ledger: a file that does not \
        exist, or a PostgreSQL database whose Assay schema is set up and empty. Every record is appended through the \
        target's own write path (leaf hash, chain hash and tree nodes recomputed and compared with the source's), with \
        its subject and event index rows; then every checkpoint and witness cosignature as stored. The copy is then \
        verified in full and its size, root, checkpoints and cosignatures compared with the source's. Prints one line \
        (or --json); exit 0, 1 when the copy differs or does not verify, 2 on any other error. A failed copy into a \
        file removes the file; a PostgreSQL target is append-only: drop its database and set it up again.
        """
    )

    @Option(help: ArgumentHelp("The ledger to copy: a file or a postgres:// URL.", valueName: "ledger")) var from: String
    @Option(help: ArgumentHelp("The new ledger: a file that does not exist, or an empty postgres:// ledger.", valueName: "ledger")) var to: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        guard from != to else { throw CLIFailure.input("--from and --to name the same ledger") }
        let progress = Progress(label: "migrate", enabled: !json, total: nil)
        let s = try Ledger.migrate(from: from, to: to, progress: { progress.update($0) })
        progress.finish()
        if json {
            emit(JSONField.object([("from", .string(s.from)), ("to", .string(s.to)), ("records", .uint(s.records)),
                                   ("checkpoints", .uint(UInt64(s.checkpoints))), ("cosignatures", .uint(UInt64(s.cosignatures))),
                                   ("subjectRows", .uint(s.subjectRows)), ("eventIndexRows", .uint(s.eventIndexRows)),
                                   ("root", .string(s.root.hex)), ("head", .string(s.head.hex)), ("verified", .bool(true))]))
        } else {
            emit("migrated \(s.records) records, \(s.checkpoints) checkpoints, \(s.cosignatures) cosignatures from \(s.from) to \(s.to); root \(s.root.hex) at size \(s.records); the copy verifies")
        }
    }
}
