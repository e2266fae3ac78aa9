/// A sequence of bits, most significant first, as the data stream of a QR code is built
/// (ISO/IEC 18004:2015, 7.4).
struct QRBitBuffer: Sendable, Equatable {
    /// The bits, one per element.
    private(set) var bits: [Bool] = []

    /// The number of bits.
    var count: Int { bits.count }

    /// Appends the low `length` bits of `value`, most significant first.
    mutating func append(_ value: Int, bits length: Int) {
        precondition(length >= 0 && length <= 31 && value >> length == 0, "value \(value) does not fit \(length) bits")
        for i in stride(from: length - 1, through: 0, by: -1) {
            bits.append((value >> i) & 1 == 1)
        }
    }

    /// Appends every bit of `other`.
    mutating func append(_ other: QRBitBuffer) {
        bits.append(contentsOf: other.bits)
    }

    /// The bits packed into bytes, most significant first; the count must be a multiple of 8.
    var bytes: [UInt8] {
        precondition(bits.count % 8 == 0, "\(bits.count) bits are not whole bytes")
        var out = [UInt8](repeating: 0, count: bits.count / 8)
        for (i, bit) in bits.enumerated() where bit {
            out[i >> 3] |= 0x80 >> UInt8(i & 7)
        }
        return out
    }
}
