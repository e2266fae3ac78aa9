import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import Hummingbird
import NIOCore

/// `GET /v1/entries/{seq}`: one entry as JSON `{"seq","appendedAt","record","envelope","leafHash"}`:
/// `record` is the base64 of the record bytes (FORMAT.md §3) a client hashes to the leaf hash,
/// `envelope` the stored canonical DSSE envelope (a JSON object), `leafHash` base64.
struct EntryRoutes: RouteProvider {
    func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        let ledger = server.ledger
        router.get("v1/entries/:seq") { _, context -> Response in
            let text = context.parameters.get("seq") ?? ""
            guard let seq = UInt64(text), String(seq) == text else {
                throw Problem.assay("bad-sequence-number", "Bad sequence number", .badRequest,
                                    "\(text.prefix(40)) is not a sequence number (a decimal integer without leading zeros)")
            }
            let (record, size) = try await BlockingIO.run { () -> (StoredRecord?, UInt64) in
                (try ledger.store.record(at: seq), try ledger.size())
            }
            guard let record else {
                throw Problem.assay("no-such-entry", "No such entry", .notFound, "there is no entry \(seq) (the ledger has \(size) entries)")
            }
            let body = JSONWriter.object([
                ("seq", "\(record.seq)"),
                ("appendedAt", JSONWriter.quote(Timestamp(epochMillis: record.appendedAtMillis).text)),
                ("record", JSONWriter.quote(Base64.encode(record.record.recordBytes))),
                ("envelope", String(decoding: record.envelope, as: UTF8.self)),
                ("leafHash", JSONWriter.quote(Base64.encode(record.leafHash.bytes))),
            ])
            // An entry never changes once written.
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=31536000, immutable"],
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}
