import AssayTestSupport
import Foundation
import Testing

/// FORMAT.md §1: keys Assay signs with have printable-ASCII names without +, " or \, because
/// the key reference stands unescaped in a DSSE keyid. A key that could be generated and
/// registered but never append (a non-ASCII name) is refused at the door.
@Suite("Key names")
struct KeyNameTests {
    @Test("key generate refuses names a DSSE keyid cannot carry", arguments: ["münchen.example", "a\"b.example", "a\\b.example", "tab\there", "plus+name"])
    func refused(name: String) throws {
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try assay("key", "generate", "--name", name, "--out", dir + "/k.key")
        #expect(r.exitCode == 2, "\(r)")
        #expect(r.stderr.hasPrefix("assay: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/k.key"))
    }

    @Test("a registration naming a key with a non-ASCII name is refused as a statement")
    func registrationRefused() throws {
        let json = #"{"type":"PartyRegistration","partyId":"urn:example:p","legalName":"P","roles":["supplier"],"publicKey":"münchen.example+a1b2c3d4+AX7eQZ4Vb0YIu0y3x1Xv7nQ6G2m1q8l9k0J5h4g3f2e1","eventTime":"2026-11-20T09:05:00+01:00","eventTimeZoneOffset":"+01:00"}"#
        let dir = Fixtures.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/reg.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let r = try assay("statement", "check", path)
        #expect(r.exitCode != 0 && (r.stdout + r.stderr).contains("key name must be printable ASCII"), "\(r)")
    }
}
