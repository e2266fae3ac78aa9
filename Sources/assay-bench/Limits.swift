import AssayCrypto
import AssayVerify
import Foundation

/// Raw libsodium and SHA-256 rates: the physical limits Assay is held against.
struct Limits {
    var verify1 = 0.0, verifyAll = 0.0, sign1 = 0.0, signAll = 0.0, sha65 = 0.0

    static func measure(cores: Int) -> Limits {
        var l = Limits()
        let key = SigningKey()
        let msg = [UInt8](repeating: 7, count: 400) // about a PAE-wrapped statement
        let sig = key.signature(for: msg)
        let n = 20_000
        var t = now()
        for _ in 0..<n { precondition(key.publicKey.isValidSignature(sig, for: msg)) }
        l.verify1 = Double(n) / (now() - t)
        let items = Array(0..<(n * cores))
        t = now()
        let ok = items.concurrentMap(minimumChunk: 256) { _ in key.publicKey.isValidSignature(sig, for: msg) }
        precondition(!ok.contains(false))
        l.verifyAll = Double(items.count) / (now() - t)
        t = now()
        for _ in 0..<n { _ = key.signature(for: msg) }
        l.sign1 = Double(n) / (now() - t)
        t = now()
        _ = items.concurrentMap(minimumChunk: 256) { _ in key.signature(for: msg).rawRepresentation[0] }
        l.signAll = Double(items.count) / (now() - t)
        let input = [UInt8](repeating: 1, count: 65)
        let hn = 1_000_000
        t = now()
        var acc: UInt8 = 0
        for _ in 0..<hn { acc ^= SHA256.hash(input).withUnsafeBytes { $0[0] } }
        l.sha65 = Double(hn) / (now() - t)
        if acc == 42 { note("") } // keep the loop
        return l
    }
}

/// The printed table and its JSON twin.
struct ResultTable {
    struct Row {
        let figure: String
        let value: Double
        let unit: String
        let limit: Double?
        let limitName: String?
    }
    var rows: [Row] = []

    mutating func add(_ figure: String, _ value: Double, _ unit: String, limit: Double? = nil, limitName: String? = nil) {
        rows.append(Row(figure: figure, value: value, unit: unit, limit: limit, limitName: limitName))
        note(String(format: "  %@: %.1f %@", figure, value, unit))
    }

    func render() -> String {
        func fmt(_ v: Double) -> String { v >= 100 ? String(format: "%.0f", v) : String(format: "%.2f", v) }
        var lines = ["| figure | value | unit | limit | ratio to limit |", "|---|---:|---|---|---:|"]
        for r in rows {
            let limit = r.limit.map { "\(fmt($0)) (\(r.limitName ?? ""))" } ?? ""
            let ratio = r.limit.map { String(format: "%.0f%%", r.value / $0 * 100) } ?? ""
            lines.append("| \(r.figure) | \(fmt(r.value)) | \(r.unit) | \(limit) | \(ratio) |")
        }
        return lines.joined(separator: "\n")
    }

    func writeJSON(to path: String, extra: [String: String]) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        var out = "{\n"
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { out += "  \"\(k)\": \"\(v)\",\n" }
        out += "  \"results\": [\n"
        out += rows.map { r in
            var s = "    {\"figure\": \"\(r.figure)\", \"value\": \(r.value), \"unit\": \"\(r.unit)\""
            if let l = r.limit { s += ", \"limit\": \(l), \"limitName\": \"\(r.limitName ?? "")\", \"ratio\": \(r.value / l)" }
            return s + "}"
        }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
