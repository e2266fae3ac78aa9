import ArgumentParser

/// Options shared by the commands that judge a bundle (`report`, `graph`).
struct BundleOptions: ParsableArguments {
    @Option(help: "The product bundle (.assay-bundle).") var bundle: String
    @OptionGroup var trust: TrustOptions
    @Option(help: "The log's origin you expect (the checkpoint's first line); the bundle must be from that log.") var origin: String
    @Option(help: "The product you are auditing (Digital Link or EPC URN); the bundle must be for it.") var product: String
    @Option(help: "Audit date YYYY-MM-DD for expiry checks (default: today, UTC).") var at: String?
    @Option(help: "An audit policy: a preset (battery-passport-lmt, battery-passport-ev, battery-passport-industrial, cra-psti, espr-generic) or a file (JSON, or a DSSE envelope of it signed by --policy-key).") var policy: String?
    @Option(name: .customLong("policy-key"), help: "The auditor's verifier key that must have signed --policy.") var policyKey: String?
    @Option(help: "A checkpoint you already trust: the bundle must prove consistency with it.") var since: String?

    var audit: BundleAudit {
        BundleAudit(bundle: bundle, logKey: trust.logKey, witnessKeys: trust.witnessKeys, witnessesNeeded: trust.witnessesNeeded,
                    origin: origin, product: product, at: at, policy: policy, policyKey: policyKey, since: since)
    }
}
