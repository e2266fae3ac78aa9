import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayVerify
import Hummingbird
import NIOCore

/// `POST /v1/entries`: one DSSE envelope, or `{"envelopes":[…]}`, through the sequencer.
///
/// Answers only after the group holding the submission committed:
/// - one envelope: `201` with `{"seq","leafHash","checkpoint","inclusionProof","treeSize"}`
///   when appended, `200` with the same for an envelope the ledger already held, a problem
///   (4xx) when refused;
/// - a batch: `{"results":[…]}`, one item per envelope in order — the fields above plus
///   `"status"` (201 or 200), or `{"status":4xx,"problem":{…}}` — with `201` when anything
///   was appended and `200` otherwise.
struct SubmissionRoutes: Sendable {
    let sequencer: Sequencer
    let limits: ServerLimits

    func register(on router: Router<AssayRequestContext>) {
        router.post("v1/entries") { request, context in try await submit(request, context: context) }
    }

    func submit(_ request: Request, context: AssayRequestContext) async throws -> Response {
        guard Self.isJSON(request.headers[.contentType]) else {
            throw Problem.assay("unsupported-media-type", "Unsupported media type", .unsupportedMediaType,
                                "the body must be application/json (one DSSE envelope or {\"envelopes\":[…]}), not \(request.headers[.contentType].map { "\"\($0)\"" } ?? "missing")")
        }
        let bytes = try await RequestLimits.body(of: request, maxBytes: limits.maxBodyBytes, timeoutSeconds: limits.bodyTimeoutSeconds)
        switch try SubmissionBody.parse(bytes, maxItems: limits.maxBatchItems) {
        case .single(let envelope):
            guard envelope.count <= EntryChecker.maxEnvelopeBytes else {
                throw Problem.assay("envelope-too-large", "Envelope too large", .contentTooLarge,
                                    "envelope: envelope is \(envelope.count) bytes, over the limit of \(EntryChecker.maxEnvelopeBytes)")
            }
            let receipt = try await submit([Ledger.AppendItem(label: "envelope", bytes: envelope)])
            switch receipt.outcomes[0] {
            case .failure(let rejection):
                throw Self.problem(for: rejection)
            case .success(let outcome):
                let body = Self.entryJSON(outcome, proof: receipt.proofs[0], receipt: receipt, withStatus: false)
                return Self.json(body, status: outcome.wasPresent ? .ok : .created)
            }
        case .batch(let envelopes):
            let items = envelopes.enumerated().map { Ledger.AppendItem(label: "envelopes[\($0.offset)]", bytes: $0.element) }
            let receipt = try await submit(items)
            var results: [String] = []
            results.reserveCapacity(items.count)
            var appended = false
            for (i, outcome) in receipt.outcomes.enumerated() {
                switch outcome {
                case .failure(let rejection):
                    let p = Self.problem(for: rejection)
                    results.append(JSONWriter.object([("status", "\(p.status.code)"), ("problem", p.json)]))
                case .success(let o):
                    appended = appended || !o.wasPresent
                    results.append(Self.entryJSON(o, proof: receipt.proofs[i], receipt: receipt, withStatus: true))
                }
            }
            return Self.json("{\"results\":[" + results.joined(separator: ",") + "]}", status: appended ? .created : .ok)
        }
    }

    /// Hands `items` to the sequencer; its failures become 503 problems.
    private func submit(_ items: [Ledger.AppendItem]) async throws -> Sequencer.Receipt {
        do {
            return try await sequencer.submit(items)
        } catch let e as LedgerError {
            var p = Problem.assay(e.code == .unavailable ? "shutting-down" : "commit-failed", "Not committed", .serviceUnavailable,
                                  "\(e.message); nothing of this submission was written")
            p.headers[.retryAfter] = "1"
            throw p
        }
    }

    /// Whether a Content-Type is JSON: `application/json`, with parameters (`; charset=utf-8`) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
        return type == "application/json"
    }

    /// The problem for a refused envelope: 400 when it does not parse (envelope, statement), 409
    /// when its eventID names another event, 422 when it parses but a check refuses it
    /// (signature, signer registry, authorisation, a future eventTime). `detail` is the CLI's line.
    static func problem(for r: EntryRejection) -> Problem {
        switch r.reason {
        case .check(.envelope): return .assay("malformed-envelope", "Malformed envelope", .badRequest, r.message)
        case .check(.statement), .check(.schema): return .assay("invalid-statement", "Invalid statement", .badRequest, r.message)
        case .eventConflict: return .assay("event-conflict", "Event conflict", .conflict, r.message)
        case .check(.signature): return .assay("bad-signature", "Signature does not verify", .unprocessableContent, r.message)
        case .check(.registry): return .assay("unregistered-signer", "Signer not registered", .unprocessableContent, r.message)
        case .check(.authorization): return .assay("not-authorized", "Signer not authorised", .unprocessableContent, r.message)
        case .futureEventTime: return .assay("future-event", "Event time in the future", .unprocessableContent, r.message)
        case .check: return .assay("rejected", "Entry refused", .unprocessableContent, r.message)
        }
    }

    /// `{"seq","leafHash","checkpoint","inclusionProof","treeSize"}` (and `"status"` in a batch).
    static func entryJSON(_ o: AppendOutcome, proof: InclusionProof?, receipt: Sequencer.Receipt, withStatus: Bool) -> String {
        var fields: [(String, String)] = []
        if withStatus { fields.append(("status", o.wasPresent ? "200" : "201")) }
        fields += [
            ("seq", "\(o.record.seq)"),
            ("leafHash", JSONWriter.quote(Base64.encode(o.record.leafHash.bytes))),
            ("checkpoint", JSONWriter.quote(receipt.checkpoint?.serialized ?? "")),
            ("inclusionProof", "[" + (proof?.hashes ?? []).map { JSONWriter.quote(Base64.encode($0.bytes)) }.joined(separator: ",") + "]"),
            ("treeSize", "\(receipt.treeSize)"),
        ]
        return JSONWriter.object(fields)
    }

    static func json(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
