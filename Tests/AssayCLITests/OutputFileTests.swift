@testable import AssayCLI
import AssayTestSupport
import Foundation
import Testing

/// Issue 12 §7: outputs are written through an unpredictable temporary file created with
/// `O_EXCL | O_NOFOLLOW`, and a destination that is a symbolic link is refused, so a link
/// planted by another local user never makes `assay` overwrite the file it points to.
@Suite("output files: planted symlinks are never written through")
struct OutputFileTests {
    static let victimText = "the victim's own file: must never change\n"

    /// A workspace with a checkpoint, so `export` of SN1 works, and a victim file.
    static func setUp() throws -> (Workspace, victim: String, product: String) {
        let ws = try Workspace.base()
        try ws.checkpoint(as: "cp8.txt")
        let victim = try ws.write("victim.txt", victimText)
        return (ws, victim, "https://id.gs1.org/01/04012345000016/21/SN1")
    }

    @Test("a symlink planted at the destination: export and sign --out refuse it, the victim is untouched")
    func destinationSymlink() throws {
        let (ws, victim, product) = try Self.setUp()
        defer { ws.remove() }
        let link = ws.file("out.assay-bundle")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
        let r = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", link)
        expectRefusal(r, mentioning: ["symbolic link", link])
        #expect(try ws.text(victim) == Self.victimText)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == victim, "the link itself is left alone")
        let statement = try ws.write("ev.json", Statements.event(77))
        let signLink = ws.file("ev.dsse.json")
        try FileManager.default.createSymbolicLink(atPath: signLink, withDestinationPath: victim)
        expectRefusal(try assay("sign", "--key", ws.key(.supplier), "--out", signLink, statement), mentioning: ["symbolic link"])
        #expect(try ws.text(victim) == Self.victimText)
    }

    @Test("symlinks planted at every temporary name the old scheme could use (.<name>.tmp-<pid>): export writes its own file, the victim is untouched")
    func temporaryNameSymlinks() throws {
        let (ws, victim, product) = try Self.setUp()
        defer { ws.remove() }
        let outDir = ws.file("out")
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        let out = (outDir as NSString).appendingPathComponent("sn1.assay-bundle")
        // Every pid the system can hand out: whatever pid export runs as, its old temporary name is a link to the victim.
        let pidMax = Int((try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 32768
        let planted = min(pidMax, 1 << 16)
        var failures = 0
        for pid in 1...planted where symlink(victim, outDir + "/.sn1.assay-bundle.tmp-\(pid)") != 0 { failures += 1 }
        #expect(failures == 0)
        let r = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", out)
        expectSuccess(r)
        #expect(try ws.text(victim) == Self.victimText, "export wrote through a planted link")
        #expect(try ws.text(out).hasPrefix("{"), "the bundle is in its own file")
        var st = stat()
        #expect(lstat(out, &st) == 0 && st.st_mode & S_IFMT == S_IFREG)
        // The planted links are all still there, untouched, and no temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: outDir)
        #expect(names.count == planted + 1, "\(names.count) entries")
    }

    @Test("when the temporary name is taken by a planted link, the exclusive create refuses it and the next name is used")
    func exclusiveCreate() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let victim = try dir.write("victim.txt", Self.victimText)
        let planted = dir.file(".out.txt.tmp-planted")
        #expect(symlink(victim, planted) == 0)
        var names = [".out.txt.tmp-planted", ".out.txt.tmp-fresh"]
        try InputFiles.writeAtomically(Array("new content\n".utf8), to: dir.file("out.txt"), temporaryName: { _ in names.removeFirst() })
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: victim)), as: UTF8.self) == Self.victimText)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir.file("out.txt"))), as: UTF8.self) == "new content\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: planted)) == victim)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".out.txt.tmp-fresh")), "renamed away")
        // Every name taken: the write fails, and still nothing is written through the link.
        #expect(throws: (any Error).self) {
            try InputFiles.writeAtomically(Array("x".utf8), to: dir.file("out2.txt"), temporaryName: { _ in ".out.txt.tmp-planted" })
        }
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: victim)), as: UTF8.self) == Self.victimText)
        #expect(!FileManager.default.fileExists(atPath: dir.file("out2.txt")))
    }
}
