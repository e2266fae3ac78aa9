/// One segment of the data stream: a mode indicator, a character count and the characters in
/// that mode's packing (ISO/IEC 18004:2015, 7.4).
struct QRSegment: Sendable, Equatable {
    /// The modes this encoder writes (Kanji, structured append and FNC1 are not used).
    enum Mode: Sendable, Hashable {
        /// Digits 0–9, three to 10 bits.
        case numeric
        /// The 45 characters 0–9, A–Z, space, $ % * + - . / :, two to 11 bits.
        case alphanumeric
        /// Any byte, 8 bits each; text is its UTF-8.
        case byte
        /// An Extended Channel Interpretation designator: how later bytes are to be read.
        case eci

        /// The modes that carry characters, in the order segmentation considers them.
        static let dataModes: [Mode] = [.numeric, .alphanumeric, .byte]

        /// The four-bit mode indicator (table 2).
        var indicator: Int {
            switch self {
            case .numeric: 0b0001
            case .alphanumeric: 0b0010
            case .byte: 0b0100
            case .eci: 0b0111
            }
        }

        /// The width of the character count indicator in `version` (table 3).
        func characterCountBits(_ version: QRVersion) -> Int {
            let band = version.characterCountBand
            switch self {
            case .numeric: return [10, 12, 14][band]
            case .alphanumeric: return [9, 11, 13][band]
            case .byte: return [8, 16, 16][band]
            case .eci: return 0
            }
        }
    }

    /// The segment's mode.
    let mode: Mode
    /// Characters in the segment (bytes, in byte mode; 0 for an ECI designator).
    let characterCount: Int
    /// The packed characters, without mode indicator and count.
    let payload: QRBitBuffer

    /// The alphanumeric character set in code order (table 5): the value of a character is its
    /// index here.
    static let alphanumericCharacters: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// `alphanumericValue[b]` is the table 5 value of byte `b`, or -1 when `b` is not in the set.
    static let alphanumericValue: [Int] = {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphanumericCharacters.enumerated() { table[Int(c)] = i }
        return table
    }()

    /// Whether `byte` is an ASCII digit.
    static func isNumeric(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Whether `byte` is in the alphanumeric set.
    static func isAlphanumeric(_ byte: UInt8) -> Bool { alphanumericValue[Int(byte)] >= 0 }

    /// `bytes` in `mode`; every byte must belong to the mode's character set.
    init(_ mode: Mode, _ bytes: ArraySlice<UInt8>) {
        var buffer = QRBitBuffer()
        switch mode {
        case .numeric:
            // Groups of three digits in 10 bits; a final two in 7, a final one in 4.
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let n = min(3, bytes.endIndex - i)
                var value = 0
                for b in bytes[i..<(i + n)] {
                    precondition(Self.isNumeric(b), "byte \(b) is not a digit")
                    value = value * 10 + Int(b - 0x30)
                }
                buffer.append(value, bits: n * 3 + 1)
                i += n
            }
        case .alphanumeric:
            // Pairs as 45 × first + second in 11 bits; a final single character in 6.
            var i = bytes.startIndex
            while i < bytes.endIndex {
                let first = Self.alphanumericValue[Int(bytes[i])]
                precondition(first >= 0, "byte \(bytes[i]) is not alphanumeric")
                if i + 1 < bytes.endIndex {
                    let second = Self.alphanumericValue[Int(bytes[i + 1])]
                    precondition(second >= 0, "byte \(bytes[i + 1]) is not alphanumeric")
                    buffer.append(first * 45 + second, bits: 11)
                    i += 2
                } else {
                    buffer.append(first, bits: 6)
                    i += 1
                }
            }
        case .byte:
            for b in bytes { buffer.append(Int(b), bits: 8) }
        case .eci:
            preconditionFailure("an ECI segment is made with init(eci:)")
        }
        self.mode = mode
        characterCount = bytes.count
        payload = buffer
    }

    /// The ECI designator 000026, "UTF-8" in the AIM ECI register, so a reader takes the byte
    /// segments that follow as UTF-8 rather than the default ISO/IEC 8859-1.
    static let utf8Designator = QRSegment(eci: 26)

    /// An ECI designator segment for assignment number `eci` (0...999999): one, two or three
    /// bytes whose leading bits 0, 10 or 110 give the length.
    init(eci: Int) {
        var buffer = QRBitBuffer()
        switch eci {
        case 0..<(1 << 7): buffer.append(eci, bits: 8)
        case (1 << 7)..<(1 << 14): buffer.append(0b10 << 14 | eci, bits: 16)
        case (1 << 14)...999_999: buffer.append(0b110 << 21 | eci, bits: 24)
        default: preconditionFailure("ECI assignment \(eci) out of range 0...999999")
        }
        mode = .eci
        characterCount = 0
        payload = buffer
    }

    /// Bits the segment takes in `version` (indicator, count and payload), or nil when its
    /// character count overflows the count field there.
    func encodedBitCount(in version: QRVersion) -> Int? {
        let countBits = mode.characterCountBits(version)
        guard mode == .eci || characterCount < 1 << countBits else { return nil }
        return 4 + countBits + payload.count
    }

    /// Appends the mode indicator, the character count (none for ECI) and the payload.
    func write(to buffer: inout QRBitBuffer, version: QRVersion) {
        buffer.append(mode.indicator, bits: 4)
        buffer.append(characterCount, bits: mode.characterCountBits(version))
        buffer.append(payload)
    }
}
