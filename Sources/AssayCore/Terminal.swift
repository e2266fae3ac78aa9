/// Rendering text for a reader's terminal, so that nothing a statement holds can act on it.
///
/// Unsafe scalars are C0 controls, DEL, C1 controls, the Unicode bidi embeddings, overrides
/// and isolates (U+202A–202E, U+2066–2069) and the line and paragraph separators (U+2028,
/// U+2029). They are shown as `\u` and four upper-case hex digits (`\u001B` for ESC) — the
/// JSON escape of the same character, so JSON output passed through `text(_:)` stays valid
/// JSON meaning the same thing. Pure functions: every front end (a terminal, a log file, a
/// plain-text HTTP response) can use them.
public enum Terminal {
    /// Whether `s` would act on a terminal (or reorder its text) rather than show.
    public static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value)
            || (0x2066...0x2069).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
    }

    /// The escape of one scalar: `\u` and at least four upper-case hex digits.
    public static func escape(_ s: Unicode.Scalar) -> String {
        let h = String(s.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// Whole output text: every unsafe scalar escaped except the structural newline and tab.
    public static func text(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            if isUnsafe(c) && c != "\n" && c != "\t" { out += escape(c) } else { out.unicodeScalars.append(c) }
        }
        return out
    }

    /// One field value inside line-oriented output: every unsafe scalar escaped, newline and
    /// tab included, so a value can never start a line or a column of its own.
    public static func field(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            if isUnsafe(c) { out += escape(c) } else { out.unicodeScalars.append(c) }
        }
        return out
    }
}
