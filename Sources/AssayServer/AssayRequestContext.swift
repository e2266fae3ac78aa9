public import Hummingbird
public import NIOCore

/// The request context of every Assay route: Hummingbird's core context plus the client's
/// address (for logs and per-client limits).
public struct AssayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address, when the channel knows it.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Hummingbird's own upload limit: the body limit of the largest route (a batch); routes
    /// enforce their own, smaller limits as they read.
    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
