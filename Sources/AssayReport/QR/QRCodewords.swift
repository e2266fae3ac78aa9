/// From segments to the final codeword sequence of a symbol (ISO/IEC 18004:2015, 7.4 to 7.6):
/// terminator and padding, division into blocks, Reed–Solomon error correction and
/// interleaving.
enum QRCodewords {
    /// The data codewords: the segments, a terminator of up to four zero bits, zero bits to a
    /// byte boundary, then the pad codewords 0xEC and 0x11 alternately to fill the capacity.
    /// The segments must fit `version` at `level`.
    static func data(_ segments: [QRSegment], version: QRVersion, level: QRErrorCorrection) -> [UInt8] {
        let capacityBits = version.dataCodewords(level) * 8
        var buffer = QRBitBuffer()
        for segment in segments { segment.write(to: &buffer, version: version) }
        precondition(buffer.count <= capacityBits, "\(buffer.count) bits exceed the \(capacityBits) of version \(version.number)-\(level.letter)")
        buffer.append(0, bits: min(4, capacityBits - buffer.count))
        buffer.append(0, bits: (8 - buffer.count % 8) % 8)
        var padding = 0
        while buffer.count < capacityBits {
            buffer.append(padding % 2 == 0 ? 0xEC : 0x11, bits: 8)
            padding += 1
        }
        return buffer.bytes
    }

    /// The data codewords split into blocks (table 9: the short blocks first, the blocks one
    /// codeword longer after them), each followed in its block by its error-correction codewords.
    static func blocks(_ data: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [(data: [UInt8], errorCorrection: [UInt8])] {
        let blockCount = version.blockCount(level)
        let eccLength = version.errorCorrectionCodewordsPerBlock(level)
        precondition(data.count == version.dataCodewords(level), "\(data.count) data codewords for version \(version.number)-\(level.letter)")
        let longBlocks = version.totalCodewords % blockCount
        let shortDataLength = version.totalCodewords / blockCount - eccLength
        let encoder = ReedSolomonEncoder(degree: eccLength)
        var result: [(data: [UInt8], errorCorrection: [UInt8])] = []
        var offset = 0
        for i in 0..<blockCount {
            let length = shortDataLength + (i < blockCount - longBlocks ? 0 : 1)
            let block = Array(data[offset..<(offset + length)])
            result.append((block, encoder.remainder(of: block)))
            offset += length
        }
        return result
    }

    /// The final sequence (7.6): the data codewords interleaved across blocks (the first of each
    /// block, then the second …; the long blocks' extra codeword last), then the
    /// error-correction codewords interleaved the same way.
    static func interleaved(_ data: [UInt8], version: QRVersion, level: QRErrorCorrection) -> [UInt8] {
        let blocks = blocks(data, version: version, level: level)
        var out: [UInt8] = []
        out.reserveCapacity(version.totalCodewords)
        let longest = blocks.map(\.data.count).max() ?? 0
        for i in 0..<longest {
            for block in blocks where i < block.data.count { out.append(block.data[i]) }
        }
        for i in 0..<version.errorCorrectionCodewordsPerBlock(level) {
            for block in blocks { out.append(block.errorCorrection[i]) }
        }
        return out
    }
}
