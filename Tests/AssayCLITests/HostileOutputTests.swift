@testable import AssayCLI
import AssayTestSupport
import AssayReport
import AssayVerify
import Foundation
import Testing

/// Issue 12 §8: output that attacks its reader. Statement fields holding terminal escape
/// sequences, OSC 8 hyperlinks, C1 controls, bidi overrides and newlines reach no terminal raw,
/// never start a line of their own, and cannot break out of a Mermaid or DOT label; the HTML
/// report renders a diamond-shaped provenance DAG in linear size.
@Suite("hostile statement fields are shown, never obeyed")
struct HostileOutputTests {
    /// ESC [ 2 J (clear screen), an OSC 8 hyperlink to javascript:, BEL, a right-to-left
    /// override, C1 CSI, a first-strong isolate, and a newline followed by a forged line.
    static let hostile = "Evil\u{1B}[2J\u{1B}]8;;javascript:alert(1)\u{07}click\u{1B}]8;;\u{07} \u{202E}gnp.exe\u{9B}31m\u{2068}x\u{2069}\nOK: forged line"

    /// Byte sequences that must never reach a terminal: ESC, BEL, CR, C1 CSI and NEL (UTF-8
    /// C2 9B, C2 85), RLO (E2 80 AE) and the isolates (E2 81 A6…A9).
    static let forbidden: [[UInt8]] = [[0x1B], [0x07], [0x0D], [0xC2, 0x9B], [0xC2, 0x85], [0xE2, 0x80, 0xAE],
                                       [0xE2, 0x81, 0xA6], [0xE2, 0x81, 0xA7], [0xE2, 0x81, 0xA8], [0xE2, 0x81, 0xA9]]

    static func expectClean(_ bytes: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for f in forbidden {
            let found = bytes.count >= f.count && (0...(bytes.count - f.count)).contains { bytes[$0..<($0 + f.count)].elementsEqual(f) }
            #expect(!found, "\(what) holds the raw bytes \(f.map { String($0, radix: 16) })", sourceLocation: sourceLocation)
        }
    }

    static func expectClean(_ r: CLIResult, lines: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClean(r.stdoutBytes, "stdout of \(r.command.dropFirst().prefix(2).joined(separator: " "))", sourceLocation: sourceLocation)
        expectClean(r.stderrBytes, "stderr of \(r.command.dropFirst().prefix(2).joined(separator: " "))", sourceLocation: sourceLocation)
        #expect(!lines || !r.stdout.contains("\nOK: forged line") && !r.stderr.contains("\nOK: forged line"),
                "a field started a line of its own\n\(r)", sourceLocation: sourceLocation)
    }

    /// A ledger with the supplier registered under the hostile legal name (seq 1) and a
    /// ComponentOrigin whose part number is hostile (seq 2), a checkpoint, and a bundle of it.
    static func hostileLedger() throws -> (Workspace, bundle: String, product: String) {
        let ws = try Workspace.keysOnly()
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
        try ws.must("register", "--ledger", ws.ledger, "--key", ws.key(.operator),
                    "--party-id", "https://id.gs1.org/417/4012345000009", "--legal-name", hostile,
                    "--role", "supplier", "--public-key", ws.pub(.supplier), "--scope", "https://id.gs1.org/01/04012345000023")
        var (event, context) = try ImportScopeTests.originEvent()
        var ilmd = event["ilmd"] as? [String: Any] ?? [:]
        ilmd["assay:partNumber"] = hostile
        event["ilmd"] = ilmd
        let doc = try ws.write("origin.json", try ImportScopeTests.document([event], context: context))
        try ws.must("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        try ws.checkpoint(as: "cp.txt")
        let product = "https://id.gs1.org/01/04012345000023/10/LOT-2026-11"
        let bundle = ws.file("lot.assay-bundle")
        try ws.must("export", "--ledger", ws.ledger, "--product", product, "--out", bundle)
        return (ws, bundle, product)
    }

    @Test("log, show, verify, verify --bundle and verify-proof show the hostile fields escaped, one line each")
    func textOutputsEscaped() throws {
        let (ws, bundle, product) = try Self.hostileLedger()
        defer { ws.remove() }
        let log = try assay("log", "--ledger", ws.ledger)
        expectSuccess(log)
        Self.expectClean(log)
        #expect(log.stdoutLines.count == 3)
        for seq in ["1", "2"] {
            let show = try assay("show", "--ledger", ws.ledger, seq)
            expectSuccess(show)
            Self.expectClean(show)
            // Seven fields, seven lines: the statement cannot add one.
            #expect(show.stdoutLines.map { String($0.prefix(12)) } == ["seq:        ", "time:       ", "kind:       ", "signer:     ",
                                                                      "leaf hash:  ", "chain hash: ", "statement:  "], "\(show)")
            #expect(show.stdout.contains("\\u202E") && show.stdout.contains("\\u009B"), "escaped visibly\n\(show)")
        }
        let verify = try assay("verify", "--ledger", ws.ledger)
        expectSuccess(verify)
        Self.expectClean(verify)
        let bundleReport = try assay("verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", testOrigin,
                                     "--product", product, "--at", "2030-01-15")
        Self.expectClean(bundleReport) // no raw controls, and the name's newline starts no line of its own
        #expect(bundleReport.stdout.contains("Evil\\u001B[2J"), "the name is shown, escaped\n\(bundleReport)")
        let proof = try ws.write("inc2.txt", try ws.must("prove", "inclusion", "--ledger", ws.ledger, "--seq", "2").stdout)
        let verified = try assay("verify-proof", "--log-key", ws.pub(.operator), proof)
        expectSuccess(verified)
        Self.expectClean(verified)
    }

    @Test("JSON output stays valid JSON and carries the exact field values")
    func jsonOutputsExact() throws {
        let (ws, _, _) = try Self.hostileLedger()
        defer { ws.remove() }
        let show = try assay("show", "--ledger", ws.ledger, "--json", "1")
        expectSuccess(show)
        Self.expectClean(show.stdoutBytes, "show --json")
        let obj = try JSONSerialization.jsonObject(with: Data(show.stdoutBytes)) as? [String: Any]
        let statement = obj?["statement"] as? [String: Any]
        #expect(statement?["legalName"] as? String == Self.hostile, "the JSON escapes decode to the exact name")
        let log = try assay("log", "--ledger", ws.ledger, "--json")
        for line in log.stdoutLines { #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)") }
    }

    @Test("error messages escape what the input holds: one line, no raw controls")
    func errorsEscaped() throws {
        let (ws, _, _) = try Self.hostileLedger()
        defer { ws.remove() }
        let (event, context) = try ImportScopeTests.originEvent()
        let doc = try ws.write("bad.json", try ImportScopeTests.document([event, ["type": Self.hostile]], context: context))
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        expectRefusal(r, mentioning: ["eventList[1]: type \"Evil"])
        Self.expectClean(r)
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        // An argument the parser rejects is echoed with its controls escaped (the parser's own
        // message is multi-line usage text, so its newlines stay).
        let parse = try assay("show", "--ledger", ws.ledger, Self.hostile)
        #expect(parse.exitCode == 2)
        Self.expectClean(parse, lines: false)
        // A hostile origin given to the witness.
        let origin = try assay("witness", "add-log", "--state", ws.file("w"), "--origin", Self.hostile, "--log-key", ws.pub(.operator))
        expectRefusal(origin, mentioning: ["not a valid log origin"])
        Self.expectClean(origin)
    }

    @Test("graph: a legal name cannot close its Mermaid or DOT label or start a statement")
    func graphLabels() throws {
        let (ws, bundle, product) = try Self.hostileLedger()
        defer { ws.remove() }
        let pins = ["--origin", testOrigin, "--product", product]
        let mermaid = try assay(["graph", "--bundle", bundle, "--log-key", ws.pub(.operator)] + pins + ["--at", "2030-01-15", "--format", "mermaid"])
        #expect(mermaid.exitCode == 0, "\(mermaid)")
        #expect(mermaid.stdout.contains("Evil"), "the supplier's name is in the graph\n\(mermaid)")
        let dot = try assay(["graph", "--bundle", bundle, "--log-key", ws.pub(.operator)] + pins + ["--at", "2030-01-15", "--format", "dot"])
        #expect(dot.exitCode == 0, "\(dot)")
        for r in [mermaid, dot] { Self.expectClean(r.stdoutBytes, "graph") }
        Self.expectMermaidStructure(mermaid.stdout)
        Self.expectDOTStructure(dot.stdout)
    }

    /// Names built to break out of a quoted label in each syntax.
    static let breakouts = [
        "X\"]\n  click n0 href \"javascript:alert(1)\"\n  n9[\"",
        "X\"] --> n0\n%%{init: {\"securityLevel\": \"loose\"}}%%",
        "X#quot;]; click n0 call alert(1); n9[#quot;",
        "X` <img src=x onerror=alert(1)> ` & | ; {}",
        "X\\\" ]; n0 -> evil [URL=\"javascript:alert(1)\"]; \"",
    ]

    @Test("label escapers on breakout names: nothing outside entity codes that Mermaid gives a meaning; DOT strings close only at their end", arguments: breakouts)
    func renderersOnHostileNames(name: String) throws {
        let mermaidLabel = ProvenanceGraph.mermaidLabel(name)
        // Outside its entity codes (#34; …) the label holds nothing Mermaid gives a meaning.
        let bare = mermaidLabel.replacingOccurrences(of: #"#\d+;"#, with: "", options: .regularExpression)
        for c in ["\"", "\n", ";", "#", "`", "<", ">", "|", "[", "]", "{", "}", "&", "\\"] {
            #expect(!bare.contains(c), "\(c) left in \(mermaidLabel)")
        }
        #expect(mermaidLabel.contains("#34;") || !name.contains("\""), "a quote is shown as #34;")
        let dotLabel = ProvenanceGraph.dotLabel(name)
        #expect(!dotLabel.contains("\n"))
        // Inside the DOT string every quote is escaped: the string closes only at its last character.
        #expect(Self.dotStringEnd(dotLabel, from: dotLabel.startIndex) == dotLabel.index(before: dotLabel.endIndex), "\(dotLabel)")
    }

    /// The index of the quote that closes the DOT string opening at `start`.
    static func dotStringEnd(_ s: String, from start: String.Index) -> String.Index? {
        var i = s.index(after: start)
        while i < s.endIndex {
            if s[i] == "\\" { i = s.index(after: i); if i < s.endIndex { i = s.index(after: i) }; continue }
            if s[i] == "\"" { return i }
            i = s.index(after: i)
        }
        return nil
    }

    /// Every Mermaid line after the header is a node or an edge between generated ids, each
    /// label one quoted string without a quote inside.
    static func expectMermaidStructure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == "flowchart LR", sourceLocation: sourceLocation)
        let node = #"n\d+(\["[^"\n]*"\]|\(\["[^"\n]*"\]\)|\{"[^"\n]*"\})?"#
        let pattern = try! NSRegularExpression(pattern: "^  \(node)( -->(\\|[^|\"\\n]*\\|)? \(node))?$")
        for line in lines.dropFirst() {
            let l = String(line)
            #expect(pattern.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) != nil, "not a node or edge: \(l)", sourceLocation: sourceLocation)
        }
    }

    /// Every DOT line is the header, a node declaration or an edge between generated ids.
    static func expectDOTStructure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = text.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(3)) == ["digraph provenance {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"], sourceLocation: sourceLocation)
        #expect(lines.last == "}", sourceLocation: sourceLocation)
        let string = #""([^"\\\n]|\\.)*""#
        let attrs = #"\[label=\#(string)(, [a-z]+=[a-z]+)*\]"#
        let pattern = try! NSRegularExpression(pattern: "^  n\\d+( -> n\\d+)?( \(attrs))?;$")
        for l in lines.dropFirst(3).dropLast() {
            #expect(pattern.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)) != nil, "not a node or edge: \(l)", sourceLocation: sourceLocation)
        }
    }

    @Test("report --html: a diamond DAG of 40 levels (2^40 paths) renders each node once, linking back")
    func diamondDAG() throws {
        let levels = 40
        // Level i has a_i and b_i; each consumes both of level i+1: 2^40 root-to-leaf paths.
        func children(_ id: String) -> [String] {
            guard id != "product" else { return ["a0", "b0"] }
            guard let level = Int(id.dropFirst()), level + 1 < levels else { return [] }
            return ["a\(level + 1)", "b\(level + 1)"]
        }
        let html = HTMLReport.tree(root: "product", children: children, describe: { $0.hasPrefix("a\(levels - 1)") ? " — origin" : nil })
        let anchors = html.components(separatedBy: "<li id=\"node-").count - 1
        let backReferences = html.components(separatedBy: "shown above</a>").count - 1
        #expect(anchors == 2 * levels + 1, "each node expanded exactly once")
        #expect(backReferences == 2 * (levels - 1), "every consumer but the first links back")
        #expect(html.utf8.count < 20_000, "linear in nodes and edges: \(html.utf8.count) bytes")
        #expect(html.contains("<code>b\(levels - 1)</code> — <b class=fail>no origin</b>"))
        // Well nested: as many closing as opening list tags.
        #expect(html.components(separatedBy: "<ul").count == html.components(separatedBy: "</ul>").count)
        #expect(html.components(separatedBy: "<li").count == html.components(separatedBy: "</li>").count)
    }
}

