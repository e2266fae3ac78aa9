import AssayTestSupport
import Foundation
import Testing

/// `assay passport`: the page and the QR code from a bundle, refusals that write nothing.
@Suite("assay passport")
struct PassportCommandTests {
    static func trustArguments(_ v: BundleVectors) -> [String] {
        var a = ["--log-key", v.trust.logKey, "--witnesses-needed", String(v.trust.witnessesNeeded)]
        for w in v.trust.witnessKeys { a += ["--witness-key", w] }
        return a
    }

    @Test("--out writes the page, --qr an SVG QR code that zbarimg reads back as the Digital Link (on --resolver's host when given)")
    func pageAndQR() throws {
        let v = try BundleVectors.load()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let r = try CLIHarness.assay(["passport", "--bundle", v.file(v.valid.file), "--out", dir.file("p.html"), "--qr", dir.file("qr.svg"),
                                      "--resolver", "https://acme.example/"] + Self.trustArguments(v))
        #expect(r.exitCode == 0, "\(r)")
        let dl = "https://acme.example" + v.trust.product.dropFirst("https://id.gs1.org".count)
        #expect(r.stdout.contains("wrote \(dir.file("p.html"))") && r.stdout.contains(dl), "\(r)")
        let page = try String(contentsOfFile: dir.file("p.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!doctype html>") && page.contains("id=\"assay-bundle\""))
        let zbarimg = try #require(["/usr/bin/zbarimg", "/usr/local/bin/zbarimg"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "zbarimg not found: apt-get install zbar-tools")
        let decoded = try CLIHarness.run(executable: zbarimg, ["--raw", "-q", dir.file("qr.svg")])
        #expect(decoded.exitCode == 0 && decoded.stdout.trimmingCharacters(in: .newlines) == dl, "\(decoded)")
        // Without --resolver: the canonical id.gs1.org link.
        let plain = try CLIHarness.assay(["passport", "--bundle", v.file(v.valid.file), "--qr", dir.file("qr2.svg")] + Self.trustArguments(v))
        #expect(plain.exitCode == 0, "\(plain)")
        #expect(try CLIHarness.run(executable: zbarimg, ["--raw", "-q", dir.file("qr2.svg")]).stdout.trimmingCharacters(in: .newlines) == v.trust.product)
    }

    @Test("a bundle that fails integrity, a wrong log key, no output named, a bad resolver: a one-line error, a non-zero exit, no file written")
    func refusals() throws {
        let v = try BundleVectors.load()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let tampered = try #require(v.cases.first { $0.expect == "failed" })
        let other = try CLIHarness.assay(["key", "generate", "--name", "someone.example/key", "--out", dir.file("other.key")])
        #expect(other.exitCode == 0)
        let cases: [([String], Int32, String)] = [
            (["--bundle", v.file(tampered.file), "--out", dir.file("x.html")] + Self.trustArguments(v), 1, "no passport page is written"),
            (["--bundle", v.file(v.valid.file), "--out", dir.file("x.html"), "--log-key", dir.file("other.key.pub")], 1, "not the log key"),
            (["--bundle", v.file(v.valid.file)] + Self.trustArguments(v), 2, "give --out FILE"),
            (["--bundle", v.file(v.valid.file), "--qr", dir.file("x.svg"), "--resolver", "ftp://x"] + Self.trustArguments(v), 2, "--resolver must be an http(s) URL"),
        ]
        for (args, code, message) in cases {
            let r = try CLIHarness.assay(["passport"] + args)
            #expect(r.exitCode == code, "\(args): \(r)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count <= 2, "one line: \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.html")) && !FileManager.default.fileExists(atPath: dir.file("x.svg")))
    }

    /// A copy of the built `assay` in `dir/bin`, without the page's files beside it.
    static func installedCopy(in dir: TemporaryDirectory) throws -> (executable: String, resources: String) {
        let built = try CLIHarness.assayExecutable()
        try FileManager.default.createDirectory(atPath: dir.file("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: built, toPath: dir.file("bin/assay"))
        let resources = ((built as NSString).deletingLastPathComponent as NSString).appendingPathComponent("Assay_AssayReport.resources/web")
        #expect(FileManager.default.fileExists(atPath: resources + "/verifier.js"), "the build has no page files at \(resources)")
        return (dir.file("bin/assay"), resources)
    }

    @Test("an installation without the page's files: a one-line error naming the missing file, exit 2, no page; with them in ../share/assay the page is written")
    func missingPageFiles() throws {
        let v = try BundleVectors.load()
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let (assay, resources) = try Self.installedCopy(in: dir)
        let args = ["passport", "--bundle", v.file(v.valid.file), "--out", dir.file("p.html")] + Self.trustArguments(v)
        let r = try CLIHarness.run(executable: assay, args)
        #expect(r.exitCode == 2, "\(r)")
        #expect(r.stderr.contains("missing from this installation") && r.stderr.contains("web/"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("p.html")))
        // Installed the documented way, ../share/assay/web beside bin/: the same command writes the page.
        try FileManager.default.createDirectory(atPath: dir.file("share/assay"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: resources, toPath: dir.file("share/assay/web"))
        let ok = try CLIHarness.run(executable: assay, args)
        #expect(ok.exitCode == 0, "\(ok)")
        let page = try String(contentsOfFile: dir.file("p.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!doctype html>") && page.contains("id=\"assay-bundle\""))
    }

    @Test("a battery with a Battery Pass: the page says what it is made of (chemistry, recycled content, carbon footprint), each value bound to its signed entry")
    func batteryMaterials() throws {
        let (ws, bundle) = try BatteryPassWorkspace.pack()
        defer { ws.dir.remove() }
        let r = try CLIHarness.assay(["passport", "--bundle", bundle, "--log-key", ws.pub(.operator), "--out", ws.dir.file("battery.html")])
        #expect(r.exitCode == 0, "\(r)")
        let page = try String(contentsOfFile: ws.dir.file("battery.html"), encoding: .utf8)
        let made = try #require(page.components(separatedBy: "id=\"materials-en\"").dropFirst().first?.components(separatedBy: "</section>").first)
        #expect(!made.contains("No material data is on record"), "\(made.prefix(500))")
        for path in ["data-path=\"data.batteryChemistry", "data-path=\"data.recycledContent", "data-path=\"data.batteryCarbonFootprint"] {
            #expect(made.contains(path), "the page does not show \(path)")
        }
        #expect(made.contains("<dt>battery chemistry"), "facts are named in words: \(made.prefix(300))")
    }
}
