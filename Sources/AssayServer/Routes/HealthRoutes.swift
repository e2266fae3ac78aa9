import AssayLedger
import Hummingbird

/// `GET /healthz` (the process is up) and `GET /readyz` (the ledger is open and writable).
struct HealthRoutes: RouteProvider {
    func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ok\n")))
        }
        router.get("readyz") { _, _ -> Response in
            // A size read proves the file is open and readable; writability is what the
            // sequencer last saw (a failed commit marks the server not ready).
            do {
                _ = try server.ledger.size()
            } catch {
                throw Problem.assay("not-ready", "Not ready", .serviceUnavailable, "the ledger cannot be read: \(error)")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: .init(string: "ready\n")))
        }
    }
}
