public import AssayCrypto
public import AssayLog
import AssayStore

extension Ledger {
    /// Number of records.
    public func size() throws -> UInt64 { try mapStoreErrors { try store.size() } }

    /// The record at `seq`.
    public func record(at seq: UInt64) throws -> StoredRecord {
        guard let r = try mapStoreErrors({ try store.record(at: seq) }) else {
            throw LedgerError(.unavailable, "there is no entry \(seq) (the ledger has \(try size()) entries)")
        }
        return r
    }

    /// The Merkle root of the first `size` records, from stored nodes (O(log n) reads).
    public func root(size: UInt64) throws -> Digest {
        try mapStoreErrors { try Merkle.root(size: size, source: store) }
    }

    /// An inclusion proof for `seq` in the tree of `size` records.
    public func inclusionProof(seq: UInt64, size: UInt64) throws -> InclusionProof {
        // The ledger only grows: a size seen once stays valid, so most calls skip the query.
        let known = state.withLock { $0.knownSize }
        let n = size <= known ? known : try self.size()
        state.withLock { $0.knownSize = max($0.knownSize, n) }
        guard size <= n else { throw LedgerError(.unavailable, "tree size \(size) is larger than the ledger (\(n) entries)") }
        guard seq < size else { throw LedgerError(.unavailable, "entry \(seq) is not in a tree of size \(size)") }
        return try mapStoreErrors { try InclusionProof.generate(index: seq, treeSize: size, source: store) }
    }

    /// A consistency proof from tree size `from` to `to`.
    public func consistencyProof(from: UInt64, to: UInt64) throws -> ConsistencyProof {
        let n = try self.size()
        guard to <= n else { throw LedgerError(.unavailable, "tree size \(to) is larger than the ledger (\(n) entries)") }
        guard from >= 1, from <= to else { throw LedgerError(.unavailable, "a consistency proof needs 1 ≤ from ≤ to, got from \(from) to \(to)") }
        return try mapStoreErrors { try ConsistencyProof.generate(from: from, to: to, source: store) }
    }
}

extension Ledger {
    /// Inclusion proofs for several entries in the one tree of `treeSize` records (nil in, nil
    /// out), reading each stored node at most once: the proofs of a group of neighbouring
    /// entries share most of their nodes.
    /// - Parameter known: tree nodes already at hand (a group's, `GroupCommit.nodes`), read
    ///   instead of storage; each must be the stored node's hash.
    public func inclusionProofs(for seqs: [UInt64?], treeSize: UInt64, known: [NodeID: Digest] = [:]) throws -> [InclusionProof?] {
        let wanted = seqs.compactMap { $0 }
        guard !wanted.isEmpty else { return seqs.map { _ in nil } }
        guard wanted.allSatisfy({ $0 < treeSize }) else {
            throw LedgerError(.unavailable, "an entry is not in the tree of size \(treeSize)")
        }
        let source = CachedNodeSource(store, known: known)
        return try mapStoreErrors {
            try store.read {
                try seqs.map { seq in try seq.map { try InclusionProof.generate(index: $0, treeSize: treeSize, source: source) } }
            }
        }
    }
}

/// A node source that remembers every hash it read: for many proofs in one tree.
/// Used by one thread at a time (not `Sendable`).
final class CachedNodeSource: MerkleNodeSource {
    private let base: any LedgerStorage
    private var cache: [NodeID: Digest]

    init(_ base: any LedgerStorage, known: [NodeID: Digest] = [:]) {
        self.base = base
        self.cache = known
    }

    func hash(of id: NodeID) throws -> Digest {
        if let h = cache[id] { return h }
        let h = try base.nodeHash(id)
        cache[id] = h
        return h
    }
}
