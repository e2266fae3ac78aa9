import AssayLedger
import Foundation
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

/// Bounds a graceful shutdown. It runs last in the service group, so it is the first told of
/// a shutdown; from then on, a shutdown still going after `seconds` (a commit that never gets
/// its answer: a database server that stopped answering, a file another process holds locked)
/// ends the process with status 3 and one critical log line naming the submissions still in
/// flight. None of them was acknowledged, so nothing acknowledged is lost: a client that got no
/// answer submits again, and an envelope that did commit answers 200 with its entry.
struct ShutdownDeadlineService: Service {
    let seconds: Int
    let sequencer: Sequencer
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        let seconds = self.seconds, sequencer = self.sequencer, logger = self.logger
        Task.detached {
            try? await Task.sleep(for: .seconds(seconds))
            let pending = await sequencer.submissionsInFlight
            logger.critical("shutdown did not finish within \(seconds) s; exiting with status 3, \(pending) submission(s) in flight not answered (none was acknowledged: clients submit them again)")
            exit(3)
        }
    }
}
