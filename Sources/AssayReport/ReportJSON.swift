public import AssayVerify
import AssayCrypto
import AssayModel

/// JSON renderings of ledger verification reports (fixed member order, compact).
public enum ReportJSON {
    /// One finding: `check`, `seq` (or null), `message`, and `expected`/`found` when known.
    public static func finding(_ f: Finding) -> String {
        var fields: [(String, String)] = [("check", JSONWriter.quote(f.check.rawValue))]
        fields.append(("seq", f.seq.map { "\($0)" } ?? "null"))
        fields.append(("message", JSONWriter.quote(f.message)))
        if let e = f.expected { fields.append(("expected", JSONWriter.quote(e))) }
        if let x = f.found { fields.append(("found", JSONWriter.quote(x))) }
        return JSONWriter.object(fields)
    }

    /// The report of `assay verify --ledger --json`: `ok`, `entries`, `signers`, `origin`,
    /// `headHash`, `root`, `checkpointsChecked`, `nodesChecked`, `failure`, `warnings` and
    /// `assayVersion`.
    public static func ledger(_ r: LedgerReport) -> String {
        JSONWriter.object([
            ("ok", r.ok ? "true" : "false"),
            ("entries", "\(r.entries)"),
            ("signers", "\(r.signers)"),
            ("origin", r.origin.map(JSONWriter.quote) ?? "null"),
            ("headHash", JSONWriter.quote(r.headHash.hex)),
            ("root", JSONWriter.quote(r.root.hex)),
            ("checkpointsChecked", "\(r.checkpointsChecked)"),
            ("nodesChecked", "\(r.nodesChecked)"),
            ("failure", r.failure.map(finding) ?? "null"),
            ("warnings", "[" + r.warnings.map(finding).joined(separator: ",") + "]"),
            ("assayVersion", JSONWriter.quote(AssayVersion.current)),
        ])
    }

    /// The one-line text summary of a ledger report: `OK: …` or `FAILED: …`.
    public static func ledgerSummary(_ r: LedgerReport) -> String {
        if let f = r.failure { return "FAILED: \(f)" }
        return "OK: \(r.entries) entries, \(r.signers) signers, \(r.checkpointsChecked) checkpoints, head \(r.headHash.hex), root \(r.root.hex) (assay \(AssayVersion.current))"
    }
}
