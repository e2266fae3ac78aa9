import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import Foundation

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign and store a checkpoint (C2SP tlog-checkpoint) for the current tree, or print a stored one.",
        discussion: """
        The checkpoint is a C2SP signed note by the operator's key: origin, tree size, base64 root hash, \
        and an extension line 'assay-chain-head <base64>' binding the hash-chain head. Signing refuses a \
        tree that is not consistent with the latest stored checkpoint.
        """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "The operator's secret key file (to sign a new checkpoint).") var key: String?
    @Flag(help: "Print the latest stored checkpoint instead of signing.") var latest = false
    @Option(help: "Print the stored checkpoint for this tree size.") var size: UInt64?

    func run() throws {
        if latest || size != nil {
            let ledger = try options.open(readOnly: true)
            let note: SignedNote?
            if let size { note = try ledger.checkpoint(size: size) } else { note = try ledger.latestCheckpoint() }
            guard let note else {
                throw CLIFailure.input(size.map { "no checkpoint is stored for size \($0)" } ?? "the ledger has no checkpoint yet; sign one with --key")
            }
            FileHandle.standardOutput.write(Data(note.serialized.utf8))
            return
        }
        guard let key else { throw CLIFailure.input("give --key to sign a checkpoint, or --latest to print one") }
        let signer = try InputFiles.secretKey(key)
        let ledger = try options.open()
        let note = try ledger.signCheckpoint(with: signer)
        FileHandle.standardOutput.write(Data(note.serialized.utf8))
    }
}

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
                emit(JSONWriter.object([
                    ("type", JSONWriter.quote("inclusion")),
                    ("index", "\(seq)"), ("treeSize", "\(cp.size)"),
                    ("leafHash", JSONWriter.quote(record.leafHash.hex)),
                    ("hashes", "[" + proof.hashes.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]"),
                    ("record", JSONWriter.quote(Base64.encode(record.record.recordBytes))),
                    ("checkpoint", JSONWriter.quote(note.serialized)),
                ]))
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
                var f: [(String, String)] = [
                    ("type", JSONWriter.quote("consistency")), ("from", "\(proof.fromSize)"), ("to", "\(proof.toSize)"),
                    ("hashes", "[" + proof.hashes.map { JSONWriter.quote($0.base64) }.joined(separator: ",") + "]"),
                ]
                if let old = try ledger.checkpoint(size: proof.fromSize) { f.append(("oldCheckpoint", JSONWriter.quote(old.serialized))) }
                if let new = try ledger.checkpoint(size: proof.toSize) { f.append(("newCheckpoint", JSONWriter.quote(new.serialized))) }
                emit(JSONWriter.object(f))
            } else {
                FileHandle.standardOutput.write(Data(ConsistencyProofText(proof).text.utf8))
            }
        }
    }
}

/// Reading the JSON forms of proofs.
enum ProofJSON {
    static func hashes(_ r: inout ObjectReader) throws -> [Digest] {
        let list = try r.stringArray("hashes")
        guard list.count <= 128 else { throw CLIFailure.input("a proof has at most 128 hashes, this has \(list.count)") }
        return try list.enumerated().map { i, s in
            guard let d = try? Digest(base64: s) else { throw CLIFailure.input("hashes[\(i)] is not a base64 SHA-256 hash") }
            return d
        }
    }

    /// A non-negative whole number (JSON numbers are doubles: at most 2^53).
    static func uint(_ r: inout ObjectReader, _ key: String) throws -> UInt64 {
        let d = try r.number(key)
        guard d >= 0, d <= 9_007_199_254_740_992, d == d.rounded() else {
            throw CLIFailure.input("\(key) is not a non-negative whole number")
        }
        return UInt64(d)
    }
}

/// Options naming the log key and a witness policy.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("log-key"), help: "The log operator's verifier key (file or string).")
    var logKey: String

    @Option(name: .customLong("witness-key"), help: "A trusted witness's verifier key (repeatable).")
    var witnessKeys: [String] = []

    @Option(name: .customLong("witnesses-needed"), help: "How many of the witness keys must have cosigned.")
    var witnessesNeeded: Int = 0

    func load() throws -> (VerifierKey, [VerifierKey]) {
        let log = try InputFiles.verifierKey(logKey)
        let witnesses = try witnessKeys.map { try InputFiles.verifierKey($0) }
        guard witnessesNeeded >= 0, witnessesNeeded <= witnesses.count else {
            throw CLIFailure.input("--witnesses-needed \(witnessesNeeded) but \(witnesses.count) --witness-key given")
        }
        return (log, witnesses)
    }

    func open(_ note: String, what: String) throws -> SignedCheckpoint {
        let (log, witnesses) = try load()
        do {
            return try SignedCheckpoint(parsing: Array(note.utf8), logKey: log, witnesses: witnesses, witnessesNeeded: witnessesNeeded)
        } catch {
            throw CLIFailure.verification("\(what): \(error.message)")
        }
    }
}

struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check an inclusion or consistency proof offline, against checkpoints and keys only.",
        discussion: """
        An inclusion proof (tlog-proof text or JSON) carries its checkpoint. A consistency proof in text \
        form needs --old and --new checkpoint files; in JSON form it may carry them.
        """
    )

    @OptionGroup var trust: TrustOptions
    @Option(help: "The older checkpoint (consistency proofs).") var old: String?
    @Option(help: "The newer checkpoint (consistency proofs).") var new: String?
    @Option(name: .customLong("leaf-hash"), help: "The leaf hash (hex), when the proof carries no record.") var leafHash: String?
    @Flag(help: "Print the result as JSON.") var json = false
    @Argument(help: "The proof file ('-' for standard input).") var proof: String

    static let maxProofBytes = 2 * 1024 * 1024

    func run() throws {
        let text = try InputFiles.text(proof, what: "proof", maxBytes: Self.maxProofBytes)
        if text.hasPrefix(TlogProof.header) {
            let p = try TlogProof(parsing: text)
            try inclusion(index: p.index, hashes: p.hashes, record: p.extra, note: p.checkpointNote)
        } else if text.hasPrefix(ConsistencyProofText.header) {
            let p = try ConsistencyProofText(parsing: text).proof
            guard let old, let new else { throw CLIFailure.input("a consistency proof needs --old and --new checkpoint files") }
            try consistency(p, oldNote: try InputFiles.text(old, what: "checkpoint", maxBytes: SignedNote.maxBytes),
                            newNote: try InputFiles.text(new, what: "checkpoint", maxBytes: SignedNote.maxBytes))
        } else if text.hasPrefix("{") {
            try fromJSON(text)
        } else {
            throw CLIFailure.input("\(proof) is not a tlog-proof, an assay consistency proof, or proof JSON")
        }
    }

    func fromJSON(_ text: String) throws {
        var r = try ObjectReader(try JSONValue.parse(Array(text.utf8), limits: .init(maxBytes: Self.maxProofBytes, maxDepth: 8)))
        let hashes = ProofJSON.hashes, uint = ProofJSON.uint
        switch try r.string("type") {
        case "inclusion":
            let index = try uint(&r, "index")
            let size = try uint(&r, "treeSize")
            let h = try hashes(&r)
            let record = try r.optionalString("record").map { s -> [UInt8] in
                guard let b = Base64.decode(s) else { throw CLIFailure.input("record is not base64") }
                return b
            }
            let leaf = try r.optionalString("leafHash")
            let note = try r.string("checkpoint")
            try r.finish()
            try inclusion(index: index, hashes: h, record: record, note: note, expectedSize: size, carriedLeafHash: leaf)
        case "consistency":
            let p = ConsistencyProof(fromSize: try uint(&r, "from"), toSize: try uint(&r, "to"), hashes: try hashes(&r))
            let oldNote = try old.map { try InputFiles.text($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) } ?? r.optionalString("oldCheckpoint")
            let newNote = try new.map { try InputFiles.text($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) } ?? r.optionalString("newCheckpoint")
            guard let oldNote, let newNote else {
                throw CLIFailure.input("the consistency proof carries no checkpoints; give --old and --new")
            }
            try consistency(p, oldNote: oldNote, newNote: newNote)
        case let other:
            throw CLIFailure.input("unknown proof type \"\(other)\"")
        }
    }

    /// - Parameter carriedLeafHash: a leaf hash the proof itself carries, used when it has no
    ///   record and `--leaf-hash` is not given.
    func inclusion(index: UInt64, hashes: [Digest], record: [UInt8]?, note: String, expectedSize: UInt64? = nil,
                   carriedLeafHash: String? = nil) throws {
        let signed = try trust.open(note, what: "checkpoint")
        let cp = signed.checkpoint
        if let expectedSize, expectedSize != cp.size {
            throw CLIFailure.verification("proof is for tree size \(expectedSize) but its checkpoint is for size \(cp.size)")
        }
        let leaf: Digest
        var what = ""
        if let record {
            let rec = try LedgerRecord(recordBytes: record)
            guard rec.seq == index else {
                throw CLIFailure.verification("the record in the proof is entry \(rec.seq), but the proof is for index \(index)")
            }
            leaf = rec.leafHash
            if let env = try? Envelope(json: rec.envelope), let st = try? Statement.decode(env.payload) {
                what = " (\(st.kind.rawValue) signed by \(env.signatures.first?.keyID ?? "?"))"
            }
        } else if let given = leafHash ?? carriedLeafHash {
            leaf = try Digest(hex: given)
        } else {
            throw CLIFailure.input("the proof carries no record; give --leaf-hash")
        }
        let proof = InclusionProof(index: index, treeSize: cp.size, hashes: hashes)
        do {
            try proof.verify(leafHash: leaf, root: try cp.root)
        } catch {
            throw CLIFailure.verification("inclusion proof for entry \(index) does not verify: \(error.message)")
        }
        let witnesses = signed.verifiedSignatures.count - 1
        if json {
            emit(JSONWriter.object([("ok", "true"), ("type", JSONWriter.quote("inclusion")), ("index", "\(index)"),
                                    ("origin", JSONWriter.quote(cp.origin)), ("treeSize", "\(cp.size)"),
                                    ("root", JSONWriter.quote(try cp.root.hex)), ("leafHash", JSONWriter.quote(leaf.hex)),
                                    ("witnessCosignatures", "\(witnesses)")]))
        } else {
            emit("OK: entry \(index)\(what) is included in \(cp.origin) at tree size \(cp.size), root \(try cp.root.hex) (log signature and \(witnesses) witness cosignature(s) verified)")
        }
    }

    func consistency(_ p: ConsistencyProof, oldNote: String, newNote: String) throws {
        let old = try trust.open(oldNote, what: "old checkpoint").checkpoint
        let new = try trust.open(newNote, what: "new checkpoint").checkpoint
        guard old.origin == new.origin else {
            throw CLIFailure.verification("the checkpoints are for different logs: \(old.origin) and \(new.origin)")
        }
        guard p.fromSize == old.size, p.toSize == new.size else {
            throw CLIFailure.verification("proof is from size \(p.fromSize) to \(p.toSize), checkpoints are for sizes \(old.size) and \(new.size)")
        }
        do {
            try p.verify(oldRoot: try old.root, newRoot: try new.root)
        } catch {
            throw CLIFailure.verification("consistency proof from \(old.size) to \(new.size) does not verify: \(error.message); old root \(Hex.encode(old.rootHash)), new root \(Hex.encode(new.rootHash))")
        }
        if json {
            emit(JSONWriter.object([("ok", "true"), ("type", JSONWriter.quote("consistency")), ("origin", JSONWriter.quote(new.origin)),
                                    ("from", "\(old.size)"), ("to", "\(new.size)"),
                                    ("oldRoot", JSONWriter.quote(Hex.encode(old.rootHash))), ("newRoot", JSONWriter.quote(Hex.encode(new.rootHash)))]))
        } else {
            emit("OK: \(new.origin) at size \(new.size) (root \(Hex.encode(new.rootHash))) extends size \(old.size) (root \(Hex.encode(old.rootHash)))")
        }
    }
}

struct WitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Act as a witness: cosign checkpoints that are consistent with what you cosigned before.",
        subcommands: [Cosign.self]
    )

    struct Cosign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a checkpoint and add a C2SP tlog-cosignature line.",
            discussion: """
            Checks the log's signature, then — when the state directory holds a checkpoint cosigned before \
            for the same origin — checks the new one extends it (a consistency proof via --proof is needed \
            when the tree grew). Refuses, with both checkpoints as evidence, anything inconsistent. On \
            success prints the checkpoint with the cosignature added and records it as the new state.
            """
        )

        @Option(help: "The checkpoint to cosign.") var checkpoint: String
        @Option(name: .customLong("log-key"), help: "The log operator's verifier key (file or string).") var logKey: String
        @Option(help: "The witness's secret key (made with 'assay key generate --witness').") var key: String
        @Option(help: "The witness's state directory (one file per log origin).") var state: String
        @Option(help: "A consistency proof from the last cosigned size (text or JSON).") var proof: String?
        @Option(help: "Cosignature timestamp, seconds since the epoch (default: now).") var time: UInt64?
        @Option(help: "On a refusal, also save both checkpoints (the evidence) to this file.") var evidence: String?

        func run() throws {
            let witness = try InputFiles.secretKey(key)
            guard witness.type == .cosignatureV1 else {
                throw CLIFailure.input("\(key) is not a witness key; generate one with 'assay key generate --witness'")
            }
            let log = try InputFiles.verifierKey(logKey)
            let noteText = try InputFiles.text(checkpoint, what: "checkpoint", maxBytes: SignedNote.maxBytes)
            let signed: SignedCheckpoint
            do { signed = try SignedCheckpoint(parsing: Array(noteText.utf8), logKey: log) } catch {
                throw CLIFailure.verification("checkpoint \(checkpoint): \(error.message)")
            }
            let cp = signed.checkpoint
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: state, isDirectory: &isDir) {
                try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } else if !isDir.boolValue {
                throw CLIFailure.input("state \(state) is not a directory")
            }
            // Readable prefix plus a hash of the exact origin, so distinct origins never share a file.
            let safe = String(cp.origin.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }.prefix(64))
            let statePath = (state as NSString).appendingPathComponent(safe + "-" + SHA256.hash(Array(cp.origin.utf8)).hex.prefix(16) + ".checkpoint")
            if FileManager.default.fileExists(atPath: statePath) {
                let oldText = try InputFiles.text(statePath, what: "witness state", maxBytes: SignedNote.maxBytes)
                let old = try SignedCheckpoint(parsing: Array(oldText.utf8), logKey: log).checkpoint
                func refuse(_ why: String) -> CLIFailure {
                    // With --evidence, both notes are also saved verbatim, to hand on.
                    if let evidence {
                        try? InputFiles.writeAtomically(Array("previously cosigned checkpoint:\n\(oldText)\nnew checkpoint:\n\(noteText)".utf8), to: evidence)
                    }
                    return CLIFailure.verification("refusing to cosign: \(why). Evidence — previously cosigned checkpoint:\n\(oldText)\nnew checkpoint:\n\(noteText)")
                }
                guard old.origin == cp.origin else { throw refuse("origin differs from the cosigned state") }
                if cp.size < old.size {
                    throw refuse("tree size \(cp.size) is smaller than the size \(old.size) already cosigned (rollback)")
                } else if cp.size == old.size {
                    guard cp.rootHash == old.rootHash else {
                        throw refuse("two different roots for tree size \(cp.size): \(Hex.encode(old.rootHash)) cosigned before, \(Hex.encode(cp.rootHash)) now (the log forked)")
                    }
                } else {
                    guard let proof else {
                        throw CLIFailure.input("the tree grew from \(old.size) to \(cp.size): give --proof with a consistency proof (assay prove consistency --from \(old.size) --to \(cp.size))")
                    }
                    let ptext = try InputFiles.text(proof, what: "proof", maxBytes: VerifyProofCommand.maxProofBytes)
                    let p: ConsistencyProof
                    if ptext.hasPrefix("{") {
                        var r = try ObjectReader(try JSONValue.parse(Array(ptext.utf8), limits: .init(maxBytes: VerifyProofCommand.maxProofBytes, maxDepth: 8)))
                        guard try r.string("type") == "consistency" else { throw CLIFailure.input("\(proof) is not a consistency proof") }
                        p = ConsistencyProof(fromSize: try ProofJSON.uint(&r, "from"), toSize: try ProofJSON.uint(&r, "to"),
                                             hashes: try ProofJSON.hashes(&r))
                    } else {
                        p = try ConsistencyProofText(parsing: ptext).proof
                    }
                    guard p.fromSize == old.size, p.toSize == cp.size else {
                        throw CLIFailure.input("the proof is from \(p.fromSize) to \(p.toSize); needed from \(old.size) to \(cp.size)")
                    }
                    do {
                        try p.verify(oldRoot: try old.root, newRoot: try cp.root)
                    } catch {
                        throw refuse("the new checkpoint is not consistent with the cosigned one: \(error.message)")
                    }
                }
            }
            let now = time ?? UInt64(Date().timeIntervalSince1970)
            let line = Cosignature.sign(checkpointText: signed.note.text, timestamp: now, key: witness)
            let cosigned = SignedNote(text: signed.note.text, signatures: signed.note.signatures.filter {
                !($0.name == witness.name && $0.keyID == witness.keyID)
            } + [line])
            try InputFiles.writeAtomically(Array(signed.note.serialized.utf8), to: statePath, mode: 0o600)
            FileHandle.standardOutput.write(Data(cosigned.serialized.utf8))
        }
    }
}
