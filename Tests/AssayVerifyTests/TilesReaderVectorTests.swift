import AssayCrypto
import AssayLog
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The tiles reader against real C2SP tlog-tiles trees written by other implementations
/// (`vectors/tlog-tiles`, see its SOURCES.md): a transparency-dev/tessera POSIX log of 15
/// entries with its 16 signed checkpoints, and the tiles Go's sumdb/tlog wrote for 300 leaves
/// (sunlight's skylight test data, as mirrored by a witness). Every tile is recomputed from the
/// level below and every root from the leaves; then the same trees, tampered with, are refused.
@Suite("Tiles reader on tessera and sunlight tiles")
struct TilesReaderVectorTests {
    static let tessera = "tlog-tiles/tessera-log"
    static let tesseraKey = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
    static let mirror = "tlog-tiles/sunlight-skylight/witness/mirror/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706"
    static let mirrorKey = "mirror.example.org+3fb148ef+BAAjjch9GyYz0sJsJx7ALhbdAtz2ov0unbzSl1vMp94O"

    /// Serves the files under a vectors folder by their tile paths; `override` replaces (or, with
    /// nil, removes) single resources to stage an attack.
    static func directoryFetch(_ folder: String, override: [String: [UInt8]?] = [:]) throws -> TilesReader.Fetch {
        let root = try Vectors.url(folder)
        return { path in
            if let o = override[path] { return o }
            let file = root.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: file.path) else { return nil }
            return [UInt8](try Data(contentsOf: file))
        }
    }

    /// A tessera checkpoint, its signature verified with the log's published key.
    static func tesseraCheckpoint(_ name: String) throws -> Checkpoint {
        let key = try VerifierKey(parsing: tesseraKey)
        return try SignedCheckpoint(parsing: try Vectors.bytes("\(tessera)/\(name)"), logKey: key, origin: "example.com/log/testdata").checkpoint
    }

    @Test("tessera: every one of the 16 checkpoints verifies, and its root is recomputed from the entries of its size")
    func tesseraEveryCheckpoint() async throws {
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.tessera))
        for n in 0...15 {
            let cp = try Self.tesseraCheckpoint("checkpoint.\(n)")
            #expect(cp.size == UInt64(n))
            var got: [(UInt64, [UInt8])] = []
            let tree = try await reader.audit(cp, entries: { got.append(($0, $1)) })
            #expect(tree.entriesChecked == UInt64(n))
            #expect(got.map(\.0) == (0..<UInt64(n)).map { $0 })
            #expect(tree.tilesChecked == (n == 0 ? 0 : 1))
        }
        // The served `checkpoint` is the one of size 15; its entry 14 is the bytes "fivten".
        let current = try Self.tesseraCheckpoint("checkpoint")
        var last: [UInt8] = []
        let tree = try await reader.audit(current, entries: { seq, e in if seq == 14 { last = e } })
        #expect(tree.size == 15 && last == Array("fivten".utf8))
    }

    @Test("tessera: the tree of size 15 is consistent with every earlier checkpoint (their roots recomputed from the same leaves)")
    func tesseraConsistency() async throws {
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.tessera))
        let tree = try await reader.audit(try Self.tesseraCheckpoint("checkpoint"), rootsAt: Set(0...14))
        for n in 0...14 {
            let old = try Self.tesseraCheckpoint("checkpoint.\(n)")
            #expect(tree.rootsAt[UInt64(n)]?.bytes == old.rootHash, "size \(n)")
        }
    }

    @Test("sunlight: the mirrored 300-leaf tree verifies under the mirror's cosignature, its level 1 tile is the root of the full level 0 tile")
    func sunlightTree() async throws {
        let note = try SignedNote(parsing: try Vectors.bytes("\(Self.mirror)/checkpoint"))
        _ = try note.open(verifiers: [try VerifierKey(parsing: Self.mirrorKey)])
        let cp = try Checkpoint(parsing: note.text)
        #expect(cp.size == 300)
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.mirror))
        let tree = try await reader.audit(cp)
        #expect(tree.tilesChecked == 3) // tile/0/000, tile/0/001.p/44, tile/1/000.p/1
        // The generator's leaves are "record 0" … "record 299": the tree's root is theirs.
        let leaves = (0..<300).map { Merkle.leafHash(Array("record \($0)".utf8)) }
        #expect(tree.root == Merkle.root(ofLeafHashes: leaves))
    }

    @Test("sunlight: its placeholder entry bundles are refused as entries")
    func sunlightPlaceholderBundles() async throws {
        let note = try SignedNote(parsing: try Vectors.bytes("\(Self.mirror)/checkpoint"))
        let cp = try Checkpoint(parsing: note.text)
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.mirror))
        await #expect(throws: TilesError(.malformed, "")) { try await reader.audit(cp, entries: { _, _ in }) }
    }

    // MARK: Attacks on real trees

    @Test("a changed entry is caught against its leaf hash")
    func changedEntry() async throws {
        var bundle = try Vectors.bytes("\(Self.tessera)/tile/entries/000.p/15")
        bundle[bundle.count - 1] ^= 0x01 // "fivten" → "fivteo"
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/entries/000.p/15": bundle]))
        do {
            _ = try await reader.audit(try Self.tesseraCheckpoint("checkpoint"), entries: { _, _ in })
            Issue.record("a changed entry was accepted")
        } catch let e as TilesError {
            #expect(e.code == .mismatch)
            #expect(e.message.contains("entry 14") && e.message.contains("tile/entries/000.p/15"), "\(e.message)")
        }
    }

    @Test("a leaf tile changed to match a changed entry is caught against the checkpoint's root")
    func changedLeafTile() async throws {
        var bundle = try Vectors.bytes("\(Self.tessera)/tile/entries/000.p/15")
        bundle[bundle.count - 1] ^= 0x01
        var tile = try Vectors.bytes("\(Self.tessera)/tile/0/000.p/15")
        let forged = Merkle.leafHash(Array(bundle.suffix(6)))
        tile.replaceSubrange((14 * 32)..<(15 * 32), with: forged.bytes)
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/entries/000.p/15": bundle, "tile/0/000.p/15": tile]))
        await #expect(throws: TilesError(.rootMismatch, "")) {
            try await reader.audit(try Self.tesseraCheckpoint("checkpoint"), entries: { _, _ in })
        }
    }

    @Test("a level 1 tile that is not the root of the level 0 tile below is caught, naming it")
    func changedUpperTile() async throws {
        var upper = try Vectors.bytes("\(Self.mirror)/tile/1/000.p/1")
        upper[0] ^= 0x80
        let cp = try Checkpoint(parsing: try SignedNote(parsing: try Vectors.bytes("\(Self.mirror)/checkpoint")).text)
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.mirror, override: ["tile/1/000.p/1": upper]))
        do {
            _ = try await reader.audit(cp)
            Issue.record("a forged level 1 tile was accepted")
        } catch let e as TilesError {
            #expect(e.code == .mismatch && e.message.contains("tile/1/000.p/1"), "\(e.message)")
        }
    }

    @Test("a missing tile, a tile of the wrong length and a bundle with an entry too few are refused")
    func missingAndMalformed() async throws {
        let cp = try Self.tesseraCheckpoint("checkpoint")
        let missing = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/0/000.p/15": nil]))
        await #expect(throws: TilesError(.unavailable, "")) { try await missing.audit(cp) }
        let short = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/0/000.p/15": [UInt8](repeating: 0, count: 14 * 32)]))
        await #expect(throws: TilesError(.malformed, "")) { try await short.audit(cp) }
        let bundle = try Vectors.bytes("\(Self.tessera)/tile/entries/000.p/14")
        let fewer = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/entries/000.p/15": bundle]))
        await #expect(throws: TilesError(.malformed, "")) { try await fewer.audit(cp, entries: { _, _ in }) }
        let trailing = TilesReader(fetch: try Self.directoryFetch(Self.tessera, override: ["tile/entries/000.p/15": try Vectors.bytes("\(Self.tessera)/tile/entries/000.p/15") + [0]]))
        await #expect(throws: TilesError(.malformed, "")) { try await trailing.audit(cp, entries: { _, _ in }) }
    }

    @Test("an older checkpoint whose root the current tiles do not give is not consistent")
    func inconsistentOldRoot() async throws {
        let reader = TilesReader(fetch: try Self.directoryFetch(Self.tessera))
        let tree = try await reader.audit(try Self.tesseraCheckpoint("checkpoint"), rootsAt: [7])
        let seven = try Self.tesseraCheckpoint("checkpoint.7")
        let eight = try Self.tesseraCheckpoint("checkpoint.8")
        #expect(tree.rootsAt[7]?.bytes == seven.rootHash)
        #expect(tree.rootsAt[7]?.bytes != eight.rootHash)
    }
}
