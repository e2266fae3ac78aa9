import AssayTestSupport
import Foundation
import Testing

/// Issue 14: a witness's cosignature reaches the exported bundle. Before, no command stored a
/// cosigned checkpoint and export always used the operator-only one, so
/// `verify --bundle --witnesses-needed 1` failed on every exported bundle.
@Suite("cosignatures add")
struct CosignatureCommandTests {
    static let product = "https://id.gs1.org/01/04012345000016/21/SN3"

    func verifyBundle(_ ws: Workspace, _ bundle: String, needed: Int) throws -> CLIResult {
        try assay("verify", "--bundle", bundle, "--log-key", ws.pub(.operator), "--origin", testOrigin, "--product", Self.product,
                  "--witness-key", ws.pub(.witness), "--witnesses-needed", String(needed), "--at", "2030-01-15")
    }

    // verify --bundle exits 0 with --witnesses-needed 1 on the thermostat ledger (every principle
    // holds there): AssayBundleTests' WitnessedExportTests. Here: the witness count and integrity.
    @Test("a witness's cosignature is stored once, exported, and counted by verify --bundle")
    func cosignedBundleVerifies() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp = try ws.checkpoint(as: "cp8.txt")
        let state = ws.file("witness-state")
        try ws.must("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator))
        let cosigned = try ws.write("cp8w.txt", try ws.must("witness", "cosign", "--checkpoint", cp, "--key", ws.key(.witness), "--state", state).stdout)

        // Before storing: the exported bundle carries no cosignature, and the policy fails.
        let before = ws.file("before.assay-bundle")
        try ws.must("export", "--ledger", ws.ledger, "--product", Self.product, "--out", before)
        let refused = try verifyBundle(ws, before, needed: 1)
        #expect(refused.exitCode != 0, "\(refused)")

        let added = try assay("cosignatures", "add", "--ledger", ws.ledger, cosigned)
        expectSuccess(added)
        #expect(added.stdout.contains("stored 1 new cosignature for the checkpoint of size 8"), "\(added)")
        // The same note again adds nothing: never a second line for one witness and checkpoint.
        let again = try assay("cosignatures", "add", "--ledger", ws.ledger, cosigned, "--json")
        expectSuccess(again)
        #expect(again.stdout.contains("\"added\":0") && again.stdout.contains("\"stored\":1"), "\(again)")

        let bundle = ws.file("after.assay-bundle")
        try ws.must("export", "--ledger", ws.ledger, "--product", Self.product, "--out", bundle)
        let ok = try verifyBundle(ws, bundle, needed: 1)
        #expect(ok.stdout.contains("1 witness cosignature"), "\(ok)")
        #expect(!ok.stdout.contains("witness cosignatures, policy needs"), "\(ok)")
        #expect(refused.stdout.contains("0 valid witness cosignatures, policy needs 1") || refused.stdout.contains("0 witness cosignature"), "\(refused)")
        expectSuccess(try assay("verify", "--ledger", ws.ledger))
    }

    @Test("a note that is not a stored checkpoint is refused in one line and nothing is stored")
    func refusesForeignNote() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let cp8 = try ws.checkpoint(as: "cp8.txt")
        let state = ws.file("witness-state")
        try ws.must("witness", "add-log", "--state", state, "--origin", testOrigin, "--log-key", ws.pub(.operator))
        let cosigned = try ws.text(try ws.write("cp8w.txt", try ws.must("witness", "cosign", "--checkpoint", cp8, "--key", ws.key(.witness), "--state", state).stdout))
        // The same cosignature over a body that says another size: no such stored checkpoint text.
        let forged = try ws.write("forged.txt", cosigned.replacingOccurrences(of: "\n8\n", with: "\n7\n"))
        let garbage = try ws.write("garbage.txt", "not a note\n")
        for file in [forged, garbage] {
            let r = try assay("cosignatures", "add", "--ledger", ws.ledger, file)
            #expect(r.exitCode == 2, "\(r)")
            #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r)")
        }
        let bundle = ws.file("b.assay-bundle")
        try ws.must("export", "--ledger", ws.ledger, "--product", Self.product, "--out", bundle)
        #expect(try verifyBundle(ws, bundle, needed: 1).exitCode != 0, "nothing was stored")
    }
}
