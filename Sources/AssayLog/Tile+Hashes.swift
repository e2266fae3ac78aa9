public import AssayCrypto

extension Tile {
    /// The bytes of this hash tile in a tree whose complete subtrees `source` holds: the
    /// `width` hashes of `nodes`, 32 bytes each, concatenated (c2sp.org/tlog-tiles). Every node
    /// must exist in the tree `source` describes (`exists(inTreeOf:)`).
    /// - Precondition: the tile is a hash tile.
    public func hashBytes(from source: some MerkleNodeSource) throws -> [UInt8] {
        precondition(kind != .entries, "an entry bundle has no hashes")
        var out: [UInt8] = []
        out.reserveCapacity(width * Self.hashSize)
        for id in nodes { out += try source.hash(of: id).bytes }
        return out
    }

    /// The hashes of this hash tile's bytes: exactly `width` × 32 bytes.
    /// - Throws: `LogError(.malformedTile)` when the length is not that.
    public func hashes(parsing bytes: [UInt8]) throws(LogError) -> [Digest] {
        guard bytes.count == width * Self.hashSize else {
            throw LogError(.malformedTile, "\(path) is \(bytes.count) bytes, not \(width) hashes of 32 bytes (\(width * Self.hashSize))")
        }
        return bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: Self.hashSize).map { Digest(raw: UnsafeRawBufferPointer(rebasing: raw[$0..<($0 + Self.hashSize)])) }
        }
    }

    /// The Merkle Tree Hash of a full tile's 256 hashes taken as the leaves of a perfect subtree
    /// (combined with RFC 6962 node hashes, not hashed as leaves again): the hash the tile
    /// contributes to the level above (c2sp.org/tlog-tiles: each hash at level `l + 1` is the
    /// Merkle Tree Hash of a full tile at level `l`).
    /// - Precondition: `hashes.count` is a power of two.
    public static func subtreeRoot(_ hashes: [Digest]) -> Digest {
        precondition(!hashes.isEmpty && hashes.count & (hashes.count - 1) == 0, "a perfect subtree has a power-of-two width")
        var level = hashes
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { Merkle.nodeHash(level[$0], level[$0 + 1]) }
        }
        return level[0]
    }
}
