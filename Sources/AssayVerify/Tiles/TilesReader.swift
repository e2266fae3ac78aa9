public import AssayCrypto
public import AssayLog

/// Reads a C2SP tlog-tiles log (c2sp.org/tlog-tiles) through a fetch function and checks
/// everything it reads: every hash tile of the tree against the level below it, every entry
/// against its leaf hash, and the tree root against the checkpoint's. It never trusts a hash it
/// cannot recompute: level 0 hashes are recomputed from the entries (when entries are read),
/// each level above from the full tiles of the level below, and the root from the leaves.
///
/// The reader does no I/O of its own: `fetch` gets the bytes of one resource by its path below
/// the log's prefix (`checkpoint`, `tile/0/x001/067.p/5`, `tile/entries/000`), or nil when the
/// log answers "not found". Any error `fetch` throws (a network failure) passes through
/// unchanged; what is wrong with the log is a `TilesError`.
///
/// Memory: O(size / 256) hashes for the levels above 0; leaves and entries stream through.
public struct TilesReader: Sendable {
    /// Fetches one resource by its path below the log's prefix; nil for "not found".
    public typealias Fetch = @Sendable (_ path: String) async throws -> [UInt8]?

    let fetch: Fetch
    /// How many resources are fetched at once.
    public var parallelFetches: Int

    public init(parallelFetches: Int = 16, fetch: @escaping Fetch) {
        self.fetch = fetch
        self.parallelFetches = max(1, parallelFetches)
    }

    /// What reading a tree established.
    public struct Tree: Sendable {
        /// The tree size read.
        public let size: UInt64
        /// The root recomputed from the tiles.
        public let root: Digest
        /// The roots of the trees of the sizes asked for in `rootsAt`, recomputed from the same
        /// leaves (so a saved checkpoint of one of these sizes is consistent exactly when its
        /// root equals this one).
        public let rootsAt: [UInt64: Digest]
        /// Hash tiles fetched and checked.
        public let tilesChecked: Int
        /// Entries fetched and checked against their leaf hashes (0 when entries were not read).
        public let entriesChecked: UInt64
    }

    /// The log's checkpoint note, as served at `checkpoint`.
    /// - Throws: `TilesError(.unavailable)` when the log serves none.
    public func checkpoint() async throws -> [UInt8] {
        guard let bytes = try await fetch("checkpoint") else {
            throw TilesError(.unavailable, "the log serves no checkpoint")
        }
        return bytes
    }

    /// Reads and checks the whole tree of `size` leaves.
    ///
    /// 1. Level 0: every hash tile (full, then the partial one) and, when `entries` is given,
    ///    every entry bundle; each entry's RFC 6962 leaf hash `SHA-256(0x00 || entry)` must equal
    ///    the tile's hash at its position, and each entry is handed to `entries` in order.
    /// 2. Each level above: every tile's hashes must equal the Merkle Tree Hashes of the full
    ///    tiles of the level below (a partial tile: its first `width` of them).
    /// 3. The root is recomputed from the leaf hashes (RFC 6962), as are the roots at `rootsAt`.
    ///
    /// - Parameters:
    ///   - rootsAt: smaller tree sizes whose roots to recompute too (a saved checkpoint's size).
    ///   - entries: called with each entry's index and bytes, in order, after its leaf hash checked.
    /// - Throws: `TilesError` for a missing, malformed or inconsistent resource; whatever
    ///   `fetch` or `entries` throws.
    public func readTree(size: UInt64, rootsAt: Set<UInt64> = [],
                         entries: ((UInt64, [UInt8]) throws -> Void)? = nil) async throws -> Tree {
        var range = CompactRange()
        var roots: [UInt64: Digest] = [:]
        if rootsAt.contains(0) { roots[0] = Merkle.emptyRoot }
        var tilesChecked = 0
        var entriesChecked: UInt64 = 0
        // Merkle Tree Hashes of the full tiles of the level just read: the next level's hashes.
        var below: [Digest] = []

        // Level 0 (with the entry bundles), a window of tiles at a time.
        let level0 = Tile.tiles(.hashes(level: 0), treeSize: size)
        for window in Self.windows(level0, parallelFetches) {
            let fetched = try await fetchAll(window.flatMap { t in
                entries == nil ? [t] : [t, t.entryBundle]
            })
            for tile in window {
                let hashes = try Self.tileHashes(fetched[tile]!, tile)
                tilesChecked += 1
                if let entries {
                    let bundle = tile.entryBundle
                    let items = try Self.bundleEntries(fetched[bundle]!, bundle)
                    for (i, entry) in items.enumerated() {
                        let seq = tile.firstEntry + UInt64(i)
                        let leaf = Merkle.leafHash(entry)
                        guard leaf == hashes[i] else {
                            throw TilesError(.mismatch, "entry \(seq) in \(bundle.path) does not hash to the leaf hash of \(tile.path) (expected \(hashes[i].hex), found \(leaf.hex))")
                        }
                        try entries(seq, entry)
                        entriesChecked += 1
                    }
                }
                for h in hashes {
                    range.append(h)
                    if rootsAt.contains(range.size) { roots[range.size] = range.root }
                }
                if tile.isFull { below.append(Tile.subtreeRoot(hashes)) }
            }
        }

        // Levels 1 and up: each must hold exactly the hashes of the full tiles below.
        var level: UInt8 = 1
        while Tile.hashCount(level: level, treeSize: size) > 0 {
            let tiles = Tile.tiles(.hashes(level: level), treeSize: size)
            var next: [Digest] = []
            for window in Self.windows(tiles, parallelFetches) {
                let fetched = try await fetchAll(window)
                for tile in window {
                    let hashes = try Self.tileHashes(fetched[tile]!, tile)
                    tilesChecked += 1
                    let first = Int(tile.index) * Tile.fullWidth
                    for (i, h) in hashes.enumerated() where h != below[first + i] {
                        throw TilesError(.mismatch, "hash \(i) of \(tile.path) is not the Merkle Tree Hash of the level \(level - 1) tile below it (expected \(below[first + i].hex), found \(h.hex))")
                    }
                    if tile.isFull { next.append(Tile.subtreeRoot(hashes)) }
                }
            }
            below = next
            level += 1
        }
        return Tree(size: size, root: range.root, rootsAt: roots, tilesChecked: tilesChecked, entriesChecked: entriesChecked)
    }

    /// Reads the tree of a checkpoint (`readTree`) and requires its root to be the one the
    /// checkpoint signs.
    /// - Throws: `TilesError(.rootMismatch)` naming both roots; whatever `readTree` throws.
    public func audit(_ checkpoint: Checkpoint, rootsAt: Set<UInt64> = [],
                      entries: ((UInt64, [UInt8]) throws -> Void)? = nil) async throws -> Tree {
        let tree = try await readTree(size: checkpoint.size, rootsAt: rootsAt, entries: entries)
        guard tree.root.bytes == checkpoint.rootHash else {
            throw TilesError(.rootMismatch, "the tiles of the tree of size \(checkpoint.size) give root \(tree.root.base64), not the checkpoint's \(Base64.encode(checkpoint.rootHash))")
        }
        return tree
    }

    /// The hashes of one hash tile, which must be exactly `tile.width` of them.
    static func tileHashes(_ bytes: [UInt8], _ tile: Tile) throws -> [Digest] {
        do { return try tile.hashes(parsing: bytes) } catch { throw TilesError(.malformed, error.message) }
    }

    /// The entries of one entry bundle, which must be exactly `bundle.width` of them.
    static func bundleEntries(_ bytes: [UInt8], _ bundle: Tile) throws -> [[UInt8]] {
        let items: [[UInt8]]
        do { items = try EntryBundle.parse(bytes) } catch {
            throw TilesError(.malformed, "\(bundle.path): \(error.message)")
        }
        guard items.count == bundle.width else {
            throw TilesError(.malformed, "\(bundle.path) holds \(items.count) entries, not \(bundle.width)")
        }
        return items
    }

    /// Fetches `tiles` concurrently; every one must be served.
    func fetchAll(_ tiles: [Tile]) async throws -> [Tile: [UInt8]] {
        let fetch = self.fetch
        return try await withThrowingTaskGroup(of: (Tile, [UInt8]?).self) { group in
            for t in tiles { group.addTask { (t, try await fetch(t.path)) } }
            var out: [Tile: [UInt8]] = [:]
            for try await (t, bytes) in group {
                guard let bytes else {
                    throw TilesError(.unavailable, "the log does not serve \(t.path), which its tree of the checkpoint's size needs")
                }
                out[t] = bytes
            }
            return out
        }
    }

    static func windows(_ tiles: [Tile], _ n: Int) -> [[Tile]] {
        stride(from: 0, to: tiles.count, by: n).map { Array(tiles[$0..<min($0 + n, tiles.count)]) }
    }
}
