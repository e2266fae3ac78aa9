/// Splitting a text into the sequence of numeric, alphanumeric and byte segments that takes the
/// fewest bits, computed exactly by dynamic programming (ISO/IEC 18004:2015 offers only rules of
/// thumb for the choice of modes).
///
/// The text is taken as its UTF-8 bytes. Digits and alphanumeric characters are ASCII, so a
/// multi-byte character always lands whole in a byte segment.
enum QRSegmentation {
    /// The cheapest segments for `bytes` in `version`'s character-count band (versions 1–9,
    /// 10–26 and 27–40 each have their own count widths, so each may split differently).
    ///
    /// Costs are counted in sixths of a bit so a digit (10/3 bits) and an alphanumeric character
    /// (11/2 bits) are whole numbers; a segment's cost is rounded up to whole bits when it ends.
    static func optimal(_ bytes: [UInt8], version: QRVersion) -> [QRSegment] {
        if bytes.isEmpty { return [] }
        let modes = QRSegment.Mode.dataModes
        let unreachable = Int.max / 2
        let headCosts = modes.map { (4 + $0.characterCountBits(version)) * 6 }
        // previous[i][m]: the mode byte i was written in, given the open segment after byte i is
        // in mode m (nil when that state is unreachable).
        var previous = [[QRSegment.Mode?]](repeating: [QRSegment.Mode?](repeating: nil, count: modes.count), count: bytes.count)
        var costs = headCosts
        for (i, b) in bytes.enumerated() {
            var current = [Int](repeating: unreachable, count: modes.count)
            for (m, mode) in modes.enumerated() {
                let step: Int?
                switch mode {
                case .numeric: step = QRSegment.isNumeric(b) ? 20 : nil
                case .alphanumeric: step = QRSegment.isAlphanumeric(b) ? 33 : nil
                case .byte: step = 48
                case .eci: step = nil
                }
                if let step, costs[m] < unreachable {
                    current[m] = costs[m] + step
                    previous[i][m] = mode
                }
            }
            // Ending the open segment after byte i and opening one in another mode.
            let extended = current
            for (to, _) in modes.enumerated() {
                for (from, fromMode) in modes.enumerated() where from != to && extended[from] < unreachable {
                    let cost = (extended[from] + 5) / 6 * 6 + headCosts[to]
                    if cost < current[to] {
                        current[to] = cost
                        previous[i][to] = fromMode
                    }
                }
            }
            costs = current
        }
        // Finish in the cheapest mode and trace back which mode wrote each byte.
        var mode = modes[costs.indices.min { costs[$0] < costs[$1] }!]
        var byteModes = [QRSegment.Mode](repeating: .byte, count: bytes.count)
        for i in stride(from: bytes.count - 1, through: 0, by: -1) {
            mode = previous[i][modes.firstIndex(of: mode)!]!
            byteModes[i] = mode
        }
        // Runs of one mode become segments.
        var segments: [QRSegment] = []
        var start = 0
        for i in 1...bytes.count where i == bytes.count || byteModes[i] != byteModes[start] {
            segments.append(QRSegment(byteModes[start], bytes[start..<i]))
            start = i
        }
        return segments
    }
}
