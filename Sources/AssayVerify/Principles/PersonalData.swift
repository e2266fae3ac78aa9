/// What the privacy principle looks for in statements: personal contact data.
public enum PersonalData {
    /// E-mail addresses and phone numbers in free text.
    ///
    /// The text is cut into words at ASCII separators on its UTF-8 bytes (no multi-byte
    /// character contains an ASCII byte), and only words holding an `@`, and the text after
    /// each `+`, are looked at as characters: statements are mostly identifiers, times and
    /// numbers, and this runs on every entry of a bundle.
    public static func tokens(in text: String) -> [String] {
        var out: [String] = []
        let bytes = Array(text.utf8)
        func isSeparator(_ b: UInt8) -> Bool {
            switch b {
            case 0x22, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x20, 0x0A, 0x09, 0x3C, 0x3E, 0x28, 0x29: true // " { } [ ] , : space \n \t < > ( )
            default: false
            }
        }
        var start = 0
        var hasAt = false
        for i in 0...bytes.count {
            if i < bytes.count && !isSeparator(bytes[i]) {
                if bytes[i] == 0x40 { hasAt = true }
                continue
            }
            defer { start = i + 1; hasAt = false }
            guard hasAt, i > start, let token = String(validating: bytes[start..<i], as: UTF8.self) else { continue }
            if let email = email(token) { out.append(email) }
        }
        // +<country code> followed by at least 8 digits, spaces allowed.
        for (i, b) in bytes.enumerated() where b == 0x2B {
            // What follows the `+`, read as characters (digits may be any script's).
            var end = i + 1
            while end < bytes.count && bytes[end] != 0x2B && bytes[end] != 0x22 && end - i < 256 { end += 1 }
            let after = String(decoding: bytes[(i + 1)..<end], as: UTF8.self)
            let digits = after.prefix(while: { $0.isNumber || $0 == " " || $0 == "-" }).filter(\.isNumber)
            if digits.count >= 9 { out.append("+" + digits) }
        }
        return out
    }

    /// `word` (or `mailto…word`) when it reads as local@domain.tld: a host name whose last label
    /// is letters only (not a version like 1.4.2), and no `/`.
    static func email(_ word: String) -> String? {
        let s = word.hasPrefix("mailto") ? String(word.dropFirst(6)) : word
        guard let at = s.firstIndex(of: "@"), at != s.startIndex, !s.contains("/") else { return nil }
        let local = s[..<at], domain = s[s.index(after: at)...]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
              let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter),
              local.allSatisfy({ $0.isLetter || $0.isNumber || ".+_-%".contains($0) }) else { return nil }
        return s
    }
}
