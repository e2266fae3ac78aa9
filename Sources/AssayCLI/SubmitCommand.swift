import ArgumentParser
import AssayCrypto
import AssayLog
import AssayModel
import AssayVerify
import Foundation

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit signed envelopes to a log server (assay serve) and print each one's seq.",
        discussion: """
        Each envelope file is POSTed to <server>/v1/entries, one request per file in the order given \
        (with --batch: all in one request, {"envelopes":[…]}). The server answers only after the entry \
        is durably committed and its checkpoint signed. Prints 'appended seq N: FILE' or 'already present \
        seq N: FILE' per envelope; with --json, one object with every answer (seq, leafHash, treeSize, \
        the signed checkpoint and the inclusion proof). With --log-key, every answer's checkpoint must \
        verify under that key and its inclusion proof must lead from the entry's leaf hash to the \
        checkpoint's root.

        A refused envelope stops the run (without --batch, the ones before it stay committed) with the \
        server's one-line reason, the same the CLI's append gives; exit 2.
        """
    )

    @Option(help: ArgumentHelp("The log server's URL (http:// or https://).", valueName: "url")) var server: String
    @Argument(help: ArgumentHelp("Signed envelope files (.dsse.json).", valueName: "envelope")) var envelopes: [String]
    @Flag(help: "Submit every envelope in one request.") var batch = false
    @Flag(help: "Print every answer as JSON, proofs included.") var json = false
    @Option(name: .customLong("log-key"), help: "The log operator's verifier key: check each answer's checkpoint and inclusion proof.") var logKey: String?

    /// One accepted envelope.
    struct Receipt {
        let file: String
        let appended: Bool
        let seq: UInt64
        let object: [String: Any]
    }

    func validate() throws {
        guard !envelopes.isEmpty else { throw ValidationError("give at least one envelope file") }
    }

    func run() throws {
        let remote = try RemoteLog(server)
        let key = try logKey.map { try InputFiles.verifierKey($0) }
        let bodies = try envelopes.map { try InputFiles.read($0, what: "envelope", maxBytes: EntryChecker.maxEnvelopeBytes) }
        var receipts: [Receipt] = []
        var refusal: String? = nil
        if batch {
            let body = Array("{\"envelopes\":[".utf8) + bodies.joined(separator: Array(",".utf8)) + Array("]}".utf8)
            let answer = try AsyncBridge.value { try await remote.post("v1/entries", body: body, contentType: "application/json") }
            guard answer.status == 200 || answer.status == 201 else {
                throw CLIFailure.input("the server refused the batch (\(answer.status)): \(answer.reason)")
            }
            guard let obj = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
                  let results = obj["results"] as? [[String: Any]], results.count == envelopes.count else {
                throw CLIFailure.input("the server's answer to the batch is not {\"results\":[…]} with one result per envelope")
            }
            for (file, item) in zip(envelopes, results) {
                let status = item["status"] as? Int ?? 0
                if status == 200 || status == 201 {
                    receipts.append(try Self.receipt(file: file, appended: status == 201, item, key: key))
                } else if refusal == nil {
                    let detail = (item["problem"] as? [String: Any])?["detail"] as? String ?? "refused (\(status))"
                    refusal = "\(file): \(detail)"
                }
            }
        } else {
            for (file, body) in zip(envelopes, bodies) {
                let answer = try AsyncBridge.value { try await remote.post("v1/entries", body: body, contentType: "application/json") }
                guard answer.status == 200 || answer.status == 201 else {
                    refusal = "\(file): \(answer.reason)"
                    break
                }
                guard let obj = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] else {
                    throw CLIFailure.input("\(file): the server's answer is not a JSON object")
                }
                receipts.append(try Self.receipt(file: file, appended: answer.status == 201, obj, key: key))
            }
        }
        if json {
            var results: [String] = []
            for r in receipts {
                var fields: [(String, JSONField)] = [("file", .string(r.file)), ("status", .string(r.appended ? "appended" : "present")), ("seq", .uint(r.seq))]
                if let leaf = r.object["leafHash"] as? String { fields.append(("leafHash", .string(leaf))) }
                if let size = r.object["treeSize"] as? Int { fields.append(("treeSize", .int(Int64(size)))) }
                if let cp = r.object["checkpoint"] as? String { fields.append(("checkpoint", .string(cp))) }
                if let proof = r.object["inclusionProof"] as? [String] { fields.append(("inclusionProof", .strings(proof))) }
                results.append(JSONField.object(fields))
            }
            emit(JSONField.object([("results", .raw("[" + results.joined(separator: ",") + "]")), ("refused", refusal.map { .string($0) } ?? .null)]))
        } else {
            for r in receipts { emit("\(r.appended ? "appended" : "already present") seq \(r.seq): \(r.file)") }
        }
        if let refusal { throw CLIFailure.input(refusal) }
    }

    /// Reads one entry answer; with `key`, checks its checkpoint and inclusion proof.
    static func receipt(file: String, appended: Bool, _ obj: [String: Any], key: VerifierKey?) throws -> Receipt {
        guard let seq = obj["seq"] as? Int, seq >= 0 else { throw CLIFailure.input("\(file): the server's answer has no seq") }
        if let key {
            guard let leafText = obj["leafHash"] as? String, let leaf = try? Digest(base64: leafText),
                  let note = obj["checkpoint"] as? String, let hashes = obj["inclusionProof"] as? [String],
                  let size = obj["treeSize"] as? Int else {
                throw CLIFailure.verification("\(file): the server's answer lacks the leaf hash, checkpoint or proof to check")
            }
            do {
                let cp = try SignedCheckpoint(parsing: Array(note.utf8), logKey: key)
                guard cp.checkpoint.size == UInt64(size) else {
                    throw CLIFailure.verification("\(file): treeSize \(size) but the checkpoint is for size \(cp.checkpoint.size)")
                }
                let proof = InclusionProof(index: UInt64(seq), treeSize: UInt64(size), hashes: try hashes.map { try Digest(base64: $0) })
                try proof.verify(leafHash: leaf, root: try cp.checkpoint.root)
            } catch let e as LogError {
                throw CLIFailure.verification("\(file): seq \(seq): \(e.message)")
            } catch let e as CryptoError {
                throw CLIFailure.verification("\(file): seq \(seq): \(e.message)")
            }
        }
        return Receipt(file: file, appended: appended, seq: UInt64(seq), object: obj)
    }
}
