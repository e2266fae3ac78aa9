import AssayTestSupport
import AssayCrypto
import AssayLog
import Testing

/// The text forms of proofs: C2SP tlog-proof@v1 for inclusion (with the record bytes in
/// `extra`) and Assay's consistency-proof@v1, end to end from records to a verified proof.
@Suite("proof text forms")
struct ProofTextTests {
    struct Ledger {
        let key = try! NamedSigningKey(name: "example.com/ledger", key: SigningKey(seed: [UInt8](repeating: 3, count: 32)))
        let records: [LedgerRecord]
        let source: MemoryNodeSource

        init(count: Int) {
            records = (0..<count).map {
                LedgerRecord(seq: UInt64($0), appendedAtMillis: 1_700_000_000_000 + Int64($0), envelope: Array("{\"n\":\($0)}".utf8))
            }
            source = MemoryNodeSource(leafHashes: records.map(\.leafHash))
        }

        func checkpointNote(size: Int) throws -> String {
            let root = try Merkle.root(size: UInt64(size), source: source)
            let text = Checkpoint(origin: key.name, size: UInt64(size), rootHash: root, chainHead: nil).text
            return try SignedNote.sign(text: text, keys: [key]).serialized
        }
    }

    @Test("tlog-proof: records → proof text → parse → record bytes → leaf hash → verified against the signed checkpoint")
    func tlogProofEndToEnd() throws {
        let ledger = Ledger(count: 13)
        for size in [1, 2, 7, 8, 13] {
            let note = try ledger.checkpointNote(size: size)
            for i in 0..<size {
                let proof = try InclusionProof.generate(index: UInt64(i), treeSize: UInt64(size), source: ledger.source)
                let tlog = TlogProof(extra: ledger.records[i].recordBytes, index: UInt64(i), hashes: proof.hashes, checkpointNote: note)
                let text = tlog.text
                // Layout: header, extra, index, one hash per line, blank line, the note verbatim.
                var expected = "c2sp.org/tlog-proof@v1\nextra \(Base64.encode(ledger.records[i].recordBytes))\nindex \(i)\n"
                expected += proof.hashes.map { $0.base64 + "\n" }.joined() + "\n" + note
                #expect(text == expected)

                let parsed = try TlogProof(parsing: text)
                #expect(parsed == tlog)
                let record = try LedgerRecord(recordBytes: try #require(parsed.extra))
                #expect(record == ledger.records[i])
                let cp = try SignedCheckpoint(parsing: Array(parsed.checkpointNote.utf8), logKey: ledger.key.verifierKey, origin: ledger.key.name)
                let verified = InclusionProof(index: parsed.index, treeSize: cp.checkpoint.size, hashes: parsed.hashes)
                #expect(throws: Never.self, "leaf \(i) of \(size)") { try verified.verify(leafHash: record.leafHash, root: try cp.checkpoint.root) }
            }
        }
    }

    @Test("tlog-proof without extra, and malformed texts")
    func tlogProofParsing() throws {
        let ledger = Ledger(count: 4)
        let note = try ledger.checkpointNote(size: 4)
        let proof = try InclusionProof.generate(index: 2, treeSize: 4, source: ledger.source)
        let bare = TlogProof(extra: nil, index: 2, hashes: proof.hashes, checkpointNote: note)
        #expect(try TlogProof(parsing: bare.text) == bare)
        #expect(!bare.text.contains("extra"))
        let empty = TlogProof(extra: [], index: 0, hashes: [], checkpointNote: note)
        #expect(try TlogProof(parsing: empty.text) == empty)

        let h = proof.hashes.map { $0.base64 + "\n" }.joined()
        let bad = [
            "c2sp.org/tlog-proof@v2\nindex 2\n\(h)\n\(note)",
            "index 2\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\nindex 02\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\nindex -2\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\nindex 18446744073709551616\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\nextra !!\nindex 2\n\(h)\n\(note)",
            "c2sp.org/tlog-proof@v1\nindex 2\nYWJjZGVm\n\n\(note)",
            "c2sp.org/tlog-proof@v1\nindex 2\n\(h)",
            "c2sp.org/tlog-proof@v1\nindex 2\n" + String(repeating: proof.hashes[0].base64 + "\n", count: 65) + "\n" + note,
        ]
        for text in bad {
            #expect(throws: LogError(.malformedProof, ""), "\(text.prefix(60).debugDescription)") { try TlogProof(parsing: text) }
        }
    }

    @Test("consistency-proof text round-trips and verifies; malformed texts are rejected")
    func consistencyText() throws {
        let ledger = Ledger(count: 21)
        for (m, n) in [(1, 1), (1, 21), (8, 21), (13, 21), (20, 21), (21, 21)] {
            let proof = try ConsistencyProof.generate(from: UInt64(m), to: UInt64(n), source: ledger.source)
            let text = ConsistencyProofText(proof).text
            #expect(text == "assay/consistency-proof@v1\nold \(m)\nnew \(n)\n" + proof.hashes.map { $0.base64 + "\n" }.joined())
            let parsed = try ConsistencyProofText(parsing: text).proof
            #expect(parsed == proof)
            let (old, new) = (try Merkle.root(size: UInt64(m), source: ledger.source), try Merkle.root(size: UInt64(n), source: ledger.source))
            #expect(throws: Never.self) { try parsed.verify(oldRoot: old, newRoot: new) }
        }
        let h = Merkle.emptyRoot.base64
        for text in ["assay/consistency-proof@v1\nold 1\nnew 2\n\(h)", "assay/consistency-proof@v2\nold 1\nnew 2\n\(h)\n",
                     "assay/consistency-proof@v1\nnew 2\nold 1\n\(h)\n", "assay/consistency-proof@v1\nold 01\nnew 2\n\(h)\n",
                     "assay/consistency-proof@v1\nold 1\nnew 2\nYWJj\n", "assay/consistency-proof@v1\nold 1\n"] {
            #expect(throws: LogError(.malformedProof, ""), "\(text.debugDescription)") { try ConsistencyProofText(parsing: text) }
        }
    }

    @Test("record bytes parse back to the record (seeded); short or unversioned bytes are rejected")
    func recordBytesRoundTrip() throws {
        let seed: UInt64 = 0x7E47_0001
        var rng = SplitMix64(seed: seed)
        for round in 0..<200 {
            let r = LedgerRecord(seq: rng.next(), appendedAtMillis: Int64(bitPattern: rng.next()),
                                 envelope: rng.bytes(Int.random(in: 0...100, using: &rng)))
            #expect(try LedgerRecord(recordBytes: r.recordBytes) == r, "seed \(seed) round \(round)")
        }
        let good = LedgerRecord(seq: 1, appendedAtMillis: 2, envelope: []).recordBytes
        #expect(throws: LogError(.malformedRecord, "")) { try LedgerRecord(recordBytes: Array(good.dropLast())) }
        #expect(throws: LogError(.malformedRecord, "")) { try LedgerRecord(recordBytes: [0x02] + good.dropFirst()) }
        #expect(throws: LogError(.malformedRecord, "")) { try LedgerRecord(recordBytes: []) }
    }
}
