import ArgumentParser
import AssayReport
import Foundation

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a bundle's provenance graph (components → origins → suppliers and countries)."
    )
    @OptionGroup var options: BundleOptions
    @Option(help: "dot or mermaid.") var format: String = "dot"

    func run() throws {
        guard format == "dot" || format == "mermaid" else { throw CLIFailure.input("--format must be dot or mermaid") }
        let (_, report) = try options.audit.load()
        FileHandle.standardOutput.write(Data((format == "dot" ? report.graph.dot() : report.graph.mermaid()).utf8))
    }
}
