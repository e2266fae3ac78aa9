/// The source text of a JSON document as it was written (signed), for copying parts of it
/// without re-rendering: the byte range of an object member's value, and a compact copy of a
/// value in which every string and number literal keeps its exact bytes.
///
/// A `JSONValue` keeps a number as a `Double`, so `-4979411194606956234` or `1.6111172E38`
/// would come back rewritten; a passport export must show the number the party signed, so it
/// copies the literal from here instead. The document is expected to have passed the strict
/// parser already (`JSONValue.parse`); the scanner still refuses anything it cannot walk, so a
/// malformed input gives an error, never a wrong slice.
public struct JSONSource: Sendable {
    /// The whole document, UTF-8.
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The whole document's value, without surrounding white space.
    public func root() throws(ModelError) -> Range<Int> {
        var i = skipSpace(0)
        let start = i
        i = try skipValue(i)
        return start..<i
    }

    /// One member of an object: its key (escapes decoded), the key's string literal as
    /// written (quotes included) and its value's text.
    public struct Member: Sendable, Equatable {
        public let key: String
        public let keyText: Range<Int>
        public let value: Range<Int>
    }

    /// The members of the object whose text is `range`, in the order written.
    /// - Throws: `ModelError.wrongType` when `range` is not an object, `.malformedJSON` when
    ///   the text cannot be walked.
    public func members(of range: Range<Int>) throws(ModelError) -> [Member] {
        var i = skipSpace(range.lowerBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "{") else {
            throw ModelError(.wrongType, "the value at byte \(range.lowerBound) is not an object")
        }
        i = skipSpace(i + 1)
        var out: [Member] = []
        if i < range.upperBound, bytes[i] == UInt8(ascii: "}") { return out }
        while i < range.upperBound {
            guard bytes[i] == UInt8(ascii: "\"") else { throw fail(i, "expected a string key") }
            let keyStart = i
            let keyEnd = try skipString(i)
            let key = try decodeString(keyStart..<keyEnd)
            i = skipSpace(keyEnd)
            guard i < range.upperBound, bytes[i] == UInt8(ascii: ":") else { throw fail(i, "expected ':'") }
            i = skipSpace(i + 1)
            let valueStart = i
            i = try skipValue(i)
            out.append(Member(key: key, keyText: keyStart..<keyEnd, value: valueStart..<i))
            i = skipSpace(i)
            guard i < range.upperBound else { break }
            if bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1); continue }
            if bytes[i] == UInt8(ascii: "}") { return out }
            throw fail(i, "expected ',' or '}'")
        }
        throw fail(i, "unterminated object")
    }

    /// The byte range of member `key`'s value in the object `range`, or nil when absent.
    public func member(_ key: String, of range: Range<Int>) throws(ModelError) -> Range<Int>? {
        try members(of: range).first { $0.key == key }?.value
    }

    /// A copy of the value `range` without the white space between tokens: every string and
    /// number literal (escapes, exponents, digits) byte for byte as written.
    public func compact(_ range: Range<Int>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var inString = false, escaped = false
        for b in bytes[range] {
            if inString {
                out.append(b)
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "\""): inString = true; out.append(b)
            default: out.append(b)
            }
        }
        return out
    }

    // MARK: Walking

    private func fail(_ at: Int, _ what: String) -> ModelError {
        ModelError(.malformedJSON, "malformed JSON at byte \(at): \(what)")
    }

    private func skipSpace(_ from: Int) -> Int {
        var i = from
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        return i
    }

    /// The index just past the value starting at `i`. Containers are walked with a depth
    /// counter (no recursion), strings by their escapes.
    private func skipValue(_ start: Int) throws(ModelError) -> Int {
        var i = start
        guard i < bytes.count else { throw fail(i, "unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return try skipString(i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""): i = try skipString(i); continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            throw fail(start, "unterminated container")
        default:
            // A number or a literal: up to the next delimiter.
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return i
                default: i += 1
                }
            }
            guard i > start else { throw fail(start, "expected a value") }
            return i
        }
    }

    /// The index just past the string literal starting at `i` (its opening quote).
    private func skipString(_ start: Int) throws(ModelError) -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        throw fail(start, "unterminated string")
    }

    /// A string literal's value (`range` includes the quotes).
    private func decodeString(_ range: Range<Int>) throws(ModelError) -> String {
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        guard case .string(let s) = try JSONValue.parse(Array(bytes[range])) else { throw fail(range.lowerBound, "expected a string") }
        return s
    }
}
