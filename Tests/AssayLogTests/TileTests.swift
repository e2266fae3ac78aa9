import AssayCrypto
import AssayLog
import AssayTestSupport
import Testing

/// C2SP tlog-tiles coordinates, paths, which tiles a tree has, hash tile bytes from stored
/// nodes, and entry bundle framing.
@Suite("C2SP tlog-tiles: tile math and encoding")
struct TileTests {
    // MARK: Paths

    @Test("index encoding: three-digit groups, all but the last prefixed by x (spec example 1234067)")
    func indexEncoding() {
        #expect(Tile.encodeIndex(1_234_067) == "x001/x234/067")
        #expect(Tile.encodeIndex(0) == "000")
        #expect(Tile.encodeIndex(5) == "005")
        #expect(Tile.encodeIndex(999) == "999")
        #expect(Tile.encodeIndex(1000) == "x001/000")
        #expect(Tile.encodeIndex(1_000_000) == "x001/x000/000")
        #expect(Tile.encodeIndex(UInt64.max) == "x018/x446/x744/x073/x709/x551/615")
    }

    @Test("paths of hash tiles, entry bundles and partial tiles")
    func paths() throws {
        #expect(try Tile(.hashes(level: 0), index: 1_234_067).path == "tile/0/x001/x234/067")
        #expect(try Tile(.hashes(level: 2), index: 3, width: 17).path == "tile/2/003.p/17")
        #expect(try Tile(.entries, index: 1000, width: 255).path == "tile/entries/x001/000.p/255")
        #expect(try Tile(.entries, index: 0).path == "tile/entries/000")
        #expect(try Tile(.hashes(level: 63), index: 0, width: 1).path == "tile/63/000.p/1")
        #expect(throws: LogError(.malformedTilePath, "")) { try Tile(.hashes(level: 64), index: 0) }
        #expect(throws: LogError(.malformedTilePath, "")) { try Tile(.entries, index: 0, width: 0) }
        #expect(throws: LogError(.malformedTilePath, "")) { try Tile(.entries, index: 0, width: 257) }
    }

    @Test("every path parses back to its tile (random indices, levels and widths)")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 0x711E5)
        for _ in 0..<2000 {
            let shift = rng.next() % 64
            let index = rng.next() >> shift
            let width = rng.next() % 3 == 0 ? 256 : Int(rng.next() % 255) + 1
            let kind: Tile.Kind = rng.next() % 4 == 0 ? .entries : .hashes(level: UInt8(rng.next() % 64))
            let tile = try Tile(kind, index: index, width: width)
            let parsed = try Tile(path: tile.path)
            #expect(parsed == tile, "\(tile.path)")
            #expect(parsed.path == tile.path)
        }
    }

    static let malformedPaths = [
        "", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tile/0/000/", "tile//000", "tiles/0/000",
        "tile/00/000", "tile/01/000", "tile/64/000", "tile/-1/000", "tile/+1/000", "tile/x/000", "tile/1e1/000",
        "tile/0/00", "tile/0/0000", "tile/0/x001", "tile/0/x1/000", "tile/0/001/000", "tile/0/x000/067", "tile/0/y001/000",
        "tile/0/000.p", "tile/0/000.p/", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/05", "tile/0/000.p/5/6",
        "tile/0/000.p/x5", "tile/0/000.P/5", "tile/0/000.q/5", "tile/0/x001.p/5/000",
        "tile/0/../000", "tile/../../etc/passwd", "tile/0/./000", "tile/0/%2e%2e/000", "tile/0/x001%2F000", "tile/0/000%00",
        "tile/0/000?x=1", "tile/0/000#f", "tile/0/ 000", "tile/0/000\n", "tile/entries", "tile/entries/", "tile/entries/00",
        "tile/entries/000.p/256", "tile/Entries/000", "tile/data/000", "tile/0/٠٠٠",
        "tile/0/" + String(repeating: "x001/", count: 60) + "000",
    ]

    @Test("malformed paths are refused as malformed (traversal, encoded slashes, leading zeros, bad widths)", arguments: malformedPaths)
    func malformed(_ path: String) {
        #expect(throws: LogError(.malformedTilePath, "")) { try Tile(path: path) }
    }

    @Test("a well-formed index beyond 64 bits is out of range, not malformed")
    func hugeIndex() throws {
        #expect(try Tile(path: "tile/0/x018/x446/x744/x073/x709/x551/615").index == UInt64.max)
        #expect(throws: LogError(.outOfRange, "")) { try Tile(path: "tile/0/x018/x446/x744/x073/x709/x551/616") }
        #expect(throws: LogError(.outOfRange, "")) { try Tile(path: "tile/entries/x999/x999/x999/x999/x999/x999/x999/999.p/3") }
        // No tree of a 64-bit size has it.
        let top = try Tile(path: "tile/0/x018/x446/x744/x073/x709/x551/615")
        #expect(!top.exists(inTreeOf: UInt64.max))
    }

    // MARK: Which tiles a tree has

    @Test("a tree of 70,000 leaves: the spec's example tile set")
    func specExample70000() {
        let tiles = Tile.hashTiles(treeSize: 70_000)
        let level0 = tiles.filter { $0.kind == .hashes(level: 0) }
        #expect(level0.filter(\.isFull).count == 273)
        #expect(level0.filter { !$0.isFull }.map(\.width) == [112])
        let level1 = tiles.filter { $0.kind == .hashes(level: 1) }
        #expect(level1.filter(\.isFull).count == 1)
        #expect(level1.filter { !$0.isFull }.map(\.width) == [17])
        #expect(tiles.filter { $0.kind == .hashes(level: 2) }.map(\.path) == ["tile/2/000.p/1"])
        #expect(tiles.count == 273 + 1 + 1 + 1 + 1)
        #expect(Tile.tiles(.entries, treeSize: 70_000).map(\.width) == Array(repeating: 256, count: 273) + [112])
    }

    @Test("a tree of 256 leaves: a full level 0 tile and a partial level 1 tile of width 1; the empty tree has none")
    func specExample256() {
        #expect(Tile.hashTiles(treeSize: 256).map(\.path) == ["tile/0/000", "tile/1/000.p/1"])
        #expect(Tile.hashTiles(treeSize: 255).map(\.path) == ["tile/0/000.p/255"])
        #expect(Tile.hashTiles(treeSize: 0).isEmpty)
        #expect(Tile.tiles(.entries, treeSize: 0).isEmpty)
        #expect(Tile.levels(treeSize: 65_536) == [0, 1, 2])
        #expect(Tile.levels(treeSize: UInt64.max) == [0, 1, 2, 3, 4, 5, 6, 7])
    }

    @Test("a tile exists in a tree exactly when the tree has every hash it holds")
    func existence() throws {
        let p5 = try Tile(path: "tile/0/000.p/5")
        #expect(p5.exists(inTreeOf: 5) && p5.exists(inTreeOf: 300))
        #expect(!p5.exists(inTreeOf: 4))
        let full = try Tile(path: "tile/entries/000")
        #expect(full.exists(inTreeOf: 256) && !full.exists(inTreeOf: 255))
        let l1 = try Tile(path: "tile/1/000.p/2")
        #expect(l1.exists(inTreeOf: 512) && !l1.exists(inTreeOf: 511))
        #expect(!(try Tile(path: "tile/8/000.p/1")).exists(inTreeOf: UInt64.max))
        #expect(!(try Tile(path: "tile/63/000.p/1")).exists(inTreeOf: UInt64.max))
        #expect((try Tile(path: "tile/40/000")).nodes.isEmpty, "no 64-bit tree has a level 40 tile")
        #expect(!(try Tile(path: "tile/0/x018/x446/x744/x073/x709/x551/614")).exists(inTreeOf: UInt64.max))
    }

    // MARK: Hash tiles

    @Test("hash tiles read from stored nodes: level 0 holds the leaves, each level above the roots of the full tiles below")
    func hashTilesFromNodes() throws {
        let size: UInt64 = 70_000
        let leaves = (0..<size).map { Merkle.leafHash(Array("leaf \($0)".utf8)) }
        let nodes = MemoryNodeSource(leafHashes: leaves)
        var tileRoots: [UInt8: [Digest]] = [:]
        for tile in Tile.hashTiles(treeSize: size) {
            let bytes = try tile.hashBytes(from: nodes)
            #expect(bytes.count == tile.width * 32)
            let hashes = try tile.hashes(parsing: bytes)
            guard case .hashes(let level) = tile.kind else { Issue.record("not a hash tile"); continue }
            if level == 0 {
                #expect(Array(hashes) == Array(leaves[Int(tile.firstEntry)..<(Int(tile.firstEntry) + tile.width)]))
            } else {
                let below = tileRoots[level - 1] ?? []
                let first = Int(tile.index) * 256
                #expect(Array(hashes) == Array(below[first..<(first + tile.width)]), "\(tile.path)")
            }
            if tile.isFull { tileRoots[level, default: []].append(Tile.subtreeRoot(hashes)) }
        }
        // A full level 1 tile's root is the subtree of 65,536 leaves.
        #expect(tileRoots[1]?.first == Merkle.root(ofLeafHashes: Array(leaves[0..<65_536])))
        #expect(throws: LogError(.malformedTile, "")) { try Tile(.hashes(level: 0), index: 0, width: 3).hashes(parsing: [UInt8](repeating: 0, count: 95)) }
    }

    // MARK: Entry bundles

    @Test("entry bundles: big-endian uint16 length prefixes, empty and 65,535-byte entries, nothing longer")
    func entryBundles() throws {
        let entries: [[UInt8]] = [Array("one".utf8), [], [UInt8](repeating: 7, count: 65_535), [0x00, 0xFF]]
        let bundle = try EntryBundle.encode(entries)
        #expect(Array(bundle.prefix(5)) == [0x00, 0x03, 0x6F, 0x6E, 0x65])
        #expect(Array(bundle[5..<9]) == [0x00, 0x00, 0xFF, 0xFF])
        #expect(try EntryBundle.parse(bundle) == entries)
        #expect(try EntryBundle.parse([]) == [])
        #expect(throws: LogError(.malformedRecord, "")) { try EntryBundle.encode([[UInt8](repeating: 1, count: 65_536)]) }
        #expect(throws: LogError(.malformedTile, "")) { try EntryBundle.parse(bundle + [0x00]) }
        #expect(throws: LogError(.malformedTile, "")) { try EntryBundle.parse(Array(bundle.dropLast())) }
        #expect(throws: LogError(.malformedTile, "")) { try EntryBundle.parse([0x00, 0x05, 1, 2]) }
    }

    @Test("a record's limit is what a bundle can hold: 65,535 bytes, so an envelope of at most 65,518")
    func recordLimit() throws {
        #expect(LedgerRecord.maxBytes == 65_535)
        #expect(LedgerRecord.maxEnvelopeBytes == 65_518)
        let largest = LedgerRecord(seq: 1, appendedAtMillis: 2, envelope: [UInt8](repeating: 0x7B, count: LedgerRecord.maxEnvelopeBytes))
        #expect(largest.recordBytes.count == 65_535)
        #expect(try EntryBundle.parse(try EntryBundle.encode([largest.recordBytes])) == [largest.recordBytes])
    }
}
