/// The systematic Reed–Solomon encoder of ISO/IEC 18004:2015, 7.5.2: the error-correction
/// codewords of a block are the remainder of the data polynomial times x^degree divided by the
/// generator polynomial (x − α⁰)(x − α¹)…(x − α^(degree−1)).
struct ReedSolomonEncoder: Sendable {
    /// The number of error-correction codewords produced per block.
    let degree: Int
    /// The generator's coefficients below the leading 1, highest power first.
    let generator: [UInt8]

    /// An encoder producing `degree` error-correction codewords (1...255).
    init(degree: Int) {
        precondition((1...255).contains(degree), "Reed–Solomon degree \(degree) out of range")
        self.degree = degree
        // Start from the polynomial 1 and multiply by (x − αⁱ) for each i; in GF(2⁸) minus is plus.
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                coefficients[j] = GaloisField256.multiply(coefficients[j], root)
                if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
            }
            root = GaloisField256.multiply(root, 2)
        }
        generator = coefficients
    }

    /// The error-correction codewords of one block of data codewords.
    func remainder(of data: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            for i in 0..<degree { result[i] ^= GaloisField256.multiply(generator[i], factor) }
        }
        return result
    }
}
