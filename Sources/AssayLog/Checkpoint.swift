public import AssayCrypto

/// A C2SP tlog-checkpoint body (c2sp.org/tlog-checkpoint):
///
///     <origin>\n<tree size>\n<base64 root hash>\n[extension lines]
///
/// Assay adds extension lines binding the hash chain head and the subject index root to the
/// signed text: `assay-chain-head <base64 chain hash of record size-1>`, then
/// `assay-subject-index <base64 root of the subject index over records 0 ..< size>`.
///
/// C2SP allows any extension lines, and generic parsing (`ExtensionRule.any`, what proofs and
/// bundles carry) accepts them. A checkpoint signed by an Assay ledger has the chain head as its
/// fourth line and, from format 2 on, the subject index root as its fifth and last (a checkpoint
/// signed before the index existed has the chain head only): `ExtensionRule.assayLedger` refuses
/// anything else, so that a verifier can never be handed a checkpoint whose lines it silently skips.
public struct Checkpoint: Sendable, Equatable {
    public static let chainHeadPrefix = "assay-chain-head "
    public static let subjectIndexPrefix = "assay-subject-index "

    /// Which extension lines a parse accepts.
    public enum ExtensionRule: Sendable {
        /// Any extension lines (C2SP tlog-checkpoint).
        case any
        /// `assay-chain-head <base64 of 32 bytes>` (canonical base64) as the fourth line, then
        /// at most one more, `assay-subject-index <base64 of 32 bytes>`: what an Assay ledger
        /// signs and `verify --ledger` requires.
        case assayLedger
    }

    public let origin: String
    public let size: UInt64
    public let rootHash: [UInt8]
    /// Extension lines, without their newlines.
    public let extensions: [String]

    public init(origin: String, size: UInt64, rootHash: Digest, chainHead: Digest?, subjectIndex: Digest? = nil) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash.bytes
        self.extensions = (chainHead.map { [Self.chainHeadPrefix + $0.base64] } ?? [])
            + (subjectIndex.map { [Self.subjectIndexPrefix + $0.base64] } ?? [])
    }

    /// The root hash as a SHA-256 digest (every Assay checkpoint's root is 32 bytes).
    public var root: Digest {
        get throws(LogError) {
            guard let d = try? Digest(bytes: rootHash) else {
                throw LogError(.malformedCheckpoint, "checkpoint root hash is \(rootHash.count) bytes, not 32")
            }
            return d
        }
    }

    /// The chain head from the `assay-chain-head` extension line, if present.
    public var chainHead: Digest? {
        for e in extensions where e.hasPrefix(Self.chainHeadPrefix) {
            return try? Digest(base64: String(e.dropFirst(Self.chainHeadPrefix.count)))
        }
        return nil
    }

    /// The subject index root from the `assay-subject-index` extension line: nil when there is
    /// no such line, or more than one, or its value is not the canonical base64 of 32 bytes.
    public var subjectIndex: Digest? {
        let lines = extensions.filter { $0.hasPrefix(Self.subjectIndexPrefix) }
        guard lines.count == 1, let raw = Base64.decode(String(lines[0].dropFirst(Self.subjectIndexPrefix.count))),
              raw.count == 32, Base64.encode(raw) == String(lines[0].dropFirst(Self.subjectIndexPrefix.count)) else { return nil }
        return try? Digest(bytes: raw)
    }

    /// Whether `text` is the canonical standard base64 of 32 bytes.
    static func canonical32(_ text: Substring) -> Bool {
        guard let raw = Base64.decode(String(text)), raw.count == 32 else { return false }
        return Base64.encode(raw) == text
    }

    /// The note text.
    public var text: String {
        "\(origin)\n\(size)\n\(Base64.encode(rootHash))\n" + extensions.map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body.
    /// - Parameters:
    ///   - requireSHA256: refuse roots that are not 32 bytes (true for Assay).
    ///   - rule: which extension lines are accepted (`.any` unless verifying an Assay ledger's own checkpoints).
    /// - Throws: `LogError.malformedCheckpoint` naming what is wrong.
    public init(parsing text: String, requireSHA256: Bool = true, extensions rule: ExtensionRule = .any) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedCheckpoint, "malformed checkpoint: \(why)") }
        guard text.hasSuffix("\n") else { throw bad("text must end in a newline") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        guard lines.count >= 3 else { throw bad("needs origin, size and root hash lines") }
        guard !lines[0].isEmpty else { throw bad("empty origin") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              sizeText == "0" || !sizeText.hasPrefix("0"), let size = UInt64(sizeText) else {
            throw bad("tree size \"\(sizeText.prefix(30))\" is not a decimal number in range")
        }
        guard let root = Base64.decode(String(lines[2])) else { throw bad("root hash is not standard base64") }
        if requireSHA256 && root.count != 32 { throw bad("root hash is \(root.count) bytes, not 32") }
        self.origin = String(lines[0])
        self.size = size
        self.rootHash = root
        let extensions = lines.dropFirst(3).map(String.init)
        if rule == .assayLedger {
            let layout = "an Assay ledger's checkpoint has the chain head as its fourth line and at most one more, the subject index"
            guard let first = extensions.first else {
                throw bad("no assay-chain-head line (\(layout))")
            }
            guard first.hasPrefix(Self.chainHeadPrefix) else {
                throw bad("the fourth line is not assay-chain-head (\(layout))")
            }
            guard Self.canonical32(first.dropFirst(Self.chainHeadPrefix.count)) else {
                throw bad("the assay-chain-head line does not hold the standard base64 of 32 bytes")
            }
            if extensions.count >= 2 {
                guard extensions[1].hasPrefix(Self.subjectIndexPrefix) else {
                    throw bad("the fifth line is not assay-subject-index (\(layout))")
                }
                guard Self.canonical32(extensions[1].dropFirst(Self.subjectIndexPrefix.count)) else {
                    throw bad("the assay-subject-index line does not hold the standard base64 of 32 bytes")
                }
            }
            guard extensions.count <= 2 else {
                throw bad("\(extensions.count - 2) extension line(s) after assay-subject-index (\(layout))")
            }
        }
        self.extensions = extensions
    }
}

/// A checkpoint with its signatures: the signed note, the parsed body, and which
/// signatures verified.
public struct SignedCheckpoint: Sendable {
    public let note: SignedNote
    public let checkpoint: Checkpoint
    public let verifiedSignatures: [SignedNote.Line]

    /// Opens a checkpoint note: the log's signature must verify, the origin must equal
    /// `origin` when one is given, and at least `witnessesNeeded` of `witnesses` must have
    /// cosigned it.
    ///
    /// `extensions` says which extension lines the body may carry (see `Checkpoint.ExtensionRule`).
    public init(parsing bytes: [UInt8], logKey: VerifierKey, origin: String? = nil,
                witnesses: [VerifierKey] = [], witnessesNeeded: Int = 0,
                extensions rule: Checkpoint.ExtensionRule = .any) throws(LogError) {
        let note = try SignedNote(parsing: bytes)
        let checkpoint = try Checkpoint(parsing: note.text, extensions: rule)
        if let origin, checkpoint.origin != origin {
            throw LogError(.malformedCheckpoint, "checkpoint origin \"\(checkpoint.origin)\" is not the expected \"\(origin)\"")
        }
        let opened = try note.open(verifiers: [logKey] + witnesses)
        guard opened.verified.contains(where: { $0.name == logKey.name && $0.keyID == logKey.keyID }) else {
            throw LogError(.noVerifiableSignature, "checkpoint is not signed by the log key \(logKey.reference)")
        }
        let cosigners = Set(opened.verified.filter { line in
            witnesses.contains { $0.name == line.name && $0.keyID == line.keyID }
        }.map { $0.keyReference.description })
        guard cosigners.count >= witnessesNeeded else {
            throw LogError(.noVerifiableSignature, "checkpoint has \(cosigners.count) valid witness cosignatures, policy needs \(witnessesNeeded)")
        }
        self.note = note
        self.checkpoint = checkpoint
        self.verifiedSignatures = opened.verified
    }
}
