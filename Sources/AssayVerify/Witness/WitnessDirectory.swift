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
///
/// `withLock` waits at most `lockWait` for the lock: a running `assay witness serve` holds it
/// for as long as it runs (`holdExclusively`), and a cosign then fails with `.stateLocked`
/// rather than waiting forever.
public struct WitnessDirectory: WitnessStateStore, Sendable {
    /// The directory's path.
    public let path: String
    /// Where refusals with evidence are written (one file each), or nil to keep none.
    public let evidencePath: String?
    /// How long `withLock` waits for another process to release the lock.
    public var lockWait: Duration = .seconds(10)

    /// Opens the directory; with `create`, makes it (mode 0700) when missing.
    /// - Parameter evidence: a directory (made mode 0700 when first needed) to keep each
    ///   refusal that is evidence of log misbehaviour in, or nil.
    /// - Throws: `WitnessError` `.stateMissing` when it does not exist and `create` is false,
    ///   `.stateUnusable` when it is not a directory or cannot be made.
    public init(path: String, create: Bool, evidence: String? = nil) throws(WitnessError) {
        self.path = path
        self.evidencePath = evidence
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

    /// Runs `body` holding an exclusive `flock` on `<directory>/lock` (closing releases it),
    /// waiting at most `lockWait` for another holder.
    /// - Throws: `.stateLocked` when the lock stays held, `.stateUnusable` when it cannot be taken.
    public func withLock<R>(_ body: () throws -> R) throws -> R {
        let fd = try openLock()
        defer { close(fd) }
        let deadline = ContinuousClock.now + lockWait
        while !(try Self.tryLock(fd, file("lock"))) {
            guard ContinuousClock.now < deadline else {
                throw WitnessError(.stateLocked, "the witness state \(path) is locked by another process (a running assay witness serve?)")
            }
            usleep(10_000)
        }
        return try body()
    }

    /// The exclusive lock on the directory, held until the returned value is released:
    /// `assay witness serve` holds it while it runs, so no other process uses the state.
    /// - Throws: `.stateLocked` at once when another process holds it.
    public func holdExclusively() throws(WitnessError) -> WitnessStateHold {
        let fd = try openLock()
        let held: Bool
        do { held = try Self.tryLock(fd, file("lock")) } catch { close(fd); throw error }
        guard held else {
            close(fd)
            throw WitnessError(.stateLocked, "the witness state \(path) is in use by another process (another assay witness serve?); refusing to start")
        }
        return WitnessStateHold(fd: fd)
    }

    private func openLock() throws(WitnessError) -> Int32 {
        let lock = file("lock")
        let fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WitnessError(.stateUnusable, "cannot open the witness lock \(lock): \(String(cString: strerror(errno)))") }
        return fd
    }

    /// One non-blocking attempt at the exclusive lock: false when another holds it.
    private static func tryLock(_ fd: Int32, _ lock: String) throws(WitnessError) -> Bool {
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw WitnessError(.stateUnusable, "cannot lock \(lock): \(String(cString: strerror(errno)))")
        }
        return true
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

    /// Keeps a refusal with evidence as `<evidence>/<stem>-<timestamp>-<code>-<8 hex>.txt`:
    /// the one-line reason, then both checkpoints verbatim. Nothing when `evidencePath` is nil.
    public func recordEvidence(_ error: WitnessError, origin: String, timestamp: UInt64) throws(WitnessError) {
        guard let evidencePath, let document = error.evidenceDocument else { return }
        if !FileManager.default.fileExists(atPath: evidencePath) {
            do {
                try FileManager.default.createDirectory(atPath: evidencePath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw WitnessError(.stateUnusable, "cannot create the evidence directory \(evidencePath): \(error.localizedDescription)")
            }
        }
        let name = "\(Self.stem(origin))-\(timestamp)-\(error.code.rawValue)-\(Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255) })).txt"
        try write(Array(document.utf8), to: (evidencePath as NSString).appendingPathComponent(name))
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

/// An exclusive lock on a witness state directory, released when this is deinitialised.
public final class WitnessStateHold: Sendable {
    private let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }
}
