import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayVerify
import Hummingbird
import NIOCore
import Synchronization

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
    /// The group's checkpoint note as a JSON string, made once per group, not once per answer.
    let checkpoints = QuotedCheckpoints()

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
                var out = JSONBytes()
                Self.writeEntry(outcome, proof: receipt.proofs[0], checkpoint: checkpoints.quoted(receipt), treeSize: receipt.treeSize,
                                withStatus: false, into: &out)
                return Self.json(out, status: outcome.wasPresent ? .ok : .created)
            }
        case .batch(let envelopes):
            let items = envelopes.enumerated().map { Ledger.AppendItem(label: "envelopes[\($0.offset)]", bytes: $0.element) }
            let receipt = try await submit(items)
            let checkpoint = checkpoints.quoted(receipt)
            var out = JSONBytes(capacity: 1024 * items.count)
            out.raw("{\"results\":[")
            var appended = false
            for (i, outcome) in receipt.outcomes.enumerated() {
                if i > 0 { out.raw(",") }
                switch outcome {
                case .failure(let rejection):
                    let p = Self.problem(for: rejection)
                    out.raw("{\"status\":")
                    out.int(UInt64(p.status.code))
                    out.raw(",\"problem\":")
                    out.raw(p.json.utf8)
                    out.raw("}")
                case .success(let o):
                    appended = appended || !o.wasPresent
                    Self.writeEntry(o, proof: receipt.proofs[i], checkpoint: checkpoint, treeSize: receipt.treeSize, withStatus: true, into: &out)
                }
            }
            out.raw("]}")
            return Self.json(out, status: appended ? .created : .ok)
        }
    }

    /// Hands `items` to the sequencer; its failures become 503 problems.
    private func submit(_ items: [Ledger.AppendItem]) async throws -> Sequencer.Receipt {
        do {
            return try await sequencer.submit(items)
        } catch let e as LedgerError {
            // A commit whose outcome is unknown must not be reported as "nothing written": the
            // client resubmits, and a repeat of a committed envelope answers 200 with its entry.
            let detail = e.code == .outcomeUnknown
                ? "\(e.message); submit the same envelopes again: one already committed answers 200 with its entry"
                : "\(e.message); nothing of this submission was written"
            var p = Problem.assay(e.code == .unavailable ? "shutting-down" : "commit-failed", "Not committed", .serviceUnavailable, detail)
            p.headers[.retryAfter] = "1"
            throw p
        }
    }

    /// Whether a Content-Type is JSON: `application/json` in any case, with parameters
    /// (`; charset=utf-8`) allowed.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        var type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let f = type.first, f == 0x20 || f == 0x09 { type = type.dropFirst() }
        while let l = type.last, l == 0x20 || l == 0x09 { type = type.dropLast() }
        let want = "application/json".utf8
        return type.count == want.count && zip(type, want).allSatisfy { a, b in ((0x41...0x5A).contains(a) ? a | 0x20 : a) == b }
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

    /// Writes `{"seq","leafHash","checkpoint","inclusionProof","treeSize"}` (after `"status"`
    /// in a batch); `checkpoint` is the note already as a JSON string.
    static func writeEntry(_ o: AppendOutcome, proof: InclusionProof?, checkpoint: [UInt8], treeSize: UInt64, withStatus: Bool,
                           into out: inout JSONBytes) {
        out.raw("{")
        if withStatus { out.raw(o.wasPresent ? "\"status\":200," : "\"status\":201,") }
        out.raw("\"seq\":")
        out.int(o.record.seq)
        out.raw(",\"leafHash\":")
        o.record.leafHash.withUnsafeBytes { out.base64String($0) }
        out.raw(",\"checkpoint\":")
        out.raw(checkpoint)
        out.raw(",\"inclusionProof\":[")
        for (i, h) in (proof?.hashes ?? []).enumerated() {
            if i > 0 { out.raw(",") }
            h.withUnsafeBytes { out.base64String($0) }
        }
        out.raw("],\"treeSize\":")
        out.int(treeSize)
        out.raw("}")
    }

    static func json(_ body: JSONBytes, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }
}

/// The last checkpoint note quoted as a JSON string, by tree size.
final class QuotedCheckpoints: Sendable {
    private let last = Mutex<(size: UInt64, json: [UInt8])?>(nil)

    func quoted(_ receipt: Sequencer.Receipt) -> [UInt8] {
        guard let note = receipt.checkpoint else { return Array("\"\"".utf8) }
        if let hit = last.withLock({ $0 }), hit.size == receipt.treeSize { return hit.json }
        var out = JSONBytes(capacity: 512)
        out.string(note.serialized)
        let json = out.bytes
        last.withLock { $0 = (receipt.treeSize, json) }
        return json
    }
}
