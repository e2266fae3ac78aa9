import ArgumentParser
import AssayCore
import AssayCrypto
import AssayServer
import Foundation

/// `assay serve --witness <URL>=<witness verifier key>`: the witnesses the log pushes each new
/// checkpoint to (C2SP tlog-witness), their cosignatures stored beside the checkpoint.
struct WitnessPushOptions: ParsableArguments {
    @Option(name: .customLong("witness"), help: ArgumentHelp(
        "A witness to send each new checkpoint to: <URL>=<witness verifier key (file or string)>; the URL is everything before the first '=' (repeatable).",
        valueName: "url=key"))
    var witnesses: [String] = []

    /// The route provider that pushes to the witnesses; none when no witness is given.
    func routeProviders() throws -> [any RouteProvider] {
        guard !witnesses.isEmpty else { return [] }
        return [WitnessPush(witnesses: try witnesses.map(Self.parse))]
    }

    /// `<URL>=<verifier key>`.
    static func parse(_ text: String) throws -> (url: URL, key: VerifierKey) {
        guard let eq = text.firstIndex(of: "=") else {
            throw CLIFailure.input("--witness \(Terminal.field(text)) is not <URL>=<witness verifier key>")
        }
        let urlText = String(text[..<eq])
        guard let url = URL(string: urlText), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            throw CLIFailure.input("--witness \(Terminal.field(urlText)) is not an http(s) URL")
        }
        let key = try InputFiles.verifierKey(String(text[text.index(after: eq)...]))
        guard key.type == .cosignatureV1 else {
            throw CLIFailure.input("--witness \(Terminal.field(urlText)): \(key.reference) is not a witness cosignature key (made with 'assay key generate --witness')")
        }
        return (url, key)
    }
}
