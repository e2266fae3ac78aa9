public import AssayCrypto
public import AssayModel
import Foundation
public import Hummingbird

/// Everything `assay serve` needs to run: the ledger, the operator key that signs each group's
/// checkpoint, where to listen, the limits, and any extra routes other features plug in.
public struct ServerConfiguration: Sendable {
    /// Path of the ledger file (SQLite).
    public var ledgerPath: String
    /// The operator's signing key: signs the checkpoint of every committed group. It is held
    /// only by the sequencer and released (the key type zeroes its secret) when the server stops.
    public var operatorKey: NamedSigningKey
    /// Host to bind (default `127.0.0.1`).
    public var host: String
    /// Port to bind; 0 picks a free one (the bound address is printed on standard output's first line).
    public var port: Int
    /// Extra routes (tiles, witness, bundles, metrics …) registered after the built-in ones.
    public var extraRoutes: [any RouteProvider]
    /// Middleware that wraps every route, built-in or extra (metrics, rate limits), outermost
    /// first; they run before the server's own request log and problem middleware.
    public var middleware: [any MiddlewareProtocol<Request, Response, AssayRequestContext>]
    /// The write policy appends are checked against.
    public var policy: WritePolicy
    /// Request and group-commit limits.
    public var limits: ServerLimits
    /// The witness keys a product's passport page (`GET /01/{gtin}/21/{serial}`, `text/html`)
    /// pins beside the operator's key: the page names those whose cosignature it verified.
    public var passportWitnessKeys: [VerifierKey] = []

    public init(ledgerPath: String, operatorKey: NamedSigningKey, host: String = "127.0.0.1", port: Int = 8080,
                extraRoutes: [any RouteProvider] = [], middleware: [any MiddlewareProtocol<Request, Response, AssayRequestContext>] = [],
                policy: WritePolicy = .default, limits: ServerLimits = .init()) {
        self.ledgerPath = ledgerPath
        self.operatorKey = operatorKey
        self.host = host
        self.port = port
        self.extraRoutes = extraRoutes
        self.middleware = middleware
        self.policy = policy
        self.limits = limits
    }

    /// Parses a `--listen` value `host:port` (an IPv6 host in brackets: `[::1]:8080`).
    /// - Returns: the host and the port (0–65535).
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        return (host, port)
    }
}

/// Size limits, timeouts and the group-commit window.
public struct ServerLimits: Sendable {
    /// Largest request body accepted on any route, in bytes (a batch of envelopes: 64 MiB).
    public var maxBodyBytes: Int = 64 * 1024 * 1024
    /// Most envelopes in one batch request.
    public var maxBatchItems: Int = 1000
    /// A connection with no request in progress is closed after this many seconds of silence;
    /// a request whose body does not arrive within it is answered 408.
    public var idleTimeoutSeconds: Int = 30
    /// A request body must arrive in full within this many seconds (else 408).
    public var bodyTimeoutSeconds: Int = 60
    /// How long the sequencer waits for more submissions before committing a group (ms).
    public var groupWindowMillis: Int = 0
    /// Most entries in one group.
    public var groupMaxEntries: Int = 2000
    /// Longest a graceful shutdown may take: past it the process exits with status 3, leaving
    /// the submissions still in flight unanswered (none of them was acknowledged).
    public var shutdownTimeoutSeconds: Int = 60

    public init() {}
}
