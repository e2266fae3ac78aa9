import AssayLog
import AssayStore
public import Hummingbird
import NIOCore
public import ServiceLifecycle

/// Operations: `GET /openapi.json` (the API's OpenAPI 3.1 document), `GET /metrics` (Prometheus
/// text), request metrics for every route, and the per-client rate limit.
public struct OperationsRoutes: RouteProvider {
    /// The per-client limit, or nil for none.
    public var rateLimit: RateLimiter?
    /// Peer addresses whose `X-Forwarded-For` names the client (a reverse proxy in front).
    public var trustedProxies: Set<String>

    /// - Parameters:
    ///   - rateLimit: the per-client token buckets; nil turns the limit off.
    ///   - trustedProxies: peer IP addresses whose `X-Forwarded-For` is believed.
    public init(rateLimit: RateLimiter? = nil, trustedProxies: Set<String> = []) {
        self.rateLimit = rateLimit
        self.trustedProxies = trustedProxies
        ServerMetrics.bootstrap()
    }

    /// The middleware for `ServerConfiguration.middleware`: metrics outermost (so every answer,
    /// refusals and unmatched paths included, is counted), then the rate limit.
    public func middleware() -> [any MiddlewareProtocol<Request, Response, AssayRequestContext>] {
        var list: [any MiddlewareProtocol<Request, Response, AssayRequestContext>] = [RequestMetricsMiddleware()]
        if let rateLimit { list.append(RateLimitMiddleware(limiter: rateLimit, trustedProxies: trustedProxies)) }
        return list
    }

    public func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("metrics") { _, _ in
            // Gauges read at scrape time: the latest checkpoint's size and the sequencer's totals.
            let size = try await BlockingIO.run { try server.ledger.store.latestCheckpoint()?.size }
            let groups = await server.sequencer.groupsCommitted, appended = await server.sequencer.entriesAppended
            ServerMetrics.recordScrape(treeSize: size, groupsCommitted: groups, entriesAppended: appended)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: ServerMetrics.exposition())))
        }
    }

    public func services(server: ServerContext) -> [any Service] {
        [CheckpointMetrics(server: server)]
    }
}

/// Follows the checkpoint feed: the tree size gauge and the entries each checkpoint (each
/// committed group) added. The feed keeps only the newest checkpoint for a subscriber that falls
/// behind, so then two groups are observed as one.
struct CheckpointMetrics: Service {
    let server: ServerContext

    func run() async throws {
        // Subscribe first, then read where the log stands: no checkpoint is missed in between.
        let feed = server.checkpoints.subscribe()
        let ledger = server.ledger
        // The size the first published checkpoint grows from: the latest stored checkpoint's, or
        // (none yet) the entries already there when the server started.
        var last: UInt64? = try? await BlockingIO.run { try ledger.store.latestCheckpoint()?.size ?? ledger.size() }
        for await note in feed.cancelOnGracefulShutdown() {
            guard let size = try? Checkpoint(parsing: note.text).size else { continue }
            ServerMetrics.recordCheckpoint(size: size, added: last.map { size > $0 ? size - $0 : 0 })
            last = size
        }
    }
}
