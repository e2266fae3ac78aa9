@testable import AssayReport
import Foundation
import Testing

/// The QR encoder's output read back by an independent decoder (zbarimg, from Debian's
/// zbar-tools): the SVG itself, rendered by ImageMagick inside zbarimg, and the PBM, for texts
/// from one character to a version 40 symbol, at every error-correction level.
@Suite("QR codes decode with zbarimg", .serialized)
struct QRCodeDecodeTests {
    /// One text to encode and read back.
    struct DecodeCase: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let level: QRErrorCorrection
        /// The version the text must take, when the test pins it.
        let version: Int?

        init(_ name: String, _ text: String, _ level: QRErrorCorrection, version: Int? = nil) {
            self.name = name
            self.text = text
            self.level = level
            self.version = version
        }

        var testDescription: String { "\(name) (\(level.letter), \(text.utf8.count) bytes)" }
    }

    /// Deterministic filler text: `count` characters drawn from `alphabet`.
    static func filler(_ count: Int, from alphabet: String, seed: UInt64) -> String {
        let characters = Array(alphabet)
        var state = seed
        return String((0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return characters[Int(state >> 33) % characters.count]
        })
    }

    static let digitalLink = "https://id.gs1.org/01/04012345000016/21/SN-0001"
    static let lowercase = "abcdefghijklmnopqrstuvwxyz-._~/"

    static let cases: [DecodeCase] = [
        DecodeCase("Digital Link", digitalLink, .low, version: 3),
        DecodeCase("Digital Link", digitalLink, .medium, version: 3),
        DecodeCase("Digital Link", digitalLink, .quartile, version: 4),
        DecodeCase("Digital Link", digitalLink, .high, version: 5),
        DecodeCase("upper-case Digital Link with lot and expiry",
                   "HTTPS://ID.GS1.ORG/01/09506000134352/10/ABC123/21/SN-0001?17=270101", .medium),
        DecodeCase("Digital Link with percent-encoding and link type",
                   "https://example.com/01/09506000134352/10/LOT%2F7/21/12345678901234567890?3103=000195&linkType=gs1:pip", .quartile),
        DecodeCase("one letter", "A", .high, version: 1),
        DecodeCase("one digit", "7", .low, version: 1),
        DecodeCase("one lower-case letter", "a", .medium, version: 1),
        DecodeCase("mixed modes", "ABC-1234567890123456789-xyz", .high),
        DecodeCase("UTF-8 Latin", "Grüße aus Köln – 10 € ✓", .medium),
        DecodeCase("UTF-8 Japanese", "電池パスポート", .quartile),
        DecodeCase("UTF-8 emoji", "🔋🔌♻️ battery passport", .low),
        DecodeCase("long UTF-8", String(repeating: "Ünïcödé – Grüße ✓ ", count: 30), .low),
        DecodeCase("17 bytes fill version 1-L", String(repeating: "x", count: 17), .low, version: 1),
        DecodeCase("18 bytes need version 2-L", String(repeating: "x", count: 18), .low, version: 2),
        DecodeCase("1000 bytes", filler(1000, from: lowercase, seed: 1), .medium, version: 26),
        DecodeCase("2500 digits", filler(2500, from: "0123456789", seed: 2), .quartile),
        DecodeCase("upper case and digits", filler(1500, from: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 $%*+-./:", seed: 3), .medium),
        DecodeCase("mixed text", filler(700, from: lowercase + "ABCDEFGHIJ0123456789äöü€", seed: 4), .quartile),
        DecodeCase("largest at H", filler(1273, from: lowercase, seed: 5), .high, version: 40),
    ]

    @Test("the SVG and the PBM decode to the text", arguments: cases)
    func decodes(_ c: DecodeCase) throws {
        let zbarimg = try #require(Self.zbarimgPath(), "zbarimg not found: apt-get install zbar-tools")
        let code = try QRCode(text: c.text, errorCorrection: c.level)
        if let version = c.version { #expect(code.version == version) }
        #expect(code.size == 17 + 4 * code.version)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("code.svg")
        let pbm = dir.appendingPathComponent("code.pbm")
        try Data(code.svg(title: c.name).utf8).write(to: svg)
        try code.pbm().write(to: pbm)

        let fromSVG = try Self.decode(svg.path, with: zbarimg)
        #expect(fromSVG.status == 0, "zbarimg found no QR code in the SVG of version \(code.version)-\(c.level.letter)")
        #expect(fromSVG.text == c.text)
        let fromPBM = try Self.decode(pbm.path, with: zbarimg)
        #expect(fromPBM.status == 0, "zbarimg found no QR code in the PBM of version \(code.version)-\(c.level.letter)")
        #expect(fromPBM.text == c.text)
    }

    @Test("every mask pattern decodes", arguments: 0..<8)
    func masks(_ mask: Int) throws {
        let zbarimg = try #require(Self.zbarimgPath(), "zbarimg not found: apt-get install zbar-tools")
        let text = "HTTPS://ID.GS1.ORG/01/09506000134352/21/MASK-\(mask)"
        let code = try QRCode(bytes: Array(text.utf8), errorCorrection: .medium, mask: mask)
        #expect(code.mask == mask)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-mask-\(mask)-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(code.svg().utf8).write(to: file)
        let decoded = try Self.decode(file.path, with: zbarimg)
        #expect(decoded.status == 0 && decoded.text == text, "mask \(mask)")
    }

    /// The first executable `zbarimg` on `PATH`.
    static func zbarimgPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/zbarimg" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `zbarimg --raw -q` on `file`: its exit status and what it printed, less the newline
    /// it ends each symbol with.
    static func decode(_ file: String, with zbarimg: String) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg)
        process.arguments = ["--raw", "-q", file]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return (process.terminationStatus, text)
    }
}

/// The encoder's pieces against published answers (ISO/IEC 18004:2015 and its annexes) and
/// against matrices from an independent encoder (python-qrcode 8.2), and its renderings against
/// its own modules.
@Suite("QR code encoder")
struct QRCodeEncoderTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func rows(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { code.isDark(x: $0, y: y) ? "#" : "." }) }
    }

    // MARK: Format and version information

    @Test("format information for level M and every mask (annex C)")
    func formatInformationM() {
        let expected: [UInt32] = [0x5412, 0x5125, 0x5E7C, 0x5B4B, 0x45F9, 0x40CE, 0x4F97, 0x4AA0]
        #expect((0..<8).map { QRFormatInformation.formatBits(level: .medium, mask: $0) } == expected)
        // The worked example of annex C: M, mask 101 → 100000011001110.
        #expect(QRFormatInformation.formatBits(level: .medium, mask: 5) == 0b100000011001110)
    }

    @Test("format information for levels L, Q and H")
    func formatInformationOthers() {
        #expect((0..<8).map { QRFormatInformation.formatBits(level: .low, mask: $0) }
                == [0x77C4, 0x72F3, 0x7DAA, 0x789D, 0x662F, 0x6318, 0x6C41, 0x6976])
        #expect(QRFormatInformation.formatBits(level: .quartile, mask: 0) == 0x355F)
        #expect(QRFormatInformation.formatBits(level: .high, mask: 0) == 0x1689)
        #expect(QRFormatInformation.formatBits(level: .high, mask: 7) == 0x083B)
    }

    @Test("the 32 format words are at least 7 bits apart (a BCH(15,5) code)")
    func formatInformationDistance() {
        let words = QRErrorCorrection.allCases.flatMap { level in (0..<8).map { QRFormatInformation.formatBits(level: level, mask: $0) } }
        var nearest = Int.max
        for i in words.indices {
            for j in words.indices where j > i { nearest = min(nearest, (words[i] ^ words[j]).nonzeroBitCount) }
        }
        #expect(nearest == 7)
    }

    @Test("version information (annex D): version 7 is 0x07C94")
    func versionInformation() {
        #expect(QRFormatInformation.versionBits(QRVersion(7)) == 0x07C94)
        #expect(QRFormatInformation.versionBits(QRVersion(8)) == 0x085BC)
        #expect(QRFormatInformation.versionBits(QRVersion(40)) == 0x28C69)
    }

    // MARK: Data encoding and Reed–Solomon

    @Test("annex I: \"01234567\" at 1-M, numeric bits, data and error-correction codewords")
    func isoExample() throws {
        let segment = QRSegment(.numeric, Array("01234567".utf8)[...])
        #expect(segment.payload.bits.map { $0 ? "1" : "0" }.joined() == "0000001100" + "0101011001" + "1000011")
        let data = QRCodewords.data([segment], version: QRVersion(1), level: .medium)
        #expect(Self.hex(data) == "10200c566180ec11ec11ec11ec11ec11")
        #expect(Self.hex(ReedSolomonEncoder(degree: 10).remainder(of: data)) == "a524d4c1ed36c7872c55")
        let (version, segments) = try #require(QRCode.fit(Array("01234567".utf8), level: .medium))
        #expect(version.number == 1 && segments == [segment])
    }

    @Test("\"HELLO WORLD\" at 1-Q: alphanumeric data and error-correction codewords")
    func helloWorld() {
        let segment = QRSegment(.alphanumeric, Array("HELLO WORLD".utf8)[...])
        let data = QRCodewords.data([segment], version: QRVersion(1), level: .quartile)
        #expect(Self.hex(data) == "205b0b78d172dc4d4340ec11ec")
        #expect(Self.hex(ReedSolomonEncoder(degree: 13).remainder(of: data)) == "a8481652d9369c002e0fb47a10")
    }

    @Test("GF(256): α generates all 255 non-zero elements and multiplication inverts")
    func galoisField() {
        #expect(Set(GaloisField256.exp[0..<255]).count == 255)
        #expect(GaloisField256.exp[8] == 0x1D)
        for a in UInt8(1)...255 {
            let inverse = GaloisField256.exp[255 - GaloisField256.log[Int(a)]]
            #expect(GaloisField256.multiply(a, inverse) == 1)
        }
    }

    @Test("tables 7 and 9: capacities of versions 1 and 40")
    func capacities() {
        #expect(QRVersion(1).totalCodewords == 26)
        #expect(QRVersion(40).totalCodewords == 3706)
        #expect(QRErrorCorrection.allCases.map { QRVersion(1).dataCodewords($0) } == [19, 16, 13, 9])
        #expect(QRErrorCorrection.allCases.map { QRVersion(40).dataCodewords($0) } == [2956, 2334, 1666, 1276])
        #expect(QRErrorCorrection.allCases.map { QRVersion(40).byteModeCapacity($0) } == [2953, 2331, 1663, 1273])
        #expect(QRVersion(7).alignmentPositions == [6, 22, 38])
        #expect(QRVersion(32).alignmentPositions == [6, 34, 60, 86, 112, 138])
        #expect(QRVersion(40).alignmentPositions == [6, 30, 58, 86, 114, 142, 170])
    }

    @Test("the largest texts fit version 40 and one character more does not")
    func limits() throws {
        let cases: [(String, Int, QRErrorCorrection)] = [("9", 7089, .low), ("Z", 4296, .low), ("z", 2953, .low), ("z", 1273, .high)]
        for (character, count, level) in cases {
            #expect(try QRCode(text: String(repeating: character, count: count), errorCorrection: level).version == 40)
            #expect(throws: QRCodeError.self) { try QRCode(text: String(repeating: character, count: count + 1), errorCorrection: level) }
        }
    }

    @Test("a text too long names its length and the limit")
    func tooLong() {
        do {
            _ = try QRCode(text: String(repeating: "x", count: 2332), errorCorrection: .medium)
            Issue.record("2332 bytes at level M were accepted")
        } catch {
            #expect(error.code == .tooLong)
            #expect(error.description == "text of 2332 bytes is too long for a QR code at error correction M: "
                    + "it needs 18676 data bits, version 40 holds 18672 (2331 bytes of arbitrary text)")
        }
        do {
            _ = try QRCode(text: String(repeating: "ü", count: 5000), errorCorrection: .low)
            Issue.record("10000 bytes were accepted")
        } catch {
            #expect(error.description.hasPrefix("text of 10000 bytes is too long for a QR code at error correction L: it needs 80032 data bits"))
            #expect(error.description.hasSuffix("version 40 holds 23648 (2952 bytes of arbitrary text)"))
        }
    }

    // MARK: Segmentation

    @Test("a Digital Link is split into byte, numeric and alphanumeric segments")
    func digitalLinkSegments() throws {
        let bytes = Array(QRCodeDecodeTests.digitalLink.utf8)
        let segments = QRSegmentation.optimal(bytes, version: QRVersion(3))
        #expect(segments.map(\.mode) == [.byte, .numeric, .alphanumeric])
        #expect(segments.map(\.characterCount) == [22, 14, 11])
        let bits = segments.reduce(0) { $0 + $1.encodedBitCount(in: QRVersion(3))! }
        #expect(bits == 323)
        #expect(bits < QRSegment(.byte, bytes[...]).encodedBitCount(in: QRVersion(3))!)
        // Byte mode alone would need version 4 at level M.
        #expect(try QRCode(text: QRCodeDecodeTests.digitalLink).version == 3)
        #expect(try QRCode(bytes: bytes, errorCorrection: .medium, byteModeOnly: true).version == 4)
    }

    @Test("text beyond ASCII starts with ECI 26 (UTF-8); ASCII text has no ECI")
    func utf8Designator() throws {
        let (_, accented) = try #require(QRCode.fit(Array("Köln".utf8), level: .medium, declareUTF8: true))
        #expect(accented.first == QRSegment.utf8Designator)
        #expect(QRSegment.utf8Designator.payload.bits.map { $0 ? "1" : "0" }.joined() == "00011010")
        var buffer = QRBitBuffer()
        QRSegment.utf8Designator.write(to: &buffer, version: QRVersion(1))
        #expect(buffer.bits.map { $0 ? "1" : "0" }.joined() == "0111" + "00011010")
        let plain = try QRCode(text: "Koln")
        let withECI = try QRCode(text: "Köln")
        #expect(plain.version == 1 && withECI.version == 1)
    }

    @Test("every segmentation writes the same text back")
    func segmentationRoundTrip() {
        let texts = ["", "1", "12", "A1", "a1", "0123456789abc", "ABCDEFGH12345678abcdefgh", "x9Y8z7 $%", "Straße 12 – 3 €", "HTTP://A.B/01/12345678901231"]
        for text in texts {
            let bytes = Array(text.utf8)
            for version in [1, 10, 27] {
                let segments = QRSegmentation.optimal(bytes, version: QRVersion(version))
                #expect(segments.flatMap { Self.characters(of: $0) } == bytes, "\(text) in version \(version)")
                for (a, b) in zip(segments, segments.dropFirst()) { #expect(a.mode != b.mode) }
            }
        }
    }

    /// The bytes a numeric, alphanumeric or byte segment holds, decoded from its payload.
    static func characters(of segment: QRSegment) -> [UInt8] {
        let bits = segment.payload.bits
        var position = 0
        func read(_ n: Int) -> Int {
            defer { position += n }
            return bits[position..<(position + n)].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var out: [UInt8] = []
        var left = segment.characterCount
        while left > 0 {
            switch segment.mode {
            case .numeric:
                let n = min(3, left)
                out += Array(String(format: "%0\(n)d", read(n * 3 + 1)).utf8)
                left -= n
            case .alphanumeric:
                if left >= 2 {
                    let v = read(11)
                    out += [QRSegment.alphanumericCharacters[v / 45], QRSegment.alphanumericCharacters[v % 45]]
                    left -= 2
                } else {
                    out.append(QRSegment.alphanumericCharacters[read(6)])
                    left -= 1
                }
            case .byte:
                out.append(UInt8(read(8)))
                left -= 1
            case .eci:
                return out
            }
        }
        #expect(position == bits.count)
        return out
    }

    // MARK: Whole symbols

    @Test("\"01234567\" at 1-M with mask 2 equals python-qrcode's matrix")
    func matrixNumeric() throws {
        let code = try QRCode(bytes: Array("01234567".utf8), errorCorrection: .medium, mask: 2)
        #expect(Self.rows(code) == [
            "#######..#.##.#######",
            "#.....#..####.#.....#",
            "#.###.#.#.....#.###.#",
            "#.###.#.##....#.###.#",
            "#.###.#.#.###.#.###.#",
            "#.....#.#...#.#.....#",
            "#######.#.#.#.#######",
            "........#..##........",
            "#.#####..#..#.#####..",
            "...#.#.##.#.#..#.##..",
            "..#...##.#.#.#..#####",
            "....#....#.....####..",
            "...######..#.#..#....",
            "........#.#####..##..",
            "#######..##.#.##.....",
            "#.....#.#.#####...#.#",
            "#.###.#.#...#..#.##..",
            "#.###.#.##..#..#.....",
            "#.###.#.#.##.#..#.#..",
            "#.....#........##.##.",
            "#######.####.#..#.#..",
        ])
    }

    @Test("\"HELLO WORLD\" at 1-Q with mask 6 equals python-qrcode's matrix")
    func matrixAlphanumeric() throws {
        let code = try QRCode(bytes: Array("HELLO WORLD".utf8), errorCorrection: .quartile, mask: 6)
        #expect(Self.rows(code) == [
            "#######....#..#######",
            "#.....#.##..#.#.....#",
            "#.###.#..#.##.#.###.#",
            "#.###.#.#####.#.###.#",
            "#.###.#.##.#..#.###.#",
            "#.....#..#..#.#.....#",
            "#######.#.#.#.#######",
            "........##.##........",
            ".#.####.##..###.##.#.",
            "#.####.#....####.###.",
            "..#.#.##...#..##.....",
            "#.##.#...#.##...##...",
            "##.########.###.#####",
            "........#...#..#.#...",
            "#######..##..##..####",
            "#.....#.#.#..#..#.###",
            "#.###.#.##.#..#...###",
            "#.###.#.#.###...#.#..",
            "#.###.#..#....#....##",
            "#.....#.###..###..##.",
            "#######..#.#.......#.",
        ])
    }

    @Test("a Digital Link in byte mode at 7-Q with mask 3 (version information, blocks of 14 and 15) equals python-qrcode's matrix")
    func matrixVersion7() throws {
        let text = "https://id.gs1.org/01/09506000134352/10/LOT-2024-07/21/SN-000123?3103=000189"
        let code = try QRCode(bytes: Array(text.utf8), errorCorrection: .quartile, minimumVersion: 7, mask: 3, byteModeOnly: true)
        #expect(code.version == 7)
        #expect(Self.rows(code) == [
            "#######..#.#.#.###...#.......###.#..#.#######",
            "#.....#.#..#.######....###.####....#..#.....#",
            "#.###.#.####......#...#...###..#...#..#.###.#",
            "#.###.#...#####...###..#..#...####.##.#.###.#",
            "#.###.#..#####.###..######.###...####.#.###.#",
            "#.....#...#.#...#..##...##.#.##.#.....#.....#",
            "#######.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#######",
            ".........#.#.##..#..#...##....##.............",
            ".###.##..##..#.#.##.######.#####...##.....##.",
            "##..#..#..#####.###..#####..#.####..##.#.####",
            ".#.#.##....#...#....#..#..###.#.####.#.#.#..#",
            ".#.##...######..#.#...##.#.#.####.##.#.#...#.",
            "####.##.#..#..##..##..##.###.#.....#..##.....",
            "#..##...#..##.#.##.#...####..#.#...#.##...#..",
            ".#.#.###....###.####.###.#..###..######..#.#.",
            "#..#....##...####..####.....#.#.####....#.##.",
            ".#.#..#.#..#.###.##.#####.##....#.#.###...#.#",
            ".#.##..##...##.##..##..#.#.#...##.#..#..#..##",
            "##.#.####.#.....#...###.###..#...###.###..##.",
            "#.#..........####..##.#...##.#.#...#..####..#",
            ".#..######.##.....#.#####...##.#..#.#######.#",
            "##..#...#..#.#.#.#..#...#.....####..#...#..##",
            "#.#.#.#.#.##.....#.##.#.###....#.##.#.#.##..#",
            "#####...#####.#.###.#...####.#.##.###...##.#.",
            "###.#####.#.#####.#.#####..#..##..#.######...",
            "###.##.##.##..###.##.##...####.#....#.#...#..",
            "....###.###.##..#.##....#.#.#.#.##.###....##.",
            "####...#.###..#..####.#.#.###..#..######.##.#",
            "#..##.##.####.#.##.###..........##.##.######.",
            ".#......##.....#.#.#.#.##.###.....#..#..#....",
            "#.#.#.##..##..#.#.#.#..#..##.#....#....#..##.",
            "#...##...#.####..#..###.....##.#.....#...#.#.",
            "##.#####.#..##..#.##.##..##.##.#.#...###.##.#",
            ".#.###.#..#.#.#####.##.#...#..####.###...#.##",
            "....#.#...#....#.#..#.##.#....##.####.###...#",
            ".####...#.#.#.###.####.....#....##.#.#.#...##",
            "#..##.####..##.#.#.#######.#.....##.######.#.",
            "........#..###..#..##...#..#.#..###.#...##.#.",
            "#######..##...#.#####.#.##.#####..###.#.#..#.",
            "#.....#.##.#.####.###...#####.###.#.#...#.###",
            "#.###.#..########...#####.##.#..#########.#.#",
            "#.###.#.##.##..##..#....#.#.......#.##.#...#.",
            "#.###.#.#..#.####..#..###.#.##.#.##.#....###.",
            "#.....#.##....#.##.##...##....#.....###..#..#",
            "#######..#.##...#.######.#.#..##.###..#####..",
        ])
    }

    @Test("the mask chosen has the lowest penalty of the eight")
    func maskChoice() throws {
        for (text, level) in [(QRCodeDecodeTests.digitalLink, QRErrorCorrection.medium), ("HELLO WORLD", .quartile), (String(repeating: "abc123", count: 40), .high)] {
            let chosen = try QRCode(text: text, errorCorrection: level)
            let penalties = try (0..<8).map { mask in
                let code = try QRCode(bytes: Array(text.utf8), errorCorrection: level, mask: mask)
                return QRMask.penalty(size: code.size) { code.isDark(x: $0, y: $1) }
            }
            #expect(penalties[chosen.mask] == penalties.min(), "\(text): penalties \(penalties)")
            #expect(chosen == (try QRCode(bytes: Array(text.utf8), errorCorrection: level, mask: chosen.mask)))
        }
    }

    @Test("penalty rules 1, 3 and 4 on small lines and grids")
    func penaltyRules() {
        #expect(QRMask.runPenalty([true, true, true, true]) == 0)
        #expect(QRMask.runPenalty([true, true, true, true, true]) == 3)
        #expect(QRMask.runPenalty([false, true, true, true, true, true, true, true]) == 5)
        #expect(QRMask.runPenalty([true, false, true, false, true, false]) == 0)
        let finder: [Bool] = [true, false, true, true, true, false, true]
        let light = [Bool](repeating: false, count: 4)
        #expect(QRMask.finderLikePenalty(finder + light) == 40)
        #expect(QRMask.finderLikePenalty(light + finder) == 40)
        #expect(QRMask.finderLikePenalty(finder) == 40, "beyond the edge counts as light")
        #expect(QRMask.finderLikePenalty([true] + finder + [true]) == 0)
        #expect(QRMask.finderLikePenalty([true, true] + finder + [false, true, true, false, false, false]) == 0)
        // A 2 × 2 all-dark grid: two runs? No (length 2); one 2 × 2 block (3); 100 % dark, ten 5 % steps (100).
        #expect(QRMask.penalty(size: 2) { _, _ in true } == 103)
    }

    @Test("the function patterns are in place in every version")
    func functionPatterns() throws {
        for version in [1, 2, 6, 7, 14, 21, 28, 40] {
            let code = try QRCode(bytes: [0x41], errorCorrection: .low, minimumVersion: version)
            #expect(code.version == version)
            let n = code.size
            for (cx, cy) in [(3, 3), (n - 4, 3), (3, n - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 {
                        let ring = max(abs(dx), abs(dy))
                        #expect(code.isDark(x: cx + dx, y: cy + dy) == (ring != 2 && ring != 4), "finder at \(cx),\(cy), version \(version)")
                    }
                }
            }
            for i in 8..<(n - 8) {
                #expect(code.isDark(x: i, y: 6) == (i % 2 == 0) && code.isDark(x: 6, y: i) == (i % 2 == 0), "timing at \(i), version \(version)")
            }
            #expect(code.isDark(x: 8, y: n - 8), "dark module, version \(version)")
            if version >= 7 {
                let bits = QRFormatInformation.versionBits(QRVersion(version))
                for i in 0..<18 {
                    let dark = (bits >> UInt32(i)) & 1 == 1
                    #expect(code.isDark(x: n - 11 + i % 3, y: i / 3) == dark && code.isDark(x: i / 3, y: n - 11 + i % 3) == dark)
                }
            }
        }
    }

    // MARK: Renderings

    @Test("the SVG: one path, crisp edges, module viewBox, role and escaped title")
    func svgShape() throws {
        let code = try QRCode(text: QRCodeDecodeTests.digitalLink)
        let svg = code.svg(moduleSize: 5, quietZone: 4, title: "GTIN <04012345000016> & \"SN-0001\"")
        let side = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("width=\"\(side * 5)\" height=\"\(side * 5)\""))
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<title>GTIN &lt;04012345000016&gt; &amp; &quot;SN-0001&quot;</title>"))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(code.svg().contains("<title>QR code</title>"))
    }

    @Test("the SVG's dark modules are the symbol's", arguments: [0, 4])
    func svgModules(quietZone: Int) throws {
        let code = try QRCode(text: "https://id.gs1.org/01/09506000134352/10/ABC123/21/SN-0001?17=270101", errorCorrection: .high)
        let svg = code.svg(quietZone: quietZone)
        let d = try #require(svg.firstMatch(of: #/ d="([^"]*)"/#)?.output.1)
        let side = code.size + 2 * quietZone
        var dark = [[Bool]](repeating: [Bool](repeating: false, count: side), count: side)
        var covered = 0
        for run in d.matches(of: #/M(\d+) (\d+)h(\d+)v1h-(\d+)z/#) {
            let (x, y, width, back) = (Int(run.output.1)!, Int(run.output.2)!, Int(run.output.3)!, Int(run.output.4)!)
            #expect(width == back && width > 0)
            guard (0..<side).contains(y), x >= 0, width > 0, x + width <= side else {
                Issue.record("run \(run.output.0) outside the \(side) × \(side) viewBox")
                continue
            }
            for i in x..<(x + width) {
                #expect(!dark[y][i], "module \(i),\(y) drawn twice")
                dark[y][i] = true
            }
            covered += run.output.0.count
        }
        #expect(covered == d.count, "the path holds only row runs")
        let expected = (0..<side).map { y in (0..<side).map { x in code.isDark(x: x - quietZone, y: y - quietZone) } }
        #expect(dark == expected)
    }

    @Test("the PBM's pixels are the symbol's modules, scaled, with the quiet zone")
    func pbmPixels() throws {
        let code = try QRCode(text: "Grüße – 10 €", errorCorrection: .quartile)
        let scale = 3, quiet = 2
        let pbm = [UInt8](code.pbm(moduleSize: scale, quietZone: quiet))
        let pixels = (code.size + 2 * quiet) * scale
        let header = Array("P4\n\(pixels) \(pixels)\n".utf8)
        #expect(Array(pbm.prefix(header.count)) == header)
        let rowBytes = (pixels + 7) / 8
        #expect(pbm.count == header.count + rowBytes * pixels)
        guard pbm.count == header.count + rowBytes * pixels else { return }
        let image = (0..<pixels).map { py in
            (0..<pixels).map { px in pbm[header.count + py * rowBytes + px / 8] >> (7 - UInt8(px % 8)) & 1 == 1 }
        }
        let expected = (0..<pixels).map { py in (0..<pixels).map { px in code.isDark(x: px / scale - quiet, y: py / scale - quiet) } }
        #expect(image == expected)
    }

    @Test("isDark is false outside the symbol")
    func outside() throws {
        let code = try QRCode(text: "A")
        #expect(code.isDark(x: 0, y: 0))
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: -1) && !code.isDark(x: code.size, y: 0) && !code.isDark(x: 0, y: code.size))
    }
}
