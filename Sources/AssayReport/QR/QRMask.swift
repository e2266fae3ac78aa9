/// The eight data mask patterns and the penalty rules that choose among them (ISO/IEC
/// 18004:2015, 7.8).
enum QRMask {
    /// Penalty weights N1 to N4 (table 11).
    static let n1 = 3, n2 = 3, n3 = 40, n4 = 10

    /// Whether mask `mask` flips the module at column `x`, row `y` (table 10, with i the row and
    /// j the column).
    static func pattern(_ mask: Int, x j: Int, y i: Int) -> Bool {
        switch mask {
        case 0: return (i + j) % 2 == 0
        case 1: return i % 2 == 0
        case 2: return j % 3 == 0
        case 3: return (i + j) % 3 == 0
        case 4: return (i / 2 + j / 3) % 2 == 0
        case 5: return (i * j) % 2 + (i * j) % 3 == 0
        case 6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case 7: return ((i + j) % 2 + (i * j) % 3) % 2 == 0
        default: preconditionFailure("mask \(mask) out of range 0...7")
        }
    }

    /// The total penalty of a finished grid under the four rules (7.8); lower is better.
    ///
    /// 1. Each run of five or more same-coloured modules in a row or column: N1 + (length − 5).
    /// 2. Each 2 × 2 block of one colour (overlapping blocks each count): N2.
    /// 3. Each 1:1:3:1:1 dark–light–dark–light–dark pattern in a row or column with four light
    ///    modules before or after it: N3. Beyond the edge counts as light, as the quiet zone is.
    /// 4. The dark share's deviation from 50 %, in whole steps of 5 %: N4 per step.
    static func penalty(_ matrix: QRMatrix) -> Int {
        penalty(size: matrix.size) { x, y in matrix[x, y] }
    }

    /// The penalty of a `size` × `size` grid whose dark modules `isDark(x, y)` gives.
    static func penalty(size: Int, isDark: (Int, Int) -> Bool) -> Int {
        var rows = [[Bool]](repeating: [], count: size)
        for y in 0..<size { rows[y] = (0..<size).map { isDark($0, y) } }
        var total = 0
        var darkCount = 0
        for y in 0..<size {
            total += runPenalty(rows[y]) + finderLikePenalty(rows[y])
            darkCount += rows[y].lazy.filter { $0 }.count
        }
        for x in 0..<size {
            let column = (0..<size).map { rows[$0][x] }
            total += runPenalty(column) + finderLikePenalty(column)
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = rows[y][x]
                if rows[y][x + 1] == c && rows[y + 1][x] == c && rows[y + 1][x + 1] == c { total += n2 }
            }
        }
        let modules = size * size
        total += abs(darkCount * 2 - modules) * 10 / modules * n4
        return total
    }

    /// Rule 1 on one row or column.
    static func runPenalty(_ line: [Bool]) -> Int {
        guard !line.isEmpty else { return 0 }
        var total = 0
        var run = 1
        for i in 1...line.count {
            if i < line.count && line[i] == line[i - 1] {
                run += 1
            } else {
                if run >= 5 { total += n1 + run - 5 }
                run = 1
            }
        }
        return total
    }

    /// Rule 3 on one row or column: every place 1011101 starts with four light modules (or the
    /// edge) on at least one side counts once.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        let pattern = [true, false, true, true, true, false, true]
        func light(_ range: Range<Int>) -> Bool {
            range.clamped(to: 0..<line.count).allSatisfy { !line[$0] }
        }
        guard line.count >= pattern.count else { return 0 }
        var total = 0
        for start in 0...(line.count - pattern.count) {
            guard pattern.indices.allSatisfy({ line[start + $0] == pattern[$0] }) else { continue }
            if light((start - 4)..<start) || light((start + 7)..<(start + 11)) { total += n3 }
        }
        return total
    }
}
