public import Hummingbird
public import ServiceLifecycle

/// A feature that adds routes to the server (tiles, witness, bundles, metrics …). The server
/// registers its own routes first, then each provider's, in order.
public protocol RouteProvider: Sendable {
    /// Adds this feature's routes to `router`.
    /// - Parameter server: the running server's ledger, logger and checkpoint feed.
    func register(on router: Router<AssayRequestContext>, server: ServerContext)

    /// Background services the feature needs while the server runs (for example a task that
    /// pushes each new checkpoint to witnesses). They start with the server and are shut down
    /// gracefully with it. Default: none.
    func services(server: ServerContext) -> [any Service]
}

extension RouteProvider {
    public func services(server: ServerContext) -> [any Service] { [] }
}
