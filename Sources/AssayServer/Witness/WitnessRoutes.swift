public import AssayCrypto
import AssayLog
import AssayModel
public import AssayVerify
import Dispatch
public import Foundation
public import Hummingbird
import Logging
import NIOCore

/// `POST /add-checkpoint`: C2SP tlog-witness (c2sp.org/tlog-witness), answered by the one
/// implementation of the witness rules (`Witness`, `WitnessStateMachine`).
///
/// | outcome | status | body |
/// | --- | --- | --- |
/// | cosigned | 200 | the cosignature line (`text/plain; charset=utf-8`) |
/// | body not the protocol's layout, checkpoint unparsable, old size above the checkpoint's | 400 | problem |
/// | no configured log key verifies a signature | 403 | problem |
/// | origin not witnessed | 404 | problem |
/// | old size is not the size cosigned last | 409 | that size and `\n` (`text/x.tlog.size`) |
/// | same size, another root (a fork) | 409 | problem with both checkpoints |
/// | consistency proof does not verify | 422 | problem (with both checkpoints) |
///
/// Problems are RFC 9457 JSON `{type, title, status, detail}`; a refusal that is evidence of
/// log misbehaviour adds `evidence: {previouslyCosigned, new}` (both notes verbatim) and is
/// also kept in the state's `evidence/` directory.
public struct WitnessRoutes: Sendable {
    /// The witness over the served state.
    public let witness: Witness<ServedWitnessState>
    /// The witness's cosigning key.
    public let key: NamedSigningKey
    /// The clock for cosignature timestamps (seconds since the epoch).
    public let clock: @Sendable () -> UInt64

    /// Routes for `witness`, cosigning with `key`.
    public init(witness: Witness<ServedWitnessState>, key: NamedSigningKey,
                clock: @escaping @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970) }) {
        self.witness = witness
        self.key = key
        self.clock = clock
    }

    /// Adds `POST /add-checkpoint`.
    public func register(on router: Router<AssayRequestContext>) {
        router.post("add-checkpoint") { request, context -> Response in
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: AddCheckpointRequest.maxBytes)
            } catch {
                throw Problem.http(.contentTooLarge, "the add-checkpoint body is larger than \(AddCheckpointRequest.maxBytes) bytes")
            }
            let parsed: AddCheckpointRequest
            do { parsed = try AddCheckpointRequest(parsing: Array(buffer: body)) } catch {
                return Self.problem(WitnessError(.malformedRequest, (error as? LogError)?.message ?? "\(error)")).response
            }
            let outcome: Result<Witness<ServedWitnessState>.Cosigned, WitnessError> = await Self.offPool { [witness, key, clock] in
                do { return .success(try witness.addCheckpoint(parsed, key: key, timestamp: clock())) } catch let e as WitnessError {
                    return .failure(e)
                } catch {
                    return .failure(WitnessError(.stateUnusable, "\(error)"))
                }
            }
            switch outcome {
            case .success(let cosigned):
                context.logger.info("cosigned", metadata: ["origin": "\(cosigned.checkpoint.origin)", "size": "\(cosigned.checkpoint.size)"])
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: cosigned.cosignature.text)))
            case .failure(let e):
                if e.evidence != nil {
                    context.logger.warning("refused with evidence of log misbehaviour", metadata: ["code": "\(e.code.rawValue)"])
                }
                if e.code == .oldSizeMismatch, let size = e.latestSize {
                    return Response(status: .conflict, headers: [.contentType: "text/x.tlog.size"],
                                    body: .init(byteBuffer: ByteBuffer(string: "\(size)\n")))
                }
                if Self.status(e) == .internalServerError {
                    context.logger.error("witness state error", metadata: ["error": "\(e.message)"])
                }
                return Self.problem(e).response
            }
        }
    }

    /// The HTTP status of a witness refusal (C2SP tlog-witness).
    public static func status(_ e: WitnessError) -> HTTPResponse.Status {
        switch e.code {
        case .malformedRequest, .malformedCheckpoint, .oldSizeTooLarge, .invalidOrigin: .badRequest
        case .badSignature, .logKeyMismatch: .forbidden
        case .unknownOrigin: .notFound
        case .oldSizeMismatch, .fork, .rollback: .conflict
        case .inconsistent, .needProof, .wrongProof: .unprocessableContent
        case .stateMissing, .stateUnusable, .stateLocked, .invalidTransition, .wrongKeyType, .originKeyConflict: .internalServerError
        }
    }

    /// The problem answer for a refusal: the reason's first line as `detail` (internal errors
    /// are not described), and the evidence when there is some.
    static func problem(_ e: WitnessError) -> WitnessProblem {
        let status = status(e)
        let detail = status == .internalServerError ? "the witness cannot use its state" : String(e.message.split(separator: "\n").first ?? "")
        return WitnessProblem(type: "urn:assay:problem:witness-\(e.code.rawValue)", title: Self.title(e.code), status: status,
                              detail: detail, evidence: e.evidence)
    }

    static func title(_ code: WitnessError.Code) -> String {
        switch code {
        case .malformedRequest: "Malformed add-checkpoint request"
        case .malformedCheckpoint: "Malformed checkpoint"
        case .oldSizeTooLarge: "Old size larger than the checkpoint"
        case .badSignature, .logKeyMismatch: "Not signed by the log's key"
        case .unknownOrigin: "Unknown log"
        case .oldSizeMismatch: "Old size is not the size cosigned last"
        case .fork: "Fork: another root for a cosigned size"
        case .rollback: "Rollback"
        case .inconsistent, .needProof, .wrongProof: "Consistency proof does not verify"
        default: "Witness error"
        }
    }

    /// Runs the blocking read-check-write (file locks, fsync) on a dispatch thread, not on
    /// Swift's cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: body()) }
        }
    }
}

/// An RFC 9457 problem from the witness, with the evidence of a refusal (both checkpoints) as
/// the extension member `evidence`.
struct WitnessProblem: Sendable {
    let type: String
    let title: String
    let status: HTTPResponse.Status
    let detail: String
    let evidence: (previouslyCosigned: String, new: String)?

    var json: String {
        var fields = [("type", JSONWriter.quote(type)), ("title", JSONWriter.quote(title)),
                      ("status", "\(status.code)"), ("detail", JSONWriter.quote(detail))]
        if let evidence {
            fields.append(("evidence", JSONWriter.object([("previouslyCosigned", JSONWriter.quote(evidence.previouslyCosigned)),
                                                          ("new", JSONWriter.quote(evidence.new))])))
        }
        return JSONWriter.object(fields)
    }

    var response: Response {
        Response(status: status, headers: [.contentType: "application/problem+json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
