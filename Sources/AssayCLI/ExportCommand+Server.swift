import AssayLog
import AssayModel
import Foundation

extension ExportCommand {
    /// `export --server URL --product ID --out FILE`: fetches the product's bundle from a log
    /// server (`GET /v1/bundles/{product}`, the identifier percent-encoded as one path segment)
    /// and writes it, after checking it parses as a bundle. Verify it with `assay verify --bundle`.
    func exportFromServer(_ server: String) throws {
        guard options.ledger == nil else { throw CLIFailure.input("give either --ledger or --server, not both") }
        guard !epcis, !batteryPassport, since == nil, created == nil else {
            throw CLIFailure.input("--server fetches the product's bundle as the server exports it: --epcis, --battery-passport, --since and --created apply to --ledger only")
        }
        guard let out else { throw CLIFailure.input("--out is required: where to write the bundle") }
        let remote = try RemoteLog(server)
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/;?#%")
        guard let segment = product.addingPercentEncoding(withAllowedCharacters: allowed) else {
            throw CLIFailure.input("--product \(product) cannot be written in a URL")
        }
        let answer = try AsyncBridge.value { try await remote.get("v1/bundles/" + segment, accept: "application/json") }
        guard answer.status == 200 else {
            throw CLIFailure.input("the server has no bundle for \(product) (\(answer.status)): \(answer.reason)")
        }
        let bundle: ProductBundle
        do { bundle = try ProductBundle(bytes: answer.body) } catch {
            throw CLIFailure.input("the server's answer for \(product) is not a product bundle: \(error.description)")
        }
        try InputFiles.writeAtomically(answer.body, to: out)
        let size = (try? Checkpoint(parsing: try SignedNote(parsing: Array(bundle.checkpoint.utf8)).text).size) ?? 0
        if json {
            emit(JSONField.object([("bundle", .string(out)), ("product", .string(bundle.product)), ("entries", .int(Int64(bundle.entries.count))),
                                   ("checkpointSize", .uint(size)), ("server", .string(server))]))
        } else {
            emit("exported \(bundle.entries.count) entries about \(bundle.product) from \(server) to \(out) (checkpoint size \(size))")
        }
    }
}
