public import AssayCrypto

/// A C2SP signed note (c2sp.org/signed-note): UTF-8 text ending in a newline, a blank
/// line, then one or more signature lines `— <name> <base64(key id || signature)>`.
public struct SignedNote: Sendable, Equatable {
    /// One signature line.
    public struct Line: Sendable, Hashable {
        public let name: String
        public let keyID: NoteKeyID
        /// The signer's reference (`name+keyid`).
        public var keyReference: KeyReference { KeyReference(name: name, keyID: keyID) }
        /// The signature bytes after the 4-byte key id.
        public let signature: [UInt8]

        public init(name: String, keyID: NoteKeyID, signature: [UInt8]) {
            self.name = name
            self.keyID = keyID
            self.signature = signature
        }

        /// The line, newline included.
        public var text: String { "— \(name) \(Base64.encode(keyID.bytes + signature))\n" }
    }

    /// Most signature lines accepted in one note (as the Go reference; C2SP requires ≥ 16).
    public static let maxSignatures = 100
    /// Largest note accepted, in bytes.
    public static let maxBytes = 64 * 1024

    /// The signed text, final newline included.
    public let text: String
    public let signatures: [Line]

    public init(text: String, signatures: [Line]) {
        self.text = text
        self.signatures = signatures
    }

    /// The whole note as bytes.
    public var serialized: String { text + "\n" + signatures.map(\.text).joined() }

    /// Parses a note without checking signatures.
    /// - Throws: `LogError.malformedNote` with a one-line reason.
    public init(parsing bytes: [UInt8]) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedNote, "malformed note: \(why)") }
        guard bytes.count <= Self.maxBytes else { throw bad("larger than \(Self.maxBytes) bytes") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw bad("not valid UTF-8") }
        // Text is everything up to and including the newline before the last blank line.
        var split: Int? = nil
        if bytes.count >= 2 {
            var k = bytes.count - 2
            while k >= 0 {
                if bytes[k] == 0x0A && bytes[k + 1] == 0x0A { split = k; break }
                k -= 1
            }
        }
        guard let split else { throw bad("no blank line before the signatures") }
        let textBytes = Array(bytes[..<(split + 1)])
        let sigBytes = Array(bytes[(split + 2)...])
        for b in textBytes where b < 0x20 && b != 0x0A { throw bad("control character in text") }
        guard !sigBytes.isEmpty, sigBytes.last == 0x0A else { throw bad("signature block must be lines ending in a newline") }
        let sigText = String(decoding: sigBytes, as: UTF8.self)
        var lines = sigText.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast() // after the final newline
        guard lines.count <= Self.maxSignatures else { throw bad("more than \(Self.maxSignatures) signatures") }
        var sigs: [Line] = []
        for line in lines {
            guard line.hasPrefix("— ") else { throw bad("signature line does not start with \"— \"") }
            let rest = line.dropFirst(2)
            let parts = rest.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw bad("signature line must be \"— name signature\"") }
            let name = String(parts[0])
            guard isValidNoteKeyName(name) else { throw bad("invalid key name in signature line") }
            guard let raw = Base64.decode(String(parts[1])), raw.count >= 5 else { throw bad("signature is not base64 of a key id and signature") }
            sigs.append(Line(name: name, keyID: NoteKeyID(bytes: raw[0..<4])!, signature: Array(raw[4...])))
        }
        self.text = String(decoding: textBytes, as: UTF8.self)
        self.signatures = sigs
    }

    /// Signs `text` (which must end in a newline) with each key, in order.
    public static func sign(text: String, keys: [NamedSigningKey]) throws(LogError) -> SignedNote {
        guard text.hasSuffix("\n"), !text.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A }) else {
            throw LogError(.malformedNote, "malformed note: text must end in a newline and hold no control characters")
        }
        let msg = Array(text.utf8)
        let lines = keys.map { k in
            Line(name: k.name, keyID: k.keyID, signature: k.key.signature(for: msg).rawRepresentation)
        }
        return SignedNote(text: text, signatures: lines)
    }

    /// The outcome of opening a note against a set of verifiers.
    public struct Opened: Sendable {
        /// Signatures by a known key that verified.
        public let verified: [Line]
        /// Signatures whose (name, key id) no verifier matches; ignored, as C2SP requires.
        public let unverified: [Line]
    }

    /// Checks the signatures against `verifiers` (Ed25519 note keys and cosignature keys).
    /// A line counts only where both name and key id match a verifier. A known key whose
    /// signature fails is an error; a note with no verified signature is an error.
    public func open(verifiers: [VerifierKey]) throws(LogError) -> Opened {
        var verified: [Line] = [], unverified: [Line] = []
        var seen = Set<Line>()
        for line in signatures {
            guard seen.insert(line).inserted else { continue }
            let matches = verifiers.filter { $0.name == line.name && $0.keyID == line.keyID }
            if matches.count > 1 {
                throw LogError(.ambiguousKey, "ambiguous key \(line.keyReference)")
            }
            guard let v = matches.first else { unverified.append(line); continue }
            guard Self.check(line: line, text: text, key: v) else {
                throw LogError(.invalidSignature, "invalid signature for key \(line.keyReference)")
            }
            verified.append(line)
        }
        guard !verified.isEmpty else {
            throw LogError(.noVerifiableSignature, "note has no verifiable signatures")
        }
        return Opened(verified: verified, unverified: unverified)
    }

    static func check(line: Line, text: String, key: VerifierKey) -> Bool {
        switch key.type {
        case .ed25519:
            return key.publicKey.isValidSignature(rawSignature: line.signature, for: Array(text.utf8))
        case .cosignatureV1:
            guard line.signature.count == 72 else { return false }
            let ts = line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard ts <= UInt64(Int64.max) else { return false }
            let msg = Cosignature.message(timestamp: ts, checkpointText: text)
            return key.publicKey.isValidSignature(rawSignature: Array(line.signature[8...]), for: msg)
        }
    }
}

/// C2SP tlog-cosignature v1 (signature type 0x04): a witness's timestamped signature over
/// `"cosignature/v1\n" + "time <t>\n" + <checkpoint text>`.
public enum Cosignature {
    public static func message(timestamp: UInt64, checkpointText: String) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n\(checkpointText)".utf8)
    }

    /// The signature line a witness adds for `checkpointText` at `timestamp` (seconds).
    public static func sign(checkpointText: String, timestamp: UInt64, key: NamedSigningKey) -> SignedNote.Line {
        let sig = key.key.signature(for: message(timestamp: timestamp, checkpointText: checkpointText))
        var body = [UInt8]()
        for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: timestamp >> UInt64(shift))) }
        body += sig.rawRepresentation
        return SignedNote.Line(name: key.name, keyID: key.keyID, signature: body)
    }

    /// The timestamp of a cosignature line (seconds since the epoch), if well-formed.
    public static func timestamp(of line: SignedNote.Line) -> UInt64? {
        guard line.signature.count == 72 else { return nil }
        return line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
