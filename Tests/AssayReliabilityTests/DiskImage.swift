import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A copy of a ledger's files (database, then `-wal`, then `-shm`) taken while a writer may be
/// writing, the way a disk could hold them after a power loss.
///
/// A copy taken while the writer runs is only a faithful crash image if the WAL was not
/// restarted, recreated or deleted between copying the main file and finishing the WAL: a
/// checkpoint that moves pages into the main file and then resets the WAL mid-copy leaves a
/// main file from before and a WAL from after, a state no single moment of the disk ever
/// held. `torn` says when that happened (the WAL's inode or header salts changed), so a copy
/// that then fails to open can be told apart from a real recovery failure.
struct DiskImage: Sendable {
    /// The copied database (its `-wal` and `-shm` sit beside it when they existed).
    let path: String
    /// Bytes of the WAL copied (0 when there was none).
    let walBytes: Int
    /// Whether a `-shm` file existed and was copied.
    let copiedSharedMemory: Bool
    /// Why the copy is not a single moment of the disk, when it is not.
    let torn: String?

    /// Copies `ledger`'s files into `directory` (created), main file first, then the WAL.
    static func copy(of ledger: String, into directory: String) throws -> DiskImage {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let target = directory + "/" + (ledger as NSString).lastPathComponent
        let before = WALState.read(ledger + "-wal")
        guard let main = readFile(ledger) else { throw HarnessFailure("cannot read \(ledger)") }
        try write(main, to: target)
        let wal = readFile(ledger + "-wal")
        let after = WALState.read(ledger + "-wal")
        if let wal { try write(wal, to: target + "-wal") }
        let shm = readFile(ledger + "-shm")
        if let shm { try write(shm, to: target + "-shm") }
        var torn: String? = nil
        if let before, before != after {
            torn = "the WAL changed while it was copied (before the main file: \(before); after the WAL: \(after.map { "\($0)" } ?? "no WAL"))"
        }
        return DiskImage(path: target, walBytes: wal?.count ?? 0, copiedSharedMemory: shm != nil, torn: torn)
    }

    /// The whole file, read with plain `read(2)` (never mapped: the WAL may shrink under us);
    /// nil when it does not exist.
    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw HarnessFailure("cannot write \(path)")
        }
    }

    /// What identifies one incarnation of a WAL: its inode and its header's checkpoint
    /// sequence number and salts (bytes 12–23), which change whenever SQLite restarts it.
    struct WALState: Equatable, Sendable, CustomStringConvertible {
        let inode: UInt64
        let header: [UInt8]

        /// Nil when there is no WAL or its header is not written yet.
        static func read(_ path: String) -> WALState? {
            var st = stat()
            guard stat(path, &st) == 0, let bytes = DiskImage.readPrefix(path, 32), bytes.count == 32 else { return nil }
            return WALState(inode: UInt64(st.st_ino), header: Array(bytes[12..<24]))
        }

        var description: String {
            "inode \(inode), checkpoint seq + salts \(header.map { String(format: "%02x", $0) }.joined())"
        }
    }

    static func readPrefix(_ path: String, _ count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        return n < 0 ? nil : Array(buf[..<n])
    }
}
