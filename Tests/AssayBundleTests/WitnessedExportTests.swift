import AssayTestSupport
import Foundation
import Testing

/// Issue 14: a witness's cosignature, stored with `assay cosignatures add`, travels in the
/// exported bundle, and `verify --bundle --witness-key W --witnesses-needed 1` passes (exit 0).
/// Before, export always used the operator-only checkpoint and this failed on every bundle.
@Suite("Witnessed export")
struct WitnessedExportTests {
    @Test("witness add-log, witness cosign, cosignatures add, export, verify --bundle --witnesses-needed 1: exit 0")
    func witnessedBundleVerifies() throws {
        let w = try CLIWorkspace()
        defer { w.remove() }
        let wkey = w.dir.file("witness.key")
        let gen = try CLIHarness.assay(["key", "generate", "--name", "witness.example/w9", "--witness", "--out", wkey])
        #expect(gen.exitCode == 0, "\(gen)")
        let state = w.dir.file("witness-state")
        let added = try CLIHarness.assay(["witness", "add-log", "--state", state, "--origin", TF.ledgerOrigin, "--log-key", w.logKey])
        #expect(added.exitCode == 0, "\(added)")
        let latest = try CLIHarness.assay(["checkpoint", "--ledger", w.ledger, "--latest"])
        #expect(latest.exitCode == 0, "\(latest)")
        let cp = try w.dir.write("cp.txt", latest.stdout)
        let cosign = try CLIHarness.assay(["witness", "cosign", "--checkpoint", cp, "--key", wkey, "--state", state])
        #expect(cosign.exitCode == 0, "\(cosign)")
        let cosigned = try w.dir.write("cp-cosigned.txt", cosign.stdout)

        let (before, exported) = try w.export("before.assay-bundle")
        #expect(exported.exitCode == 0, "\(exported)")
        let witnessArgs = ["--witness-key", wkey + ".pub", "--witnesses-needed", "1"]
        let refused = try w.verify(before, witnessArgs)
        #expect(refused.exitCode == 1, "without the stored cosignature the policy fails\n\(refused)")

        let store = try CLIHarness.assay(["cosignatures", "add", "--ledger", w.ledger, cosigned, "--json"])
        #expect(store.exitCode == 0, "\(store)")
        #expect(store.stdout.contains("\"added\":1"), "\(store)")

        let (after, exportedAfter) = try w.export("after.assay-bundle")
        #expect(exportedAfter.exitCode == 0, "\(exportedAfter)")
        let ok = try w.verify(after, witnessArgs)
        #expect(ok.exitCode == 0, "\(ok)")
        #expect(ok.stdout.contains("1 witness cosignature"), "\(ok)")
        // The ledger still verifies with the cosignature stored.
        let ledgerOK = try CLIHarness.assay(["verify", "--ledger", w.ledger])
        #expect(ledgerOK.exitCode == 0, "\(ledgerOK)")
    }
}
