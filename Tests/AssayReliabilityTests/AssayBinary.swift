import Foundation

/// Finds the built `assay` executable: beside the test bundle (where `swift build
/// --build-tests` puts it), else the file named by `ASSAY_BIN`.
enum AssayBinary {
    static func path() throws -> String {
        var tried: [String] = []
        var dirs: [String] = []
        func add(_ path: String?) {
            guard let path, !path.isEmpty else { return }
            let dir = (path as NSString).deletingLastPathComponent
            if !dirs.contains(dir) { dirs.append(dir) }
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") { add(bundle.bundlePath) }
        #if os(Linux)
        add(try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        #endif
        add(Bundle.main.executablePath)
        for dir in dirs {
            let candidate = (dir as NSString).appendingPathComponent("assay")
            tried.append(candidate)
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        if let env = Environment.value("ASSAY_BIN") {
            tried.append(env)
            if FileManager.default.isExecutableFile(atPath: env) { return env }
        }
        throw HarnessFailure("the assay executable was not found (tried: \(tried.joined(separator: ", "))); "
            + "build it with `swift build --build-tests` or set ASSAY_BIN")
    }
}
