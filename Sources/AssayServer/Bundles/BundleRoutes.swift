import AssayLedger
import AssayLog
import AssayModel
import AssayStore
public import Hummingbird
import NIOCore

/// Product bundles and lookups:
/// - `GET /v1/bundles/{product}`: the product's bundle exactly as `assay export --product` writes
///   it (`product` percent-encoded as one path segment, normalised like the CLI's `--product`).
/// - `GET /01/{gtin}/21/{serial}`: the GS1 Digital Link of a serialised item; content negotiation
///   gives the bundle (`application/json`, also for `*/*` or no `Accept`) or the product's
///   passport page (`text/html`, `PassportRoute`), and 406 when the client accepts neither.
/// - `GET /v1/subjects/{id}/entries[?after=SEQ&limit=N]`: the sequence numbers and kinds of the
///   entries about one subject, in log order, a page at a time.
public struct BundleRoutes: RouteProvider {
    /// Most characters (Unicode scalars) of an identifier, after percent-decoding.
    public static let maxIdentifierCharacters = 512
    /// Entries per page of `/v1/subjects/{id}/entries` unless `limit` says otherwise, and the most it may say.
    public static let defaultPageSize = 1000
    public static let maxPageSize = 10_000

    public init() {}

    public func register(on router: Router<AssayRequestContext>, server: ServerContext) {
        router.get("v1/bundles/{product}") { _, context -> Response in
            let product = try Self.identifier(context.parameters.require("product"), field: "product")
            return Self.json(try await Self.bundle(product, server))
        }
        router.get("01/{gtin}/21/{serial}") { request, context -> Response in
            let gtin = try context.parameters.require("gtin")
            let serial = try context.parameters.require("serial")
            let item: String
            do {
                item = try GS1Identifier(digitalLink: "https://id.gs1.org/01/\(gtin)/21/\(serial)").canonical
            } catch let e as ModelError {
                throw Problem.assay("bad-identifier", "Bad Request", .badRequest, e.description)
            }
            switch MediaNegotiation.choose(accept: request.headers[values: .accept], offers: ["application/json", "text/html"]) {
            case "application/json":
                var response = Self.json(try await Self.bundle(item, server))
                response.headers[.vary] = "Accept"
                return response
            case "text/html":
                let page = try await PassportRoute.page(item, server)
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .vary: "Accept", .cacheControl: "no-cache",
                                                       .contentSecurityPolicy: PassportRoute.contentSecurityPolicy],
                                body: .init(byteBuffer: ByteBuffer(string: page)))
            default:
                var p = Problem.assay("not-acceptable", "Not Acceptable", .notAcceptable,
                                      "Accept admits neither application/json (the bundle) nor text/html (the page)")
                p.headers[.vary] = "Accept"
                throw p
            }
        }
        router.get("v1/subjects/{id}/entries") { request, context -> Response in
            let subject = canonicalSubject(try Self.identifier(context.parameters.require("id"), field: "id"))
            let query = request.uri.queryParameters
            let after = try Self.integer(query["after"], field: "after", range: 0...UInt64(Int64.max))
            let limit = Int(try Self.integer(query["limit"], field: "limit", range: 1...UInt64(Self.maxPageSize)) ?? UInt64(Self.defaultPageSize))
            let page = try await BlockingIO.run { () throws -> SubjectEntries in
                let seqs = try server.ledger.store.sequences(forSubject: subject).filter { after == nil || $0 > after! }
                let shown = seqs.prefix(limit)
                let entries = try shown.map { (seq: $0, kind: try server.ledger.record(at: $0).kind) }
                return SubjectEntries(subject: subject, entries: entries, next: seqs.count > limit ? shown.last : nil)
            }
            return Self.json(page.json)
        }
    }

    /// A percent-decoded identifier from one path segment: 1 to `maxIdentifierCharacters`
    /// characters of UTF-8 with no control characters (C0, DEL, C1).
    static func identifier(_ raw: String, field: String) throws(Problem) -> String {
        guard let text = PercentDecoding.decode(raw) else {
            throw Problem.assay("bad-identifier", "Bad Request", .badRequest, "\(field): not a percent-encoded UTF-8 identifier")
        }
        guard !text.isEmpty, text.unicodeScalars.count <= maxIdentifierCharacters else {
            throw Problem.assay("bad-identifier", "Bad Request", .badRequest, "\(field): must be 1 to \(maxIdentifierCharacters) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) else {
            throw Problem.assay("bad-identifier", "Bad Request", .badRequest, "\(field): must not contain control characters")
        }
        return text
    }

    /// An optional decimal query parameter within `range`.
    static func integer(_ raw: Substring?, field: String, range: ClosedRange<UInt64>) throws(Problem) -> UInt64? {
        guard let raw else { return nil }
        guard !raw.isEmpty, raw.utf8.count <= 20, raw.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let v = UInt64(raw), range.contains(v) else {
            throw Problem.assay("bad-query", "Bad Request", .badRequest,
                                "\(field): must be a decimal integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// The bundle's JSON, built off Swift's cooperative pool (export reads the store and may
    /// build the subject index). Ledger errors become problems: nothing to export is 404.
    static func bundle(_ product: String, _ server: ServerContext) async throws -> String {
        do {
            return try await BlockingIO.run { try server.ledger.exportBundle(product: product).json }
        } catch let e as LedgerError {
            switch e.code {
            case .unavailable: throw Problem.assay("no-bundle", "Not Found", .notFound, e.message)
            case .storage: throw Problem.assay("storage", "Service Unavailable", .serviceUnavailable, e.message)
            default:
                server.logger.error("export failed", metadata: ["product": "\(product)", "error": "\(e.message)"])
                throw Problem.assay("ledger-inconsistent", "Internal Server Error", .internalServerError, e.message)
            }
        }
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The answer of `GET /v1/subjects/{id}/entries`.
struct SubjectEntries: Sendable {
    let subject: String
    let entries: [(seq: UInt64, kind: String)]
    /// The last seq shown when more follow (pass it as `after`), else nil.
    let next: UInt64?

    var json: String {
        var fields: [(String, String)] = [("subject", JSONWriter.quote(subject)),
                                          ("entries", "[" + entries.map { JSONWriter.object([("seq", "\($0.seq)"), ("kind", JSONWriter.quote($0.kind))]) }.joined(separator: ",") + "]")]
        if let next { fields.append(("next", "\(next)")) }
        return JSONWriter.object(fields)
    }
}
