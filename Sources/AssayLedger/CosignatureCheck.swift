import AssayCrypto
public import AssayLog
public import AssayStore

/// The rules a stored witness cosignature must meet (FORMAT.md §7, `cosignatures`): its line is
/// one well-formed C2SP cosignature/v1 line whose name and key id are the row's; a checkpoint is
/// stored for its size; the body it was made for is that checkpoint's text, byte for byte.
/// The witness's signature itself is checked by whoever trusts the witness key (`verify --bundle`).
public enum CosignatureCheck {
    /// Parses a stored line (`— name base64`, no final newline) as one cosignature/v1 signature
    /// line: nil unless it is exactly one well-formed line with a 72-byte signature (8-byte
    /// timestamp, 64-byte Ed25519 signature).
    public static func line(_ text: String) -> SignedNote.Line? {
        guard let note = try? SignedNote(parsing: Array("x\n\n\(text)\n".utf8)), note.signatures.count == 1,
              let line = note.signatures.first, Cosignature.timestamp(of: line) != nil, line.text == text + "\n" else { return nil }
        return line
    }

    /// One line per stored cosignature that breaks the rules, naming its row.
    public static func problems(cosignatures: [StoredCosignature], checkpoints: [(size: Int64, note: [UInt8])]) -> [String] {
        var bodies: [Int64: [UInt8]] = [:]
        for c in checkpoints {
            if let note = try? SignedNote(parsing: c.note) { bodies[c.size] = Array(note.text.utf8) } else { bodies[c.size] = [] }
        }
        var out: [String] = []
        for c in cosignatures {
            let row = "the cosignature row (size \(c.size), witness \(printable(c.witness)), key id \(printable(c.keyID)))"
            guard let line = line(c.line), line.name == c.witness, line.keyID.hex == c.keyID else {
                out.append("\(row) is not a well-formed C2SP cosignature line for that witness and key id")
                continue
            }
            guard let body = bodies[c.size] else {
                out.append("\(row) belongs to no stored checkpoint")
                continue
            }
            if body != c.body {
                out.append("\(row) was made for a checkpoint text other than the one stored for size \(c.size)")
            }
        }
        return out
    }

    /// At most 100 characters, each control or non-ASCII character shown as `?`.
    static func printable(_ s: String) -> String {
        String(s.unicodeScalars.prefix(100).map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "?" })
    }
}
