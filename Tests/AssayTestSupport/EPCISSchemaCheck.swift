public import Foundation

/// Validates JSON documents against the GS1 EPCIS 2.0 JSON Schema
/// (`shared/vectors/epcis/schema/EPCIS-JSON-Schema.json`, draft 7) with python3's `jsonschema`,
/// format checks on: `date-time` as jsonschema checks it, and `uri` as an absolute URI (a scheme,
/// then no white space), which jsonschema checks only when the optional `rfc3987` package is
/// installed. A missing python3 or jsonschema is an error, never a skip.
public enum EPCISSchemaCheck {
    /// The checker, given the schema path then the files; prints `FILE<TAB>valid` or
    /// `FILE<TAB>invalid<TAB>POINTER: MESSAGE; …` per file.
    static let script = #"""
    import json, re, sys
    import jsonschema
    schema = json.load(open(sys.argv[1]))
    fc = jsonschema.FormatChecker()
    @fc.checks("uri")
    def uri(value):
        return not isinstance(value, str) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$", value) is not None
    assert "date-time" in fc.checkers, "jsonschema cannot check date-time here"
    validator = jsonschema.Draft7Validator(schema, format_checker=fc)
    for f in sys.argv[2:]:
        errors = sorted(validator.iter_errors(json.load(open(f))), key=lambda e: list(e.absolute_path))
        if errors:
            why = "; ".join("/" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:200] for e in errors[:5])
            print(f + "\tinvalid\t" + why.replace("\n", " "))
        else:
            print(f + "\tvalid")
    """#

    /// The verdict on each file: nil when valid, else the schema's complaints.
    public static func verdicts(_ files: [String]) throws -> [String: String?] {
        let schema = try Vectors.url("epcis/schema/EPCIS-JSON-Schema.json").path
        let python = ProcessInfo.processInfo.environment["ASSAY_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let r = try CLIHarness.run(executable: "/usr/bin/env", [python, "-c", script, schema] + files)
        guard r.exitCode == 0 else {
            throw CLIHarnessError("""
                the EPCIS schema check could not run (install python3-jsonschema, or set ASSAY_PYTHON to a python3 with jsonschema):
                \(r)
                """)
        }
        var out: [String: String?] = [:]
        for line in r.stdoutLines {
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { continue }
            out[parts[0]] = parts[1] == "valid" ? String?.none : String?.some(parts.count > 2 ? parts[2] : "invalid")
        }
        for f in files where out[f] == nil { throw CLIHarnessError("the EPCIS schema check printed no verdict on \(f):\n\(r)") }
        return out
    }

    /// The schema's complaints about `file`, or nil when it is valid.
    public static func problems(_ file: String) throws -> String? {
        try verdicts([file])[file] ?? nil
    }
}
