import AssayCrypto
import AssayLog
import AssayModel
import AssayVerify
import Foundation

/// What an auditor gives to judge a product bundle: the bundle file and the trust anchors
/// pinned by the auditor (log key and origin, product, witnesses, date, policy, an older
/// checkpoint). `load()` reads the files and runs `BundleVerifier`.
struct BundleAudit {
    var bundle: String
    var logKey: String
    var witnessKeys: [String]
    var witnessesNeeded: Int
    var origin: String
    var product: String
    var at: String?
    var policy: String?
    var policyKey: String?
    var since: String?

    func load() throws -> (ProductBundle, BundleReport) {
        let bytes = try InputFiles.read(bundle, what: "bundle", maxBytes: ProductBundle.maxBytes)
        let b: ProductBundle
        do { b = try ProductBundle(bytes: bytes) } catch { throw CLIFailure.input("\(bundle): \(error.description)") }
        let (log, witnesses) = try TrustOptions.load(logKey: logKey, witnessKeys: witnessKeys, witnessesNeeded: witnessesNeeded)
        let date: CalendarDate
        if let at {
            date = try CalendarDate(parsing: at, field: "--at")
        } else {
            date = try CalendarDate(parsing: String(Timestamp(epochMillis: Int64(Date().timeIntervalSince1970 * 1000)).text.prefix(10)))
        }
        let trusted = try since.map { try InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) }
        let verifier = BundleVerifier(logKey: log, origin: origin, product: product, witnesses: witnesses, witnessesNeeded: witnessesNeeded,
                                      policy: try loadPolicy(), auditDate: date, trustedCheckpoint: trusted)
        return (b, verifier.verify(b))
    }

    /// The audit policy: the default, a preset named by `--policy`, or the `--policy` file (plain,
    /// or signed by `--policy-key`).
    func loadPolicy() throws -> AuditPolicy {
        guard let policy else {
            if policyKey != nil { throw CLIFailure.input("--policy-key needs --policy") }
            return .default
        }
        if let preset = AuditPolicy.preset(named: policy) {
            // A shipped preset (write ./name for a file of the same name).
            if policyKey != nil { throw CLIFailure.input("--policy \(policy) is a preset shipped with assay, not a signed policy: leave out --policy-key") }
            return preset
        }
        let bytes = try InputFiles.read(policy, what: "policy", maxBytes: 256 * 1024)
        let key = try policyKey.map { try InputFiles.verifierKey($0) }
        do {
            return try AuditPolicy(signedOrPlain: bytes, policyKey: key)
        } catch {
            let message = "\(policy): \(error.message)"
            throw error.isVerificationFailure ? CLIFailure.verification(message) : CLIFailure.input(message)
        }
    }
}
