import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on standard error (entries done, rate, ETA), only when standard error is a terminal.
final class Progress {
    let label: String
    let enabled: Bool
    let total: UInt64?
    let start = Date()
    var lastDraw = Date.distantPast

    init(label: String, enabled: Bool, total: UInt64? = nil) {
        self.label = label
        self.enabled = enabled && isatty(2) == 1
        self.total = total
    }

    func update(_ done: UInt64) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let secs = max(Date().timeIntervalSince(start), 0.001)
        let rate = Double(done) / secs
        var line = "\r\(label): \(done) entries, \(Int(rate))/s"
        if let total, rate > 0, total > done {
            line += ", ETA \(Int(Double(total - done) / rate)) s"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled, lastDraw != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
