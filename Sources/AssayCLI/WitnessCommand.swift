import AssayCore
import ArgumentParser
import AssayCrypto
import AssayLog
import AssayReport
import AssayVerify
import Foundation

struct WitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Act as a witness: cosign checkpoints of the logs you witness, consistent with what you cosigned before.",
        discussion: """
        A witness is configured with the logs it witnesses (C2SP tlog-witness): each is an origin and the \
        log's verifier key, added with 'assay witness add-log'. 'assay witness cosign' refuses any \
        checkpoint whose origin is not configured or whose signature is not by that origin's key.
        """,
        subcommands: [AddLog.self, Cosign.self, Serve.self]
    )

    struct AddLog: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-log",
            abstract: "Configure a log to witness: its origin and its verifier key.",
            discussion: """
            Creates the state directory (mode 0700) if needed. Refuses a second, different key for an origin \
            already configured; adding the same pair again changes nothing.
            """
        )

        @Option(help: "The witness's state directory.") var state: String
        @Option(help: "The log's origin (the first line of its checkpoints).") var origin: String
        @Option(name: .customLong("log-key"), help: "The log operator's verifier key (file or string).") var logKey: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            try Witness<WitnessDirectory>.checkOrigin(origin)
            let key = try InputFiles.verifierKey(logKey)
            let witness = Witness(store: try WitnessDirectory(path: state, create: true))
            let outcome = try witness.addLog(origin: origin, key: key)
            if json {
                emit(JSONField.object([("origin", .string(origin)), ("logKey", .string(key.description)),
                                       ("changed", .bool(outcome == .added))]))
            } else if outcome == .added {
                emit("witnessing origin \(Terminal.field(origin)) with the log key \(key.reference)")
            } else {
                emit("origin \(Terminal.field(origin)) is already witnessed with the log key \(key.reference)")
            }
        }
    }

    struct Cosign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a checkpoint of a configured log and add a C2SP tlog-cosignature line.",
            discussion: """
            Looks up the checkpoint's origin among the logs configured with 'assay witness add-log' and checks \
            the signature of that origin's key; then — when the state holds a checkpoint cosigned before for \
            that origin — checks the new one extends it (a consistency proof via --proof is needed when the \
            tree grew). Refuses, with both checkpoints as evidence, anything inconsistent. On success prints \
            the checkpoint with the cosignature added and records it as the new state. The whole \
            read-check-write runs under an exclusive lock on the state directory.
            """
        )

        @Option(help: "The checkpoint to cosign.") var checkpoint: String
        @Option(name: .customLong("log-key"), help: "Optional cross-check: the verifier key the log must be configured with.") var logKey: String?
        @Option(help: ArgumentHelp("The witness's secret key (made with 'assay key generate --witness'); default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
        var key: String?
        @Option(help: "The witness's state directory (configured with 'assay witness add-log').") var state: String
        @Option(help: "A consistency proof from the last cosigned size (text or JSON).") var proof: String?
        @Option(help: "Cosignature timestamp, seconds since the epoch (default: now).") var time: UInt64?
        @Option(help: "On a refusal, also save both checkpoints (the evidence) to this file.") var evidence: String?
        @Flag(help: "Print the result as JSON: origin, size, root hash and the cosigned note.") var json = false

        func run() throws {
            let keyPath = try EnvironmentDefaults.key(key)
            let witnessKey = try InputFiles.secretKey(keyPath)
            guard witnessKey.type == .cosignatureV1 else {
                throw CLIFailure.input("\(keyPath) is not a witness key; generate one with 'assay key generate --witness'")
            }
            let crossCheck = try logKey.map { try InputFiles.verifierKey($0) }
            let noteText = try InputFiles.text(checkpoint, what: "checkpoint", maxBytes: SignedNote.maxBytes)
            let consistency = try proof.map(Self.readProof)
            let witness = Witness(store: try WitnessDirectory(path: state, create: false))
            let cosigned: Witness<WitnessDirectory>.Cosigned
            do {
                cosigned = try witness.cosign(note: noteText, key: witnessKey, proof: consistency, expectedLogKey: crossCheck,
                                              timestamp: time ?? UInt64(Date().timeIntervalSince1970))
            } catch let e as WitnessError {
                if let evidence, let both = e.evidence {
                    // With --evidence, both notes are also saved verbatim, to hand on.
                    try? InputFiles.writeAtomically(Array("previously cosigned checkpoint:\n\(both.previouslyCosigned)\nnew checkpoint:\n\(both.new)".utf8), to: evidence)
                }
                if e.code == .malformedCheckpoint { throw CLIFailure.verification("checkpoint \(checkpoint): \(e.message)") }
                throw e
            }
            if json {
                emit(JSONField.object([("origin", .string(cosigned.checkpoint.origin)), ("size", .uint(cosigned.checkpoint.size)),
                                       ("rootHash", .string(Hex.encode(cosigned.checkpoint.rootHash))), ("note", .string(cosigned.note.serialized))]))
            } else {
                FileHandle.standardOutput.write(Data(cosigned.note.serialized.utf8))
            }
        }

        /// A consistency proof file, text or JSON.
        static func readProof(_ path: String) throws -> ConsistencyProof {
            let ptext = try InputFiles.text(path, what: "proof", maxBytes: ProofJSON.maxBytes)
            if ptext.hasPrefix("{") {
                guard case .consistency(let c) = try ProofJSON.parse(Array(ptext.utf8)) else {
                    throw CLIFailure.input("\(path) is not a consistency proof")
                }
                return c.proof
            }
            return try ConsistencyProofText(parsing: ptext).proof
        }
    }
}
