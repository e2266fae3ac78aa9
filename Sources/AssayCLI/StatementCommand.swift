import AssayCore
import ArgumentParser
import AssayCrypto
import AssayModel
import AssayReport
import AssayVerify

struct StatementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Write and check statements (EPCIS 2.0 events and Assay's own kinds).",
        subcommands: [New.self, Check.self, Commitment.self, Passport.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a filled-in example statement of a kind (JSON), to edit.",
            discussion: "Kinds: \(StatementKind.allCases.map(\.rawValue).joined(separator: ", "))."
        )
        @Argument(help: "The statement kind.") var kind: String
        @Flag(help: "The template as one line of compact JSON (instead of indented, to edit).") var json = false

        func run() throws {
            guard let t = StatementTemplates.byKind[kind] ?? StatementTemplates.byKind.first(where: { $0.key.lowercased() == kind.lowercased() })?.value else {
                throw CLIFailure.input("unknown kind \"\(kind)\" (kinds: \(StatementKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if json {
                // One line, as every --json output; the template's member order is kept.
                var line = ""
                var inString = false, escaped = false
                for c in t {
                    if inString {
                        line.append(c)
                        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                    } else if c == "\"" {
                        inString = true
                        line.append(c)
                    } else if !c.isWhitespace {
                        line.append(c)
                    }
                }
                emit(line)
                return
            }
            emit(t)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate statements without signing them.",
            discussion: "Prints one line per file: its kind, or the field and the rule it breaks (with --json, one JSON object per file). Exit 2 if any is invalid."
        )
        @Flag(help: "Print one JSON object per file: file, valid, and kind or error.") var json = false
        @Argument(help: "Statement files (JSON), or DSSE envelopes (their payload is checked).") var files: [String]

        func run() throws {
            var bad = 0
            for f in files {
                do {
                    var bytes = try InputFiles.read(f, what: "statement", maxBytes: EntryChecker.maxEnvelopeBytes)
                    try InputFiles.refuseXML(bytes, path: f)
                    if let env = try? Envelope(json: bytes) { bytes = env.payload }
                    let st = try Statement.decode(bytes)
                    emit(json ? JSONField.object([("file", .string(f)), ("valid", .bool(true)), ("kind", .string(st.kind.rawValue))])
                              : "\(f): OK \(st.kind.rawValue)")
                } catch {
                    bad += 1
                    let message = (error as? ModelError)?.description ?? (error as? CLIFailure)?.message ?? "\(error)"
                    emit(json ? JSONField.object([("file", .string(f)), ("valid", .bool(false)), ("error", .string(message))])
                              : "\(f): INVALID \(Terminal.field(message))")
                }
            }
            if bad > 0 { throw CLIFailure.input("\(bad) of \(files.count) statements are invalid") }
        }
    }
}
