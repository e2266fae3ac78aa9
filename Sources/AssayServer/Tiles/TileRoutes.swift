import AssayLedger
import AssayLog
public import Hummingbird
import NIOCore

/// The read side of the log as C2SP tlog-tiles (c2sp.org/tlog-tiles, FORMAT.md §15):
/// `GET /tile/<L>/<N>[.p/<W>]` (hash tiles) and `GET /tile/entries/<N>[.p/<W>]` (entry bundles
/// of record bytes), for the tree of the latest checkpoint (`/checkpoint`).
///
/// - `200` `application/octet-stream`; a full tile with `Cache-Control: public, max-age=31536000,
///   immutable` (it never changes), a partial one with `public, max-age=10`.
/// - `400` problem `malformed-tile-path` for anything that is not exactly a canonical tile path
///   (the raw request path is parsed: `..`, percent-encoded bytes, empty segments, leading zeros,
///   widths outside 1 … 255 never reach storage), `404` problem `no-such-tile` for a tile beyond
///   the published tree (an index too large for 64 bits included).
public struct TileRoutes: RouteProvider {
    /// Most bytes of served tiles kept in memory (a tile's bytes never change, so a cached copy is never stale).
    public var cacheBytes: Int

    public init(cacheBytes: Int = 64 << 20) {
        self.cacheBytes = cacheBytes
    }

    /// `Cache-Control` of full tiles and bundles.
    public static let immutable = "public, max-age=31536000, immutable"
    /// `Cache-Control` of partial tiles and bundles.
    public static let partial = "public, max-age=10"

    public func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        let tiles = TileServer(ledger: server.ledger, cacheBytes: cacheBytes)
        router.get("tile/**") { request, _ -> Response in
            let tile = try TileServer.tile(rawPath: request.uri.path)
            let bytes = try await tiles.bytes(tile)
            return Response(status: .ok,
                            headers: [.contentType: "application/octet-stream", .cacheControl: tile.isFull ? Self.immutable : Self.partial],
                            body: .init(byteBuffer: bytes))
        }
    }
}
