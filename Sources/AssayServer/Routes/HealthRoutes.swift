import AssayLedger
import Foundation
import Hummingbird

/// `GET /healthz` (the process is up and answering) and `GET /readyz` (the ledger is open,
/// readable and writable, the last group commit succeeded, and the server is not shutting
/// down): 200 `text/plain`, or a 503 problem saying which of these fails.
struct HealthRoutes: RouteProvider {
    func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ok\n")))
        }
        let ledger = server.ledger, sequencer = server.sequencer, path = server.configuration.ledgerPath
        router.get("readyz") { _, _ -> Response in
            func notReady(_ detail: String) -> Problem {
                var p = Problem.assay("not-ready", "Not ready", .serviceUnavailable, detail)
                p.headers[.retryAfter] = "1"
                return p
            }
            if await sequencer.isClosed { throw notReady("the server is shutting down") }
            if let failure = await sequencer.lastFailure { throw notReady("the last group commit failed: \(failure.message)") }
            do {
                _ = try await BlockingIO.run { try ledger.size() }
            } catch {
                throw notReady("the ledger cannot be read: \(error)")
            }
            // A PostgreSQL ledger's writability is the server's (and its role's): checked at open.
            guard Ledger.isPostgresLocation(path) || access(path, W_OK) == 0 else { throw notReady("the ledger file \(path) is not writable") }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ready\n")))
        }
    }
}
