import ArgumentParser
import AssayReport
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report on a product bundle: its verdicts, provenance graph and commitments (text, JSON or a self-contained HTML page).",
        discussion: """
        Exits like verify --bundle: 0 when every required principle is satisfied, 1 when not. \
        --html FILE writes the page and prints a one-line verdict; --html - writes the page to standard output.
        """
    )
    @OptionGroup var options: BundleOptions
    @Option(help: ArgumentHelp("Write a self-contained HTML page to this file ('-' for standard output).", valueName: "file"))
    var html: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let (_, report) = try options.audit.load()
        switch (html, json) {
        case ("-"?, false):
            FileHandle.standardOutput.write(Data(HTMLReport.render(report).utf8))
        case (let file?, _) where file != "-":
            try InputFiles.writeAtomically(Array(HTMLReport.render(report).utf8), to: file)
            if json {
                emit(BundleReportText.json(report))
            } else {
                emit("wrote \(file): \(report.passed ? "PASS" : "FAIL") for \(report.product)")
            }
        case (nil, true):
            emit(BundleReportText.json(report))
        case (nil, false):
            emit(BundleReportText.text(report))
        default:
            throw CLIFailure.input("--html - writes the page to standard output; it cannot be combined with --json")
        }
        try VerifyCommand.exitOnFailure(report)
    }
}
