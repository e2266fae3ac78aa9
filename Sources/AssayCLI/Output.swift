import AssayCore
import AssayModel
import AssayReport
import Foundation

/// Writes text to standard output, with control characters shown escaped (`Terminal.text`).
/// JSON passes through unchanged in meaning (the escapes are JSON's own).
func emit(_ text: String) {
    let t = Terminal.text(text)
    FileHandle.standardOutput.write(Data((t.hasSuffix("\n") ? t : t + "\n").utf8))
}

/// Writes already-built output to standard output in one write, control characters escaped.
func emitRaw(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardOutput.write(Data(Terminal.text(text).utf8))
}

/// Writes to standard error (progress, notes), with control characters shown escaped.
func note(_ text: String) {
    let t = Terminal.text(text)
    FileHandle.standardError.write(Data((t.hasSuffix("\n") ? t : t + "\n").utf8))
}

/// One JSON value for `JSONWriter.object`, so that result objects are built from typed
/// values rather than by interpolating text.
enum JSONField {
    case string(String)
    case int(Int64)
    case uint(UInt64)
    case bool(Bool)
    case strings([String])
    case raw(String)
    case null

    var encoded: String {
        switch self {
        case .string(let s): JSONWriter.quote(s)
        case .int(let i): "\(i)"
        case .uint(let u): "\(u)"
        case .bool(let b): b ? "true" : "false"
        case .strings(let l): "[" + l.map(JSONWriter.quote).joined(separator: ",") + "]"
        case .raw(let r): r
        case .null: "null"
        }
    }

    /// A compact JSON object of `fields`, in order, through AssayModel's `JSONWriter`.
    static func object(_ fields: [(String, JSONField)]) -> String {
        JSONWriter.object(fields.map { ($0.0, $0.1.encoded) })
    }
}
