import ArgumentParser
import AssayCore
import AssayCrypto
import AssayServer
import AssayVerify
import Foundation
import Logging

extension WitnessCommand {
    /// `assay witness serve`: the witness over HTTP (C2SP tlog-witness).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve as a C2SP tlog-witness over HTTP: POST /add-checkpoint for the configured logs.",
            discussion: """
            Witnesses exactly the logs given with --log <origin>=<log verifier key> (a key file or a \
            name+keyid+base64 string; the origin is everything before the first '='), recording each in the \
            state directory (made mode 0700 when missing; a second, different key for a recorded origin is \
            refused). The state is held with an exclusive lock while the server runs: a second witness on the \
            same directory, or 'assay witness cosign', refuses to use it. Answers: 200 with the cosignature \
            line; 400 for a malformed body or an old size above the checkpoint's; 403 when no signature is by \
            the log's key; 404 for another origin; 409 with the size cosigned last (text/x.tlog.size) when \
            the old size is not it, or a problem with both checkpoints for a fork; 422 when the consistency \
            proof does not verify. Refusals that are evidence of log misbehaviour are kept in <state>/evidence. \
            Prints 'listening on http://HOST:PORT' as the first line of standard output.
            """
        )

        @Option(help: ArgumentHelp("The witness's secret key (made with 'assay key generate --witness'); default: $\(EnvironmentDefaults.keyVariable).", valueName: "file"))
        var key: String?
        @Option(name: .customLong("log"), help: ArgumentHelp("A log to witness: <origin>=<log verifier key> (repeatable).", valueName: "origin=key"))
        var logs: [String] = []
        @Option(help: "The witness's state directory.") var state: String
        @Option(help: ArgumentHelp("Address to listen on, host:port (port 0 picks a free one).", valueName: "host:port"))
        var listen: String = "127.0.0.1:8080"

        func run() throws {
            guard let (host, port) = ServerConfiguration.parseListen(listen) else {
                throw CLIFailure.input("--listen \(listen) is not host:port (port 0–65535)")
            }
            guard !logs.isEmpty else { throw CLIFailure.input("give at least one --log <origin>=<log verifier key>") }
            let configured = try logs.map(Self.parseLog)
            let keyPath = try EnvironmentDefaults.key(key, purpose: "(the witness's cosigning key)")
            let witnessKey = try InputFiles.secretKey(keyPath)
            guard witnessKey.type == .cosignatureV1 else {
                throw CLIFailure.input("\(keyPath) is not a witness key; generate one with 'assay key generate --witness'")
            }
            var logger = Logger(label: "assay.witness")
            logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["ASSAY_LOG"] ?? "") ?? .info
            let server = WitnessServer(configuration: .init(statePath: state, key: witnessKey, logs: configured, host: host, port: port),
                                       logger: logger)
            try AsyncBridge.run {
                try await server.run { url in
                    FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
                }
            }
        }

        /// `<origin>=<verifier key>`: the origin is everything before the first `=`.
        static func parseLog(_ text: String) throws -> (origin: String, key: VerifierKey) {
            guard let eq = text.firstIndex(of: "=") else {
                throw CLIFailure.input("--log \(Terminal.field(text)) is not <origin>=<log verifier key>")
            }
            let origin = String(text[..<eq])
            try Witness<WitnessDirectory>.checkOrigin(origin)
            let key = try InputFiles.verifierKey(String(text[text.index(after: eq)...]))
            guard key.type == .ed25519 else {
                throw CLIFailure.input("--log \(Terminal.field(origin)): \(key.reference) is a witness key; a log signs its checkpoints with an Ed25519 note key")
            }
            return (origin, key)
        }
    }
}
