import ArgumentParser
import AssayLedger
import AssayLog
import AssayReport
import AssayVerify

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a whole ledger, a remote log through its tiles, or a product bundle offline.",
        discussion: """
        --ledger (default: $\(EnvironmentDefaults.ledgerVariable)): hashes, chain, tree, checkpoints, signatures, signers; \
        prints a one-line summary and exits 0, or names the first failing sequence number and exits 1. \
        With --log-key, the ledger must also be operated by that key.
        --bundle: with nothing but --log-key (and a witness policy): checkpoint, inclusion proofs, signatures, \
        signers at each entry's position, then the principles; exit 0 only when every required principle is satisfied.
        --bundle … --battery-passport: instead of the report, the product's Battery Pass (v1.2.0 parts) assembled from the \
        bundle's evidence, to --out or standard output; exit 0 when the bundle's integrity holds (the principles' verdicts \
        are not the question), 1 with nothing written when it does not.
        --server URL with --log-key and --origin: audits a log server through its C2SP tlog-tiles: the checkpoint must \
        verify, every hash tile is recomputed from the level below and every entry from its leaf hash, the root must be \
        the checkpoint's, then every entry gets the checks of --ledger (signers, signatures, chain head, subject index). \
        With --state FILE (a monitor): the checkpoint saved there by the last run must be consistent with the new one \
        (its root is recomputed from the same tiles); a log showing two histories fails naming both checkpoints, and on \
        success the new checkpoint is saved.
        """
    )

    @Option(help: ArgumentHelp(EnvironmentDefaults.ledgerHelp, valueName: "file")) var ledger: String?
    @Option(help: "A product bundle (.assay-bundle) to verify offline.") var bundle: String?
    @Option(help: ArgumentHelp("A log server's URL: audit the log through its C2SP tiles (needs --log-key and --origin).", valueName: "url")) var server: String?
    @Option(help: ArgumentHelp("With --server: a file holding the last checkpoint seen; the log must be consistent with it, and the new one is saved there.", valueName: "file")) var state: String?
    @Flag(help: "A machine-readable report.") var json = false
    @Option(name: .customLong("checkpoint"), help: "A checkpoint from elsewhere (an auditor's or witness's copy) that the ledger must match (repeatable).")
    var checkpoints: [String] = []
    @Option(name: .customLong("log-key"), help: "The log operator's verifier key (bundles: required; ledgers: the ledger must be operated by it).") var logKey: String?
    @Option(help: "Bundles and --server: the log origin you expect; the bundle or log must be that log.") var origin: String?
    @Option(help: "Bundles: the product you are auditing; the bundle must be for it.") var product: String?
    @Option(name: .customLong("witness-key"), help: "Bundles and --server: a trusted witness key (repeatable).") var witnessKeys: [String] = []
    @Option(name: .customLong("witnesses-needed"), help: "Bundles and --server: how many witness cosignatures are required.") var witnessesNeeded: Int = 0
    @Option(help: "Bundles: audit date YYYY-MM-DD (default: today).") var at: String?
    @Option(help: "Bundles: audit policy file (JSON or signed DSSE envelope).") var policy: String?
    @Option(name: .customLong("policy-key"), help: "Bundles: the key that must have signed --policy.") var policyKey: String?
    @Option(help: "Bundles: a checkpoint you already trust; the bundle must prove consistency with it.") var since: String?
    @Flag(name: .customLong("battery-passport"), help: "Bundles: write the product's Battery Pass from the verified bundle instead of the report.") var batteryPassport = false
    @Option(help: "Bundles, with --battery-passport: where to write the passport (default: standard output).") var out: String?

    func run() throws {
        guard state == nil || server != nil else { throw CLIFailure.input("--state keeps the checkpoint of a log read with --server: give --server too") }
        if let server {
            guard ledger == nil, bundle == nil else { throw CLIFailure.input("give exactly one of --ledger, --bundle or --server") }
            try verifyServer(server)
            return
        }
        switch (ledger, bundle) {
        case (let l?, nil): try verifyLedger(l)
        case (nil, let b?): try verifyBundle(b)
        case (nil, nil):
            guard let l = EnvironmentDefaults.value(EnvironmentDefaults.ledgerVariable) else {
                throw CLIFailure.input("give exactly one of --ledger or --bundle (or set \(EnvironmentDefaults.ledgerVariable))")
            }
            try verifyLedger(l)
        default: throw CLIFailure.input("give exactly one of --ledger or --bundle")
        }
    }

    func verifyBundle(_ path: String) throws {
        guard let logKey else { throw CLIFailure.input("--bundle needs --log-key (the log operator's verifier key)") }
        guard let origin else { throw CLIFailure.input("--bundle needs --origin (the log origin you expect): a bundle is made by the party being audited, so the log it comes from is pinned by you") }
        guard let product else { throw CLIFailure.input("--bundle needs --product (the product you are auditing): a bundle is made by the party being audited, so the product is pinned by you") }
        guard batteryPassport || out == nil else { throw CLIFailure.input("--out writes the passport: use it with --battery-passport") }
        let audit = BundleAudit(bundle: path, logKey: logKey, witnessKeys: witnessKeys, witnessesNeeded: witnessesNeeded,
                                origin: origin, product: product, at: at, policy: policy, policyKey: policyKey, since: since)
        let (_, report) = try audit.load()
        if batteryPassport {
            let passport: BatteryPassport
            do { passport = try BatteryPassport(verified: report) } catch {
                throw error.code == .notVerified ? CLIFailure.verification(error.message) : CLIFailure.input(error.message)
            }
            try BatteryPassportOutput.write(passport, to: out, json: json)
            return
        }
        emit(json ? BundleReportText.json(report) : BundleReportText.text(report))
        try Self.exitOnFailure(report)
    }

    /// Throws a verification failure (exit 1) naming the failed principles when `report` fails.
    static func exitOnFailure(_ report: BundleReport) throws {
        guard !report.passed else { return }
        let failed = BundleReportText.failedPrinciples(report).map(\.rawValue)
        throw CLIFailure.verification("\(report.product): not satisfied: \(failed.joined(separator: ", "))")
    }

    func verifyLedger(_ path: String) throws {
        guard !batteryPassport, out == nil else {
            throw CLIFailure.input("--battery-passport and --out export from a bundle (--bundle); from a ledger use assay export --battery-passport")
        }
        let operatorKey = try logKey.map { try InputFiles.verifierKey($0) }
        let external = try checkpoints.map { try InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) }
        let ledger = try Ledger.open(at: path, readOnly: true)
        let total = try ledger.size()
        let progress = Progress(label: "verify", enabled: !json, total: total)
        let report = try ledger.verify(externalCheckpoints: external, progress: { progress.update($0) })
        progress.finish()
        // With --log-key, a sound ledger must also be the one that key operates (checked before any output).
        if report.failure == nil, let operatorKey {
            let actual = try ledger.currentRegistry().operatorReference
            guard actual == operatorKey.reference else {
                throw CLIFailure.verification("the ledger is operated by \(actual ?? "no key"), not by the --log-key \(operatorKey.reference)")
            }
        }
        if json {
            emit(ReportJSON.ledger(report))
        } else {
            for w in report.warnings { note("warning: \(w)") }
            emit(ReportJSON.ledgerSummary(report))
        }
        if let f = report.failure {
            throw CLIFailure.verification("verification failed at \(f.seq.map { "seq \($0)" } ?? "ledger level"): \(f.message)")
        }
    }
}
