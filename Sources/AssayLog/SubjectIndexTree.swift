public import AssayCrypto
import Dispatch

/// The subject index (`SubjectIndex`) maintained incrementally as records are added: what a
/// ledger signs into each checkpoint, what `verify` recomputes, and what bundle proofs come from.
///
/// Layout: the top `topBits` levels of the tree are kept as dense arrays of subtree hashes and
/// leaf counts (a subtree's hash depends only on the leaves below it, so these are caches of the
/// definition, not part of it), and the leaves are kept in `2^topBits` buckets by their first
/// `topBits` key bits, each sorted by key. Adding an entry touches one bucket; `root()`
/// recomputes only the buckets touched since the last call and their ancestors. Memory is one
/// 72-byte leaf per subject plus `2^(topBits+1)` cached hashes.
public struct SubjectIndexTree: Sendable {
    /// Levels held as dense arrays (4 to 18; grows with the number of subjects).
    public private(set) var topBits: Int
    /// Records applied so far: the index is the one over records `0 ..< size`.
    public private(set) var size: UInt64 = 0
    /// Subjects with at least one entry.
    public private(set) var subjectCount = 0
    private var buckets: [ContiguousArray<SubjectIndex.Leaf>]
    /// `hashes[d][i]`, `counts[d][i]`: the subtree of the keys whose first `d` bits are `i`.
    private var hashes: [[Digest]]
    private var counts: [[UInt32]]
    private var dirty: [Int] = []
    private var isDirty: [Bool]
    /// Leaves a bucket holds on average right after the buckets are sized or split (the
    /// average then grows to four times this before the next split).
    public let bucketTarget: Int

    /// An empty index sized for about `expectedSubjects` subjects (any number works; the
    /// estimate only sets how many top levels are cached).
    /// - Parameter bucketTarget: the leaves a bucket holds on average after a split (1 to 64).
    ///   `root()` rehashes each bucket touched since the last call, so a small target makes
    ///   frequent roots over few changes cheap (a ledger signing a checkpoint per small group)
    ///   at the price of more cached upper levels (`2^(topBits+1)` hashes); a large one suits a
    ///   single root over many changes (`verify`).
    public init(expectedSubjects: Int = 0, bucketTarget: Int = 16) {
        let target = min(64, max(1, bucketTarget))
        self.bucketTarget = target
        var bits = 4
        while bits < 18 && (1 << bits) * target < expectedSubjects { bits += 1 }
        topBits = bits
        buckets = Array(repeating: [], count: 1 << bits)
        hashes = (0...bits).map { Array(repeating: SubjectIndex.empty, count: 1 << $0) }
        counts = (0...bits).map { Array(repeating: 0, count: 1 << $0) }
        isDirty = Array(repeating: false, count: 1 << bits)
    }

    /// Splits every bucket in four (two more cached levels) once buckets average four times
    /// `bucketTarget` leaves. Old buckets are released as they are split, so memory never holds
    /// the leaves twice.
    private mutating func growIfCrowded() {
        guard topBits < 18 && subjectCount > (1 << topBits) * 4 * bucketTarget else { return }
        var old = buckets
        buckets = []
        self = SubjectIndexTree(topBits: topBits + 2, size: size, subjectCount: subjectCount, bucketTarget: bucketTarget)
        for i in old.indices {
            let leaves = old[i]
            old[i] = []
            // The four new buckets of old bucket i are 4i … 4i+3; leaves stay in key order.
            var start = leaves.startIndex
            for j in 0..<4 {
                let b = 4 * i + j
                let end = leaves[start...].firstIndex { bucket($0.key) != b } ?? leaves.endIndex
                if start < end {
                    buckets[b] = ContiguousArray(leaves[start..<end])
                    isDirty[b] = true
                    dirty.append(b)
                }
                start = end
            }
        }
    }

    private init(topBits bits: Int, size: UInt64, subjectCount: Int, bucketTarget: Int) {
        self.init(expectedSubjects: (1 << bits) * bucketTarget, bucketTarget: bucketTarget)
        self.size = size
        self.subjectCount = subjectCount
    }

    /// The bucket of `key`: its first `topBits` bits.
    private func bucket(_ key: Digest) -> Int {
        let top = key.withUnsafeBytes { raw -> UInt32 in
            UInt32(raw[0]) << 24 | UInt32(raw[1]) << 16 | UInt32(raw[2]) << 8 | UInt32(raw[3])
        }
        return Int(top >> UInt32(32 - topBits))
    }

    /// Where `key` is, or would be inserted, in its bucket.
    private func position(_ key: Digest, in b: Int) -> (index: Int, found: Bool) {
        let leaves = buckets[b]
        var lo = 0, hi = leaves.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if SubjectIndex.precedes(leaves[mid].key, key) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < leaves.count && leaves[lo].key == key)
    }

    /// Adds one entry, whose record has leaf hash `entryLeaf`, to the subject with `key`.
    public mutating func add(key: Digest, entryLeaf: Digest) {
        let b = bucket(key)
        let (i, found) = position(key, in: b)
        if found {
            let l = buckets[b][i]
            buckets[b][i] = SubjectIndex.Leaf(key: key, count: l.count + 1, chain: SubjectIndex.chain(previous: l.chain, leaf: entryLeaf))
        } else {
            // Grow a full bucket by a quarter, not double: buckets fill at the same pace, so
            // doubling would leave most of them half empty at once.
            let n = buckets[b].count
            if n == buckets[b].capacity { buckets[b].reserveCapacity(n + max(4, n / 4)) }
            buckets[b].insert(SubjectIndex.Leaf(key: key, count: 1, chain: SubjectIndex.chain(previous: SubjectIndex.empty, leaf: entryLeaf)), at: i)
            subjectCount += 1
            growIfCrowded()
        }
        if !isDirty[b] {
            isDirty[b] = true
            dirty.append(b)
        }
    }

    /// Adds record `size` (the next one): its leaf hash and the keys of its index subjects
    /// (distinct). Records must be added in order, each once.
    public mutating func addRecord(leaf: Digest, keys: some Sequence<Digest>) {
        for k in keys { add(key: k, entryLeaf: leaf) }
        size += 1
    }

    /// Marks `count` records as added whose subjects were added with `add(key:entryLeaf:)`.
    public mutating func advance(to newSize: UInt64) {
        precondition(newSize >= size, "the index never shrinks")
        size = newSize
    }

    /// The leaf for `key`, if the subject has entries.
    public func leaf(for key: Digest) -> SubjectIndex.Leaf? {
        let b = bucket(key)
        let (i, found) = position(key, in: b)
        return found ? buckets[b][i] : nil
    }

    /// The root: recomputes what changed since the last call.
    public mutating func root() -> Digest {
        guard !dirty.isEmpty else { return hashes[0][0] }
        var level = dirty.sorted()
        let bucketHashes = Self.hashBuckets(level, buckets, depth: topBits)
        for (b, hash) in zip(level, bucketHashes) {
            counts[topBits][b] = UInt32(buckets[b].count)
            hashes[topBits][b] = hash
            isDirty[b] = false
        }
        dirty.removeAll(keepingCapacity: true)
        for d in stride(from: topBits - 1, through: 0, by: -1) {
            var parents: [Int] = []
            parents.reserveCapacity(level.count)
            for c in level where parents.last != c >> 1 { parents.append(c >> 1) }
            for p in parents {
                let cl = counts[d + 1][2 * p], cr = counts[d + 1][2 * p + 1]
                counts[d][p] = cl + cr
                switch cl + cr {
                case 0: hashes[d][p] = SubjectIndex.empty
                case 1: hashes[d][p] = cl == 1 ? hashes[d + 1][2 * p] : hashes[d + 1][2 * p + 1]
                default: hashes[d][p] = SubjectIndex.node(hashes[d + 1][2 * p], hashes[d + 1][2 * p + 1])
                }
            }
            level = parents
        }
        return hashes[0][0]
    }

    /// The subtree hash of each bucket of `which`. Many at once (after buckets were split, when
    /// every bucket is rehashed) are spread over the cores, so that the one root that follows a
    /// split does not stall a writer for the whole index's hashing on one core.
    private static func hashBuckets(_ which: [Int], _ buckets: [ContiguousArray<SubjectIndex.Leaf>], depth: Int) -> [Digest] {
        let n = which.count
        // Chunks of at least 256 buckets; `concurrentPerform` spreads them over the cores.
        let workers = min(64, n / 256)
        guard workers > 1 else { return which.map { SubjectIndex.subtree(buckets[$0][...], depth: depth) } }
        var out = [Digest](repeating: SubjectIndex.empty, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let results = buffer // each worker writes its own slice
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in (n * w / workers)..<(n * (w + 1) / workers) {
                    results[i] = SubjectIndex.subtree(buckets[which[i]][...], depth: depth)
                }
            }
        }
        return out
    }

    /// The hash and leaf count of the subtree of the keys whose first `level` bits are `index`
    /// (`level` at most `topBits`).
    public mutating func subtree(level: Int, index: Int) -> (hash: Digest, count: UInt32) {
        precondition(level <= topBits, "only the cached levels can be read")
        _ = root()
        return (hashes[level][index], counts[level][index])
    }

    /// The proof for `key` (membership when the subject has entries, absence otherwise) against `root()`.
    public mutating func prove(_ key: Digest) -> SubjectIndex.Proof {
        _ = root()
        var siblings: [Digest?] = []
        var index = 0
        for d in 0..<topBits {
            if counts[d][index] <= 1 {
                // The path ends here: at nothing, or at the one leaf below this prefix.
                let terminal = counts[d][index] == 0 ? nil : onlyLeaf(level: d, index: index)
                return SubjectIndex.Proof(path: siblings.reversed(), neighbor: terminal.flatMap { $0.key == key ? nil : $0 })
            }
            let bit = SubjectIndex.bit(key, d)
            let sibling = 2 * index + (1 - bit)
            siblings.append(counts[d + 1][sibling] == 0 ? nil : hashes[d + 1][sibling])
            index = 2 * index + bit
        }
        let (below, terminal) = SubjectIndex.prove(key, sorted: buckets[index][...], depth: topBits)
        siblings += below
        return SubjectIndex.Proof(path: siblings.reversed(), neighbor: terminal.flatMap { $0.key == key ? nil : $0 })
    }

    /// The single leaf below the prefix `index` of level `d` (whose count is 1).
    private func onlyLeaf(level d: Int, index: Int) -> SubjectIndex.Leaf? {
        var i = index
        for l in d..<topBits {
            i = counts[l + 1][2 * i] == 1 ? 2 * i : 2 * i + 1
        }
        return buckets[i].first
    }
}
