public import Foundation

extension QRCode {
    /// The symbol as a binary portable bitmap (PBM "P4"): a header `P4\n<width> <height>\n`, then
    /// each pixel row packed eight pixels to a byte, most significant bit first, 1 = dark, each
    /// row padded to a whole byte. Meant for decoders and image tools.
    /// - Parameters:
    ///   - moduleSize: pixels per module (at least 1).
    ///   - quietZone: light modules around the symbol (at least 0; the standard asks for 4).
    public func pbm(moduleSize: Int = 4, quietZone: Int = 4) -> Data {
        let scale = max(1, moduleSize)
        let quiet = max(0, quietZone)
        let pixels = (size + 2 * quiet) * scale
        let rowBytes = (pixels + 7) / 8
        var out = Data("P4\n\(pixels) \(pixels)\n".utf8)
        var row = [UInt8](repeating: 0, count: rowBytes)
        for py in 0..<pixels {
            for i in row.indices { row[i] = 0 }
            let y = py / scale - quiet
            for px in 0..<pixels where isDark(x: px / scale - quiet, y: y) {
                row[px >> 3] |= 0x80 >> UInt8(px & 7)
            }
            out.append(contentsOf: row)
        }
        return out
    }
}
