import AssayCore
public import AssayCrypto
import AssayLog
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A witness's state in a directory: its configuration (the logs it witnesses) and, per log,
/// the last checkpoint it cosigned.
///
/// Layout (all files mode 0600, the directory 0700): `lock`, an empty file `withLock` holds an
/// exclusive `flock` on; and for each configured origin, with `<stem>` = the origin's letters,
/// digits, `.` and `-` (others as `_`, at most 64) + `-` + the first 16 hex digits of
/// SHA-256(origin): `<stem>.log` holding `<origin>\n<log verifier key>\n`, and
/// `<stem>.checkpoint`, the last cosigned checkpoint note (log signature only). Every file is
/// written atomically: a new temporary file (`O_EXCL | O_NOFOLLOW`), fsync, rename, fsync of
/// the directory.
public struct WitnessDirectory: WitnessStateStore, Sendable {
    /// The directory's path.
    public let path: String

    /// Opens the directory; with `create`, makes it (mode 0700) when missing.
    /// - Throws: `WitnessError` `.stateMissing` when it does not exist and `create` is false,
    ///   `.stateUnusable` when it is not a directory or cannot be made.
    public init(path: String, create: Bool) throws(WitnessError) {
        self.path = path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard create else {
                throw WitnessError(.stateMissing, "refusing to cosign: the witness state \(path) does not exist; configure the logs to witness with assay witness add-log")
            }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw WitnessError(.stateUnusable, "cannot create the witness state \(path): \(error.localizedDescription)")
            }
            Self.syncDirectory((path as NSString).deletingLastPathComponent)
        } else if !isDir.boolValue {
            throw WitnessError(.stateUnusable, "state \(path) is not a directory")
        }
    }

    /// Runs `body` holding an exclusive `flock` on `<directory>/lock` (closing releases it).
    public func withLock<R>(_ body: () throws -> R) throws -> R {
        let lock = file("lock")
        let fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WitnessError(.stateUnusable, "cannot open the witness lock \(lock): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw WitnessError(.stateUnusable, "cannot lock \(lock): \(String(cString: strerror(errno)))") }
        }
        return try body()
    }

    /// The file-name stem of an origin: readable, and unique by the hash of the exact origin.
    public static func stem(_ origin: String) -> String {
        let safe = String(origin.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" }.prefix(64))
        return safe + "-" + SHA256.hash(Array(origin.utf8)).hex.prefix(16)
    }

    /// The verifier key configured for `origin`, or nil when the origin is not witnessed.
    public func logKey(for origin: String) throws(WitnessError) -> VerifierKey? {
        let p = file(Self.stem(origin) + ".log")
        guard let text = try read(p, maxBytes: 4096) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 3, lines[2].isEmpty, lines[0] == origin, let key = try? VerifierKey(parsing: String(lines[1])) else {
            throw WitnessError(.stateUnusable, "witness configuration \(p) is damaged (expected the origin and the log key, one per line)")
        }
        return key
    }

    /// Configures `origin` with `key`.
    public func setLogKey(_ key: VerifierKey, for origin: String) throws(WitnessError) {
        try write(Array("\(origin)\n\(key)\n".utf8), to: file(Self.stem(origin) + ".log"))
    }

    /// The checkpoint last cosigned for `origin`, if any.
    public func cosignedCheckpoint(for origin: String) throws(WitnessError) -> String? {
        try read(file(Self.stem(origin) + ".checkpoint"), maxBytes: SignedNote.maxBytes)
    }

    /// Records `note` as the checkpoint last cosigned for `origin`.
    public func setCosignedCheckpoint(_ note: String, for origin: String) throws(WitnessError) {
        try write(Array(note.utf8), to: file(Self.stem(origin) + ".checkpoint"))
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// A whole state file as UTF-8 text, nil when it does not exist.
    func read(_ p: String, maxBytes: Int) throws(WitnessError) -> String? {
        guard FileManager.default.fileExists(atPath: p) else { return nil }
        guard let data = FileManager.default.contents(atPath: p) else { throw WitnessError(.stateUnusable, "witness state \(p) is not readable") }
        guard data.count <= maxBytes else { throw WitnessError(.stateUnusable, "witness state \(p) is over the limit of \(maxBytes) bytes") }
        guard let s = String(validating: [UInt8](data), as: UTF8.self) else { throw WitnessError(.stateUnusable, "witness state \(p) is not UTF-8 text") }
        return s
    }

    /// Writes a state file atomically and durably, mode 0600.
    func write(_ bytes: [UInt8], to p: String) throws(WitnessError) {
        do { try DurableFile.write(bytes, to: p, mode: 0o600) } catch {
            throw WitnessError(.stateUnusable, error.message)
        }
    }

    static func syncDirectory(_ dir: String) { DurableFile.syncDirectory(dir) }
}
