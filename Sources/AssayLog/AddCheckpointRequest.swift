public import AssayCrypto

/// The body of a C2SP tlog-witness `add-checkpoint` request (c2sp.org/tlog-witness):
///
///     old <size, decimal, no leading zeros>\n
///     <base64 hash>\n            (zero to 63 consistency proof lines)
///     \n
///     <checkpoint note, verbatim>
///
/// The proof lines are the RFC 6962 §2.1.2 consistency proof from `oldSize` to the
/// checkpoint's size (empty when `oldSize` is zero or equals the checkpoint's size).
public struct AddCheckpointRequest: Sendable, Equatable {
    /// Most proof lines a request may carry (the protocol's limit).
    public static let maxProofLines = 63
    /// Largest body accepted: the old size line, 63 proof lines and a note.
    public static let maxBytes = 32 + maxProofLines * 46 + SignedNote.maxBytes

    /// The size of the checkpoint the client believes the witness cosigned last (0: none).
    public let oldSize: UInt64
    /// The consistency proof from `oldSize` to the checkpoint's size.
    public let proof: [Digest]
    /// The checkpoint note, as sent (it may carry several signatures).
    public let checkpoint: [UInt8]

    /// A request.
    public init(oldSize: UInt64, proof: [Digest], checkpoint: [UInt8]) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// The request body.
    public var serialized: [UInt8] {
        Array(("old \(oldSize)\n" + proof.map { Base64.encode($0.bytes) + "\n" }.joined() + "\n").utf8) + checkpoint
    }

    /// Parses a request body. The checkpoint note is not parsed here (the witness reads it).
    /// - Throws: `LogError.malformedProof` naming the line that breaks the layout.
    public init(parsing bytes: [UInt8]) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedProof, "malformed add-checkpoint request: \(why)") }
        guard bytes.count <= Self.maxBytes else { throw bad("larger than \(Self.maxBytes) bytes") }
        var lines: [String] = []
        var start = 0
        var blank: Int? = nil
        var i = 0
        while i < bytes.count, lines.count <= Self.maxProofLines + 1 {
            if bytes[i] == 0x0A {
                if i == start { blank = i + 1; break }
                guard let line = String(validating: bytes[start..<i], as: UTF8.self) else { throw bad("line \(lines.count + 1) is not UTF-8") }
                lines.append(line)
                start = i + 1
            }
            i += 1
        }
        guard let blank else {
            throw lines.count > Self.maxProofLines + 1
                ? bad("more than \(Self.maxProofLines) consistency proof lines")
                : bad("no empty line after the old size and proof lines")
        }
        guard let first = lines.first else { throw bad("the first line must be \"old <size>\"") }
        guard first.hasPrefix("old ") else { throw bad("the first line must be \"old <size>\"") }
        let digits = first.dropFirst(4)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), digits == "0" || digits.first != "0",
              let old = UInt64(digits) else {
            throw bad("the old size must be a decimal number with no leading zeros")
        }
        var proof: [Digest] = []
        for (k, line) in lines.dropFirst().enumerated() {
            guard let raw = Base64.decode(line), let d = try? Digest(bytes: raw) else {
                throw bad("proof line \(k + 1) is not the base64 of a 32-byte hash")
            }
            proof.append(d)
        }
        guard proof.count <= Self.maxProofLines else { throw bad("more than \(Self.maxProofLines) consistency proof lines") }
        guard blank < bytes.count else { throw bad("no checkpoint after the empty line") }
        self.oldSize = old
        self.proof = proof
        self.checkpoint = Array(bytes[blank...])
    }

    /// The cosignature lines of a 200 response (one or more `— name base64\n` lines).
    /// - Throws: `LogError.malformedNote` when the body is not such lines.
    public static func cosignatures(response bytes: [UInt8]) throws(LogError) -> [SignedNote.Line] {
        // A response is exactly a note's signature block: parse it as one under a dummy text.
        let lines = try SignedNote(parsing: Array("x\n\n".utf8) + bytes).signatures
        return lines
    }

    /// Parses a 409 response body of type `text/x.tlog.size`: the size the witness last
    /// cosigned, in decimal, and a newline.
    public static func conflictSize(response bytes: [UInt8]) -> UInt64? {
        guard bytes.last == 0x0A, bytes.count >= 2, bytes.count <= 21 else { return nil }
        let digits = bytes.dropLast()
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), digits.count == 1 || digits.first != 0x30 else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }
}
