/// The BCH-protected format and version information (ISO/IEC 18004:2015, 7.9 and 7.10, annexes
/// C and D).
enum QRFormatInformation {
    /// The 15 format bits for `level` and `mask`: the level's two bits and the three mask bits,
    /// followed by the (15, 5) BCH remainder under the generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1
    /// (0x537), all XORed with 101010000010010 (0x5412) so no combination is all zeros.
    static func formatBits(level: QRErrorCorrection, mask: Int) -> UInt32 {
        precondition((0...7).contains(mask), "mask \(mask) out of range 0...7")
        let data = level.formatBits << 3 | UInt32(mask)
        return (data << 10 | bchRemainder(data, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18 version bits for versions 7 and above: the six-bit version number followed by the
    /// (18, 6) BCH remainder under x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25); version 7
    /// gives 000111110010010100 (0x07C94).
    static func versionBits(_ version: QRVersion) -> UInt32 {
        precondition(version.number >= 7, "versions below 7 carry no version information")
        let data = UInt32(version.number)
        return data << 12 | bchRemainder(data, generator: 0x1F25, degree: 12)
    }

    /// The remainder of `data` × x^degree divided by `generator` over GF(2).
    static func bchRemainder(_ data: UInt32, generator: UInt32, degree: Int) -> UInt32 {
        var remainder = data << UInt32(degree)
        let top = generator.bitWidth - generator.leadingZeroBitCount - 1
        while true {
            let width = remainder.bitWidth - remainder.leadingZeroBitCount - 1
            if remainder == 0 || width < top { return remainder }
            remainder ^= generator << UInt32(width - top)
        }
    }
}
