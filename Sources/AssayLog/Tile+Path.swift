extension Tile {
    /// The tile's path below a log's prefix: `tile/<L>/<N>[.p/<W>]` or
    /// `tile/entries/<N>[.p/<W>]` (c2sp.org/tlog-tiles), e.g. `tile/0/x001/x234/067.p/5`.
    public var path: String {
        let head: String
        switch kind {
        case .hashes(let level): head = "tile/\(level)/"
        case .entries: head = "tile/entries/"
        }
        return head + Self.encodeIndex(index) + (isFull ? "" : ".p/\(width)")
    }

    /// `n` in zero-padded three-digit groups, all but the last prefixed by `x`: 1234067 is
    /// `x001/x234/067`, 5 is `005`.
    public static func encodeIndex(_ n: UInt64) -> String {
        var groups: [UInt64] = [n % 1000]
        var rest = n / 1000
        while rest > 0 {
            groups.append(rest % 1000)
            rest /= 1000
        }
        func three(_ g: UInt64) -> String {
            let s = String(g)
            return String(repeating: "0", count: 3 - s.count) + s
        }
        return groups.dropFirst().reversed().map { "x" + three($0) + "/" }.joined() + three(groups[0])
    }

    /// Parses a tile path exactly as `path` writes it (`tile/…`, no leading slash, no query):
    /// only the canonical spelling of a tile is accepted, so one tile has one path, and nothing
    /// but ASCII digits, `x`, `.p`, `entries` and single slashes can appear (no `..`, no empty
    /// or percent-encoded segment).
    /// - Throws: `LogError(.malformedTilePath)` naming what is wrong; `LogError(.outOfRange)` for
    ///   a well-formed path whose index does not fit in 64 bits (no tree has such a tile).
    public init(path: String) throws(LogError) {
        func bad(_ why: String) -> LogError { LogError(.malformedTilePath, "malformed tile path: \(why)") }
        let bytes = Array(path.utf8)
        guard bytes.count <= 256 else { throw bad("longer than 256 bytes") }
        var parts = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Array($0) }
        guard parts.count >= 3, parts[0] == Array("tile".utf8) else { throw bad("not of the form tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]") }
        let kind: Kind
        if parts[1] == Array("entries".utf8) {
            kind = .entries
        } else {
            guard let level = Self.decimal(parts[1], max: UInt64(Self.maxLevel)) else {
                throw bad("level must be 0 … \(Self.maxLevel) in decimal without leading zeros")
            }
            kind = .hashes(level: UInt8(level))
        }
        parts.removeFirst(2)
        var width = Self.fullWidth
        if parts.count >= 2, parts[parts.count - 2].count == 5, parts[parts.count - 2].suffix(2) == Array(".p".utf8) {
            guard let w = Self.decimal(parts[parts.count - 1], max: UInt64(Self.fullWidth - 1)), w >= 1 else {
                throw bad("partial width must be 1 … \(Self.fullWidth - 1) in decimal without leading zeros")
            }
            width = Int(w)
            parts.removeLast()
            parts[parts.count - 1].removeLast(2)
        }
        // Index groups: x + 3 digits, …, then 3 digits.
        var digits: [UInt64] = []
        for (i, group) in parts.enumerated() {
            let last = i == parts.count - 1
            let body = last ? group[...] : (group.first == UInt8(ascii: "x") ? group.dropFirst() : [])
            guard body.count == 3, body.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw bad(last ? "the last index element must be three digits" : "an index element before the last must be x and three digits")
            }
            digits.append(body.reduce(0) { $0 * 10 + UInt64($1 - 0x30) })
        }
        if digits.count > 1, digits[0] == 0 { throw bad("the index has a leading x000 element") }
        var index: UInt64 = 0
        for d in digits {
            let (times, o1) = index.multipliedReportingOverflow(by: 1000)
            let (sum, o2) = times.addingReportingOverflow(d)
            guard !o1, !o2 else { throw LogError(.outOfRange, "tile index in \(path) is larger than any tree") }
            index = sum
        }
        try self.init(kind, index: index, width: width)
    }

    /// A decimal number of at most `max`, without sign or leading zeros; nil otherwise.
    static func decimal(_ bytes: [UInt8], max: UInt64) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 20, bytes.allSatisfy({ (0x30...0x39).contains($0) }),
              bytes.count == 1 || bytes[0] != 0x30 else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            let (t, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = t.addingReportingOverflow(UInt64(b - 0x30))
            if o1 || o2 { return nil }
            v = s
        }
        return v <= max ? v : nil
    }
}
