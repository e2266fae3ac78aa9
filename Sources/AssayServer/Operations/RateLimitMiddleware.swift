public import Hummingbird
import NIOCore

/// Refuses a client that has used up its allowance (`RateLimiter`) with `429 Too Many
/// Requests`, an RFC 9457 problem and `Retry-After`. The client is the peer's IP address (not its
/// port: one client, many connections); when the peer is one of `trustedProxies`, the client is
/// the right-most address of `X-Forwarded-For` that is not itself a trusted proxy. Health
/// probes (`/healthz`, `/readyz`) are never limited: a busy client must not make the server
/// look down to its orchestrator.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AssayRequestContext

    let limiter: RateLimiter
    let trustedProxies: Set<String>
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    /// - Parameters:
    ///   - limiter: the buckets.
    ///   - trustedProxies: peer IP addresses whose `X-Forwarded-For` is believed (a reverse proxy).
    public init(limiter: RateLimiter, trustedProxies: Set<String> = []) {
        self.limiter = limiter
        self.trustedProxies = trustedProxies
        self.epoch = clock.now
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.exempt.contains(request.uri.path) { return try await next(request, context) }
        let client = Self.client(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value),
                                 trusted: trustedProxies)
        let elapsed = clock.now - epoch
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        switch limiter.take(client: client, now: now) {
        case .allowed:
            return try await next(request, context)
        case .limited(let seconds):
            var p = Problem.assay("rate-limited", "Too Many Requests", .tooManyRequests,
                                  "too many requests from \(client): at most \(Self.format(limiter.rate)) per second (bursts of \(Self.format(limiter.burst))); retry after \(seconds) s")
            p.headers[.retryAfter] = String(seconds)
            throw p
        }
    }

    /// Paths never limited.
    static let exempt: Set<String> = ["/healthz", "/readyz"]

    /// The client a request counts against.
    static func client(peer: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard let peer else { return "unknown" }
        guard trusted.contains(peer) else { return peer }
        var hops: [String] = []
        for field in forwardedFor {
            for part in field.split(separator: ",") {
                let hop = String(part.filter { $0 != " " && $0 != "\t" })
                if !hop.isEmpty { hops.append(hop) }
            }
        }
        return hops.last { !trusted.contains($0) } ?? peer
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(x)
    }
}
