public import AssayCrypto

/// A C2SP tlog-proof (c2sp.org/tlog-proof@v1): an inclusion proof with the checkpoint it
/// leads to. Assay puts the record bytes in the `extra` line, so the proof alone shows what
/// was logged and lets the verifier recompute the leaf hash.
public struct TlogProof: Sendable, Equatable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let extra: [UInt8]?
    public let index: UInt64
    public let hashes: [Digest]
    /// The checkpoint note, verbatim.
    public let checkpointNote: String

    public init(extra: [UInt8]?, index: UInt64, hashes: [Digest], checkpointNote: String) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpointNote = checkpointNote
    }

    public var text: String {
        var s = Self.header + "\n"
        if let extra { s += "extra \(Base64.encode(extra))\n" }
        s += "index \(index)\n"
        for h in hashes { s += h.base64 + "\n" }
        return s + "\n" + checkpointNote
    }

    /// Parses the text form.
    public init(parsing text: String) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedProof, "malformed tlog-proof: \(why)") }
        guard let blank = text.range(of: "\n\n") else { throw bad("no blank line before the checkpoint") }
        let head = text[..<blank.lowerBound]
        let note = String(text[blank.upperBound...])
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.first == Substring(Self.header) else { throw bad("first line must be \(Self.header)") }
        lines = lines.dropFirst()
        var extra: [UInt8]? = nil
        if let l = lines.first, l.hasPrefix("extra ") {
            guard let raw = Base64.decode(String(l.dropFirst(6))) else { throw bad("extra is not base64") }
            extra = raw
            lines = lines.dropFirst()
        }
        guard let l = lines.first, l.hasPrefix("index ") else { throw bad("missing index line") }
        let num = l.dropFirst(6)
        guard !num.isEmpty, num.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), num == "0" || !num.hasPrefix("0"),
              let index = UInt64(num) else { throw bad("index is not a decimal number in range") }
        lines = lines.dropFirst()
        var hashes: [Digest] = []
        for h in lines {
            guard let d = try? Digest(base64: String(h)) else { throw bad("proof line is not a base64 SHA-256 hash") }
            hashes.append(d)
        }
        guard hashes.count <= 64 else { throw bad("more than 64 proof hashes") }
        self.init(extra: extra, index: index, hashes: hashes, checkpointNote: note)
    }
}

/// Assay's text form of a consistency proof:
///
///     assay/consistency-proof@v1
///     old <size>
///     new <size>
///     <base64 hash>…
public struct ConsistencyProofText: Sendable, Equatable {
    public static let header = "assay/consistency-proof@v1"
    public let proof: ConsistencyProof

    public init(_ proof: ConsistencyProof) { self.proof = proof }

    public var text: String {
        "\(Self.header)\nold \(proof.fromSize)\nnew \(proof.toSize)\n" + proof.hashes.map { $0.base64 + "\n" }.joined()
    }

    public init(parsing text: String) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedProof, "malformed consistency proof: \(why)") }
        guard text.hasSuffix("\n") else { throw bad("must end in a newline") }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()
        guard lines.count >= 3, lines[0] == Substring(Self.header) else { throw bad("first line must be \(Self.header)") }
        func size(_ line: Substring, _ key: String) throws(LogError) -> UInt64 {
            guard line.hasPrefix(key + " ") else { throw bad("missing \(key) line") }
            let n = line.dropFirst(key.count + 1)
            guard !n.isEmpty, n.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), n == "0" || !n.hasPrefix("0"), let v = UInt64(n) else {
                throw bad("\(key) size is not a decimal number in range")
            }
            return v
        }
        let old = try size(lines[1], "old"), new = try size(lines[2], "new")
        var hashes: [Digest] = []
        for h in lines.dropFirst(3) {
            guard let d = try? Digest(base64: String(h)) else { throw bad("proof line is not a base64 SHA-256 hash") }
            hashes.append(d)
        }
        guard hashes.count <= 128 else { throw bad("more than 128 proof hashes") }
        proof = ConsistencyProof(fromSize: old, toSize: new, hashes: hashes)
    }
}

extension LedgerRecord {
    /// Parses record bytes (`0x01 || u64 seq || i64 time || envelope`).
    public init(recordBytes b: [UInt8]) throws(LogError) {
        guard b.count >= 17, b[0] == Self.version else {
            throw LogError(.malformedRecord, "record bytes do not start with version 0x01 and a 16-byte header")
        }
        let seq = b[1..<9].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let t = b[9..<17].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        self.init(seq: seq, appendedAtMillis: Int64(bitPattern: t), envelope: Array(b[17...]))
    }
}
