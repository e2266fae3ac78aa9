/// Arithmetic in GF(2⁸) with the QR code's primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D) and
/// generator α = 2 (ISO/IEC 18004:2015, 7.5): addition is XOR, multiplication goes through
/// logarithm tables.
enum GaloisField256 {
    /// The reducing polynomial x⁸ + x⁴ + x³ + x² + 1.
    static let primitive = 0x11D

    /// `exp[i]` = αⁱ for i in 0..<255, repeated once more so a sum of two logarithms indexes it
    /// directly.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var x = 1
        for i in 0..<255 {
            table[i] = UInt8(x)
            table[i + 255] = UInt8(x)
            x <<= 1
            if x & 0x100 != 0 { x ^= primitive }
        }
        return table
    }()

    /// `log[x]` = i with αⁱ = x, for x in 1...255 (`log[0]` is unused).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }
}
