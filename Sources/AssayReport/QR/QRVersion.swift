/// One of the forty QR code versions (ISO/IEC 18004:2015, 5.3 and tables 1 and 9): its size, the
/// places of its alignment patterns and, per error-correction level, how its codewords split into
/// data and error correction.
struct QRVersion: Sendable, Hashable {
    /// The version number, 1...40.
    let number: Int

    /// Version `number` (1...40).
    init(_ number: Int) {
        precondition((1...40).contains(number), "QR version \(number) out of range 1...40")
        self.number = number
    }

    /// Every version, smallest first.
    static let all: [QRVersion] = (1...40).map(QRVersion.init)

    /// Which of the three character-count widths applies (table 3): 0 for versions 1–9, 1 for
    /// 10–26, 2 for 27–40.
    var characterCountBand: Int { number <= 9 ? 0 : number <= 26 ? 1 : 2 }

    /// Modules per side: 17 + 4 × version.
    var size: Int { 17 + 4 * number }

    /// The row and column coordinates of the alignment-pattern centres (annex E, table E.1): none
    /// for version 1; otherwise 6, then evenly spaced steps (an even number, the uneven remainder
    /// going to the first step) up to size − 7.
    var alignmentPositions: [Int] {
        if number == 1 { return [] }
        let count = number / 7 + 2
        let step = number == 32 ? 26 : (number * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var positions = [6]
        var position = size - 7
        var tail: [Int] = []
        for _ in 0..<(count - 1) {
            tail.append(position)
            position -= step
        }
        positions.append(contentsOf: tail.reversed())
        return positions
    }

    /// Modules left for data and error-correction codewords (and remainder bits) once the
    /// finder, separator, timing, alignment, format and version patterns are placed.
    var dataModules: Int {
        var modules = (16 * number + 128) * number + 64
        if number >= 2 {
            let align = number / 7 + 2
            modules -= (25 * align - 10) * align - 55
            if number >= 7 { modules -= 36 }
        }
        return modules
    }

    /// All codewords of the symbol (table 1, column "number of codewords").
    var totalCodewords: Int { dataModules / 8 }

    /// Error-correction codewords in each block at `level` (table 9).
    func errorCorrectionCodewordsPerBlock(_ level: QRErrorCorrection) -> Int {
        Self.eccPerBlock[level.ordinal][number]
    }

    /// The number of error-correction blocks at `level` (table 9).
    func blockCount(_ level: QRErrorCorrection) -> Int {
        Self.blocks[level.ordinal][number]
    }

    /// Data codewords at `level`: all codewords less the error-correction ones.
    func dataCodewords(_ level: QRErrorCorrection) -> Int {
        totalCodewords - errorCorrectionCodewordsPerBlock(level) * blockCount(level)
    }

    /// The most bytes one byte-mode segment holds at `level` after `prefixBits` of other
    /// segments: data bits less those, the mode indicator and the character count, in whole
    /// bytes (at most what the count field can express).
    func byteModeCapacity(_ level: QRErrorCorrection, prefixBits: Int = 0) -> Int {
        let countBits = QRSegment.Mode.byte.characterCountBits(self)
        return min((dataCodewords(level) * 8 - prefixBits - 4 - countBits) / 8, (1 << countBits) - 1)
    }

    /// Table 9, error-correction codewords per block, by level (L, M, Q, H) and version (index 0
    /// unused).
    private static let eccPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Table 9, number of error-correction blocks, by level (L, M, Q, H) and version (index 0
    /// unused).
    private static let blocks: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}
