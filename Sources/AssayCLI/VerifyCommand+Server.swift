import AssayCore
import AssayCrypto
import AssayLog
import AssayModel
import AssayReport
import AssayVerify
import Foundation

extension VerifyCommand {
    /// `verify --server URL --log-key K --origin O [--state FILE]`: audits a log server through
    /// its tiles (`TiledLogAudit`); a monitor with `--state`.
    func verifyServer(_ server: String) throws {
        guard let logKey else { throw CLIFailure.input("--server needs --log-key (the log operator's verifier key)") }
        guard let origin else { throw CLIFailure.input("--server needs --origin (the log origin you expect)") }
        let key = try InputFiles.verifierKey(logKey)
        var saved: [UInt8]? = nil
        if let state, FileManager.default.fileExists(atPath: state) {
            saved = try InputFiles.read(state, what: "saved checkpoint", maxBytes: SignedNote.maxBytes)
        }
        if let saved {
            do { _ = try SignedCheckpoint(parsing: saved, logKey: key, origin: origin, extensions: .assayLedger) } catch {
                throw CLIFailure.input("--state \(state!): the saved checkpoint does not verify under \(key.reference) for origin \(origin): \(error.message)")
            }
        }
        let remote = try RemoteLog(server)
        let witnesses = try witnessKeys.map { try InputFiles.verifierKey($0) }
        guard witnessesNeeded >= 0, witnessesNeeded <= witnesses.count else {
            throw CLIFailure.input("--witnesses-needed \(witnessesNeeded) must be between 0 and the number of --witness-key options (\(witnesses.count))")
        }
        let audit = TiledLogAudit(reader: TilesReader(fetch: remote.tileFetch), logKey: key, origin: origin,
                                  witnesses: witnesses, witnessesNeeded: witnessesNeeded)
        let fetched: TiledLogAudit.Fetched
        do {
            let previous = saved
            fetched = try AsyncBridge.value { try await audit.fetch(saved: previous) }
        } catch let e as TilesError {
            if json {
                var fields: [(String, JSONField)] = [("ok", .bool(false)), ("server", .string(server)), ("failure", .string(e.message))]
                if let evidence = e.checkpoints {
                    fields.append(("savedCheckpoint", .string(String(decoding: evidence.saved, as: UTF8.self))))
                    fields.append(("servedCheckpoint", .string(String(decoding: evidence.served, as: UTF8.self))))
                }
                emit(JSONField.object(fields))
            }
            throw CLIFailure.verification(e.message)
        }
        let progress = Progress(label: "verify", enabled: !json, total: fetched.tree.size)
        let report = try audit.verify(fetched, progress: { progress.update($0) })
        progress.finish()
        let cp = fetched.checkpoint.checkpoint
        if json {
            emit(JSONField.object([
                ("ok", .bool(report.ok)), ("server", .string(server)), ("treeSize", .uint(cp.size)),
                ("root", .string(Base64.encode(cp.rootHash))), ("tilesChecked", .int(Int64(fetched.tree.tilesChecked))),
                ("entriesChecked", .uint(fetched.tree.entriesChecked)),
                ("consistentWith", fetched.saved.map { .uint($0.checkpoint.size) } ?? .null),
                ("state", report.ok ? state.map { .string($0) } ?? .null : .null),
                ("checkpoint", .string(String(decoding: fetched.note, as: UTF8.self))),
                ("report", .raw(ReportJSON.ledger(report))),
            ]))
        } else {
            for w in report.warnings { note("warning: \(w)") }
        }
        if let f = report.failure {
            throw CLIFailure.verification("verification failed at \(f.seq.map { "seq \($0)" } ?? "log level"): \(f.message)")
        }
        if let state { try DurableFile.write(fetched.note, to: state, mode: 0o644) }
        if !json {
            let since = fetched.saved.map { "; consistent with the saved checkpoint of size \($0.checkpoint.size)" } ?? ""
            emit("OK: \(server) checkpoint size \(cp.size) root \(Base64.encode(cp.rootHash)): \(fetched.tree.tilesChecked) tiles and \(fetched.tree.entriesChecked) entries checked, \(report.signers) signers\(since)" + (state.map { "; saved to \($0)" } ?? ""))
        }
    }
}
