import AssayLedger
import AssayLog
import Hummingbird
import NIOCore

/// `GET /checkpoint`: the latest signed checkpoint note (C2SP tlog-checkpoint), with every
/// witness cosignature stored for it, as `text/plain; charset=utf-8`. Not cached (it changes
/// with every group).
struct CheckpointRoutes: RouteProvider {
    func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        let ledger = server.ledger
        router.get("checkpoint") { _, _ -> Response in
            let note = try await BlockingIO.run { try ledger.latestCosignedCheckpoint() }
            guard let note else {
                throw Problem.assay("no-checkpoint", "No checkpoint yet", .notFound, "the ledger has no checkpoint yet")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: note.serialized)))
        }
    }
}
