import ArgumentParser
import AssayCrypto
import AssayLog
import AssayModel

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

    static let maxProofBytes = ProofJSON.maxBytes

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
            switch try ProofJSON.parse(Array(text.utf8)) {
            case .inclusion(let p):
                try inclusion(index: p.proof.index, hashes: p.proof.hashes, record: p.record, note: p.checkpoint,
                              expectedSize: p.proof.treeSize, carriedLeafHash: p.leafHash)
            case .consistency(let c):
                let oldNote = try old.map { try InputFiles.text($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) } ?? c.oldCheckpoint
                let newNote = try new.map { try InputFiles.text($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) } ?? c.newCheckpoint
                guard let oldNote, let newNote else {
                    throw CLIFailure.input("the consistency proof carries no checkpoints; give --old and --new")
                }
                try consistency(c.proof, oldNote: oldNote, newNote: newNote)
            }
        } else {
            throw CLIFailure.input("\(proof) is not a tlog-proof, an assay consistency proof, or proof JSON")
        }
    }

    /// - Parameter carriedLeafHash: a leaf hash the proof itself carries, used when it has no
    ///   record and `--leaf-hash` is not given.
    func inclusion(index: UInt64, hashes: [Digest], record: [UInt8]?, note: String, expectedSize: UInt64? = nil,
                   carriedLeafHash: Digest? = nil) throws {
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
        } else if let given = leafHash {
            leaf = try Digest(hex: given)
        } else if let carriedLeafHash {
            leaf = carriedLeafHash
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
            emit(JSONField.object([("ok", .bool(true)), ("type", .string("inclusion")), ("index", .uint(index)),
                                   ("origin", .string(cp.origin)), ("treeSize", .uint(cp.size)),
                                   ("root", .string(try cp.root.hex)), ("leafHash", .string(leaf.hex)),
                                   ("witnessCosignatures", .int(Int64(witnesses)))]))
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
            emit(JSONField.object([("ok", .bool(true)), ("type", .string("consistency")), ("origin", .string(new.origin)),
                                   ("from", .uint(old.size)), ("to", .uint(new.size)),
                                   ("oldRoot", .string(Hex.encode(old.rootHash))), ("newRoot", .string(Hex.encode(new.rootHash)))]))
        } else {
            emit("OK: \(new.origin) at size \(new.size) (root \(Hex.encode(new.rootHash))) extends size \(old.size) (root \(Hex.encode(old.rootHash)))")
        }
    }
}
