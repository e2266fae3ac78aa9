public import AssayCrypto
import AssayVerify
import Foundation
import Hummingbird
public import Logging
import NIOCore
import ServiceLifecycle

/// A C2SP tlog-witness over HTTP (`assay witness serve`): `POST /add-checkpoint` for the logs
/// it is configured with, its state in a directory it holds exclusively while it runs.
public struct WitnessServer: Sendable {
    /// What the witness needs to run.
    public struct Configuration: Sendable {
        /// The state directory (made mode 0700 when missing).
        public var statePath: String
        /// The witness's cosigning key (type `cosignatureV1`).
        public var key: NamedSigningKey
        /// The logs to witness: origin and the log's Ed25519 verifier key.
        public var logs: [(origin: String, key: VerifierKey)]
        /// Host to bind.
        public var host: String
        /// Port to bind; 0 picks a free one.
        public var port: Int

        /// A configuration.
        public init(statePath: String, key: NamedSigningKey, logs: [(origin: String, key: VerifierKey)],
                    host: String = "127.0.0.1", port: Int = 8080) {
            self.statePath = statePath
            self.key = key
            self.logs = logs
            self.host = host
            self.port = port
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// Where the server logs (structured, to standard error).
    public let logger: Logger

    /// A witness server.
    public init(configuration: Configuration, logger: Logger = Logger(label: "assay.witness")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens and locks the state, records each configured log in it (a second, different key
    /// for an origin already recorded is refused), binds, calls `onListening` with the bound
    /// URL and serves until SIGTERM or SIGINT.
    /// - Throws: `WitnessError` when the state cannot be used (`.stateLocked`: another process
    ///   holds it) or a log's configuration conflicts with it; binding errors.
    public func run(onListening: @escaping @Sendable (String) -> Void) async throws {
        guard configuration.key.type == .cosignatureV1 else {
            throw WitnessError(.wrongKeyType, "\(configuration.key.name) is not a witness key; generate one with 'assay key generate --witness'")
        }
        guard !configuration.logs.isEmpty else { throw WitnessError(.unknownOrigin, "give at least one --log <origin>=<log verifier key>") }
        let directory = try WitnessDirectory(path: configuration.statePath, create: true,
                                             evidence: (configuration.statePath as NSString).appendingPathComponent("evidence"))
        let state = try ServedWitnessState(directory: directory, origins: Set(configuration.logs.map(\.origin)))
        let witness = Witness(store: state)
        for log in configuration.logs {
            _ = try witness.addLog(origin: log.origin, key: log.key)
        }
        let router = Router(context: AssayRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        // The witness API is one route (Schemas/openapi-witness.json): anything but POST there is 405.
        router.add(middleware: MethodNotAllowedMiddleware(openAPI: #"{"paths": {"/add-checkpoint": {"post": {}}}}"#))
        WitnessRoutes(witness: witness, key: configuration.key).register(on: router)
        let host = configuration.host, port = configuration.port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? port
                onListening("http://\(host.contains(":") ? "[\(host)]" : host):\(bound)")
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
        // The state stays held until here.
        withExtendedLifetime(state) {}
        logger.info("witness stopped")
    }
}
