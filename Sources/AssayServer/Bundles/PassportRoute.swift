import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayReport
import AssayVerify
import Foundation

/// The passport page a browser gets at a product's GS1 Digital Link: the bundle `assay export`
/// would write, verified here against the operator's own key (a bundle that does not verify is a
/// ledger fault, answered 500 and logged, never a page), rendered by `PassportPage` with the
/// operator's key and the configured witnesses pinned. The browser checks it again itself.
enum PassportRoute {
    /// No request leaves the page: inline script and style only.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

    static func page(_ product: String, _ server: ServerContext) async throws -> String {
        let json = try await BundleRoutes.bundle(product, server)
        let logKey = server.configuration.operatorKey.verifierKey
        let witnesses = server.configuration.passportWitnessKeys
        return try await BlockingIO.run { () throws -> String in
            let bytes = Array(json.utf8)
            let bundle = try ProductBundle(bytes: bytes)
            let today = String(Timestamp(epochMillis: Int64(Date().timeIntervalSince1970 * 1000)).text.prefix(10))
            let verifier = BundleVerifier(logKey: logKey, origin: bundle.origin, product: product, witnesses: witnesses, witnessesNeeded: 0,
                                          policy: .default, auditDate: try CalendarDate(parsing: today), trustedCheckpoint: nil)
            let report = verifier.verify(bundle)
            do throws(PassportPage.PageError) {
                return try PassportPage(bundleJSON: bytes, report: report, trust: .init(logKey: logKey, witnessKeys: witnesses, witnessesNeeded: 0)).html()
            } catch {
                server.logger.error("passport page refused", metadata: ["product": "\(product)", "error": "\(error.description)"])
                // A bundle of this ledger that does not verify is the ledger's fault; a page
                // that cannot be made because its script is not installed is the installation's.
                if case .missingScript = error {
                    throw Problem.assay("installation-incomplete", "Internal Server Error", .internalServerError, error.description)
                }
                throw Problem.assay("ledger-inconsistent", "Internal Server Error", .internalServerError, error.description)
            }
        }
    }
}
