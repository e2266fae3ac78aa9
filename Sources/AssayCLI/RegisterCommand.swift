import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayModel

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a party's key and roles (a PartyRegistration signed by the operator)."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: ArgumentHelp("The operator's secret key file; default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
    var key: String?

    @Option(name: .customLong("operator-key"), help: .hidden)
    var operatorKey: String?

    @Option(name: .customLong("party-id"), help: "The party's id, e.g. https://id.gs1.org/417/4012345000009.")
    var partyId: String

    @Option(name: .customLong("legal-name"), help: "The party's legal name.")
    var legalName: String

    @Option(name: .customLong("role"), help: "A role: supplier, manufacturer, importer, authorisedRepresentative, distributor, repairer, secondLifeOperator, recycler, auditor (repeatable).")
    var roles: [String] = []

    @Option(name: .customLong("public-key"), help: "The key being registered: its .pub file or verifier key string.")
    var publicKey: String

    @Option(help: "Postal address.") var address: String?
    @Option(help: "Contact (e-mail or URL).") var contact: String?
    @Option(name: .customLong("facility"), help: "A facility GLN or Digital Link (repeatable).") var facilities: [String] = []
    @Option(name: .customLong("scope"), help: ArgumentHelp(
        "An identifier scope the party speaks for (repeatable): gs1:<company prefix>, a GS1 identifier, or a URI prefix ending in /, : or #.",
        discussion: "Defining statements (commissioning, manufacturing outputs, assemblies, lifecycle commitments) count as evidence only from a key whose scopes cover the identifier. You vouch for these scopes: check the party's GS1 licence or domain."))
    var scopes: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let op = try InputFiles.secretKey(try EnvironmentDefaults.key(key ?? operatorKey, purpose: "(the operator's)"))
        let vk = try InputFiles.verifierKey(publicKey)
        guard vk.type == .ed25519 else { throw CLIFailure.input("\(publicKey) is a witness key; parties sign with Ed25519 note keys") }
        let ledger = try options.open()
        let payload = try RegistryStatements.registration(
            partyId: partyId, legalName: legalName, roles: roles, publicKey: vk.description, address: address, contact: contact,
            facilities: facilities, scopes: scopes, eventTime: Timestamp(epochMillis: ledger.clock()))
        let env = Envelope.sign(payload: payload, with: op)
        let rec = try ledger.append([.init(label: "registration", bytes: env.canonicalJSON)])[0]
        if json {
            emit(JSONField.object([("seq", .uint(rec.seq)), ("kind", .string(rec.kind)), ("signer", .string(rec.signer)),
                                   ("leafHash", .string(rec.leafHash.hex)), ("registeredKey", .string(vk.reference)),
                                   ("partyId", .string(partyId)), ("roles", .strings(roles))]))
        } else {
            emit("registered \(vk.reference) (\(partyId)) as \(roles.joined(separator: ", ")) at seq \(rec.seq)")
        }
    }
}
