import AssayLedger
import AssayLog
import NIOCore
import Synchronization

/// Answers tile requests: checks the tile against the published tree, reads it from the ledger
/// (on the blocking-I/O threads) and keeps what it served in a bounded cache: a tile's bytes never
/// change (a partial tile of width W is the first W hashes or entries, whatever the tree size).
final class TileServer: Sendable {
    let ledger: Ledger
    private let cache: TileCache
    /// The largest published tree size seen: sizes only grow, so a tile inside it exists.
    private let published = Atomic<UInt64>(0)

    init(ledger: Ledger, cacheBytes: Int) {
        self.ledger = ledger
        cache = TileCache(capacity: cacheBytes)
    }

    /// The tile a raw request path (`/tile/…`, percent-encoding kept) names.
    /// - Throws: a 400 problem for a path that is not a canonical tile path, 404 for an index
    ///   no 64-bit tree reaches.
    static func tile(rawPath: String) throws -> Tile {
        guard rawPath.hasPrefix("/") else { throw malformed("tile paths start with /tile/") }
        do {
            return try Tile(path: String(rawPath.dropFirst()))
        } catch let e where e.code == .outOfRange {
            throw Problem.assay("no-such-tile", "No such tile", .notFound, e.message)
        } catch {
            throw malformed(error.message)
        }
    }

    static func malformed(_ detail: String) -> Problem {
        Problem.assay("malformed-tile-path", "Malformed tile path", .badRequest, detail)
    }

    /// The tile's bytes.
    /// - Throws: a 404 problem when the published tree does not have it.
    func bytes(_ tile: Tile) async throws -> ByteBuffer {
        if let hit = cache[tile] { return hit }
        if !tile.exists(inTreeOf: published.load(ordering: .relaxed)) {
            let ledger = self.ledger
            let size = try await BlockingIO.run { try ledger.publishedSize() }
            published.max(size, ordering: .relaxed)
            guard tile.exists(inTreeOf: size) else {
                throw Problem.assay("no-such-tile", "No such tile", .notFound,
                                    "\(tile.path) is beyond the published tree of size \(size)")
            }
        }
        let ledger = self.ledger
        let bytes = ByteBuffer(bytes: try await BlockingIO.run { try ledger.tileBytes(tile) })
        cache[tile] = bytes
        return bytes
    }
}

/// Tiles by coordinate, at most `capacity` bytes; the oldest go first.
final class TileCache: Sendable {
    private struct State {
        var tiles: [Tile: ByteBuffer] = [:]
        var order: [Tile] = []
        var head = 0
        var bytes = 0
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    subscript(tile: Tile) -> ByteBuffer? {
        get { state.withLock { $0.tiles[tile] } }
        set {
            guard let newValue, newValue.readableBytes <= capacity else { return }
            state.withLock { s in
                guard s.tiles[tile] == nil else { return }
                s.tiles[tile] = newValue
                s.order.append(tile)
                s.bytes += newValue.readableBytes
                while s.bytes > capacity, s.head < s.order.count {
                    if let old = s.tiles.removeValue(forKey: s.order[s.head]) { s.bytes -= old.readableBytes }
                    s.head += 1
                }
                if s.head > 4096, s.head * 2 > s.order.count {
                    s.order.removeFirst(s.head)
                    s.head = 0
                }
            }
        }
    }
}
