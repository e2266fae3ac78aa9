/// A QR code symbol (ISO/IEC 18004:2015, Model 2) for a text, in the smallest version that holds
/// it at the chosen error-correction level, with the mask of lowest penalty.
///
/// The text is encoded as UTF-8 and split optimally into numeric, alphanumeric and byte segments
/// (digit runs such as a GTIN pack into 10 bits per three digits). A text with characters beyond
/// ASCII starts with the ECI designator for UTF-8 (000026), since byte mode otherwise means
/// ISO/IEC 8859-1 and readers guess; an ASCII text, such as any URI, has none.
///
/// ```swift
/// let code = try QRCode(text: "https://id.gs1.org/01/04012345000016/21/SN-0001")
/// let svg = code.svg(title: "Digital Link of GTIN 04012345000016")
/// ```
public struct QRCode: Sendable, Equatable {
    /// The version, 1...40: the smallest that holds the text at the level.
    public let version: Int
    /// Modules per side, 17 + 4 × version, without the quiet zone.
    public let size: Int
    /// The error-correction level.
    public let errorCorrection: QRErrorCorrection
    /// The data mask applied, 0...7.
    public let mask: Int
    /// Dark modules, row by row.
    let modules: [Bool]

    /// Encodes `text` in the smallest version that holds it at `errorCorrection`.
    /// - Parameters:
    ///   - text: any text; it is encoded as UTF-8.
    ///   - errorCorrection: the error-correction level (default M).
    /// - Throws: `QRCodeError` (`.tooLong`) when the text does not fit version 40 at that level.
    public init(text: String, errorCorrection: QRErrorCorrection = .medium) throws(QRCodeError) {
        let bytes = Array(text.utf8)
        try self.init(bytes: bytes, errorCorrection: errorCorrection, declareUTF8: bytes.contains { $0 >= 0x80 })
    }

    /// Encodes `bytes`, with the version, mask and segmentation chosen automatically unless given.
    /// - Parameters:
    ///   - minimumVersion: the smallest version to consider.
    ///   - mask: the mask to apply instead of the one of lowest penalty.
    ///   - byteModeOnly: one byte-mode segment instead of the optimal segmentation.
    ///   - declareUTF8: start with the ECI designator for UTF-8.
    init(bytes: [UInt8], errorCorrection: QRErrorCorrection, minimumVersion: Int = 1,
         mask forcedMask: Int? = nil, byteModeOnly: Bool = false, declareUTF8: Bool = false) throws(QRCodeError) {
        guard let (version, segments) = Self.fit(bytes, level: errorCorrection, minimumVersion: minimumVersion,
                                                 byteModeOnly: byteModeOnly, declareUTF8: declareUTF8) else {
            let largest = QRVersion(40)
            let prefix = declareUTF8 ? [QRSegment.utf8Designator] : []
            // Counted without the count fields' limits, so a text past them still gets a number.
            func bits(_ segments: [QRSegment]) -> Int {
                segments.reduce(0) { $0 + 4 + $1.mode.characterCountBits(largest) + $1.payload.count }
            }
            let prefixBits = bits(prefix)
            let needed = prefixBits + min(bits(QRSegmentation.optimal(bytes, version: largest)), bits([QRSegment(.byte, bytes[...])]))
            throw QRCodeError.tooLong(byteCount: bytes.count, neededBits: needed,
                                      capacityBits: largest.dataCodewords(errorCorrection) * 8,
                                      byteLimit: largest.byteModeCapacity(errorCorrection, prefixBits: prefixBits),
                                      level: errorCorrection)
        }
        self.init(segments: segments, version: version, errorCorrection: errorCorrection, mask: forcedMask)
    }

    /// The symbol for `segments`, which must fit `version` at `errorCorrection`.
    init(segments: [QRSegment], version: QRVersion, errorCorrection: QRErrorCorrection, mask forcedMask: Int? = nil) {
        let data = QRCodewords.data(segments, version: version, level: errorCorrection)
        var matrix = QRMatrix(version: version, level: errorCorrection)
        matrix.placeCodewords(QRCodewords.interleaved(data, version: version, level: errorCorrection))
        var chosen = forcedMask ?? 0
        if forcedMask == nil {
            var lowest = Int.max
            for candidate in 0..<8 {
                var trial = matrix
                trial.applyMask(candidate)
                trial.drawFormatInformation(level: errorCorrection, mask: candidate)
                let penalty = QRMask.penalty(trial)
                if penalty < lowest {
                    lowest = penalty
                    chosen = candidate
                }
            }
        }
        matrix.applyMask(chosen)
        matrix.drawFormatInformation(level: errorCorrection, mask: chosen)
        self.version = version.number
        size = matrix.size
        self.errorCorrection = errorCorrection
        mask = chosen
        modules = matrix.modules
    }

    /// The smallest version from `minimumVersion` whose data capacity at `level` holds `bytes`,
    /// with the segments used (the fewer bits of the optimal segmentation and a single byte
    /// segment); nil when none does.
    static func fit(_ bytes: [UInt8], level: QRErrorCorrection, minimumVersion: Int = 1,
                    byteModeOnly: Bool = false, declareUTF8: Bool = false) -> (QRVersion, [QRSegment])? {
        // No text longer than version 40-L's 7089 digits can fit; spare the search.
        guard bytes.count <= 7089 else { return nil }
        let prefix = declareUTF8 ? [QRSegment.utf8Designator] : []
        let byteSegments = prefix + (bytes.isEmpty ? [] : [QRSegment(.byte, bytes[...])])
        // The optimal split depends only on the count widths, so it is computed once per band.
        var optimal: (band: Int, segments: [QRSegment])?
        for version in QRVersion.all where version.number >= minimumVersion {
            var candidates = [byteSegments]
            if !byteModeOnly {
                if optimal?.band != version.characterCountBand {
                    optimal = (version.characterCountBand, prefix + QRSegmentation.optimal(bytes, version: version))
                }
                candidates.insert(optimal!.segments, at: 0)
            }
            let capacity = version.dataCodewords(level) * 8
            var best: (bits: Int, segments: [QRSegment])?
            for segments in candidates {
                var bits = 0
                for segment in segments {
                    guard let b = segment.encodedBitCount(in: version) else { bits = Int.max; break }
                    bits += b
                }
                if bits <= capacity && bits < (best?.bits ?? Int.max) { best = (bits, segments) }
            }
            if let best { return (version, best.segments) }
        }
        return nil
    }

    /// Whether the module at column `x`, row `y` (from the top-left, 0..<size) is dark; false
    /// outside the symbol, where the quiet zone is.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }
}
