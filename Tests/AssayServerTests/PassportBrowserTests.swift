import AssayTestSupport
import Foundation
import Testing

/// The passport page in a real browser: Debian's headless Chromium, driven through Selenium by
/// `tools/passport/browser-check.py`, opens the page written by `assay passport` (from a file) and
/// the one `assay serve` answers at the product's Digital Link, waits for the page's own check,
/// and reports `data-verification` and what the page shows. Every tampered bundle of the shared
/// vectors (`Tests/Fixtures/bundle-vectors`, also checked by the Swift verifier in
/// `AssayReportTests`) must turn the page to `failed`.
@Suite("Passport page in headless Chromium", .serialized)
struct PassportBrowserTests {
    static let product = "https://id.gs1.org/01/04012345000016/21/SN-0001"
    static let origin = "acme.example/ledger"

    /// The product flow of the README (`tools/product-flow.sh`) in a fresh directory.
    static func productFlow() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(prefix: "assay-passport-browser")
        let script = Vectors.packageRoot.appendingPathComponent("tools/product-flow.sh").path
        let r = try CLIHarness.run(executable: "/bin/bash", [script, dir.path], environment: ["ASSAY_BIN": try CLIHarness.assayExecutable()], timeout: 300)
        guard r.exitCode == 0 else { throw TestFailure("tools/product-flow.sh failed:\n\(r)") }
        return dir
    }

    /// Runs the browser on `jobs` and returns one result object per job.
    static func browser(_ jobs: [[String: Any]], in dir: TemporaryDirectory) throws -> [[String: Any]] {
        let jobsFile = dir.file("jobs-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: jobsFile))
        let script = Vectors.packageRoot.appendingPathComponent("tools/passport/browser-check.py").path
        let r = try CLIHarness.run(executable: "/usr/bin/env", ["python3", script, jobsFile], timeout: 600)
        guard r.exitCode == 0 else {
            throw TestFailure("the browser could not be run (apt-get install chromium chromium-driver; python3 -m pip install selenium):\n\(r)")
        }
        guard let list = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [[String: Any]], list.count == jobs.count else {
            throw TestFailure("browser-check.py printed no result list:\n\(r)")
        }
        return list
    }

    static func passportPage(_ dir: TemporaryDirectory, out: String, extra: [String] = []) throws {
        let r = try CLIHarness.assay(["passport", "--bundle", "product.assay-bundle", "--log-key", "operator.key.pub",
                                      "--witness-key", "witness.key.pub", "--witnesses-needed", "1", "--out", out] + extra, in: dir.path)
        guard r.exitCode == 0 else { throw TestFailure("assay passport failed:\n\(r)") }
    }

    /// Where the screenshots go: `ASSAY_SCREENSHOTS`, else `.build/passport-screenshots`.
    static var screenshotDirectory: String {
        if let d = ProcessInfo.processInfo.environment["ASSAY_SCREENSHOTS"], !d.isEmpty { return d }
        return Vectors.packageRoot.appendingPathComponent(".build/passport-screenshots").path
    }

    static func bound(_ result: [String: Any], path: String) -> [String] {
        ((result["bound"] as? [[String: Any]]) ?? []).filter { $0["path"] as? String == path }.compactMap { $0["text"] as? String }
    }

    @Test("assay passport's file and assay serve's page verify in the browser, in English and German, showing the signed facts; screenshots at phone and desktop size")
    func verifiedPages() throws {
        let dir = try Self.productFlow()
        defer { dir.remove() }
        try Self.passportPage(dir, out: "page.html")
        let server = try ServerProcess(ledger: dir.file("acme.assay"), keyFile: dir.file("operator.key"), outputDirectory: dir.path,
                                       extraArguments: ["--witness", "http://127.0.0.1:9/=" + dir.file("witness.key.pub")])
        let served = "http://127.0.0.1:\(server.port)/01/04012345000016/21/SN-0001"
        let shots = Self.screenshotDirectory
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        var jobs: [[String: Any]] = []
        for lang in ["en", "de"] {
            jobs.append(["url": "file://" + dir.file("page.html"), "lang": lang, "width": 390, "height": 844,
                         "screenshot": shots + "/passport-phone-\(lang).png", "fullPage": true])
            jobs.append(["url": served, "lang": lang, "width": 1280, "height": 900,
                         "screenshot": shots + "/passport-desktop-\(lang).png", "fullPage": true])
        }
        let results = try Self.browser(jobs, in: dir)
        for (job, r) in zip(jobs, results) {
            let lang = job["lang"] as! String
            let what = "\(job["url"]!) [\(lang)]"
            #expect(r["verification"] as? String == "verified", "\(what): \(r["verification"] ?? "-"): \(r["problems"] ?? "-") / \(r["status"] ?? "-")")
            #expect(r["lang"] as? String == lang, "\(what): the page did not follow the browser's language")
            #expect(r["h1"] as? String == "GTIN 04012345000016 · SN-0001", "\(what)")
            let end = Self.bound(r, path: "securitySupportEnd")
            #expect(end.first == (lang == "de" ? "31. Dezember 2032" : "31 December 2032"), "\(what): security end shown as \(end)")
            #expect(Self.bound(r, path: "legalName").contains("Chips GmbH"), "\(what): the direct suppliers are named")
            let status = r["status"] as? String ?? ""
            #expect(status.contains(lang == "de" ? "Von Ihrem Browser geprüft" : "Verified by your browser"), "\(what): \(status)")
            #expect(r["productStatus"] as? String == (lang == "de" ? "In Gebrauch" : "In use"), "\(what)")
            #expect((r["principles"] as? [[String]])?.count == 7, "\(what): one line per principle")
            #expect(r["treeNodes"] as? Int == 6, "\(what): product, board, MCU, radio, firmware, cells drawn")
            // WCAG 2.2 AA, measured in the rendered page: text contrast, named controls, heading order.
            #expect((r["contrast"] as? [Any])?.isEmpty == true, "\(what): text below the AA contrast ratio: \(r["contrast"] ?? "-")")
            #expect((r["unnamed"] as? [Any])?.isEmpty == true, "\(what): controls without an accessible name: \(r["unnamed"] ?? "-")")
            #expect(r["headings"] as? Bool == true, "\(what): a heading level is skipped")
            let shot = r["screenshot"] as? String ?? ""
            let png = FileManager.default.contents(atPath: shot) ?? Data()
            #expect(png.count > 20_000 && png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "\(what): no screenshot at \(shot)")
        }
        // Keyboard: Tab reaches the language buttons, the links to evidence and the expert details, each with a visible focus ring.
        let keyboard = try Self.browser([["url": "file://" + dir.file("page.html"), "lang": "en", "keyboard": true, "tabs": 60]], in: dir)[0]
        let focus = (keyboard["focus"] as? [[String: Any]]) ?? []
        let tags = Set(focus.compactMap { $0["tag"] as? String })
        #expect(tags.isSuperset(of: ["BUTTON", "A", "SUMMARY"]), "Tab reached \(tags)")
        #expect(focus.contains { $0["tag"] as? String == "SUMMARY" && ($0["text"] as? String ?? "").hasPrefix("For experts") }, "the evidence details are reachable by keyboard")
        #expect(focus.filter { $0["tag"] as? String != "BODY" }.allSatisfy { $0["outline"] as? Bool == true }, "an element took focus without a visible outline: \(focus.filter { $0["outline"] as? Bool != true })")
        // The file page pins the witness and names it; the served page pins the --witness key too.
        #expect((results[0]["witnesses"] as? [String]) == ["certbody.example/witness"], "\(results[0]["witnesses"] ?? "-")")
        #expect((results[1]["witnesses"] as? [String]) == ["certbody.example/witness"], "\(results[1]["witnesses"] ?? "-")")
    }

    /// The page of `valid.assay-bundle` with its embedded bundle replaced by `bundle`.
    static func page(_ base: String, embedding bundle: Data) throws -> String {
        let open = #"<script type="application/json" id="assay-bundle">"#
        guard let start = base.range(of: open), let end = base.range(of: "</script>", range: start.upperBound..<base.endIndex) else {
            throw TestFailure("the page has no embedded bundle")
        }
        let json = String(decoding: bundle, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        return String(base[..<start.upperBound]) + json + String(base[end.lowerBound...])
    }

    @Test("every shared bundle vector: the page's verdict in the browser is the expected one (each tampering the Swift verifier catches turns the page to failed)")
    func vectors() throws {
        let vectors = try BundleVectors.load()
        let dir = try TemporaryDirectory(prefix: "assay-passport-vectors")
        defer { dir.remove() }
        var args = ["passport", "--bundle", vectors.file(vectors.valid.file), "--log-key", vectors.trust.logKey, "--origin", vectors.trust.origin,
                    "--product", vectors.trust.product, "--witnesses-needed", String(vectors.trust.witnessesNeeded), "--out", dir.file("base.html")]
        for w in vectors.trust.witnessKeys { args += ["--witness-key", w] }
        let made = try CLIHarness.assay(args)
        #expect(made.exitCode == 0, "\(made)")
        let base = String(decoding: FileManager.default.contents(atPath: dir.file("base.html")) ?? Data(), as: UTF8.self)
        var jobs: [[String: Any]] = []
        for v in vectors.cases {
            let file = dir.file("vector-\(v.name).html")
            try Self.page(base, embedding: try Data(contentsOf: URL(fileURLWithPath: vectors.file(v.file)))).write(toFile: file, atomically: true, encoding: .utf8)
            jobs.append(["url": "file://" + file, "lang": "en"])
        }
        let results = try Self.browser(jobs, in: dir)
        #expect(vectors.cases.contains { $0.expect == "failed" } && vectors.cases.contains { $0.expect == "verified" })
        for (v, r) in zip(vectors.cases, results) {
            #expect(r["verification"] as? String == v.expect, "\(v.name) (\(v.why)): the browser says \(r["verification"] ?? "-"): \(r["problems"] ?? "-")")
        }
    }

    @Test("a page whose shown value was edited, whose pinned log key was swapped, or that runs without JavaScript never shows verified; edited text alone is replaced by the signed value")
    func tamperedPages() throws {
        let dir = try Self.productFlow()
        defer { dir.remove() }
        try Self.passportPage(dir, out: "page.html")
        let base = try String(contentsOfFile: dir.file("page.html"), encoding: .utf8)
        // 1. The claimed value of a signed fact changed (what a reader would trust).
        let claimed = base.replacingOccurrences(of: #"data-value="2032-12-31""#, with: #"data-value="2039-12-31""#)
        #expect(claimed != base)
        try claimed.write(toFile: dir.file("claimed.html"), atomically: true, encoding: .utf8)
        // 2. Only the visible text changed: the page shows the signed value instead.
        let text = base.replacingOccurrences(of: ">31 December 2032<", with: ">31 December 2039<")
        #expect(text != base)
        try text.write(toFile: dir.file("text.html"), atomically: true, encoding: .utf8)
        // 3. The pinned log key swapped for another key: the genesis and checkpoint no longer match it.
        let other = try CLIHarness.assay(["key", "generate", "--name", "acme.example/operator", "--out", "other.key"], in: dir.path)
        #expect(other.exitCode == 0, "\(other)")
        let otherKey = try String(contentsOfFile: dir.file("other.key.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let realKey = try String(contentsOfFile: dir.file("operator.key.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let swapped = base.replacingOccurrences(of: realKey, with: otherKey)
        #expect(swapped != base)
        try swapped.write(toFile: dir.file("swapped.html"), atomically: true, encoding: .utf8)
        let results = try Self.browser([
            ["url": "file://" + dir.file("claimed.html"), "lang": "en"],
            ["url": "file://" + dir.file("text.html"), "lang": "en"],
            ["url": "file://" + dir.file("swapped.html"), "lang": "en"],
            ["url": "file://" + dir.file("page.html"), "lang": "en", "javascript": false, "timeout": 2],
        ], in: dir)
        #expect(results[0]["verification"] as? String == "failed", "\(results[0])")
        #expect((results[0]["status"] as? String ?? "").contains("2039-12-31"), "the reason names the value: \(results[0]["status"] ?? "-")")
        #expect(results[1]["verification"] as? String == "verified", "\(results[1])")
        #expect(Self.bound(results[1], path: "securitySupportEnd").first == "31 December 2032", "the signed value replaces the edited text")
        #expect(results[2]["verification"] as? String == "failed", "\(results[2])")
        #expect(results[3]["verification"] as? String == "unchecked", "without JavaScript: \(results[3])")
        #expect((results[3]["status"] as? String ?? "").contains("Not verified in this browser"), "\(results[3]["status"] ?? "-")")
    }

    @Test("an event naming the product by its upper-case EPC URN is in the product's bundle, and its page verifies in the browser: both verifiers index the URN under the product's Digital Link")
    func upperCaseURNEvent() throws {
        let dir = try Self.productFlow()
        defer { dir.remove() }
        func entries(_ bundle: String) throws -> Int {
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file(bundle)))) as? [String: Any]
            return (object?["entries"] as? [Any])?.count ?? -1
        }
        let before = try entries("product.assay-bundle")
        let context = #""@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]"#
        try dir.write("inspect.json", #"{\#(context),"type":"ObjectEvent","eventTime":"2026-11-21T09:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"OBSERVE","bizStep":"inspecting","epcList":["URN:EPC:ID:SGTIN:4012345.000001.SN-0001"],"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"}}"#)
        let signed = try CLIHarness.assay(["sign", "--key", "maker.key", "inspect.json"], in: dir.path)
        #expect(signed.exitCode == 0, "\(signed)")
        try dir.write("inspect.dsse", signed.stdoutBytes)
        #expect(try CLIHarness.assay(["append", "--ledger", "acme.assay", "inspect.dsse"], in: dir.path).exitCode == 0)
        // A new checkpoint, cosigned by the flow's witness (export takes the best-witnessed one).
        let checkpoint = try CLIHarness.assay(["checkpoint", "--ledger", "acme.assay", "--key", "operator.key"], in: dir.path)
        try dir.write("checkpoint2.txt", checkpoint.stdoutBytes)
        // The witness needs the consistency proof from the size it cosigned (line 2 of a note).
        func size(_ note: String) throws -> String {
            String(try String(contentsOfFile: dir.file(note), encoding: .utf8).split(separator: "\n")[1])
        }
        let proof = try CLIHarness.assay(["prove", "consistency", "--ledger", "acme.assay", "--from", try size("checkpoint.txt"), "--to", try size("checkpoint2.txt")], in: dir.path)
        #expect(proof.exitCode == 0, "\(proof)")
        try dir.write("consistency.txt", proof.stdoutBytes)
        let cosigned = try CLIHarness.assay(["witness", "cosign", "--checkpoint", "checkpoint2.txt", "--key", "witness.key", "--state", "witness-state",
                                             "--proof", "consistency.txt"], in: dir.path)
        #expect(cosigned.exitCode == 0, "\(cosigned)")
        try dir.write("cosigned2.txt", cosigned.stdoutBytes)
        for step in [["cosignatures", "add", "--ledger", "acme.assay", "cosigned2.txt"],
                     ["export", "--ledger", "acme.assay", "--product", Self.product, "--out", "upper.assay-bundle"],
                     ["passport", "--bundle", "upper.assay-bundle", "--log-key", "operator.key.pub", "--out", "upper.html"]] {
            let r = try CLIHarness.assay(step, in: dir.path)
            #expect(r.exitCode == 0, "\(step[0]): \(r)")
        }
        #expect(try entries("upper.assay-bundle") == before + 1, "the event written with the upper-case URN is not in the product's bundle")
        let results = try Self.browser([["url": "file://" + dir.file("upper.html"), "lang": "en"]], in: dir)
        #expect(results[0]["verification"] as? String == "verified", "\(results[0]["problems"] ?? "-") / \(results[0]["status"] ?? "-")")
    }

    @Test("a battery's page verifies in the browser with its Battery Pass facts; a signed number literal (1.50, 1E308) is checked by value; an edited number fails")
    func batteryPage() throws {
        let (ws, bundle) = try BatteryPassWorkspace.pack()
        defer { ws.dir.remove() }
        let made = try CLIHarness.assay(["passport", "--bundle", bundle, "--log-key", ws.pub(.operator), "--out", ws.dir.file("battery.html")])
        #expect(made.exitCode == 0, "\(made)")
        let page = try String(contentsOfFile: ws.dir.file("battery.html"), encoding: .utf8)
        // An edited number: a different value with the same look of a literal.
        let edited = page.replacingOccurrences(of: #"data-path="data.renewableContent" data-value="12.5""#, with: #"data-path="data.renewableContent" data-value="42.5""#)
        #expect(edited != page, "the page shows no renewable content to edit")
        try edited.write(toFile: ws.dir.file("edited.html"), atomically: true, encoding: .utf8)
        let results = try Self.browser([["url": "file://" + ws.dir.file("battery.html"), "lang": "de"],
                                        ["url": "file://" + ws.dir.file("edited.html"), "lang": "en"]], in: ws.dir)
        #expect(results[0]["verification"] as? String == "verified", "\(results[0]["problems"] ?? "-") / \(results[0]["status"] ?? "-")")
        let shown = Self.bound(results[0], path: "data.recycledContent[2].preConsumerShare")
        #expect(shown == ["0.50"], "the literal as signed: \(shown)")
        #expect(results[1]["verification"] as? String == "failed", "\(results[1])")
    }
}
