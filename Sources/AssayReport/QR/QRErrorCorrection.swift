/// The error-correction level of a QR code (ISO/IEC 18004:2015, 5.1 and table 7): the share of
/// codewords a reader can recover when the symbol is damaged or dirty.
public enum QRErrorCorrection: Sendable, Hashable, CaseIterable {
    /// About 7 % of codewords recoverable (level L).
    case low
    /// About 15 % of codewords recoverable (level M), the usual choice for printed labels.
    case medium
    /// About 25 % of codewords recoverable (level Q).
    case quartile
    /// About 30 % of codewords recoverable (level H).
    case high

    /// The row of the capacity tables: 0 for L … 3 for H.
    var ordinal: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }

    /// The two-bit indicator in the format information: L = 01, M = 00, Q = 11, H = 10.
    var formatBits: UInt32 {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The level's letter as printed in the standard: L, M, Q or H.
    var letter: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }
}
