import ArgumentParser
import AssayReport
import AssayVerify
import Foundation

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a bundle's provenance graph (components → origins → suppliers and countries)."
    )
    @OptionGroup var options: BundleOptions
    @Option(help: "dot or mermaid.") var format: String = "dot"
    @Flag(help: "The graph as JSON (product, components with their origin, supplier, tier and country, and edges) instead of DOT or Mermaid.")
    var json = false

    func run() throws {
        guard format == "dot" || format == "mermaid" else { throw CLIFailure.input("--format must be dot or mermaid") }
        let (_, report) = try options.audit.load()
        if json {
            emitRaw(Self.json(report.graph) + "\n")
            return
        }
        FileHandle.standardOutput.write(Data((format == "dot" ? report.graph.dot() : report.graph.mermaid()).utf8))
    }

    /// The graph's nodes (with their origin, where one counts) and edges, through the one JSON writer.
    static func json(_ g: ProvenanceGraph) -> String {
        let nodes = g.nodes.map { id -> String in
            var f: [(String, JSONField)] = [("id", .string(id))]
            if let o = g.origins[id] {
                f += [("originSeq", .uint(o.seq)), ("supplier", .string(o.supplierName)), ("supplierParty", .string(o.supplierParty)),
                      ("tier", .int(Int64(o.tier))), ("country", o.country.map { .string($0) } ?? .null)]
            }
            return JSONField.object(f)
        }
        let edges = g.edges.map { JSONField.object([("parent", .string($0.parent)), ("child", .string($0.child)), ("seq", .uint($0.seq))]) }
        return JSONField.object([("product", .string(g.product)), ("nodes", .raw("[" + nodes.joined(separator: ",") + "]")),
                                 ("edges", .raw("[" + edges.joined(separator: ",") + "]"))])
    }
}
