import AssayLedger
import AssayCrypto
import Hummingbird
public import Logging
import NIOCore
import Foundation
import ServiceLifecycle

/// The Assay HTTP service (`assay serve`): submissions through the group-commit sequencer,
/// reads of checkpoints and entries, health, and whatever routes `extraRoutes` add.
///
/// `run` returns after a graceful shutdown (SIGTERM or SIGINT): the listener closes, requests
/// in flight are answered (their groups commit first), then the ledger is released.
public struct AssayServer: Sendable {
    public let configuration: ServerConfiguration
    public let logger: Logger

    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "assay.server")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens the ledger, binds, calls `onListening` with the bound URL (`http://127.0.0.1:PORT`),
    /// and serves until a shutdown signal.
    /// - Throws: `ServerError` when the ledger cannot be opened or the key is not the operator's;
    ///   binding errors from the network layer.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        let ledger: Ledger
        do {
            ledger = try Ledger.open(at: configuration.ledgerPath, policy: configuration.policy, logger: logger)
        } catch let e as LedgerError {
            throw ServerError(.startup, e.message)
        }
        let limits = configuration.limits
        do {
            let clock = ContinuousClock(), t0 = clock.now
            try ledger.warmUpForGroups()
            let entries = try ledger.size()
            logger.info("ledger open", metadata: ["path": "\(ledger.store.location)", "entries": "\(entries)",
                                                 "warmUpMillis": "\((clock.now - t0) / .milliseconds(1))"])
        } catch let e as LedgerError {
            throw ServerError(.startup, e.message)
        }
        let feed = CheckpointFeed()
        let sequencer: Sequencer
        do {
            sequencer = try Sequencer(ledger: ledger, key: configuration.operatorKey, window: .milliseconds(limits.groupWindowMillis),
                                      maxGroupEntries: limits.groupMaxEntries, logger: logger, onCheckpoint: { feed.publish($0) },
                                      onCommit: { _, nanos in ServerMetrics.recordGroupCommit(nanoseconds: nanos) })
        } catch let e as LedgerError {
            throw ServerError(.startup, e.message)
        }
        let context = ServerContext(ledger: ledger, logger: logger, configuration: configuration, checkpoints: feed, sequencer: sequencer)
        let router = Router(context: AssayRequestContext.self)
        for m in configuration.middleware { router.add(middleware: m) }
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MethodNotAllowedMiddleware(openAPI: OpenAPIDocument.json))
        HealthRoutes().register(on: router, server: context)
        CheckpointRoutes().register(on: router, server: context)
        EntryRoutes().register(on: router, server: context)
        SubmissionRoutes(sequencer: sequencer, limits: limits).register(on: router)
        var services: [any Service] = [SequencerService(sequencer: sequencer, logger: logger)]
        for provider in configuration.extraRoutes {
            provider.register(on: router, server: context)
            services.append(contentsOf: provider.services(server: context))
        }
        let app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.limits.idleTimeoutSeconds)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                onListening("http://\(host):\(port)")
            },
            logger: logger
        )
        // The service group shuts services down last-first: the HTTP server stops taking
        // requests and answers those in flight before the services listed before it stop.
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) } + [.init(service: app)]
                + [.init(service: ShutdownDeadlineService(seconds: limits.shutdownTimeoutSeconds, sequencer: sequencer, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch let e as IOError {
            feed.finish()
            throw ServerError(.startup, "cannot listen on \(configuration.host):\(configuration.port): \(String(cString: strerror(e.errnoCode)))")
        } catch let e as ServerError {
            feed.finish()
            throw e
        } catch {
            feed.finish()
            throw ServerError(.failed, "the server stopped: \(error)")
        }
        feed.finish()
        logger.info("server stopped")
    }
}
