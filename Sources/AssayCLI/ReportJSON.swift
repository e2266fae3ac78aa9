import AssayVerify
import AssayModel

/// JSON renderings of reports (fixed field order, compact).
enum ReportJSON {
    static func finding(_ f: Finding) -> String {
        var fields: [(String, String)] = [("check", JSONWriter.quote(f.check.rawValue))]
        fields.append(("seq", f.seq.map { "\($0)" } ?? "null"))
        fields.append(("message", JSONWriter.quote(f.message)))
        if let e = f.expected { fields.append(("expected", JSONWriter.quote(e))) }
        if let x = f.found { fields.append(("found", JSONWriter.quote(x))) }
        return JSONWriter.object(fields)
    }

    static func ledger(_ r: LedgerReport) -> String {
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
        ])
    }
}
