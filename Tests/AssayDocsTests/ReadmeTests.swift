import AssayTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// The README as a CommonMark renderer (`cmark`, from Debian's packages) reads it: the structure
/// a reader sees, not the text we meant. And its main command: the product flow really runs.
@Suite("README")
struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A block of the rendered document: a heading (level, text) or a code block (info, text).
    enum Block: Equatable {
        case heading(Int, String)
        case code(String, String)
    }

    /// Collects headings and code blocks from cmark's XML.
    final class Collector: NSObject, XMLParserDelegate {
        var blocks: [Block] = []
        private var headingLevel: Int? = nil
        private var codeInfo: String? = nil
        private var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "heading": headingLevel = Int(attributes["level"] ?? ""); text = ""
            case "code_block": codeInfo = attributes["info"] ?? ""; text = ""
            default: break
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "heading":
                if let l = headingLevel { blocks.append(.heading(l, text.trimmingCharacters(in: .whitespacesAndNewlines))) }
                headingLevel = nil
            case "code_block":
                if let info = codeInfo { blocks.append(.code(info, text)) }
                codeInfo = nil
            default: break
            }
        }
    }

    static func render() throws -> [Block] {
        let r = try CLIHarness.run(executable: "/usr/bin/cmark", ["-t", "xml", root.appendingPathComponent("README.md").path])
        #expect(r.exitCode == 0, "cmark (apt-get install cmark) must render the README: \(r)")
        let parser = XMLParser(data: Data(r.stdout.utf8))
        let c = Collector()
        parser.delegate = c
        #expect(parser.parse(), "cmark's XML parses")
        return c.blocks
    }

    @Test("one title; no shell comment or prose turned into a heading; sections in order")
    func headings() throws {
        let blocks = try Self.render()
        let headings = blocks.compactMap { b -> (Int, String)? in if case .heading(let l, let t) = b { return (l, t) } else { return nil } }
        #expect(headings.filter { $0.0 == 1 }.map(\.1) == ["Assay — a signed provenance ledger for connected products"], "\(headings)")
        let sections = headings.filter { $0.0 == 2 }.map(\.1)
        for expected in ["Run it (fresh Debian machine with Swift installed)", "Run the tests", "Walkthrough", "Guarantees", "Performance", "Layout"] {
            #expect(sections.contains(expected), "section \(expected) missing: \(sections)")
        }
        #expect(!headings.contains { $0.1.hasPrefix("assay ") || $0.1.contains("--") }, "a command became a heading: \(headings)")
    }

    @Test("every sh block holds commands and comments only; every json block is JSON")
    func codeBlocks() throws {
        let blocks = try Self.render()
        var sh = 0, json = 0
        for case .code(let info, let text) in blocks {
            switch info {
            case "sh":
                sh += 1
                var continued = false
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    let command = ["assay ", "apt-get ", "bash ", "swift ", "python3 ", "cp ", "cd ", "export "].contains { t.hasPrefix($0) }
                    #expect(continued || t.hasPrefix("#") || command, "not a command or comment in an sh block: \(line)")
                    continued = t.hasSuffix("\\")
                }
            case "json":
                json += 1
                #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil, "json block does not parse: \(text)")
            default:
                #expect(info.isEmpty, "unexpected code block language \(info)")
            }
        }
        #expect(sh >= 4 && json >= 1)
    }

    @Test("the two commands: the main one runs the product flow; the test one is exactly what .ci/run runs")
    func commands() throws {
        let blocks = try Self.render()
        let codes = blocks.compactMap { b -> String? in if case .code("sh", let t) = b { return t } else { return nil } }
        #expect(codes.first?.contains("bash tools/product-flow.sh") == true, "\(codes.first ?? "")")
        let ci = try String(contentsOf: Self.root.appendingPathComponent(".ci/run"), encoding: .utf8)
        let testCommand = try #require(codes.dropFirst().first).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(ci.contains(testCommand + " 2>&1") || ci.contains(testCommand + "\n"), ".ci/run runs: \(ci)\nREADME says: \(testCommand)")
        for package in ["libsodium-dev", "libssl-dev", "libsqlite3-dev", "cmark"] { #expect(testCommand.contains(package)) }
    }

    @Test("the main command's product flow runs end to end: origins, step, assembly, commitment, bundle verified against the principles, report")
    func productFlowRuns() throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bin = try CLIHarness.assayExecutable()
        let r = try CLIHarness.run(executable: "/usr/bin/env", ["ASSAY_BIN=\(bin)", "bash", Self.root.appendingPathComponent("tools/product-flow.sh").path, dir])
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.stdout.contains("— PASS"), "\(r.stdout)")
        for p in ["Integrity and data security", "Provenance", "Lifecycle", "Hardware and software security"] {
            #expect(r.stdout.contains("\(p): SATISFIED"), "\(p)")
        }
        let report = try String(contentsOf: URL(fileURLWithPath: dir + "/report.html"), encoding: .utf8)
        #expect(report.contains("PASS") && report.contains("Chips GmbH"))
    }
}
