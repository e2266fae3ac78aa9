import ArgumentParser
import AssayServer
import Foundation
import Logging

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the ledger over HTTP: submissions with group commit, checkpoints, entries.",
        discussion: """
        Listens on --listen (default 127.0.0.1:8080; port 0 picks a free one) and prints \
        'listening on http://HOST:PORT' as the first line of standard output. POST /v1/entries takes \
        one DSSE envelope or {"envelopes":[…]}: concurrent submissions are committed in groups, one \
        transaction and one checkpoint (signed with --key, the operator's key) per group, and each is \
        answered only after its group committed. SIGTERM or SIGINT stops taking requests, answers \
        those in flight, then exits 0. Logs go to standard error (level: $ASSAY_LOG, default info).
        """
    )

    @OptionGroup var options: LedgerOptions
    @Option(help: ArgumentHelp("The operator's secret key file, signs each group's checkpoint; default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
    var key: String?
    @Option(help: ArgumentHelp("Address to listen on, host:port.", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"
    @Option(help: ArgumentHelp("Close a connection idle for this many seconds.", valueName: "seconds"))
    var idleTimeout: Int = 30
    @Option(help: ArgumentHelp("Answer 408 when a request body has not arrived in full after this many seconds.", valueName: "seconds"))
    var bodyTimeout: Int = 60
    @Option(help: ArgumentHelp("Group-commit window: how long the oldest waiting submission waits for others (0: none; groups form from what arrives while a commit runs).", valueName: "ms"))
    var groupWindow: Int = 0
    @Option(help: ArgumentHelp("Most envelopes in one group commit.", valueName: "n"))
    var groupMax: Int = 2000
    @Option(help: ArgumentHelp("Exit with status 3 when a graceful shutdown takes longer than this (submissions still in flight are left unanswered, never acknowledged).", valueName: "seconds"))
    var shutdownTimeout: Int = 60
    @OptionGroup var witnessPush: WitnessPushOptions
    @OptionGroup var operations: ServeOperationsOptions

    func run() throws {
        guard let (host, port) = ServerConfiguration.parseListen(listen) else {
            throw CLIFailure.input("--listen \(listen) is not host:port (port 0–65535)")
        }
        for (name, value, range) in [("--idle-timeout", idleTimeout, 1...86_400), ("--body-timeout", bodyTimeout, 1...86_400),
                                     ("--group-window", groupWindow, 0...1000), ("--group-max", groupMax, 1...100_000),
                                     ("--shutdown-timeout", shutdownTimeout, 1...86_400)]
            where !range.contains(value) {
            throw CLIFailure.input("\(name) \(value) is outside \(range.lowerBound)…\(range.upperBound)")
        }
        var limits = ServerLimits()
        limits.idleTimeoutSeconds = idleTimeout
        limits.bodyTimeoutSeconds = bodyTimeout
        limits.groupWindowMillis = groupWindow
        limits.groupMaxEntries = groupMax
        limits.shutdownTimeoutSeconds = shutdownTimeout
        let path = try options.path()
        let signer = try InputFiles.secretKey(try EnvironmentDefaults.key(key, purpose: "(the operator's key, to sign checkpoints)"))
        var logger = Logger(label: "assay.server")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["ASSAY_LOG"] ?? "") ?? .info
        var configuration = ServerConfiguration(ledgerPath: path, operatorKey: signer, host: host, port: port,
                                                extraRoutes: [TileRoutes()] + (try witnessPush.routeProviders()) + operations.routes(),
                                                middleware: operations.operations().middleware(), limits: limits)
        configuration.passportWitnessKeys = try witnessPush.witnesses.map { try WitnessPushOptions.parse($0).key }
        let server = AssayServer(configuration: configuration, logger: logger)
        try AsyncBridge.run {
            try await server.run { url in
                FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            }
        }
    }
}
