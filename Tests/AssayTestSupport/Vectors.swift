public import Foundation

/// The public test vectors shared by the conformance suites (`shared/vectors`, described file
/// by file in its `SOURCES.md`).
///
/// The folder is found through the environment variable `ASSAY_VECTORS`; without it, at
/// `../shared/vectors` next to the package root. A missing folder or file is an error that
/// names the path it tried and says to set `ASSAY_VECTORS`: a conformance test never skips
/// silently because its data is absent.
public enum Vectors {
    /// The environment variable that overrides the vectors folder.
    public static let environmentVariable = "ASSAY_VECTORS"

    /// The package root: this file is `<root>/Tests/AssayTestSupport/Vectors.swift`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent() // AssayTestSupport
        .deletingLastPathComponent() // Tests
        .deletingLastPathComponent() // package root

    /// The vectors folder this run uses (it may not exist; see `requireDirectory()`).
    public static var directory: URL {
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true).standardizedFileURL
        }
        return packageRoot.appendingPathComponent("../shared/vectors", isDirectory: true).standardizedFileURL
    }

    /// The vectors folder, checked to exist.
    /// - Throws: `VectorsError` saying the folder is absent and to set `ASSAY_VECTORS`.
    public static func requireDirectory() throws(VectorsError) -> URL {
        let dir = directory
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw VectorsError(
                "test vectors folder not found at \(dir.path): set \(environmentVariable) to the shared vectors folder "
                    + "(the one holding SOURCES.md); the default is ../shared/vectors beside the package root")
        }
        return dir
    }

    /// The URL of `relativePath` inside the vectors folder, checked to exist.
    public static func url(_ relativePath: String) throws(VectorsError) -> URL {
        let file = try requireDirectory().appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw VectorsError(
                "test vector \(relativePath) is absent from \(directory.path): set \(environmentVariable) to a complete copy of the vectors folder")
        }
        return file
    }

    /// The bytes of a vector file.
    public static func bytes(_ relativePath: String) throws(VectorsError) -> [UInt8] {
        let file = try url(relativePath)
        do {
            return [UInt8](try Data(contentsOf: file))
        } catch {
            throw VectorsError("cannot read test vector \(file.path): \(error)")
        }
    }

    /// A vector file as UTF-8 text.
    public static func text(_ relativePath: String) throws(VectorsError) -> String {
        let raw = try bytes(relativePath)
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw VectorsError("test vector \(relativePath) is not valid UTF-8")
        }
        return s
    }

    /// Decodes a JSON vector file into `type`.
    public static func json<T: Decodable>(_ type: T.Type, _ relativePath: String) throws(VectorsError) -> T {
        let raw = try bytes(relativePath)
        do {
            return try JSONDecoder().decode(T.self, from: Data(raw))
        } catch {
            throw VectorsError("test vector \(relativePath) does not decode as \(T.self): \(error)")
        }
    }

    /// Every file under `relativeFolder` whose name ends in `.<ext>`, as paths relative to the
    /// vectors folder, sorted.
    public static func files(under relativeFolder: String, ext: String) throws(VectorsError) -> [String] {
        let root = try requireDirectory()
        let base = try url(relativeFolder).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw VectorsError("cannot list test vectors under \(base.path)")
        }
        let rootPath = root.standardizedFileURL.path
        var out: [String] = []
        for case let file as URL in walker where file.pathExtension == ext {
            let path = file.standardizedFileURL.path
            out.append(path.hasPrefix(rootPath + "/") ? String(path.dropFirst(rootPath.count + 1)) : path)
        }
        return out.sorted()
    }
}

extension Vectors {
    /// Decodes the hex in a vector file (either case). Independent of AssayCrypto's `Hex`.
    public static func hex(_ text: String) throws(VectorsError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw VectorsError("odd-length hex in a test vector: \(text.prefix(80))") }
        func nibble(_ c: UInt8) throws(VectorsError) -> UInt8 {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: throw VectorsError("non-hex character in a test vector: \(text.prefix(80))")
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            out.append(try nibble(utf8[i]) << 4 | nibble(utf8[i + 1]))
            i += 2
        }
        return out
    }

    /// Decodes standard base64 in a vector file (Foundation's decoder, independent of
    /// AssayCrypto's `Base64`).
    public static func base64(_ text: String) throws(VectorsError) -> [UInt8] {
        guard let data = Data(base64Encoded: text) else {
            throw VectorsError("invalid base64 in a test vector: \(text.prefix(80))")
        }
        return [UInt8](data)
    }
}

/// Why a test vector could not be loaded. Its message names the path and the fix.
public struct VectorsError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
