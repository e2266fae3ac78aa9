import AssayCrypto
import AssayLedger
import AssayStore
@testable import AssayStoreSQLite
import AssayTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 12 §7: the ledger file's name and its directory. Hard links are refused for writing,
/// symbolic links are resolved, and a read-only directory or a full disk is reported as such,
/// not as "not an SQLite database". Everything here uses real files, real links and (as root)
/// real read-only and size-limited mounts.
@Suite("Ledger file safety", .serialized)
struct StoreFileSafetyTests {
    typealias F = Fixtures

    /// Runs a system command; its exit status.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static func tool(_ name: String) -> String {
        ["/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/" + name
    }

    /// Whether a new file can be created in `dir` (by this process, whatever its privileges).
    static func canCreateFile(in dir: String) -> Bool {
        let probe = dir + "/.probe-\(UUID().uuidString)"
        let fd = open(probe, O_CREAT | O_WRONLY, 0o600)
        guard fd >= 0 else { return false }
        close(fd)
        unlink(probe)
        return true
    }

    /// Makes `dir` read-only for this process for real and returns how, with the undo. As a
    /// normal user, mode 0555 does it; root bypasses permission bits, so as root the directory
    /// is made immutable (`chattr +i`), or else bind-mounted read-only onto itself. Each way is
    /// checked by trying to create a file. `except` names ways not to use.
    static func makeReadOnly(_ dir: String, except: [String] = []) -> (how: String, undo: () -> Void)? {
        if geteuid() != 0 && !except.contains("mode 0555") {
            chmod(dir, 0o555)
            if !canCreateFile(in: dir) { return ("mode 0555", { chmod(dir, 0o755) }) }
            chmod(dir, 0o755)
        }
        if !except.contains("chattr +i"), run(tool("chattr"), ["+i", dir]) == 0 {
            if !canCreateFile(in: dir) { return ("chattr +i", { run(tool("chattr"), ["-i", dir]) }) }
            run(tool("chattr"), ["-i", dir])
        }
        if !except.contains("read-only bind mount"), run(tool("mount"), ["--bind", dir, dir]) == 0 {
            if run(tool("mount"), ["-o", "remount,bind,ro", dir]) == 0, !canCreateFile(in: dir) {
                return ("read-only bind mount", { run(tool("umount"), [dir]) })
            }
            run(tool("umount"), [dir])
        }
        return nil
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    // MARK: - Links

    @Test("a ledger file with two hard links is refused for writing under either name, with one line saying why")
    func hardLinkRefused() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = dir + "/a.assay", b = dir + "/b.assay"
        do { _ = try F.ledger(at: a, events: 2) }
        #expect(link(a, b) == 0)
        let before = Self.bytes(a)
        for name in [a, b] {
            #expect {
                try Ledger.open(at: name)
            } throws: { e in
                guard let e = e as? LedgerError else { return false }
                return e.code == .storage && e.message.contains("2 hard links") && e.message.contains("write-ahead log") && !e.message.contains("\n")
            }
        }
        #expect(Self.bytes(a) == before, "nothing changed")
        #expect(!FileManager.default.fileExists(atPath: b + "-wal"), "no second WAL was created")
        // Reading (verify, proofs) through either name is still allowed.
        #expect(try Ledger.open(at: b, readOnly: true).verify().ok)
        // With the second name gone, writing works again.
        unlink(b)
        let ledger = try Ledger.open(at: a)
        ledger.clock = { F.time(2000) }
        try ledger.append([.init(label: "e", bytes: F.envelope(F.event(50), by: F.supplierKey))])
    }

    @Test("a symbolic link is resolved: the WAL is the real file's, and both names see the same appends")
    func symlinkResolved() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        let real = dir + "/real/l.assay", alias = dir + "/other/l.assay"
        do { _ = try F.ledger(at: real, events: 2) }
        #expect(symlink(real, alias) == 0)
        let viaLink = try Ledger.open(at: alias)
        viaLink.clock = { F.time(2000) }
        let viaReal = try Ledger.open(at: real) // held open: the WAL stays in place
        try viaLink.append([.init(label: "e", bytes: F.envelope(F.event(60), by: F.supplierKey))])
        #expect(FileManager.default.fileExists(atPath: real + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: alias + "-wal"), "no WAL beside the link")
        #expect(try viaReal.size() == 6)
        try viaReal.append([.init(label: "e", bytes: F.envelope(F.event(61), by: F.supplierKey))])
        #expect(try viaLink.size() == 7)
        #expect(try viaLink.verify().ok)
    }

    // MARK: - Read-only directory, full disk

    /// Every way of making a directory read-only that works here (at least one must).
    @Test("a ledger in a read-only directory is reported as that, not as \"not an SQLite database\"")
    func readOnlyDirectory() throws {
        var used: [String] = []
        while try readOnlyDirectory(except: used).map({ used.append($0) }) != nil {}
        #expect(!used.isEmpty, "could not make a directory read-only (tried mode 0555, chattr +i, a read-only bind mount)")
    }

    /// One read-only directory check; the way it was made read-only, nil when no way is left.
    func readOnlyDirectory(except: [String]) throws -> String? {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/l.assay"
        do { _ = try F.ledger(at: path, events: 2) } // closed: SQLite removes -wal and -shm
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let before = Self.bytes(path)
        guard let ro = Self.makeReadOnly(dir, except: except) else { return nil }
        defer { ro.undo() }
        print("read-only directory made with \(ro.how)")
        func isReadOnlyDirectory(_ e: any Error) -> Bool {
            guard let e = e as? LedgerError else { return false }
            print("  \(e.message)")
            return e.code == .storage && e.message.contains("read-only directory") && !e.message.contains("SQLite database")
                && !e.message.contains("\n")
        }
        #expect(performing: { try Ledger.open(at: path) }, throws: isReadOnlyDirectory)
        #expect(performing: {
            try Ledger.create(at: dir + "/new.assay", origin: "x.example/l", operatorKey: F.operatorKey, now: F.time())
        }, throws: isReadOnlyDirectory)
        #expect(Self.bytes(path) == before, "nothing changed")
        return ro.how
    }

    @Test("a full disk is reported as \"disk full\", and the failed append leaves the ledger as it was")
    func diskFull() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A 1 MiB tmpfs (root); elsewhere SQLite's own page limit gives the same SQLITE_FULL.
        let mounted = Self.run(Self.tool("mount"), ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]) == 0
        defer { if mounted { Self.run(Self.tool("umount"), [dir]) } }
        print("full disk: \(mounted ? "1 MiB tmpfs" : "PRAGMA max_page_count")")
        let path = dir + "/l.assay"
        let ledger = try F.ledger(at: path, events: 1)
        ledger.clock = { F.time(2000) }
        if !mounted, let db = (ledger.store as? SQLiteLedgerStorage)?.db { try db.execute("PRAGMA max_page_count = \(try db.scalarInt("PRAGMA page_count")! + 8)") }
        var n = 0
        var failure: (any Error)? = nil
        while failure == nil && n < 400 {
            let batch = (0..<20).map { i in Ledger.AppendItem(label: "e", bytes: F.envelope(F.event(1000 + n * 20 + i), by: F.supplierKey)) }
            do { try ledger.append(batch); n += 1 } catch { failure = error }
        }
        let e = try #require(failure as? LedgerError, "the disk never filled: \(String(describing: failure))")
        print("  \(e.message)")
        #expect(e.code == .storage)
        #expect(e.message.contains("disk full"), "\(e.message)")
        #expect(!e.message.contains("\n"))
        #expect(try ledger.size() == UInt64(4 + n * 20), "the failed batch left nothing behind")
        #expect(try ledger.verify().ok)
    }
}
