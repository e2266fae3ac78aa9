import AssayCrypto
import AssayLog
import Foundation

/// Recomputes the subject index (FORMAT.md §13) while a ledger walk feeds it records, and checks
/// the index root every checkpoint commits to.
///
/// Memory is bounded: a ledger of up to `recordsInMemory` (2^17) records is indexed in one tree held in
/// memory (about 100 bytes per subject) and each checkpoint is checked when the walk reaches it.
/// A larger one is indexed in `P = 2^b` partitions by the first `b` bits of the subject key: the
/// walk indexes partition 0 in memory and appends every other (key, entry leaf) pair to an
/// unlinked temporary file, noting where each checkpoint falls in it; after the walk, each
/// further partition is indexed in turn from the file. A partition's subtree (the keys sharing
/// those `b` bits) is recorded at every checkpoint, and the roots are put together from the `P`
/// subtrees with the same rule as inside the tree. Only one partition's leaves are in memory at
/// a time; the file is read sequentially and lives in the page cache, not the process.
public struct SubjectIndexCheck {
    /// Above this many records the index is partitioned (≈ 12 MiB of leaves per partition).
    public static let defaultRecordsInMemory: UInt64 = 131_072

    /// A checkpoint whose index root is checked.
    private struct Pending {
        let size: UInt64
        let committed: Digest
        let which: String
        /// Bytes of the spill file written before this checkpoint's size was reached.
        let spillOffset: Int
        /// Each partition's subtree at this size (partition 0 from the walk, others afterwards).
        var subtrees: [(hash: Digest, count: UInt32)]
    }

    private let bits: Int
    private var tree: SubjectIndexTree
    private var spill: SpillFile?
    private var pending: [Pending] = []
    private var buffer: [UInt8] = []

    /// - Parameter recordsInMemory: the most records indexed in one tree (per partition).
    init(expectedRecords: UInt64, recordsInMemory: UInt64 = defaultRecordsInMemory) throws {
        var b = 0
        while b < 6 && (expectedRecords >> UInt64(b)) > max(1, recordsInMemory) { b += 1 }
        bits = b
        tree = SubjectIndexTree(expectedSubjects: 16 << b)
        spill = b == 0 ? nil : try SpillFile()
    }

    /// The partition of `key`: its first `bits` bits.
    private func partition(_ key: Digest) -> Int {
        guard bits > 0 else { return 0 }
        return key.withUnsafeBytes { Int($0[0]) } >> (8 - bits)
    }

    /// Feeds the next record's leaf hash and index subject keys.
    mutating func add(leaf: Digest, keys: [Digest]) throws {
        for k in keys {
            if partition(k) == 0 {
                tree.add(key: k, entryLeaf: leaf)
            } else {
                k.withUnsafeBytes { buffer.append(contentsOf: $0) }
                leaf.withUnsafeBytes { buffer.append(contentsOf: $0) }
            }
        }
        tree.advance(to: tree.size + 1)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty, let spill else { return }
        try spill.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// At a checkpoint of `size` committing to `committed`: a finding now (unpartitioned), or
    /// nil and the check deferred to `finish()`.
    mutating func checkpoint(size: UInt64, committed: Digest, which: String) -> Finding? {
        if bits == 0 {
            let recomputed = tree.root()
            return recomputed == committed ? nil : Self.mismatch(size: size, committed: committed, recomputed: recomputed, which: which)
        }
        var subtrees = Array(repeating: (hash: SubjectIndex.empty, count: UInt32(0)), count: 1 << bits)
        subtrees[0] = tree.subtree(level: bits, index: 0)
        pending.append(Pending(size: size, committed: committed, which: which,
                               spillOffset: (spill?.written ?? 0) + buffer.count, subtrees: subtrees))
        return nil
    }

    /// Indexes the remaining partitions from the spill file and checks every deferred
    /// checkpoint; the first mismatch, by size.
    mutating func finish() throws -> Finding? {
        guard bits > 0, !pending.isEmpty, let spill else { return nil }
        try flush()
        tree = SubjectIndexTree() // partition 0 is no longer needed
        for p in 1..<(1 << bits) {
            var part = SubjectIndexTree(expectedSubjects: 16 << bits)
            var next = 0
            var offset = 0
            try spill.read { chunk in
                var i = 0
                while i < chunk.count {
                    while next < pending.count, pending[next].spillOffset <= offset + i {
                        pending[next].subtrees[p] = part.subtree(level: bits, index: p)
                        next += 1
                    }
                    let key = Digest(raw: UnsafeRawBufferPointer(rebasing: chunk[i..<(i + 32)]))
                    if partition(key) == p {
                        part.add(key: key, entryLeaf: Digest(raw: UnsafeRawBufferPointer(rebasing: chunk[(i + 32)..<(i + 64)])))
                    }
                    i += 64
                }
                offset += chunk.count
            }
            while next < pending.count {
                pending[next].subtrees[p] = part.subtree(level: bits, index: p)
                next += 1
            }
        }
        for cp in pending {
            let recomputed = Self.combine(cp.subtrees)
            if recomputed != cp.committed {
                return Self.mismatch(size: cp.size, committed: cp.committed, recomputed: recomputed, which: cp.which)
            }
        }
        return nil
    }

    /// The root over the `2^b` subtrees of level `b`, by the tree's rule: no leaves hash to Z,
    /// one leaf to that leaf's hash, more to `node(left, right)`.
    static func combine(_ level: [(hash: Digest, count: UInt32)]) -> Digest {
        var nodes = level
        while nodes.count > 1 {
            nodes = stride(from: 0, to: nodes.count, by: 2).map { i in
                let l = nodes[i], r = nodes[i + 1]
                switch l.count + r.count {
                case 0: return (SubjectIndex.empty, 0)
                case 1: return l.count == 1 ? l : r
                default: return (SubjectIndex.node(l.hash, r.hash), l.count + r.count)
                }
            }
        }
        return nodes[0].hash
    }

    static func mismatch(size: UInt64, committed: Digest, recomputed: Digest, which: String) -> Finding {
        Finding(.checkpoint, seq: size - 1, "\(which) subject index root for size \(size) does not match the index recomputed from the records: a subject's history was rewritten or the index was forged",
                expected: committed.hex, found: recomputed.hex)
    }
}

/// An unlinked temporary file, written once and read sequentially.
final class SpillFile {
    private let fd: Int32
    private(set) var written = 0

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/assay-verify-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SpillError(errno: errno) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + done, bytes.count - done) }
            guard n > 0 else { throw SpillError(errno: errno) }
            done += n
        }
        written += bytes.count
    }

    /// Calls `body` with the whole file in order, in chunks whose size is a multiple of 64 bytes.
    func read(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < written {
            let want = min(chunk.count, written - offset)
            var got = 0
            while got < want {
                let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, want - got, off_t(offset + got)) }
                guard n > 0 else { throw SpillError(errno: errno) }
                got += n
            }
            try chunk.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<want])) }
            offset += want
        }
    }
}

struct SpillError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "temporary file for the subject index: \(String(cString: strerror(errno)))" }
}
