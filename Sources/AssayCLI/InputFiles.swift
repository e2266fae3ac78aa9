import AssayCore
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
    ///
    /// Core dumps are disabled first (the process stays undumpable from then on). The file is
    /// read with `read(2)` straight into a `SecretBytes` (no Foundation `Data` or `String` copy),
    /// its seed decoded into the locked, zeroing `SigningKey`, and every intermediate buffer wiped.
    static func secretKey(_ path: String) throws -> NamedSigningKey {
        SecretHygiene.disableCoreDumps()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw CLIFailure.input(e == ENOENT ? "secret key file \(path) does not exist"
                                               : "secret key file \(path) cannot be read: \(String(cString: strerror(e)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw CLIFailure.input("secret key file \(path) cannot be read") }
        guard st.st_mode & S_IFMT != S_IFDIR else { throw CLIFailure.input("secret key file \(path) is a directory") }
        let maxBytes = 4096
        let file = SecretBytes(capacity: maxBytes + 1)
        defer { file.wipe() }
        var failed = false
        file.fill { buf in
            var n = 0
            while n < buf.count {
                let r = Glibc.read(fd, buf.baseAddress! + n, buf.count - n)
                if r < 0 && errno == EINTR { continue }
                if r < 0 { failed = true; break }
                if r == 0 { break }
                n += r
            }
            return n
        }
        guard !failed else { throw CLIFailure.input("secret key file \(path) cannot be read") }
        guard file.count <= maxBytes else { throw CLIFailure.input("secret key file \(path) is over the limit of \(maxBytes) bytes") }
        let sealed = file.withUnsafeBytes { $0.starts(with: SealedKey.prefix.utf8) }
        let plain = file.withUnsafeBytes { $0.starts(with: "PRIVATE+KEY+".utf8) }
        // A public key where a secret key belongs: say so (it is public, so it may be read as text).
        if !sealed && !plain {
            let text = file.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }.trimmingCharacters(in: .whitespacesAndNewlines)
            if let vk = try? VerifierKey(parsing: text) {
                throw CLIFailure.input("\(path) is a public key (\(vk.reference)), not a secret key: give the secret key file (the one without .pub that assay key generate --out wrote)")
            }
        }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CLIFailure.input("secret key file \(path) has open permissions \(String(mode, radix: 8)); it must be readable by its owner only (chmod 600 \(path))")
        }
        do {
            if sealed {
                return try SealedKey.open(file, passphrase: try passphrase(for: path, confirm: false))
            }
            return try NamedSigningKey(parsing: file)
        } catch let e as CryptoError {
            throw CLIFailure.input("secret key file \(path): \(e.message)")
        }
    }

    /// The passphrase of an encrypted key: from `ASSAY_PASSPHRASE`, or asked on the terminal
    /// (never an argument, never echoed).
    static func passphrase(for path: String, confirm: Bool) throws -> String {
        if let p = ProcessInfo.processInfo.environment["ASSAY_PASSPHRASE"], !p.isEmpty { return p }
        /// getpass returns its own static buffer: copy it, then zero it.
        func ask(_ prompt: String) -> String? {
            guard let p = getpass(prompt) else { return nil }
            defer { memset(p, 0, strlen(p)) }
            return String(cString: p)
        }
        guard isatty(0) == 1 || FileManager.default.isReadableFile(atPath: "/dev/tty"),
              let first = ask("Passphrase for \(path): "), !first.isEmpty else {
            throw CLIFailure.input("\(path) is encrypted: set ASSAY_PASSPHRASE or run on a terminal to be asked")
        }
        if confirm {
            guard let again = ask("Repeat the passphrase: "), again == first else {
                throw CLIFailure.input("the passphrases do not match")
            }
        }
        return first
    }

    /// Refuses an EPCIS XML document (only the JSON-LD form is read), before any JSON parse
    /// would call it malformed at byte 0.
    static func refuseXML(_ bytes: [UInt8], path: String) throws {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        guard let first = rest.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }), first == UInt8(ascii: "<") else { return }
        throw CLIFailure.input("\(path): EPCIS XML is read by assay import epcis; a statement is JSON")
    }

    /// Loads a verifier key from a file, or takes the argument itself when it is a vkey string.
    static func verifierKey(_ pathOrKey: String) throws -> VerifierKey {
        if !FileManager.default.fileExists(atPath: pathOrKey) {
            do { return try VerifierKey(parsing: pathOrKey) } catch {
                throw CLIFailure.input("\(pathOrKey) is neither a public key file nor a verifier key (name+keyid+base64): \(error.message)")
            }
        }
        let text = try self.text(pathOrKey, what: "public key file", maxBytes: 4096).trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try VerifierKey(parsing: text)
        } catch {
            throw CLIFailure.input("public key file \(pathOrKey): \(error.message)")
        }
    }

    /// Writes a file atomically with the given POSIX mode.
    ///
    /// Refuses a destination that is a symbolic link. The bytes go to a new temporary file in the
    /// same directory with an unpredictable name (`.<name>.tmp-<16 random hex digits>`), created
    /// with `O_CREAT | O_EXCL | O_NOFOLLOW`, so nothing planted under that name (a file or a link)
    /// is ever opened or followed; then the file is fsynced, renamed over the destination (which
    /// replaces a link planted later rather than writing through it), and the directory fsynced.
    /// - Parameter temporaryName: the temporary file's name for each attempt (tests plant files
    ///   under it; the default is `.<name>.tmp-<16 random hex digits>`).
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644,
                                temporaryName: (String) -> String = DurableFile.randomTemporaryName) throws {
        do { try DurableFile.write(bytes, to: path, mode: UInt32(mode), temporaryName: temporaryName) } catch {
            throw CLIFailure.input(error.message)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
