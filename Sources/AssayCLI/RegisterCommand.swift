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

    @Option(name: .customLong("smelter-rmi"), help: ArgumentHelp(
        "For a smelter or refiner: its RMI smelter id, CID and six digits (with --smelter-metal and --conformance).",
        discussion: "Declares the party a smelter or refiner: its chain of custody to a product is traced and its conformance status reported at audit."))
    var smelterRMI: String?
    @Option(name: .customLong("smelter-metal"), help: "The smelter's mineral: tin, tantalum, tungsten, gold, cobalt, lithium, nickel, natural-graphite.")
    var smelterMetal: String?
    @Option(help: "The smelter's conformance status: conformant, active, non-conformant.") var conformance: String?
    @Option(name: .customLong("assessed-on"), help: ArgumentHelp("When the conformance status was assessed (YYYY-MM-DD).", valueName: "date"))
    var assessedOn: String?
    @Option(help: "The assessment programme (RMAP, LBMA, RJC …).") var programme: String?
    @Option(name: .customLong("smelter-country"), help: ArgumentHelp("Where the smelter is (ISO 3166-1 alpha-2).", valueName: "code"))
    var smelterCountry: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let op = try InputFiles.secretKey(try EnvironmentDefaults.key(key ?? operatorKey, purpose: "(the operator's)"))
        let vk = try InputFiles.verifierKey(publicKey)
        guard vk.type == .ed25519 else { throw CLIFailure.input("\(publicKey) is a witness key; parties sign with Ed25519 note keys") }
        let smelter = RegistryStatements.SmelterOptions(rmiId: smelterRMI, metal: smelterMetal, conformance: conformance,
                                                        assessedOn: assessedOn, programme: programme, country: smelterCountry)
        _ = try smelter.declaration() // refused before the ledger is opened
        let ledger = try options.open()
        let payload = try RegistryStatements.registration(
            partyId: partyId, legalName: legalName, roles: roles, publicKey: vk.description, address: address, contact: contact,
            facilities: facilities, scopes: scopes, smelter: smelter, eventTime: Timestamp(epochMillis: ledger.clock()))
        let env = Envelope.sign(payload: payload, with: op)
        let rec = try ledger.append([.init(label: "registration", bytes: env.canonicalJSON)])[0]
        if json {
            emit(JSONField.object([("seq", .uint(rec.seq)), ("kind", .string(rec.kind)), ("signer", .string(rec.signer)),
                                   ("leafHash", .string(rec.leafHash.hex)), ("registeredKey", .string(vk.reference)),
                                   ("partyId", .string(partyId)), ("roles", .strings(roles)),
                                   ("smelter", smelterRMI.map { .string($0) } ?? .null)]))
        } else {
            emit("registered \(vk.reference) (\(partyId)) as \(roles.joined(separator: ", "))\(smelterRMI.map { ", smelter \($0)" } ?? "") at seq \(rec.seq)")
        }
    }
}
