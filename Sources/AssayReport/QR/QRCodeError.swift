/// Why a text cannot be made into a QR code: a one-line message naming the length and the limit.
public struct QRCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The text needs more data bits than a version 40 symbol holds at the chosen level.
        case tooLong
    }

    /// What went wrong.
    public let code: Code
    /// The one-line explanation, e.g. "text of 2400 bytes is too long for a QR code at error
    /// correction M: it needs 19220 data bits, version 40 holds 18672 (2331 bytes of arbitrary
    /// text)".
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Equal by code, like every module error in Assay.
    public static func == (lhs: QRCodeError, rhs: QRCodeError) -> Bool { lhs.code == rhs.code }

    /// The error for `byteCount` bytes of UTF-8 text that needed `neededBits` data bits in
    /// version 40, where `level` leaves `capacityBits`, or `byteLimit` bytes of arbitrary text.
    static func tooLong(byteCount: Int, neededBits: Int, capacityBits: Int, byteLimit: Int,
                        level: QRErrorCorrection) -> QRCodeError {
        QRCodeError(.tooLong,
                    "text of \(byteCount) bytes is too long for a QR code at error correction \(level.letter): "
                    + "it needs \(neededBits) data bits, version 40 holds \(capacityBits) (\(byteLimit) bytes of arbitrary text)")
    }
}
