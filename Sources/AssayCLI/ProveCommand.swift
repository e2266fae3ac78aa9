import ArgumentParser
import AssayLedger
import AssayLog
import Foundation

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print inclusion and consistency proofs.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove an entry is in the tree of a stored checkpoint (C2SP tlog-proof, or JSON).",
            discussion: "The proof's 'extra' line carries the record bytes, so the proof shows what was logged."
        )
        @OptionGroup var options: LedgerOptions
        @Option(help: "The entry's sequence number.") var seq: UInt64
        @Option(help: "Tree size of a stored checkpoint (default: the latest).") var size: UInt64?
        @Flag(help: "JSON instead of tlog-proof text.") var json = false

        func run() throws {
            let ledger = try options.open(readOnly: true)
            let note: SignedNote
            if let size {
                guard let n = try ledger.checkpoint(size: size) else {
                    throw CLIFailure.input("no checkpoint is stored for size \(size); sign one with assay checkpoint")
                }
                note = n
            } else {
                guard let n = try ledger.latestCheckpoint() else {
                    throw CLIFailure.input("the ledger has no checkpoint yet; sign one with assay checkpoint")
                }
                note = n
            }
            let cp = try Checkpoint(parsing: note.text)
            guard seq < cp.size else {
                throw CLIFailure.input("entry \(seq) is not covered by the checkpoint for size \(cp.size); sign a newer checkpoint first")
            }
            let proof = try ledger.inclusionProof(seq: seq, size: cp.size)
            let record = try ledger.record(at: seq)
            if json {
                emit(ProofJSON.inclusion(proof, leafHash: record.leafHash, record: record.record.recordBytes, checkpoint: note.serialized))
            } else {
                let t = TlogProof(extra: record.record.recordBytes, index: seq, hashes: proof.hashes, checkpointNote: note.serialized)
                FileHandle.standardOutput.write(Data(t.text.utf8))
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prove the tree of one size is a prefix of a larger one.")
        @OptionGroup var options: LedgerOptions
        @Option(help: "The older tree size.") var from: UInt64
        @Option(help: "The newer tree size (default: the latest checkpoint's size).") var to: UInt64?
        @Flag(help: "JSON (includes the stored checkpoints for both sizes, when there are any).") var json = false

        func run() throws {
            let ledger = try options.open(readOnly: true)
            var target = to
            if target == nil {
                guard let latest = try ledger.latestCheckpoint() else {
                    throw CLIFailure.input("give --to, or sign a checkpoint first")
                }
                target = try Checkpoint(parsing: latest.text).size
            }
            let proof = try ledger.consistencyProof(from: from, to: target!)
            if json {
                emit(ProofJSON.consistency(proof, oldCheckpoint: try ledger.checkpoint(size: proof.fromSize)?.serialized,
                                           newCheckpoint: try ledger.checkpoint(size: proof.toSize)?.serialized))
            } else {
                FileHandle.standardOutput.write(Data(ConsistencyProofText(proof).text.utf8))
            }
        }
    }
}
