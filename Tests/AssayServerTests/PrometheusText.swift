import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4, written for the tests from
/// the format's description (not from the code under test): `# HELP` and `# TYPE` lines, and
/// samples `name{label="value",…} value [timestamp]` whose family has a `# TYPE` line before its
/// first sample (histogram samples end in `_bucket`, `_sum` or `_count`). Anything else is an error.
struct PrometheusText {
    /// Sample values by `name{label="value",…}` with the labels sorted by name.
    private(set) var samples: [String: Double] = [:]
    /// Family types by name.
    private(set) var types: [String: String] = [:]

    init(_ text: String) throws {
        guard text.isEmpty || text.hasSuffix("\n") else { throw TestFailure("the exposition does not end with a line feed") }
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let where_ = "line \(n + 1) \"\(line.prefix(120))\""
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                if parts.count >= 3, parts[0] == "#", parts[1] == "TYPE" {
                    guard parts.count == 4, Self.isMetricName(parts[2]),
                          ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else { throw TestFailure("bad TYPE at \(where_)") }
                    guard types[String(parts[2])] == nil else { throw TestFailure("second TYPE for \(parts[2]) at \(where_)") }
                    types[String(parts[2])] = String(parts[3])
                } else if parts.count >= 3, parts[0] == "#", parts[1] == "HELP" {
                    guard Self.isMetricName(parts[2]) else { throw TestFailure("bad HELP at \(where_)") }
                }
                continue
            }
            var rest = Substring(line)
            let name = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
            guard Self.isMetricName(name) else { throw TestFailure("bad metric name at \(where_)") }
            rest = rest.dropFirst(name.count)
            var labels: [(String, String)] = []
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let label = rest.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                    guard !label.isEmpty, !(label.first!.isNumber) else { throw TestFailure("bad label name at \(where_)") }
                    rest = rest.dropFirst(label.count)
                    guard rest.hasPrefix("=\"") else { throw TestFailure("expected =\" at \(where_)") }
                    rest = rest.dropFirst(2)
                    var value = ""
                    while true {
                        guard let c = rest.first else { throw TestFailure("unterminated label value at \(where_)") }
                        rest = rest.dropFirst()
                        if c == "\"" { break }
                        if c == "\\" {
                            guard let e = rest.first else { throw TestFailure("bad escape at \(where_)") }
                            rest = rest.dropFirst()
                            switch e {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: throw TestFailure("bad escape \\\(e) at \(where_)")
                            }
                        } else {
                            value.append(c)
                        }
                    }
                    labels.append((String(label), value))
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw TestFailure("expected , or } at \(where_)") }
                }
                rest = rest.dropFirst()
            }
            guard rest.first == " " else { throw TestFailure("expected a space before the value at \(where_)") }
            let fields = rest.dropFirst().split(separator: " ")
            guard fields.count == 1 || fields.count == 2, let value = Self.number(fields[0]) else { throw TestFailure("bad value at \(where_)") }
            if fields.count == 2, Int64(fields[1]) == nil { throw TestFailure("bad timestamp at \(where_)") }
            let family = [("_bucket"), ("_sum"), ("_count")].first { name.hasSuffix($0) && types[String(name.dropLast($0.count))] == "histogram" }
                .map { String(name.dropLast($0.count)) } ?? String(name)
            guard types[family] != nil else { throw TestFailure("sample of \(family) before its TYPE line at \(where_)") }
            let key = Self.key(String(name), labels)
            guard samples[key] == nil else { throw TestFailure("duplicate sample \(key) at \(where_)") }
            samples[key] = value
        }
    }

    /// The value of the sample `name` with exactly `labels` (0 when absent: a counter not yet incremented).
    subscript(_ name: String, _ labels: [String: String] = [:]) -> Double {
        samples[Self.key(name, labels.map { ($0.key, $0.value) })] ?? 0
    }

    /// Whether the sample exists.
    func has(_ name: String, _ labels: [String: String] = [:]) -> Bool {
        samples[Self.key(name, labels.map { ($0.key, $0.value) })] != nil
    }

    static func key(_ name: String, _ labels: [(String, String)]) -> String {
        name + "{" + labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
    }

    static func isMetricName(_ s: Substring) -> Bool {
        guard let f = s.first, f.isASCII, f.isLetter || f == "_" || f == ":" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    static func number(_ s: Substring) -> Double? {
        switch s {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }
}
