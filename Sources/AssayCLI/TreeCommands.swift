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
        abstract: "Act as a witness: cosign checkpoints of the logs you witness, consistent with what you cosigned before.",
        discussion: """
        A witness is configured with the logs it witnesses (C2SP tlog-witness): each is an origin and the \
        log's verifier key, added with 'assay witness add-log'. 'assay witness cosign' refuses any \
        checkpoint whose origin is not configured or whose signature is not by that origin's key.
        """,
        subcommands: [AddLog.self, Cosign.self]
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

        func run() throws {
            try WitnessState.checkOrigin(origin)
            let key = try InputFiles.verifierKey(logKey)
            guard key.type == .ed25519 else {
                throw CLIFailure.input("\(logKey) is a witness key; a log signs its checkpoints with an Ed25519 note key")
            }
            let st = try WitnessState(directory: state, create: true)
            try st.locked {
                if let existing = try st.logKey(for: origin) {
                    guard existing == key else {
                        throw CLIFailure.input("origin \(Terminal.field(origin)) is already witnessed with the log key \(existing.reference); refusing a second key \(key.reference) for it")
                    }
                    emit("origin \(Terminal.field(origin)) is already witnessed with the log key \(key.reference)")
                    return
                }
                try st.setLogKey(key, for: origin)
                emit("witnessing origin \(Terminal.field(origin)) with the log key \(key.reference)")
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
        @Option(help: "The witness's secret key (made with 'assay key generate --witness').") var key: String
        @Option(help: "The witness's state directory (configured with 'assay witness add-log').") var state: String
        @Option(help: "A consistency proof from the last cosigned size (text or JSON).") var proof: String?
        @Option(help: "Cosignature timestamp, seconds since the epoch (default: now).") var time: UInt64?
        @Option(help: "On a refusal, also save both checkpoints (the evidence) to this file.") var evidence: String?

        func run() throws {
            let witness = try InputFiles.secretKey(key)
            guard witness.type == .cosignatureV1 else {
                throw CLIFailure.input("\(key) is not a witness key; generate one with 'assay key generate --witness'")
            }
            let crossCheck = try logKey.map { try InputFiles.verifierKey($0) }
            let noteText = try InputFiles.text(checkpoint, what: "checkpoint", maxBytes: SignedNote.maxBytes)
            // The origin is read before any signature is checked only to find the configured key.
            let claimed: Checkpoint
            do { claimed = try Checkpoint(parsing: try SignedNote(parsing: Array(noteText.utf8)).text) } catch {
                throw CLIFailure.verification("checkpoint \(checkpoint): \(error.message)")
            }
            let st = try WitnessState(directory: state, create: false)
            try st.locked {
                guard let log = try st.logKey(for: claimed.origin) else {
                    throw CLIFailure.verification("refusing to cosign: origin \(Terminal.field(claimed.origin)) is not a log this witness witnesses (configure it with assay witness add-log)")
                }
                if let crossCheck, crossCheck != log {
                    throw CLIFailure.input("--log-key \(crossCheck.reference) is not the key configured for origin \(Terminal.field(claimed.origin)) (\(log.reference))")
                }
                let signed: SignedCheckpoint
                do { signed = try SignedCheckpoint(parsing: Array(noteText.utf8), logKey: log, origin: claimed.origin) } catch let e as LogError {
                    throw CLIFailure.verification("refusing to cosign: checkpoint \(checkpoint) is not signed by the key configured for origin \(Terminal.field(claimed.origin)) (\(log.reference)): \(e.message)")
                }
                let cp = signed.checkpoint
                if let oldText = try st.cosignedCheckpoint(for: cp.origin) {
                    let old = try SignedCheckpoint(parsing: Array(oldText.utf8), logKey: log, origin: cp.origin).checkpoint
                    func refuse(_ why: String) -> CLIFailure {
                        // With --evidence, both notes are also saved verbatim, to hand on.
                        if let evidence {
                            try? InputFiles.writeAtomically(Array("previously cosigned checkpoint:\n\(oldText)\nnew checkpoint:\n\(noteText)".utf8), to: evidence)
                        }
                        return CLIFailure.verification("refusing to cosign: \(why). Evidence — previously cosigned checkpoint:\n\(oldText)\nnew checkpoint:\n\(noteText)")
                    }
                    switch WitnessState.decide(cosigned: old, new: cp, proof: try proof.map(Self.readProof)) {
                    case .cosign:
                        break
                    case .refuse(let why):
                        throw refuse(why)
                    case .needProof(let from, let to):
                        throw CLIFailure.input("the tree grew from \(from) to \(to): give --proof with a consistency proof (assay prove consistency --from \(from) --to \(to))")
                    case .wrongProof(let from, let to):
                        throw CLIFailure.input("the proof is from \(from) to \(to); needed from \(old.size) to \(cp.size)")
                    }
                }
                let now = time ?? UInt64(Date().timeIntervalSince1970)
                let line = Cosignature.sign(checkpointText: signed.note.text, timestamp: now, key: witness)
                let cosigned = SignedNote(text: signed.note.text, signatures: signed.note.signatures.filter {
                    !($0.name == witness.name && $0.keyID == witness.keyID)
                } + [line])
                try st.setCosignedCheckpoint(signed.note.serialized, for: cp.origin)
                FileHandle.standardOutput.write(Data(cosigned.serialized.utf8))
            }
        }

        static func readProof(_ path: String) throws -> ConsistencyProof {
            let ptext = try InputFiles.text(path, what: "proof", maxBytes: VerifyProofCommand.maxProofBytes)
            if ptext.hasPrefix("{") {
                var r = try ObjectReader(try JSONValue.parse(Array(ptext.utf8), limits: .init(maxBytes: VerifyProofCommand.maxProofBytes, maxDepth: 8)))
                guard try r.string("type") == "consistency" else { throw CLIFailure.input("\(path) is not a consistency proof") }
                return ConsistencyProof(fromSize: try ProofJSON.uint(&r, "from"), toSize: try ProofJSON.uint(&r, "to"),
                                        hashes: try ProofJSON.hashes(&r))
            }
            return try ConsistencyProofText(parsing: ptext).proof
        }
    }
}

/// A witness's state directory: its configuration (the logs it witnesses) and, per log, the
/// last checkpoint it cosigned.
///
/// Layout (all files mode 0600, the directory 0700): `lock`, an empty file every command
/// `flock`s exclusively around its read-check-write; and for each configured origin, with
/// `<stem>` = the origin's letters, digits, `.` and `-` (others as `_`, at most 64) + `-` + the
/// first 16 hex digits of SHA-256(origin): `<stem>.log` holding `<origin>\n<log verifier key>\n`,
/// and `<stem>.checkpoint`, the last cosigned checkpoint note (log signature only). Every file
/// is written through `InputFiles.writeAtomically` (fsync of the file and the directory).
struct WitnessState {
    let directory: String

    /// What a witness does with a checkpoint of a configured log, given what it cosigned before.
    enum Decision: Equatable {
        case cosign
        /// A fork or a rollback: refuse, with both checkpoints as evidence.
        case refuse(String)
        /// The tree grew and no consistency proof was given.
        case needProof(from: UInt64, to: UInt64)
        /// The proof given is for other sizes.
        case wrongProof(from: UInt64, to: UInt64)
    }

    /// The witness rule: same size needs the same root; a smaller size is a rollback; a larger
    /// one needs a consistency proof from the cosigned size that verifies.
    static func decide(cosigned old: Checkpoint, new cp: Checkpoint, proof: ConsistencyProof?) -> Decision {
        guard old.origin == cp.origin else { return .refuse("origin differs from the cosigned state") }
        if cp.size < old.size {
            return .refuse("tree size \(cp.size) is smaller than the size \(old.size) already cosigned (rollback)")
        }
        if cp.size == old.size {
            return cp.rootHash == old.rootHash ? .cosign
                : .refuse("two different roots for tree size \(cp.size): \(Hex.encode(old.rootHash)) cosigned before, \(Hex.encode(cp.rootHash)) now (the log forked)")
        }
        guard let proof else { return .needProof(from: old.size, to: cp.size) }
        guard proof.fromSize == old.size, proof.toSize == cp.size else { return .wrongProof(from: proof.fromSize, to: proof.toSize) }
        do {
            try proof.verify(oldRoot: try old.root, newRoot: try cp.root)
        } catch {
            return .refuse("the new checkpoint is not consistent with the cosigned one: \(error.message)")
        }
        return .cosign
    }

    /// Refuses an origin that cannot be a checkpoint's first line.
    static func checkOrigin(_ origin: String) throws {
        guard !origin.isEmpty, origin.utf8.count <= 1024,
              !origin.unicodeScalars.contains(where: { Terminal.isUnsafe($0) || $0 == "\n" || $0 == "\t" }) else {
            throw CLIFailure.input("origin \(Terminal.field(origin)) is not a valid log origin (non-empty, one line, no control characters)")
        }
    }

    /// Opens the directory; with `create`, makes it (0700) when missing.
    init(directory: String, create: Bool) throws {
        self.directory = directory
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) {
            guard create else {
                throw CLIFailure.verification("refusing to cosign: the witness state \(directory) does not exist; configure the logs to witness with assay witness add-log")
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            InputFiles.syncDirectory((directory as NSString).deletingLastPathComponent)
        } else if !isDir.boolValue {
            throw CLIFailure.input("state \(directory) is not a directory")
        }
    }

    /// Runs `body` holding an exclusive `flock` on `<directory>/lock`.
    func locked<R>(_ body: () throws -> R) throws -> R {
        let path = file("lock")
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CLIFailure.input("cannot open the witness lock \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) } // closing releases the lock
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw CLIFailure.input("cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        return try body()
    }

    func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// The file-name stem of an origin: readable, and unique by the hash of the exact origin.
    static func stem(_ origin: String) -> String {
        let safe = String(origin.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" }.prefix(64))
        return safe + "-" + SHA256.hash(Array(origin.utf8)).hex.prefix(16)
    }

    /// The verifier key configured for `origin`, or nil when the origin is not witnessed.
    func logKey(for origin: String) throws -> VerifierKey? {
        let path = file(Self.stem(origin) + ".log")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try InputFiles.text(path, what: "witness configuration", maxBytes: 4096)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 3, lines[2].isEmpty, lines[0] == origin, let key = try? VerifierKey(parsing: String(lines[1])) else {
            throw CLIFailure.input("witness configuration \(path) is damaged (expected the origin and the log key, one per line)")
        }
        return key
    }

    func setLogKey(_ key: VerifierKey, for origin: String) throws {
        try InputFiles.writeAtomically(Array("\(origin)\n\(key)\n".utf8), to: file(Self.stem(origin) + ".log"), mode: 0o600)
    }

    /// The checkpoint last cosigned for `origin`, if any.
    func cosignedCheckpoint(for origin: String) throws -> String? {
        let path = file(Self.stem(origin) + ".checkpoint")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try InputFiles.text(path, what: "witness state", maxBytes: SignedNote.maxBytes)
    }

    func setCosignedCheckpoint(_ note: String, for origin: String) throws {
        try InputFiles.writeAtomically(Array(note.utf8), to: file(Self.stem(origin) + ".checkpoint"), mode: 0o600)
    }
}
