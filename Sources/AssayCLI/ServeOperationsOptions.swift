import ArgumentParser
import AssayServer
#if canImport(Glibc)
import Glibc
#endif

/// `assay serve`'s operations options (per-client rate limit, trusted reverse proxies) and the
/// routes of the operations and bundles features.
struct ServeOperationsOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Requests per second each client (by IP address) may make; 0 turns the limit off (the default). Over it: 429 with Retry-After.", valueName: "n"))
    var rateLimit: Double = 0
    @Option(help: ArgumentHelp("Requests a client may make at once before --rate-limit applies (default: twice --rate-limit, at least 1).", valueName: "n"))
    var rateBurst: Double?
    @Option(help: ArgumentHelp("The IP address of a reverse proxy in front of the server (repeatable): for requests from it, the client is the right-most X-Forwarded-For address that is not a trusted proxy.", valueName: "ip"))
    var trustedProxy: [String] = []

    func validate() throws {
        guard rateLimit.isFinite, rateLimit >= 0 else { throw ValidationError("--rate-limit must be a number of requests per second, 0 or more") }
        if let rateBurst {
            guard rateBurst.isFinite, rateBurst >= 1 else { throw ValidationError("--rate-burst must be at least 1") }
            guard rateLimit > 0 else { throw ValidationError("--rate-burst needs --rate-limit") }
        }
        for ip in trustedProxy {
            var v4 = in_addr(), v6 = in6_addr()
            guard inet_pton(AF_INET, ip, &v4) == 1 || inet_pton(AF_INET6, ip, &v6) == 1 else {
                throw ValidationError("--trusted-proxy \(ip) is not an IPv4 or IPv6 address")
            }
        }
    }

    /// The operations feature these options configure.
    func operations() -> OperationsRoutes {
        let limiter = rateLimit > 0 ? RateLimiter(rate: rateLimit, burst: rateBurst ?? max(1, (2 * rateLimit).rounded(.up))) : nil
        return OperationsRoutes(rateLimit: limiter, trustedProxies: Set(trustedProxy))
    }

    /// The routes of the operations and bundle features (their middleware, for
    /// `ServerConfiguration.middleware`, is `operations().middleware()`).
    func routes() -> [any RouteProvider] { [operations(), BundleRoutes()] }
}
