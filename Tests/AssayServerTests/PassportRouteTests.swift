import AssayCrypto
import AssayTestSupport
import Foundation
import Testing

/// The passport page the server answers at a product's Digital Link is made only from a bundle
/// that verifies against the operator's key: a ledger whose stored bytes were rewritten gets a
/// 500 problem, never a page that a buyer's browser might be shown.
@Suite("Passport route: a bundle that does not verify is a ledger fault")
struct PassportRouteTests {
    @Test("a stored entry rewritten in the file: the product's page is answered 500 ledger-inconsistent and logged, never a page; the server stays up")
    func tamperedLedgerGetsNoPage() throws {
        let dir = try PassportBrowserTests.productFlow()
        defer { dir.remove() }
        // Rewrite the assembly event's time in the stored envelope (its signature no longer holds).
        let tamperer = try fileTamperer(dir.file("acme.assay"))
        let rows = try tamperer.query("SELECT seq, envelope FROM records ORDER BY seq", [])
        var edited = false
        for row in rows {
            guard case .int(let seq) = row[0], case .blob(let stored) = row[1], let env = try? Envelope(json: stored) else { continue }
            let payload = String(decoding: env.payload, as: UTF8.self)
            guard payload.contains("\"assembling\"") else { continue }
            let changed = payload.replacingOccurrences(of: "2026-11-20T12:00:00+01:00", with: "2026-11-20T12:00:01+01:00")
            #expect(changed != payload)
            let forged = Envelope(payloadType: env.payloadType, payload: Array(changed.utf8), signatures: env.signatures).canonicalJSON
            try tamperer.edit("UPDATE records SET envelope = ?1 WHERE seq = ?2", [.blob(forged), .int(seq)])
            edited = true
        }
        #expect(edited, "the product flow has no assembly event to edit")

        let server = try ServerProcess(ledger: dir.file("acme.assay"), keyFile: dir.file("operator.key"), outputDirectory: dir.path)
        let page = try server.client().request("GET", "/01/04012345000016/21/SN-0001", headers: [("Accept", "text/html")])
        #expect(page.status == 500, "\(page)")
        #expect(page.headers["content-type"] == "application/problem+json", "\(page)")
        #expect(page.text.contains("ledger-inconsistent") && !page.text.contains("<html"), "\(page)")
        // The server stays up and logs the fault with the product.
        #expect(try server.client().request("GET", "/healthz").status == 200)
        #expect(server.stderr.contains("passport page refused") && server.stderr.contains("SN-0001"), "\(server.stderr)")
    }

    @Test("a server installed without the page's files: the page is 500 installation-incomplete and logged; the JSON bundle is still answered")
    func missingPageFiles() throws {
        let dir = try PassportBrowserTests.productFlow()
        defer { dir.remove() }
        let built = try CLIHarness.assayExecutable()
        try FileManager.default.createDirectory(atPath: dir.file("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: built, toPath: dir.file("bin/assay"))
        let server = try ServerProcess(ledger: dir.file("acme.assay"), keyFile: dir.file("operator.key"), outputDirectory: dir.path,
                                       executable: dir.file("bin/assay"))
        let page = try server.client().request("GET", "/01/04012345000016/21/SN-0001", headers: [("Accept", "text/html")])
        #expect(page.status == 500, "\(page)")
        #expect(page.headers["content-type"] == "application/problem+json", "\(page)")
        #expect(page.text.contains("installation-incomplete") && page.text.contains("missing from this installation"), "\(page)")
        #expect(!page.text.contains("ledger-inconsistent") && !page.text.contains("<html"), "\(page)")
        let json = try server.client().request("GET", "/01/04012345000016/21/SN-0001", headers: [("Accept", "application/json")])
        #expect(json.status == 200 && json.text.contains("\"entries\""), "\(json.status)")
        #expect(server.stderr.contains("passport page refused") && server.stderr.contains("SN-0001"), "\(server.stderr)")
    }
}
