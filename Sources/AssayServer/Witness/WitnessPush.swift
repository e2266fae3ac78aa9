public import AssayCrypto
import AssayLedger
import AssayLog
public import Foundation
public import Hummingbird
import Logging
public import ServiceLifecycle

/// The log side of witnessing (`assay serve --witness URL=KEY`): after each checkpoint the
/// sequencer signs, and once at start for the latest stored one, every configured witness is
/// sent `add-checkpoint` (`WitnessPeer`); the cosignatures that verify are stored beside the
/// checkpoint, so `/checkpoint` (`Ledger.latestCosignedCheckpoint`) and exported bundles carry
/// them. A witness that is down or refuses never holds up the log: the next checkpoint is
/// sent with a proof from the witness's last known size.
public struct WitnessPush: RouteProvider {
    /// The witnesses: submission prefix and cosignature verifier key.
    public let witnesses: [(url: URL, key: VerifierKey)]

    /// Pushes to `witnesses`.
    public init(witnesses: [(url: URL, key: VerifierKey)]) { self.witnesses = witnesses }

    public func register(on router: Router<AssayRequestContext>, server: ServerContext) {}

    public func services(server: ServerContext) -> [any Service] {
        witnesses.map { w in
            // Subscribed now, before the server takes requests: no checkpoint is missed.
            PushService(peer: WitnessPeer(url: w.url, key: w.key), ledger: server.ledger,
                        checkpoints: server.checkpoints.subscribe(), logger: server.logger)
        }
    }

    /// One witness's pusher: the latest stored checkpoint, then each new one (a slow witness
    /// only ever gets the newest).
    struct PushService: Service {
        let peer: WitnessPeer
        let ledger: Ledger
        let checkpoints: AsyncStream<SignedNote>
        let logger: Logger

        func run() async throws {
            let ledger = self.ledger
            if let latest = try? await WitnessPeer.offPool({ try ledger.latestCheckpoint() }) { await push(latest) }
            for await note in checkpoints.cancelOnGracefulShutdown() {
                await push(note)
            }
        }

        func push(_ note: SignedNote) async {
            let outcome = await peer.push(note, ledger: ledger, logger: logger)
            let meta: Logger.Metadata = ["witness": "\(peer.key.reference)", "url": "\(peer.url)"]
            switch outcome {
            case .cosigned(let size): logger.info("witness cosigned", metadata: meta.merging(["size": "\(size)"]) { a, _ in a })
            case .behind(let size): logger.info("witness already has a larger tree", metadata: meta.merging(["witnessSize": "\(size)"]) { a, _ in a })
            case .failed(let why): logger.warning("witness push failed", metadata: meta.merging(["reason": "\(why)"]) { a, _ in a })
            }
        }
    }
}
