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
        subcommands: [Generate.self]
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
            emit(vkey)
        }
    }
}
