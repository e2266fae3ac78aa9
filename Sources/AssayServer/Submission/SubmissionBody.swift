import AssayLedger

/// The body of `POST /v1/entries`: one DSSE envelope, or a batch `{"envelopes":[…]}`.
///
/// The batch form is told apart by its one member `envelopes`; anything else is taken as one
/// envelope and left to the envelope parser, whose message (the CLI's) says what is wrong with
/// it. A batch's outer JSON is checked here (RFC 8259 structure: strings, escapes, numbers,
/// literals, nesting); each element's bytes go to the envelope parser unchanged.
enum SubmissionBody: Equatable {
    case single([UInt8])
    case batch([[UInt8]])

    /// Deepest nesting the outer scanner follows (envelopes nest 3 deep; the batch adds 2).
    static let maxDepth = 64

    /// Splits `bytes` into envelopes.
    /// - Throws: a 400 `Problem` for a batch that is malformed, empty, has other members, or
    ///   has more than `maxItems` envelopes.
    static func parse(_ bytes: [UInt8], maxItems: Int) throws(Problem) -> SubmissionBody {
        var scanner = JSONScanner(bytes)
        guard let members = scanner.topLevelMembers(),
              let envelopes = members.first(where: { $0.key.elementsEqual("envelopes".utf8) }) else {
            return .single(bytes)
        }
        guard members.count == 1 else {
            throw Problem.assay("malformed-batch", "Malformed batch", .badRequest,
                                "a batch is {\"envelopes\":[…]} with no other member; this one also has \(members.count - 1) other")
        }
        guard let elements = scanner.arrayElements(envelopes.value) else {
            throw Problem.assay("malformed-batch", "Malformed batch", .badRequest, "\"envelopes\" must be an array of DSSE envelopes")
        }
        guard !elements.isEmpty else {
            throw Problem.assay("malformed-batch", "Malformed batch", .badRequest, "\"envelopes\" is empty: give at least one envelope")
        }
        guard elements.count <= maxItems else {
            throw Problem.assay("batch-too-large", "Batch too large", .contentTooLarge,
                                "a batch holds at most \(maxItems) envelopes, this one has \(elements.count)")
        }
        return .batch(elements.map { Array(bytes[$0]) })
    }
}

/// A validating scanner of JSON text (RFC 8259) that reports byte ranges instead of building
/// values: the top-level object's members and an array's elements.
struct JSONScanner {
    private let bytes: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The members of the top-level object (raw key bytes between the quotes, value range),
    /// or nil when the text is not exactly one valid JSON object.
    mutating func topLevelMembers() -> [(key: ArraySlice<UInt8>, value: Range<Int>)]? {
        i = 0
        skipSpace()
        guard peek == UInt8(ascii: "{") else { return nil }
        var members: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []
        i += 1
        skipSpace()
        if peek == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                let start = i
                guard value(depth: 1) else { return nil }
                members.append((bytes[(key.lowerBound + 1)..<(key.upperBound - 1)], start..<i))
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "}") else { return nil }
                i += 1
                break
            }
        }
        skipSpace()
        return i == bytes.count ? members : nil
    }

    /// The element ranges of the array at `range` (already validated), or nil when it is not an array.
    mutating func arrayElements(_ range: Range<Int>) -> [Range<Int>]? {
        i = range.lowerBound
        guard peek == UInt8(ascii: "[") else { return nil }
        i += 1
        skipSpace()
        var out: [Range<Int>] = []
        if peek == UInt8(ascii: "]") { return out }
        while i < range.upperBound {
            skipSpace()
            let start = i
            guard value(depth: 2) else { return nil }
            out.append(start..<i)
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            guard peek == UInt8(ascii: "]") else { return nil }
            return out
        }
        return nil
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    /// One value starting at `i`; moves past it.
    private mutating func value(depth: Int) -> Bool {
        guard depth <= SubmissionBody.maxDepth, let c = peek else { return false }
        switch c {
        case UInt8(ascii: "{"):
            i += 1
            skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return true }
            while true {
                skipSpace()
                guard string() != nil else { return false }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return false }
                i += 1
                skipSpace()
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "}") else { return false }
                i += 1
                return true
            }
        case UInt8(ascii: "["):
            i += 1
            skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return true }
            while true {
                skipSpace()
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                guard peek == UInt8(ascii: "]") else { return false }
                i += 1
                return true
            }
        case UInt8(ascii: "\""):
            return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    /// A string starting at `i` (its range including the quotes); nil when malformed.
    private mutating func string() -> Range<Int>? {
        guard peek == UInt8(ascii: "\"") else { return nil }
        let start = i
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return start..<i }
            if c < 0x20 { return nil }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard let e = peek else { return nil }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, bytes[(i + 1)...(i + 4)].allSatisfy(Self.isHex) else { return nil }
                    i += 5
                default: return nil
                }
                continue
            }
            i += 1
        }
        return nil
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let ok = word.withUTF8Buffer { $0.elementsEqual(bytes[i..<(i + n)]) }
        if ok { i += n }
        return ok
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() -> Bool {
        func digits() -> Int {
            let s = i
            while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }
            return i - s
        }
        if peek == UInt8(ascii: "-") { i += 1 }
        if peek == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return true
    }
}
