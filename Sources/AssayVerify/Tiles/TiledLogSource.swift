public import AssayCrypto
public import AssayLog
import AssayModel
import Foundation

/// A log read through its C2SP tiles, presented to `LedgerVerifier`: the records `TilesReader`
/// fetched (and checked against the tiles) and the checkpoints to hold them against. The walk
/// then runs every entry check a ledger verify runs — sequence, times, envelopes, statements,
/// signers, authority, signatures, the hash chain and the subject index against each
/// checkpoint's extension lines, and the root — with nothing to compare beyond the records:
/// there are no stored columns, tree nodes, indexes or metadata (`holdsDerivedData` is false).
///
/// The records are spooled to a temporary file as they arrive (the walk reads them twice: the
/// registry entries first, then all), so memory does not grow with the log.
///
/// `@unchecked Sendable`: it is filled by one task (`TiledLogAudit.fetch`) and only then read
/// by the walk; its mutable state (`count`, `notes`, the file offset) is never touched by two
/// threads at once.
public final class TiledLogSource: LedgerSource, @unchecked Sendable {
    private let spool: FileHandle
    private let spoolPath: String
    private var count: UInt64 = 0
    private var notes: [[UInt8]] = []

    /// An empty source backed by a new temporary file (removed when the source is released).
    public init() throws {
        spoolPath = NSTemporaryDirectory() + "assay-tiles-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: spoolPath, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forUpdatingAtPath: spoolPath) else {
            throw TilesError(.unavailable, "cannot create a temporary file at \(spoolPath)")
        }
        spool = handle
    }

    deinit {
        try? spool.close()
        try? FileManager.default.removeItem(atPath: spoolPath)
    }

    /// Adds the next entry of the log (its record bytes, FORMAT.md §3), in order.
    /// - Throws: `TilesError(.malformedEntry)` when the bytes are not a version 1 record.
    public func append(seq: UInt64, entry: [UInt8]) throws {
        guard seq == count else { throw TilesError(.malformedEntry, "entry \(seq) arrived out of order (expected \(count))") }
        do { _ = try LedgerRecord(recordBytes: entry) } catch {
            throw TilesError(.malformedEntry, "entry \(seq) is not an Assay record: \(error.message)")
        }
        var frame = [UInt8](repeating: 0, count: 4)
        let n = UInt32(entry.count)
        frame[0] = UInt8(n >> 24); frame[1] = UInt8((n >> 16) & 0xFF); frame[2] = UInt8((n >> 8) & 0xFF); frame[3] = UInt8(n & 0xFF)
        try spool.write(contentsOf: Data(frame + entry))
        count += 1
    }

    /// A checkpoint note the records must match (the served one, a saved one): its signature,
    /// root, chain head and subject index root are checked at its size, as a ledger verify
    /// checks a given checkpoint.
    public func addCheckpoint(_ note: [UInt8]) { notes.append(note) }

    // MARK: LedgerSource

    public var holdsDerivedData: Bool { false }

    public func forEachRow(_ body: (RecordRow) throws -> Bool) throws {
        guard let reader = FileHandle(forReadingAtPath: spoolPath) else {
            throw TilesError(.unavailable, "cannot read the temporary file \(spoolPath)")
        }
        defer { try? reader.close() }
        var chain = Digest.zero
        var buffer = Data()
        var at = 0
        func take(_ n: Int) throws -> Data? {
            while buffer.count - at < n {
                guard let more = try reader.read(upToCount: 1 << 20), !more.isEmpty else { return nil }
                buffer = buffer.subdata(in: at..<buffer.count) + more
                at = 0
            }
            defer { at += n }
            return buffer.subdata(in: at..<(at + n))
        }
        while let head = try take(4) {
            let n = head.reduce(0) { $0 << 8 | Int($1) }
            guard let bytes = try take(n) else { throw TilesError(.unavailable, "the temporary file \(spoolPath) is truncated") }
            let record = try LedgerRecord(recordBytes: [UInt8](bytes))
            let leaf = record.leafHash
            chain = LedgerRecord.chainHash(previous: chain, leaf: leaf)
            let row = RecordRow(seq: record.seq, appendedAtMillis: record.appendedAtMillis, kind: "", signer: "",
                                envelope: record.envelope, leafHash: leaf, chainHash: chain)
            guard try body(row) else { return }
        }
    }

    public func recordCount() throws -> UInt64 { count }

    public func storedNodes(level: UInt8) throws -> any IteratorProtocol<(index: UInt64, hash: [UInt8])> {
        AnyIterator { nil }
    }

    public func firstStoredNode(outside levels: ClosedRange<UInt8>?) throws -> Int64? { nil }

    public func checkpointNotes() throws -> [(size: Int64, note: [UInt8])] { [] }

    /// The checkpoints given with `addCheckpoint`, to be checked as external ones.
    public var checkpoints: [[UInt8]] { notes }

    public func metadata() throws -> [(key: String, value: String)] { [] }

    public func subjectRows() throws -> any SubjectRowCursor { NoRows() }

    public func containerProblems() throws -> [String] { [] }

    public func forEachRegistryRow(_ body: (RecordRow) throws -> Void) throws {
        let kinds = Set(StatementKind.registryKinds)
        try forEachRow { row in
            if let env = try? Envelope(json: row.envelope), let st = try? Statement.decode(env.payload), kinds.contains(st.kind) {
                try body(row)
            }
            return true
        }
    }

    private final class NoRows: SubjectRowCursor {
        func next() throws -> SubjectRow? { nil }
    }
}
