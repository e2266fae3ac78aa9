public import AssayCrypto
public import AssayLedger
public import AssayLog
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
public import Logging

/// One witness the log pushes its checkpoints to (C2SP tlog-witness, the client side): its
/// `add-checkpoint` URL, its cosignature verifier key, and the size it cosigned last as far as
/// the log knows (0 at start; a 409 answer says the real one).
public actor WitnessPeer {
    /// The witness's submission prefix (`<prefix>/add-checkpoint` is posted to).
    public nonisolated let url: URL
    /// The witness's cosignature verifier key (type `cosignatureV1`).
    public nonisolated let key: VerifierKey
    /// The size the witness cosigned last, as far as this log knows.
    public private(set) var knownSize: UInt64 = 0
    private let session: URLSession

    /// What one push came to.
    public enum Outcome: Sendable, Equatable {
        /// The witness cosigned; the cosignature is stored beside the checkpoint.
        case cosigned(size: UInt64)
        /// The witness has already cosigned a larger tree than this checkpoint.
        case behind(witnessSize: UInt64)
        /// The witness refused or could not be reached (the reason, one line).
        case failed(String)
    }

    /// A peer.
    /// - Parameter timeout: seconds for each request.
    public init(url: URL, key: VerifierKey, timeout: TimeInterval = 10) {
        self.url = url
        self.key = key
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        self.session = URLSession(configuration: configuration)
    }

    /// Sends `note` (a checkpoint of `ledger`) with the consistency proof from the witness's
    /// last size; after a 409 that names another size, once more from that size. A verified
    /// cosignature is stored beside the checkpoint (`Ledger.addCosignatures`).
    public func push(_ note: SignedNote, ledger: Ledger, logger: Logger) async -> Outcome {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: note.text) } catch { return .failed("not a checkpoint: \(error.message)") }
        for _ in 0..<3 {
            let old = knownSize
            guard old <= checkpoint.size else { return .behind(witnessSize: old) }
            let proof: [Digest]
            do {
                proof = old == 0 || old == checkpoint.size ? [] : try await Self.offPool { try ledger.consistencyProof(from: old, to: checkpoint.size).hashes }
            } catch {
                return .failed("cannot make the consistency proof from \(old) to \(checkpoint.size): \(error)")
            }
            let body = AddCheckpointRequest(oldSize: old, proof: proof, checkpoint: Array(note.serialized.utf8)).serialized
            var request = URLRequest(url: url.appendingPathComponent("add-checkpoint"))
            request.httpMethod = "POST"
            request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
            let data: Data, response: URLResponse
            do { (data, response) = try await session.upload(for: request, from: Data(body)) } catch {
                return .failed("\(url): \(error.localizedDescription)")
            }
            guard let http = response as? HTTPURLResponse else { return .failed("\(url): not an HTTP answer") }
            let type = http.value(forHTTPHeaderField: "Content-Type") ?? ""
            switch http.statusCode {
            case 200:
                return await accept([UInt8](data), note: note, size: checkpoint.size, ledger: ledger)
            case 409 where type.hasPrefix("text/x.tlog.size"):
                guard let size = AddCheckpointRequest.conflictSize(response: [UInt8](data)) else {
                    return .failed("\(url): 409 with a size body that is not a size")
                }
                guard size != old else { return .failed("\(url): 409 naming the size just sent (\(size))") }
                logger.info("witness has another size; retrying from it", metadata: ["witness": "\(key.name)", "size": "\(size)"])
                knownSize = size
            default:
                let text = String(decoding: data.prefix(2048), as: UTF8.self)
                return .failed("\(url): \(http.statusCode) \(text.split(separator: "\n").first ?? "")")
            }
        }
        return .failed("\(url): the witness kept answering 409")
    }

    /// Checks the answer's cosignature against the witness key and stores it.
    private func accept(_ body: [UInt8], note: SignedNote, size: UInt64, ledger: Ledger) async -> Outcome {
        let lines: [SignedNote.Line]
        do { lines = try AddCheckpointRequest.cosignatures(response: body) } catch {
            return .failed("\(url): the 200 answer is not signature lines: \(error.message)")
        }
        let verified: [SignedNote.Line]
        do {
            verified = try SignedNote(text: note.text, signatures: lines).open(verifiers: [key]).verified
        } catch {
            return .failed("\(url): the answer carries no valid cosignature by \(key.reference): \(error.message)")
        }
        knownSize = size
        let cosigned = SignedNote(text: note.text, signatures: note.signatures + verified)
        do {
            _ = try await Self.offPool { try ledger.addCosignatures(note: Array(cosigned.serialized.utf8)) }
        } catch {
            return .failed("cannot store the cosignature of \(key.reference): \(error)")
        }
        return .cosigned(size: size)
    }

    /// Runs blocking ledger work on a dispatch thread, not on Swift's cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try body() }) }
        }
    }
}
