public import AssayCrypto
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The per-subject completeness index (issue 13, first step): a compressed binary sparse Merkle
/// tree over every subject a verdict can rest on, whose leaf commits to how many entries the
/// log holds about the subject and the hash chain of those entries in log order. A proof shows
/// a subject's committed (count, chain), or that the index holds nothing for it.
///
/// Byte layout (prefixes distinct from RFC 6962's 0x00 leaf and 0x01 node and Assay's 0x02 chain):
///
///     key      K   = SHA-256(0x10 || type || UTF-8 subject)      type 0x00 identifier, 0x01 key reference
///     chain    s_0 = 32 zero bytes;  s_k = SHA-256(0x12 || s_(k-1) || leaf hash of the k-th entry)
///     leaf     L   = SHA-256(0x11 || K || u64be(count) || s_count)
///     node         = SHA-256(0x13 || left || right)
///     empty    Z   = 32 zero bytes
///
/// The hash of a subtree holding the keys that share their first `d` bits is `Z` when it holds
/// none, the leaf's `L` when it holds exactly one (at any depth: single leaves are not pushed
/// down), and otherwise `node(left, right)` over the keys whose bit `d` is 0 and 1 (bit 0 is the
/// most significant bit of `K[0]`). The root is the hash of the whole set; an empty index has
/// root `Z`. The tree's shape, and so its root, depends only on the set of leaves.
///
/// Every checkpoint an Assay ledger signs commits to the root (`assay-subject-index`, FORMAT.md
/// §13); `SubjectIndexTree` maintains it incrementally, and bundles carry proofs from it.
public enum SubjectIndex {
    /// What a key names.
    public enum KeyType: UInt8, Sendable {
        /// Every entry about an identifier.
        case identifier = 0x00
        /// The registry entries about a key (by reference).
        case keyReference = 0x01
        /// The entries that define an identifier: those about it of a defining kind
        /// (`IndexSubject.definingKinds`).
        case defining = 0x02

        /// The name a bundle gives the type.
        public var name: String {
            switch self {
            case .identifier: "identifier"
            case .keyReference: "key"
            case .defining: "defining"
            }
        }
    }

    /// One subject's entry in the index.
    public struct Leaf: Sendable, Hashable {
        public let key: Digest
        public let count: UInt64
        public let chain: Digest

        public init(key: Digest, count: UInt64, chain: Digest) {
            self.key = key
            self.count = count
            self.chain = chain
        }

        /// `SHA-256(0x11 || K || u64be(count) || chain)`.
        public var hash: Digest {
            var h = SHA256.Hasher256()
            h.update(byte: 0x11)
            h.update(key)
            var be = count.bigEndian
            withUnsafeBytes(of: &be) { h.update($0) }
            h.update(chain)
            return h.finalize()
        }
    }

    /// A proof about one key: the siblings from the deepest level up to the root (nil for an
    /// empty subtree), and — when the key is absent and the path ends at another subject's
    /// leaf — that leaf.
    public struct Proof: Sendable, Equatable {
        public let path: [Digest?]
        public let neighbor: Leaf?

        public init(path: [Digest?], neighbor: Leaf?) {
            self.path = path
            self.neighbor = neighbor
        }
    }

    /// The empty subtree.
    public static let empty = Digest.zero

    /// `SHA-256(0x10 || type || UTF-8 subject)`.
    public static func key(_ subject: String, type: KeyType = .identifier) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: 0x10)
        h.update(byte: type.rawValue)
        h.update(subject.utf8)
        return h.finalize()
    }

    /// `SHA-256(0x12 || previous || leaf)`: the subject chain extended by one entry's leaf hash.
    public static func chain(previous: Digest, leaf: Digest) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: 0x12)
        h.update(previous)
        h.update(leaf)
        return h.finalize()
    }

    /// `SHA-256(0x13 || left || right)`.
    public static func node(_ left: Digest, _ right: Digest) -> Digest {
        var h = SHA256.Hasher256()
        h.update(byte: 0x13)
        h.update(left)
        h.update(right)
        return h.finalize()
    }

    /// Bit `i` of `key` (0 is the most significant bit of the first byte).
    public static func bit(_ key: Digest, _ i: Int) -> Int {
        key.withUnsafeBytes { Int($0[i >> 3] >> (7 - UInt8(i & 7))) & 1 }
    }

    /// The root over `leaves` (keys distinct).
    public static func root(of leaves: [Leaf]) -> Digest {
        subtree(leaves.sorted { precedes($0.key, $1.key) }[...], depth: 0)
    }

    /// The hash of the subtree holding `sorted` (keys sharing their first `depth` bits).
    static func subtree(_ sorted: ArraySlice<Leaf>, depth: Int) -> Digest {
        switch sorted.count {
        case 0: return empty
        case 1: return sorted.first!.hash
        default:
            let split = sorted.firstIndex { bit($0.key, depth) == 1 } ?? sorted.endIndex
            return node(subtree(sorted[..<split], depth: depth + 1), subtree(sorted[split...], depth: depth + 1))
        }
    }

    /// The proof for `key` in the index over `leaves`.
    public static func prove(_ key: Digest, in leaves: [Leaf]) -> Proof {
        let (siblings, terminal) = prove(key, sorted: leaves.sorted { precedes($0.key, $1.key) }[...], depth: 0)
        return Proof(path: siblings.reversed(), neighbor: terminal.flatMap { $0.key == key ? nil : $0 })
    }

    /// The siblings (top down, from `depth`) on `key`'s path through the subtree holding
    /// `sorted`, and the leaf where the path ends (nil: an empty subtree).
    static func prove(_ key: Digest, sorted: ArraySlice<Leaf>, depth start: Int) -> (siblings: [Digest?], terminal: Leaf?) {
        var set = sorted
        var siblings: [Digest?] = []
        var depth = start
        while set.count > 1 {
            let split = set.firstIndex { bit($0.key, depth) == 1 } ?? set.endIndex
            let (mine, other) = bit(key, depth) == 0 ? (set[..<split], set[split...]) : (set[split...], set[..<split])
            let s = subtree(other, depth: depth + 1)
            siblings.append(s == empty ? nil : s)
            set = mine
            depth += 1
        }
        return (siblings, set.first)
    }

    /// Byte-wise (big-endian) order of keys: the order of the tree's leaves.
    public static func precedes(_ a: Digest, _ b: Digest) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, 32) < 0 } }
    }

    /// Whether `proof` shows that the index with `root` holds `leaf` for `key` (when `leaf` is
    /// given; its key must be `key`), or holds nothing for `key` (when `leaf` is nil).
    public static func verify(_ proof: Proof, key: Digest, leaf: Leaf?, root: Digest) -> Bool {
        let d = proof.path.count
        guard d <= 256 else { return false }
        var h: Digest
        if let leaf {
            guard leaf.key == key, leaf.count >= 1, proof.neighbor == nil else { return false }
            h = leaf.hash
        } else if let n = proof.neighbor {
            // Another subject's leaf where `key` would be: same first `d` bits, another key.
            guard n.key != key, n.count >= 1, (0..<d).allSatisfy({ bit(n.key, $0) == bit(key, $0) }) else { return false }
            h = n.hash
        } else {
            h = empty
        }
        for (i, sibling) in proof.path.enumerated() {
            let s = sibling ?? empty
            h = bit(key, d - 1 - i) == 0 ? node(h, s) : node(s, h)
        }
        return h == root
    }
}
