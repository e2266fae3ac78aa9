import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel
import Foundation

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a registered key (signed by the operator or by the key's own party)."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("The secret key that signs the revocation (the operator's or the party's own); default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
    var key: String?

    @Option(name: .customLong("public-key"), help: "The key being revoked: its .pub file, verifier key, or name+keyid.")
    var publicKey: String?

    @Option(name: .customLong("revoked-key"), help: .hidden)
    var revokedKey: String?

    @Option(help: "compromise, superseded or party-exit.")
    var reason: String

    @Option(help: "RFC 3339 time from which the key is untrusted (default: now). For a compromise it may be earlier.")
    var effective: String?

    @Option(help: "The replacement key, as name+keyid.")
    var replacement: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        guard let target = publicKey ?? revokedKey else { throw CLIFailure.input("give --public-key: the key to revoke") }
        let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key))
        let ref: String
        if target.split(separator: "+").count == 2 && !FileManager.default.fileExists(atPath: target) {
            ref = target
        } else {
            ref = try InputFiles.verifierKey(target).reference
        }
        let ledger = try options.open()
        let payload = try RegistryStatements.revocation(revokedKey: ref, reason: reason, effective: effective, replacement: replacement,
                                                        eventTime: Timestamp(epochMillis: ledger.clock()))
        let env = Envelope.sign(payload: payload, with: signer)
        let rec = try ledger.append([.init(label: "revocation", bytes: env.canonicalJSON)])[0]
        if json {
            emit(JSONField.object([("seq", .uint(rec.seq)), ("kind", .string(rec.kind)), ("signer", .string(rec.signer)),
                                   ("leafHash", .string(rec.leafHash.hex)), ("revokedKey", .string(ref)), ("reason", .string(reason))]))
        } else {
            emit("revoked \(ref) (\(reason)) at seq \(rec.seq)")
        }
    }
}
