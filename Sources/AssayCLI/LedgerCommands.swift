import ArgumentParser
import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import AssayVerify
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger with a genesis entry signed by the operator."
    )

    @Option(help: "The ledger file to create (refuses to overwrite).")
    var ledger: String

    @Option(name: .customLong("operator-key"), help: "The operator's secret key file.")
    var operatorKey: String

    @Option(help: "The log origin: the first line of every checkpoint, e.g. acme.example/ledger.")
    var origin: String

    @Option(name: .customLong("operator-name"), help: "The operator's legal name.")
    var operatorName: String?

    func run() throws {
        let key = try InputFiles.secretKey(operatorKey)
        let l = try Ledger.create(at: ledger, origin: origin, operatorKey: key, operatorName: operatorName)
        let genesis = try l.record(at: 0)
        emit("created \(ledger): origin \(origin), operator \(key.verifierKey.name)+\(key.keyID.hex), genesis \(genesis.chainHash.hex.prefix(16))")
    }
}

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Register a party's key and roles (a PartyRegistration signed by the operator)."
    )

    @OptionGroup var options: LedgerOptions

    @Option(name: .customLong("operator-key"), help: "The operator's secret key file.")
    var operatorKey: String

    @Option(name: .customLong("party-id"), help: "The party's id, e.g. https://id.gs1.org/417/4012345000009.")
    var partyId: String

    @Option(name: .customLong("legal-name"), help: "The party's legal name.")
    var legalName: String

    @Option(name: .customLong("role"), help: "A role: supplier, manufacturer, importer, repairer, recycler, auditor (repeatable).")
    var roles: [String] = []

    @Option(name: .customLong("public-key"), help: "The party's public key file (<name>.pub) or verifier key string.")
    var publicKey: String

    @Option(help: "Postal address.") var address: String?
    @Option(help: "Contact (e-mail or URL).") var contact: String?
    @Option(name: .customLong("facility"), help: "A facility GLN or Digital Link (repeatable).") var facilities: [String] = []
    @Option(name: .customLong("scope"), help: ArgumentHelp(
        "An identifier scope the party speaks for (repeatable): gs1:<company prefix>, a GS1 identifier, or a URI prefix ending in /, : or #.",
        discussion: "Defining statements (commissioning, manufacturing outputs, assemblies, lifecycle commitments) count as evidence only from a key whose scopes cover the identifier. You vouch for these scopes: check the party's GS1 licence or domain."))
    var scopes: [String] = []

    func run() throws {
        let op = try InputFiles.secretKey(operatorKey)
        var parsedScopes: [IdentifierScope] = []
        for (i, s) in scopes.enumerated() {
            do { parsedScopes.append(try IdentifierScope(parsing: s, field: "--scope \(i + 1)")) } catch { throw CLIFailure.input(error.description) }
        }
        let vk = try InputFiles.verifierKey(publicKey)
        guard vk.type == .ed25519 else { throw CLIFailure.input("\(publicKey) is a witness key; parties sign with Ed25519 note keys") }
        guard !roles.isEmpty else { throw CLIFailure.input("give at least one --role") }
        var parsed: [Role] = []
        for r in roles {
            guard let role = Role(rawValue: r), role != .operator else {
                throw CLIFailure.input("unknown role \"\(r)\" (allowed: \(Role.registrable.map(\.rawValue).joined(separator: ", ")))")
            }
            parsed.append(role)
        }
        let ledger = try options.open()
        let reg = PartyRegistration(partyId: partyId, legalName: legalName, roles: parsed, publicKey: vk.description,
                                    address: address, contact: contact, facilities: facilities, scopes: parsedScopes,
                                    eventTime: Timestamp(epochMillis: ledger.clock()))
        let payload = Array(reg.json.utf8)
        do { _ = try Statement.decode(payload) } catch { throw CLIFailure.input(error.description) }
        let env = Envelope.sign(payload: payload, with: op)
        let rec = try ledger.append([.init(label: "registration", bytes: env.canonicalJSON)])
        emit("registered \(vk.name)+\(vk.keyID.hex) (\(partyId)) as \(roles.joined(separator: ", ")) at seq \(rec[0].seq)")
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a registered key (signed by the operator or by the key's own party)."
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "The secret key that signs the revocation (the operator's or the party's own).")
    var key: String

    @Option(name: .customLong("revoked-key"), help: "The key to revoke: its .pub file, verifier key, or name+keyid.")
    var revokedKey: String

    @Option(help: "compromise, superseded or party-exit.")
    var reason: String

    @Option(help: "RFC 3339 time from which the key is untrusted (default: now). For a compromise it may be earlier.")
    var effective: String?

    @Option(help: "The replacement key, as name+keyid.")
    var replacement: String?

    func run() throws {
        let signer = try InputFiles.secretKey(key)
        let ref: String
        if revokedKey.split(separator: "+").count == 2 && !FileManager.default.fileExists(atPath: revokedKey) {
            ref = revokedKey
        } else {
            let vk = try InputFiles.verifierKey(revokedKey)
            ref = vk.reference
        }
        guard let reasonValue = KeyRevocation.Reason(rawValue: reason) else {
            throw CLIFailure.input("unknown reason \"\(reason)\" (allowed: compromise, superseded, party-exit)")
        }
        let ledger = try options.open()
        let now = Timestamp(epochMillis: ledger.clock())
        let eff = try effective.map { try Timestamp(parsing: $0, field: "--effective") } ?? now
        let rev = KeyRevocation(revokedKey: ref, reason: reasonValue, effectiveTime: eff, replacementKey: replacement, eventTime: now)
        let payload = Array(rev.json.utf8)
        do { _ = try Statement.decode(payload) } catch { throw CLIFailure.input(error.description) }
        let env = Envelope.sign(payload: payload, with: signer)
        let rec = try ledger.append([.init(label: "revocation", bytes: env.canonicalJSON)])
        emit("revoked \(ref) (\(reason)) at seq \(rec[0].seq)")
    }
}

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append signed envelopes, all in one transaction.",
        discussion: """
        Each envelope's signature must verify under a registered, unrevoked key whose roles may write \
        that statement kind. Envelopes come from files (one envelope per file), and/or from --batch: a \
        JSON-lines file (one envelope per line; '-' reads standard input). All are appended in one \
        transaction, or none is. Each appended entry's sequence number is printed after the commit.
        """
    )

    @OptionGroup var options: LedgerOptions

    @Option(help: "A JSON-lines file of envelopes, one per line ('-' for standard input).")
    var batch: String?

    @Flag(help: "Print the appended entries as JSON lines.")
    var json = false

    @Argument(help: "Envelope files.")
    var envelopes: [String] = []

    /// Largest batch file accepted.
    static let maxBatchBytes = 512 * 1024 * 1024

    func run() throws {
        guard !envelopes.isEmpty || batch != nil else {
            throw CLIFailure.input("give envelope files or --batch <file>")
        }
        var items: [Ledger.AppendItem] = []
        for path in envelopes {
            let bytes = try InputFiles.read(path, what: "envelope", maxBytes: EntryChecker.maxEnvelopeBytes)
            items.append(.init(label: path, bytes: bytes))
        }
        if let batch {
            let bytes = try InputFiles.read(batch, what: "batch", maxBytes: Self.maxBatchBytes)
            let name = batch == "-" ? "stdin" : batch
            var lineNo = 0
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                lineNo += 1
                let trimmed = line.last == 0x0D ? line.dropLast() : line[...]
                if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                items.append(.init(label: "\(name) line \(lineNo)", bytes: Array(trimmed)))
            }
            guard !items.isEmpty else { throw CLIFailure.input("\(name) holds no envelopes") }
        }
        let ledger = try options.open()
        let progress = Progress(label: "append", enabled: !json && items.count >= 1000, total: UInt64(items.count))
        let records = try ledger.append(items, progress: { progress.update($0) })
        progress.finish()
        var out = ""
        for r in records {
            if json {
                out += "{\"seq\":\(r.seq),\"kind\":\"\(r.kind)\",\"signer\":\"\(r.signer)\",\"leafHash\":\"\(r.leafHash.hex)\"}\n"
            } else {
                out += "appended seq \(r.seq) \(r.kind) by \(r.signer)\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List entries: seq, time, kind, signer, short hash."
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: "First sequence number.") var from: UInt64 = 0
    @Option(help: "At most this many entries.") var limit: UInt64?
    @Flag(help: "JSON lines.") var json = false

    func run() throws {
        let ledger = try options.open(readOnly: true)
        var out = ""
        var n: UInt64 = 0
        if limit == 0 { return }
        try ledger.store.forEachRecord(from: from) { r in
            let time = Timestamp(epochMillis: r.appendedAtMillis).text
            // Stored kind and signer are shown escaped: never a control character, never a line or column of their own.
            if json {
                out += Terminal.text(JSONWriter.object([("seq", "\(r.seq)"), ("time", JSONWriter.quote(time)), ("kind", JSONWriter.quote(r.kind)),
                                                        ("signer", JSONWriter.quote(r.signer)), ("leafHash", JSONWriter.quote(r.leafHash.hex))])) + "\n"
            } else {
                out += "\(r.seq)\t\(time)\t\(Terminal.field(r.kind))\t\(Terminal.field(r.signer))\t\(r.leafHash.hex.prefix(12))\n"
            }
            n += 1
            if out.utf8.count > 1 << 16 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
            return limit.map { n < $0 } ?? true
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print one entry.")

    @OptionGroup var options: LedgerOptions
    @Flag(help: "JSON.") var json = false
    @Argument(help: "The sequence number.") var seq: UInt64

    func run() throws {
        let ledger = try options.open(readOnly: true)
        let r = try ledger.record(at: seq)
        let env = try Envelope(json: r.envelope)
        let payload = String(decoding: env.payload, as: UTF8.self)
        let time = Timestamp(epochMillis: r.appendedAtMillis).text
        if json {
            emit("{\"seq\":\(r.seq),\"time\":\"\(time)\",\"kind\":\(JSONWriter.quote(r.kind)),\"signer\":\(JSONWriter.quote(r.signer)),\"leafHash\":\"\(r.leafHash.hex)\",\"chainHash\":\"\(r.chainHash.hex)\",\"envelope\":\(String(decoding: r.envelope, as: UTF8.self)),\"statement\":\(payload)}")
        } else {
            // One line per field: the values (the statement's JSON text too) are shown escaped.
            emit("""
            seq:        \(r.seq)
            time:       \(time)
            kind:       \(Terminal.field(r.kind))
            signer:     \(Terminal.field(r.signer))
            leaf hash:  \(r.leafHash.hex)
            chain hash: \(r.chainHash.hex)
            statement:  \(Terminal.field(payload))
            """)
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a whole ledger, or a product bundle offline.",
        discussion: """
        --ledger: hashes, chain, tree, checkpoints, signatures, signers; prints a one-line summary and exits 0, \
        or names the first failing sequence number and exits 1.
        --bundle: with nothing but --log-key (and a witness policy): checkpoint, inclusion proofs, signatures, \
        signers at each entry's position, then the principles; exit 0 only when every required principle is satisfied.
        """
    )

    @Option(help: "The ledger file (SQLite).") var ledger: String?
    @Option(help: "A product bundle (.assay-bundle) to verify offline.") var bundle: String?
    @Flag(help: "A machine-readable report.") var json = false
    @Option(name: .customLong("checkpoint"), help: "A checkpoint from elsewhere (an auditor's or witness's copy) that the ledger must match (repeatable).")
    var checkpoints: [String] = []
    @Option(name: .customLong("log-key"), help: "Bundles: the log operator's verifier key.") var logKey: String?
    @Option(help: "Bundles: the log origin you expect; the bundle must be from that log.") var origin: String?
    @Option(help: "Bundles: the product you are auditing; the bundle must be for it.") var product: String?
    @Option(name: .customLong("witness-key"), help: "Bundles: a trusted witness key (repeatable).") var witnessKeys: [String] = []
    @Option(name: .customLong("witnesses-needed"), help: "Bundles: how many witness cosignatures are required.") var witnessesNeeded: Int = 0
    @Option(help: "Bundles: audit date YYYY-MM-DD (default: today).") var at: String?
    @Option(help: "Bundles: audit policy file (JSON or signed DSSE envelope).") var policy: String?
    @Option(name: .customLong("policy-key"), help: "Bundles: the key that must have signed --policy.") var policyKey: String?
    @Option(help: "Bundles: a checkpoint you already trust; the bundle must prove consistency with it.") var since: String?

    func run() throws {
        switch (ledger, bundle) {
        case (let l?, nil): try verifyLedger(l)
        case (nil, let b?): try verifyBundle(b)
        default: throw CLIFailure.input("give exactly one of --ledger or --bundle")
        }
    }

    func verifyBundle(_ path: String) throws {
        guard let logKey else { throw CLIFailure.input("--bundle needs --log-key (the log operator's verifier key)") }
        guard let origin else { throw CLIFailure.input("--bundle needs --origin (the log origin you expect): a bundle is made by the party being audited, so the log it comes from is pinned by you") }
        guard let product else { throw CLIFailure.input("--bundle needs --product (the product you are auditing): a bundle is made by the party being audited, so the product is pinned by you") }
        var args: [String] = ["--bundle", path, "--log-key", logKey, "--origin", origin, "--product", product, "--witnesses-needed", String(witnessesNeeded)]
        for w in witnessKeys { args += ["--witness-key", w] }
        if let at { args += ["--at", at] }
        if let policy { args += ["--policy", policy] }
        if let policyKey { args += ["--policy-key", policyKey] }
        if let since { args += ["--since", since] }
        let options = try BundleOptions.parse(args)
        let (_, report) = try options.load()
        emit(json ? BundleReportText.json(report) : BundleReportText.text(report))
        if !report.passed {
            let failedResults: [PrincipleResult] = report.principles.filter { (p: PrincipleResult) -> Bool in
                (p.verdict == Verdict.notSatisfied && report.requiredPrinciples.contains(p.principle)) || p.principle == .integrity && p.verdict != .satisfied
            }
            let failed: [String] = failedResults.map { (p: PrincipleResult) -> String in p.principle.rawValue }
            throw CLIFailure.verification("\(report.product): not satisfied: \(failed.joined(separator: ", "))")
        }
    }

    func verifyLedger(_ path: String) throws {
        let external = try checkpoints.map { try InputFiles.read($0, what: "checkpoint", maxBytes: SignedNote.maxBytes) }
        let ledger = try Ledger.open(at: path, readOnly: true)
        let total = try ledger.size()
        let progress = Progress(label: "verify", enabled: !json, total: total)
        let report = try ledger.verify(externalCheckpoints: external, progress: { progress.update($0) })
        progress.finish()
        if json {
            emit(ReportJSON.ledger(report))
        } else {
            for w in report.warnings { note("warning: \(w)") }
            if let f = report.failure {
                emit("FAILED: \(f)")
            } else {
                emit("OK: \(report.entries) entries, \(report.signers) signers, \(report.checkpointsChecked) checkpoints, head \(report.headHash.hex), root \(report.root.hex)")
            }
        }
        if let f = report.failure {
            throw CLIFailure.verification("verification failed at \(f.seq.map { "seq \($0)" } ?? "ledger level"): \(f.message)")
        }
    }
}
