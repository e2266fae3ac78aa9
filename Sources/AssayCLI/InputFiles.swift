import AssayCrypto
import Foundation

/// Reading user files with clear errors and size limits enforced before reading.
enum InputFiles {
    /// Reads a whole file (or standard input for `-`), refusing anything over `maxBytes`.
    static func read(_ path: String, what: String, maxBytes: Int) throws -> [UInt8] {
        if path == "-" {
            let data = FileHandle.standardInput.readData(ofLength: maxBytes + 1)
            guard data.count <= maxBytes else {
                throw CLIFailure.input("\(what) on standard input is over the limit of \(maxBytes) bytes")
            }
            return [UInt8](data)
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CLIFailure.input("\(what) \(path) does not exist")
        }
        guard !isDir.boolValue else { throw CLIFailure.input("\(what) \(path) is a directory, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIFailure.input("\(what) \(path) is not readable")
        }
        defer { try? handle.close() }
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attrs?[.size] as? NSNumber, size.intValue > maxBytes {
            throw CLIFailure.input("\(what) \(path) is \(size.intValue) bytes, over the limit of \(maxBytes)")
        }
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        guard data.count <= maxBytes else {
            throw CLIFailure.input("\(what) \(path) is over the limit of \(maxBytes) bytes")
        }
        return [UInt8](data)
    }

    /// Reads a file as UTF-8 text.
    static func text(_ path: String, what: String, maxBytes: Int) throws -> String {
        let bytes = try read(path, what: what, maxBytes: maxBytes)
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw CLIFailure.input("\(what) \(path) is not UTF-8 text")
        }
        return s
    }

    /// Loads a secret key file: refuses files readable by group or others, never echoes the key.
    static func secretKey(_ path: String) throws -> NamedSigningKey {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CLIFailure.input("secret key file \(path) does not exist")
        }
        guard !isDir.boolValue else { throw CLIFailure.input("secret key file \(path) is a directory") }
        var st = stat()
        guard stat(path, &st) == 0 else { throw CLIFailure.input("secret key file \(path) cannot be read") }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CLIFailure.input("secret key file \(path) has open permissions \(String(mode, radix: 8)); it must be readable by its owner only (chmod 600 \(path))")
        }
        var bytes = try read(path, what: "secret key file", maxBytes: 4096)
        defer { secureZero(&bytes) }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last?.isWhitespace == true { text.removeLast() }
        do {
            if text.hasPrefix(SealedKey.prefix) {
                return try SealedKey.open(text, passphrase: try passphrase(for: path, confirm: false))
            }
            return try NamedSigningKey(parsing: text)
        } catch let e as CryptoError {
            throw CLIFailure.input("secret key file \(path): \(e.message)")
        }
    }

    /// The passphrase of an encrypted key: from `ASSAY_PASSPHRASE`, or asked on the terminal
    /// (never an argument, never echoed).
    static func passphrase(for path: String, confirm: Bool) throws -> String {
        if let p = ProcessInfo.processInfo.environment["ASSAY_PASSPHRASE"], !p.isEmpty { return p }
        guard isatty(0) == 1 || FileManager.default.isReadableFile(atPath: "/dev/tty"),
              let first = getpass("Passphrase for \(path): ").map({ String(cString: $0) }), !first.isEmpty else {
            throw CLIFailure.input("\(path) is encrypted: set ASSAY_PASSPHRASE or run on a terminal to be asked")
        }
        if confirm {
            guard let again = getpass("Repeat the passphrase: ").map({ String(cString: $0) }), again == first else {
                throw CLIFailure.input("the passphrases do not match")
            }
        }
        return first
    }

    /// Loads a verifier key from a file, or takes the argument itself when it is a vkey string.
    static func verifierKey(_ pathOrKey: String) throws -> VerifierKey {
        if !FileManager.default.fileExists(atPath: pathOrKey), let vk = try? VerifierKey(parsing: pathOrKey) {
            return vk
        }
        let text = try self.text(pathOrKey, what: "public key file", maxBytes: 4096).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try VerifierKey(parsing: text)
        } catch {
            throw CLIFailure.input("public key file \(pathOrKey): \(error.message)")
        }
    }

    /// Writes a file atomically (temp file + rename) with the given POSIX mode.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw CLIFailure.input("cannot write \(path): \(String(cString: strerror(errno)))") }
        var ok = bytes.withUnsafeBytes { buf in write(fd, buf.baseAddress, buf.count) == buf.count }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw CLIFailure.input("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
