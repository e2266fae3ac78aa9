import AssayTestSupport
import Foundation
import Testing

/// E. `--help` on every command and subcommand, and usage errors exit 2.
@Suite("help and usage")
struct HelpAndUsageTests {
    static let commands: [[String]] = [
        [], ["key"], ["key", "generate"], ["sign"], ["init"], ["register"], ["revoke"], ["append"], ["log"], ["show"],
        ["verify"], ["checkpoint"], ["prove"], ["prove", "inclusion"], ["prove", "consistency"], ["verify-proof"],
        ["witness"], ["witness", "cosign"],
    ]

    @Test("--help exits 0 and prints the usage", arguments: commands)
    func help(_ command: [String]) throws {
        let r = try assay(command + ["--help"])
        expectSuccess(r)
        #expect(r.stdout.contains("USAGE: assay" + (command.isEmpty ? "" : " " + command.joined(separator: " "))), "\(r)")
        #expect(r.stdout.contains("OVERVIEW: "), "\(r)")
        if !command.isEmpty {
            let viaHelp = try assay(["help"] + command)
            expectSuccess(viaHelp)
            #expect(viaHelp.stdout == r.stdout, "'assay help \(command.joined(separator: " "))' prints the same help")
        }
    }

    /// The subcommand names listed under SUBCOMMANDS: in a help text.
    static func subcommands(inHelp help: String) -> [String] {
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        var names: [String] = []
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            // "  name   Abstract" — exactly two spaces of indent; continuation lines have more.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.dropFirst(2).split(separator: " ").first else { continue }
            if name == "See" { break }
            names.append(String(name))
        }
        return names
    }

    @Test("--help works on every command the tree lists, including ones added later")
    func helpOnTheWholeTree() throws {
        var queue: [[String]] = [[]]
        var seen: [[String]] = []
        while let command = queue.first {
            queue.removeFirst()
            seen.append(command)
            let r = try assay(command + ["--help"])
            expectSuccess(r)
            #expect(r.stdout.contains("USAGE: assay" + (command.isEmpty ? "" : " " + command.joined(separator: " "))), "\(r)")
            for sub in Self.subcommands(inHelp: r.stdout) where sub != "help" {
                queue.append(command + [sub])
            }
        }
        for required in Self.commands {
            #expect(seen.contains(required), "the help tree should list \(required.joined(separator: " "))")
        }
    }

    @Test("the top-level help lists every subcommand and the exit codes")
    func topLevelHelp() throws {
        let r = try assay("--help")
        for name in ["key", "sign", "init", "register", "revoke", "append", "log", "show", "verify", "checkpoint", "prove",
                     "verify-proof", "witness"] {
            #expect(r.stdout.contains("\n  \(name) "), "missing subcommand \(name)\n\(r)")
        }
        #expect(r.stdout.contains("0 success, 1 verification failed, 2 usage or input error"))
    }

    @Test("usage errors exit 2", arguments: [
        ["frobnicate"], ["verify"], ["show", "--ledger", "x.assay", "not-a-number"], ["log", "--ledger", "x.assay", "--from", "-1"],
        ["key", "generate", "--name", "n"], ["append", "--ledger"], ["verify-proof"], ["prove", "inclusion", "--ledger", "x.assay"],
        ["verify", "--ledger", "x.assay", "--no-such-flag"],
    ])
    func usageErrors(_ arguments: [String]) throws {
        let r = try assay(arguments)
        #expect(r.exitedNormally && r.exitCode == 2, "\(r)")
        #expect(!r.stderr.isEmpty && r.stdout.isEmpty, "\(r)")
    }
}
