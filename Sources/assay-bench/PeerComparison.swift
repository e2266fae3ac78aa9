import AssayCrypto
import AssayLedger
import Foundation

/// Runs tools/bench/intoto_verify.py (the in-toto reference implementation's DSSE
/// verification) over the same envelopes.
enum PeerComparison {
    struct Result { let rate: Double; let implementation: String }

    static func inToto(items: [Ledger.AppendItem], suppliers: [NamedSigningKey], dir: String) throws -> Result? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("tools/bench/intoto_verify.py").path
        guard FileManager.default.fileExists(atPath: script) else { return nil }
        let envPath = (dir as NSString).appendingPathComponent("assay-bench-envelopes-\(getpid()).jsonl")
        let keyPath = (dir as NSString).appendingPathComponent("assay-bench-keys-\(getpid()).json")
        defer { try? FileManager.default.removeItem(atPath: envPath); try? FileManager.default.removeItem(atPath: keyPath) }
        var lines = Data()
        for i in items { lines.append(contentsOf: i.bytes); lines.append(0x0A) }
        try lines.write(to: URL(fileURLWithPath: envPath))
        let keys = suppliers.map { "\"\($0.keyReference)\":\"\(Hex.encode($0.key.publicKey.rawRepresentation))\"" }
        try ("{" + keys.joined(separator: ",") + "}").write(toFile: keyPath, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script, envPath, keyPath]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rate = obj["rate"] as? Double else { return nil }
        return Result(rate: rate, implementation: obj["implementation"] as? String ?? "in-toto")
    }
}
