public import AssayCrypto

/// One resource of a C2SP tlog-tiles log (c2sp.org/tlog-tiles): a hash tile or an entry bundle.
///
/// The `n`-th hash tile at level `l` holds, for `i` in `0 ..< width`, the RFC 6962 Merkle Tree
/// Hash of leaves `[(n·256 + i)·256^l, (n·256 + i + 1)·256^l)` — 32 bytes each, concatenated. In
/// this codebase's `NodeID` terms that is the node `(level: 8·l, index: n·256 + i)`: level 0 tiles
/// hold leaf hashes. The `n`-th entry bundle holds the entries (Assay: the record bytes of
/// FORMAT.md §3) `n·256 ..< n·256 + width`, each prefixed by its length as a big-endian uint16.
/// A full tile or bundle is 256 wide; the rightmost ones of a tree are partial (1 … 255 wide):
/// for a tree of `s` leaves the partial tile of level `l` has `⌊s / 256^l⌋ mod 256` hashes (none
/// when that is 0), and the partial bundle `s mod 256` entries.
///
/// Paths (`path`, `init(path:)`): `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, `<L>`
/// decimal 0 … 63 with no leading zeros, `<N>` in groups of three digits, all but the last
/// prefixed by `x` (1234067 is `x001/x234/067`), `<W>` decimal 1 … 255 with no leading zeros.
public struct Tile: Hashable, Sendable, CustomStringConvertible {
    /// Hashes in a full tile, entries in a full bundle.
    public static let fullWidth = 256
    /// Tree levels one tile level spans (256 = 2^8).
    public static let height: UInt8 = 8
    /// Bytes per hash.
    public static let hashSize = 32
    /// The largest tile level a path may name (C2SP: 0 … 63).
    public static let maxLevel: UInt8 = 63

    /// What a tile holds.
    public enum Kind: Hashable, Sendable {
        /// Merkle tree hashes at tile level `level` (tree level 8·`level`).
        case hashes(level: UInt8)
        /// Log entries (Assay: record bytes), each uint16-length-prefixed.
        case entries
    }

    public let kind: Kind
    /// The tile's index `N` within its level.
    public let index: UInt64
    /// How many hashes or entries it holds: 256 when full, 1 … 255 when partial.
    public let width: Int

    /// A tile; `width` must be 1 … 256 and `level` at most 63.
    public init(_ kind: Kind, index: UInt64, width: Int = Tile.fullWidth) throws(LogError) {
        if case .hashes(let level) = kind, level > Self.maxLevel {
            throw LogError(.malformedTilePath, "tile level \(level) is above \(Self.maxLevel)")
        }
        guard (1...Self.fullWidth).contains(width) else {
            throw LogError(.malformedTilePath, "tile width \(width) is not 1 … \(Self.fullWidth)")
        }
        self.kind = kind
        self.index = index
        self.width = width
    }

    /// Whether the tile is full (256 wide): full tiles never change.
    public var isFull: Bool { width == Self.fullWidth }

    /// The tile level whose leaves an entry bundle matches: entry bundles pair with level 0.
    public var tileLevel: UInt8 {
        if case .hashes(let level) = kind { return level }
        return 0
    }

    /// The same tile at full width.
    public var full: Tile { Tile(unchecked: kind, index: index, width: Self.fullWidth) }

    private init(unchecked kind: Kind, index: UInt64, width: Int) {
        self.kind = kind
        self.index = index
        self.width = width
    }

    public var description: String { path }
}

// MARK: - Which tiles a tree has

extension Tile {
    /// Leaves spanned by one hash of a tile at `level`: 256^level, nil when that exceeds UInt64
    /// (level ≥ 8: no tree of a UInt64 size has such a hash).
    public static func leavesPerHash(level: UInt8) -> UInt64? {
        let shift = UInt64(level) * UInt64(height)
        return shift < 64 ? UInt64(1) << shift : nil
    }

    /// How many hashes a tree of `treeSize` leaves has at tile level `level`: ⌊s / 256^level⌋.
    public static func hashCount(level: UInt8, treeSize: UInt64) -> UInt64 {
        guard let per = leavesPerHash(level: level) else { return 0 }
        return treeSize / per
    }

    /// Whether a tree of `treeSize` leaves has this tile: every hash (entry) it holds exists in
    /// that tree. A partial tile of width `w` exists in every tree that has at least its `w`
    /// hashes, also once its full tile exists (its bytes are the full tile's first `w` hashes).
    public func exists(inTreeOf treeSize: UInt64) -> Bool {
        let count = Self.hashCount(level: tileLevel, treeSize: treeSize)
        let (start, overflow) = index.multipliedReportingOverflow(by: UInt64(Self.fullWidth))
        guard !overflow else { return false }
        let (end, overflow2) = start.addingReportingOverflow(UInt64(width))
        return !overflow2 && end <= count
    }

    /// The tiles of one level (`.hashes(level:)` or `.entries`) a tree of `treeSize` leaves
    /// has: its full tiles, then its partial one when the width is not a multiple of 256.
    public static func tiles(_ kind: Kind, treeSize: UInt64) -> [Tile] {
        let level: UInt8
        switch kind {
        case .hashes(let l): level = l
        case .entries: level = 0
        }
        let count = hashCount(level: level, treeSize: treeSize)
        let full = count / UInt64(fullWidth)
        var out = (0..<full).map { Tile(unchecked: kind, index: $0, width: fullWidth) }
        let rest = Int(count % UInt64(fullWidth))
        if rest > 0 { out.append(Tile(unchecked: kind, index: full, width: rest)) }
        return out
    }

    /// Every hash tile a tree of `treeSize` leaves has, level 0 first; none for the empty tree.
    public static func hashTiles(treeSize: UInt64) -> [Tile] {
        var out: [Tile] = []
        var level: UInt8 = 0
        while hashCount(level: level, treeSize: treeSize) > 0 {
            out += tiles(.hashes(level: level), treeSize: treeSize)
            level += 1
        }
        return out
    }

    /// The hash tile levels a tree of `treeSize` leaves has (0 up to the top), empty for size 0.
    public static func levels(treeSize: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        var level: UInt8 = 0
        while hashCount(level: level, treeSize: treeSize) > 0 {
            out.append(level)
            level += 1
        }
        return out
    }

    /// The tree nodes this hash tile holds, left to right (`(8·level, index·256 + i)`); empty
    /// for an entry bundle and for a level no 64-bit tree reaches (8 and above).
    public var nodes: [NodeID] {
        guard case .hashes(let level) = kind, Self.leavesPerHash(level: level) != nil else { return [] }
        let first = index &* UInt64(Self.fullWidth)
        return (0..<UInt64(width)).map { NodeID(level: level * Self.height, index: first + $0) }
    }

    /// The first entry (sequence number) of an entry bundle or level 0 tile: `index · 256`.
    public var firstEntry: UInt64 { index &* UInt64(Self.fullWidth) }

    /// The entry bundle of the same index and width: for a level 0 tile, the bundle whose
    /// entries hash to its hashes.
    public var entryBundle: Tile { Tile(unchecked: .entries, index: index, width: width) }
}
