import ArgumentParser
import AssayCrypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage Ed25519 keys.",
        subcommands: [Generate.self, ProcessCheck.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate an Ed25519 key pair.",
            discussion: """
            Writes the secret key to --out (mode 0600, never printed) in the signed-note signer form \
            PRIVATE+KEY+<name>+<keyid>+<base64>, and the public key to <out>.pub as a C2SP verifier key \
            <name>+<keyid>+<base64(type || key)>, which it also prints. Refuses to overwrite existing files.
            """
        )

        @Option(help: "The key name (no spaces or '+'), e.g. acme.example/supplier.")
        var name: String

        @Option(help: "Where to write the secret key; the public key goes to <out>.pub.")
        var out: String

        @Flag(help: "Make a witness cosigning key (C2SP tlog-cosignature, signature type 0x04).")
        var witness = false

        @Flag(help: "Print the result as JSON: name, key id, type, verifier key and the two files.")
        var json = false

        @Flag(help: "Encrypt the secret key with a passphrase (Argon2id + XSalsa20-Poly1305), taken from ASSAY_PASSPHRASE or asked on the terminal.")
        var encrypt = false

        func run() throws {
            guard isValidSigningKeyName(name) else {
                throw CLIFailure.input("invalid key name \"\(name)\": it must be non-empty with no spaces, '+', '\"' or '\\'")
            }
            let pubPath = out + ".pub"
            for p in [out, pubPath] where FileManager.default.fileExists(atPath: p) {
                throw CLIFailure.input("\(p) already exists; refusing to overwrite a key")
            }
            let key = try NamedSigningKey(name: name, key: SigningKey(), type: witness ? .cosignatureV1 : .ed25519)
            var secret = Array((encrypt ? try SealedKey.seal(key, passphrase: try InputFiles.passphrase(for: out, confirm: true))
                                        : key.secretKeyText()).utf8) + [0x0A]
            defer { secureZero(&secret) }
            // Create the secret file 0600 from the start, exclusively.
            let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw CLIFailure.input("cannot create \(out): \(String(cString: strerror(errno)))") }
            let written = secret.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            guard written == secret.count else { throw CLIFailure.input("cannot write \(out)") }
            let vkey = key.verifierKey.description
            try InputFiles.writeAtomically(Array((vkey + "\n").utf8), to: pubPath)
            if json {
                emit(JSONField.object([("name", .string(name)), ("keyId", .string(key.keyID.hex)),
                                       ("type", .string(witness ? "witness" : "ed25519")), ("verifierKey", .string(vkey)),
                                       ("secretKeyFile", .string(out)), ("publicKeyFile", .string(pubPath))]))
            } else {
                emit(vkey)
            }
        }
    }

    /// A hidden test hook: loads a secret key the way every command does, then reports what an
    /// outsider could learn from the process: whether it is dumpable, its core size limit, and
    /// how many copies of the key file's base64 text its writable memory still holds.
    struct ProcessCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "process-check",
            abstract: "Test hook: load a key and report the process's secret hygiene.",
            shouldDisplay: false
        )

        @Option(help: "The secret key file to load.") var key: String
        @Option(name: .customLong("needle-prefix"), help: "The first bytes of the text to look for.") var needlePrefix: String
        @Option(name: .customLong("needle-length"), help: "The length of the text to look for.") var needleLength: Int
        @Option(name: .customLong("needle-sha256"), help: "SHA-256 (hex) of the text to look for.") var needleSHA256: String

        func run() throws {
            let loaded = try InputFiles.secretKey(key)
            let copies = try Self.countCopies(prefix: Array(needlePrefix.utf8), length: needleLength, sha256: needleSHA256)
            let dumpable = SecretHygiene.isDumpable.map { $0 ? "1" : "0" } ?? "unknown"
            emit("key \(loaded.keyReference) dumpable \(dumpable) core-limit \(SecretHygiene.coreLimit) copies \(copies)")
        }

        /// Scans the process's own readable and writable mappings (`/proc/self/maps`, read
        /// through `/proc/self/mem`) for `length`-byte strings that start with `prefix` and hash
        /// to `sha256`; the hook is only ever given the prefix and the hash, never the text.
        static func countCopies(prefix: [UInt8], length: Int, sha256: String) throws -> Int {
            guard !prefix.isEmpty, length >= prefix.count,
                  let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else {
                throw CLIFailure.input("cannot read /proc/self/maps")
            }
            let mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC)
            guard mem >= 0 else { throw CLIFailure.input("cannot open /proc/self/mem") }
            defer { close(mem) }
            var regions: [(UInt64, UInt64)] = []
            for line in maps.split(separator: "\n") {
                let f = line.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count >= 2, f[1].hasPrefix("rw") else { continue }
                let r = f[0].split(separator: "-")
                guard r.count == 2, let lo = UInt64(r[0], radix: 16), let hi = UInt64(r[1], radix: 16) else { continue }
                if f.count >= 6, f[5] == "[vvar]" || f[5] == "[vsyscall]" { continue }
                regions.append((lo, hi))
            }
            let chunk = 1 << 20
            var buffer = [UInt8](repeating: 0, count: chunk + length)
            var copies = 0
            for (lo, hi) in regions {
                var at = lo
                while at < hi {
                    let want = Int(min(UInt64(chunk + length), hi - at))
                    let got = buffer.withUnsafeMutableBytes { pread(mem, $0.baseAddress, want, off_t(Int64(bitPattern: at))) }
                    if got <= 0 { break }
                    buffer.withUnsafeBytes { b in
                        var i = 0
                        while i + length <= got {
                            guard let hit = memchr(b.baseAddress! + i, Int32(prefix[0]), got - length + 1 - i) else { break }
                            i = b.baseAddress!.distance(to: UnsafeRawPointer(hit))
                            if memcmp(b.baseAddress! + i, prefix, prefix.count) == 0,
                               SHA256.hash(Array(b[i..<(i + length)])).hex == sha256 {
                                copies += 1
                            }
                            i += 1
                        }
                    }
                    at += UInt64(max(got - length + 1, 1))
                    if got < want { break }
                }
            }
            return copies
        }
    }
}
