import Foundation

/// Reads the suite's optional knobs from the environment.
enum Environment {
    /// The non-empty value of `name`, if set.
    static func value(_ name: String) -> String? {
        guard let v = ProcessInfo.processInfo.environment[name], !v.isEmpty else { return nil }
        return v
    }

    /// An integer knob, or `fallback` when unset or not a number.
    static func integer(_ name: String, default fallback: Int) -> Int {
        value(name).flatMap { Int($0) } ?? fallback
    }

    /// Whether scratch directories should be kept (`ASSAY_KEEP_TEST_DIRS`).
    static var keepDirectories: Bool {
        guard let v = value("ASSAY_KEEP_TEST_DIRS") else { return false }
        return v != "0"
    }
}
