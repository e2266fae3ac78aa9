#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be written: a one-line message naming the path and the cause.
public struct DurableFileError: CodedError {
    public enum Code: Sendable, Hashable {
        /// The destination is a symbolic link or a directory.
        case refused
        /// The file system said no (`errno` in the message).
        case io
    }
    public let code: Code
    public let message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// Writing a whole file so that a crash leaves either the old file or the new one, and nothing
/// planted beside it is ever written through: the one implementation every writer of output and
/// state files uses (CLI outputs, witness state).
public enum DurableFile {
    /// Writes `bytes` to `path` with POSIX `mode`, atomically and durably.
    ///
    /// Refuses a destination that is a symbolic link or a directory. The bytes go to a new
    /// temporary file in the same directory, created with `O_CREAT | O_EXCL | O_NOFOLLOW` under
    /// an unpredictable name (so nothing planted under that name, a file or a link, is opened or
    /// followed), are fsynced, renamed over the destination (replacing a link planted later
    /// rather than writing through it), and the directory is fsynced.
    /// - Parameter temporaryName: the temporary file's name for each attempt, given the
    ///   destination's file name (default `.<name>.tmp-<16 random hex digits>`).
    public static func write(_ bytes: [UInt8], to path: String, mode: UInt32 = 0o644,
                             temporaryName: (String) -> String = randomTemporaryName) throws(DurableFileError) {
        func failure(_ e: Int32) -> DurableFileError { DurableFileError(.io, "cannot write \(path): \(String(cString: strerror(e)))") }
        var st = stat()
        if lstat(path, &st) == 0 {
            guard st.st_mode & S_IFMT != S_IFLNK else {
                throw DurableFileError(.refused, "cannot write \(path): it is a symbolic link; refusing to write through it")
            }
            guard st.st_mode & S_IFMT != S_IFDIR else { throw DurableFileError(.refused, "cannot write \(path): it is a directory") }
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var tmp = ""
        var fd: Int32 = -1
        for _ in 0..<16 {
            tmp = (dir.isEmpty ? "" : dir + "/") + temporaryName(name)
            fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw failure(errno) }
        var ok = bytes.withUnsafeBytes { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        var e = errno
        close(fd)
        if ok {
            ok = rename(tmp, path) == 0
            e = errno
        }
        guard ok else {
            unlink(tmp)
            throw failure(e)
        }
        syncDirectory(dir)
    }

    /// `.<name>.tmp-<16 hex digits from the system CSPRNG>`.
    public static func randomTemporaryName(_ name: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let suffix = String(rng.next() as UInt64, radix: 16)
        return ".\(name).tmp-" + String(repeating: "0", count: 16 - suffix.count) + suffix
    }

    /// fsyncs a directory, so a rename or a new file in it survives a crash.
    public static func syncDirectory(_ dir: String) {
        let d = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard d >= 0 else { return }
        _ = fsync(d)
        close(d)
    }
}
