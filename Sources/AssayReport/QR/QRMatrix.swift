/// The module grid of a symbol while it is built: the function patterns, the format and
/// version information and the data modules (ISO/IEC 18004:2015, 6.3 and 7.7 to 7.10).
///
/// Coordinates are (x, y): x the column from the left, y the row from the top.
struct QRMatrix: Sendable, Equatable {
    /// Modules per side.
    let size: Int
    /// Dark modules, row by row.
    private(set) var modules: [Bool]
    /// Modules that belong to a function pattern or to format or version information, which
    /// data placement skips and masking leaves alone.
    private(set) var isFunction: [Bool]

    /// The grid of `version` with every function pattern drawn and the format information area
    /// reserved (drawn for mask 0 until a mask is chosen).
    init(version: QRVersion, level: QRErrorCorrection) {
        size = version.size
        modules = [Bool](repeating: false, count: size * size)
        isFunction = modules
        drawTimingPatterns()
        drawFinderPattern(centreX: 3, centreY: 3)
        drawFinderPattern(centreX: size - 4, centreY: 3)
        drawFinderPattern(centreX: 3, centreY: size - 4)
        drawAlignmentPatterns(version.alignmentPositions)
        drawFormatInformation(level: level, mask: 0)
        if version.number >= 7 { drawVersionInformation(version) }
    }

    /// Whether the module at column `x`, row `y` is dark.
    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// Timing patterns: alternating modules along row 6 and column 6, dark on even
    /// coordinates. Drawn first; the finder patterns overwrite their ends.
    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
    }

    /// A finder pattern: a 7 × 7 dark ring, a light ring, a 3 × 3 dark centre, with
    /// its light separator around it where it lies inside the symbol.
    private mutating func drawFinderPattern(centreX: Int, centreY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centreX + dx, y = centreY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x, y, ring != 2 && ring != 4)
            }
        }
    }

    /// Alignment patterns: 5 × 5, dark ring, light ring, dark centre, at every pair of
    /// the version's positions except the three that overlap finder patterns.
    private mutating func drawAlignmentPatterns(_ positions: [Int]) {
        let last = positions.count - 1
        for (i, cy) in positions.enumerated() {
            for (j, cx) in positions.enumerated() {
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// The two copies of the format information (7.9), bit 14 (most significant)
    /// to bit 0, and the dark module at (8, size − 8).
    mutating func drawFormatInformation(level: QRErrorCorrection, mask: Int) {
        let bits = QRFormatInformation.formatBits(level: level, mask: mask)
        func bit(_ i: Int) -> Bool { (bits >> UInt32(i)) & 1 == 1 }
        // Around the top-left finder: bits 0–5 down column 8, skipping the timing row, then
        // bits 7–8 at the corner, and bits 9–14 leftwards along row 8.
        for i in 0...5 { setFunction(8, i, bit(i)) }
        setFunction(8, 7, bit(6))
        setFunction(8, 8, bit(7))
        setFunction(7, 8, bit(8))
        for i in 9..<15 { setFunction(14 - i, 8, bit(i)) }
        // Split between the other two finders: bits 0–7 leftwards along row 8 from the right
        // edge, bits 8–14 down column 8 at the bottom.
        for i in 0..<8 { setFunction(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { setFunction(8, size - 15 + i, bit(i)) }
        setFunction(8, size - 8, true)
    }

    /// The two copies of the version information (7.10): 6 × 3 blocks above the
    /// bottom-left finder and left of the top-right finder, bit 0 nearest the corner.
    private mutating func drawVersionInformation(_ version: QRVersion) {
        let bits = QRFormatInformation.versionBits(version)
        for i in 0..<18 {
            let dark = (bits >> UInt32(i)) & 1 == 1
            let a = size - 11 + i % 3, b = i / 3
            setFunction(a, b, dark)
            setFunction(b, a, dark)
        }
    }

    /// Places the codewords (7.7): two-module-wide columns from the right edge, upwards then
    /// downwards in turn, skipping column 6 and the function modules; each codeword most
    /// significant bit first. Modules left over (remainder bits) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let totalBits = codewords.count * 8
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for vertical in 0..<size {
                let y = upward ? size - 1 - vertical : vertical
                for x in [right, right - 1] where !isFunction[y * size + x] && i < totalBits {
                    modules[y * size + x] = (codewords[i >> 3] >> UInt8(7 - (i & 7))) & 1 == 1
                    i += 1
                }
            }
            right -= 2
        }
        precondition(i == totalBits, "placed \(i) of \(totalBits) bits")
    }

    /// Flips every data module for which mask pattern `mask` holds (table 10); applying
    /// the same mask twice restores the grid.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && QRMask.pattern(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}
