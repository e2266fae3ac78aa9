import AssayLedger
import Logging
import ServiceLifecycle

/// Runs the sequencer as a service: on graceful shutdown (which the service group starts only
/// after the HTTP server has answered the requests in flight) it commits what was submitted,
/// answers it, and returns.
struct SequencerService: Service {
    let sequencer: Sequencer
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        await sequencer.close()
        let groups = await sequencer.groupsCommitted, entries = await sequencer.entriesAppended
        logger.info("sequencer closed", metadata: ["groups": "\(groups)", "entriesAppended": "\(entries)"])
    }
}
