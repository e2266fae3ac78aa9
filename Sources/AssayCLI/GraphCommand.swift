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
    @Flag(help: "The graph as JSON (product, components with their origin, supplier, tier and country, edges, parties by tier, chains of custody and declared minerals) instead of DOT or Mermaid.")
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
        func list(_ items: [String]) -> JSONField { .raw("[" + items.joined(separator: ",") + "]") }
        func optional(_ s: String?) -> JSONField { s.map { .string($0) } ?? .null }
        func smelter(_ s: ProvenanceGraph.RegisteredSmelter) -> String {
            JSONField.object([("rmiId", .string(s.smelter.rmiId)), ("metal", .string(s.smelter.metal.rawValue)),
                              ("conformanceStatus", .string(s.smelter.conformanceStatus.rawValue)),
                              ("assessedOn", optional(s.smelter.assessedOn)), ("programme", optional(s.smelter.programme)),
                              ("country", optional(s.smelter.country)), ("registrationSeq", .uint(s.registrationSeq))])
        }
        let parties = g.tiers.map { t in
            JSONField.object([
                ("partyId", .string(t.partyId)), ("name", .string(t.legalName)), ("tier", .int(Int64(t.tier))),
                ("via", t.via.map { v in .raw(JSONField.object([("item", .string(v.item)), ("seq", .uint(v.seq)),
                                                                ("consumerParty", .string(v.consumerParty)),
                                                                ("definingSeq", .uint(v.definingSeq))])) } ?? .null),
                ("seqs", list(t.seqs.map(String.init))), ("smelters", list(t.smelters.map(smelter))),
            ])
        }
        let custody = g.custodyChains.map { c in
            JSONField.object([
                ("mineral", .string(c.mineral.rawValue)), ("smelterParty", .string(c.smelterParty)), ("smelterName", .string(c.smelterName)),
                ("smelter", .raw(smelter(c.smelter))), ("tier", .int(Int64(c.tier))),
                ("path", list(c.path.map { JSONField.object([("id", .string($0.id)), ("seq", .uint($0.seq))]) })),
            ])
        }
        let minerals = g.declaredMinerals.map {
            JSONField.object([("mineral", .string($0.mineral.rawValue)), ("material", .string($0.material)), ("item", .string($0.item)),
                              ("seq", .uint($0.seq))])
        }
        return JSONField.object([("product", .string(g.product)), ("nodes", list(nodes)), ("edges", list(edges)),
                                 ("parties", list(parties)), ("custody", list(custody)), ("minerals", list(minerals))])
    }
}
