import AssayCrypto
import AssayLog
import AssayTestSupport
import Foundation
import Testing

/// Golden vectors for the record, leaf and chain hash layout documented on `LedgerRecord`:
///
///     record  = 0x01 || u64 seq || i64 appendedAtMillis || envelope   (big-endian)
///     leaf    = SHA-256(0x00 || record)
///     chain_0 = SHA-256(0x02 || 32 zero bytes || leaf_0)
///     chain_n = SHA-256(0x02 || chain_(n-1) || leaf_n)
@Suite("ledger record hashes")
struct LedgerRecordTests {
    static let envelope0 = Array(#"{"payloadType":"application/vnd.assay.statement.v1+json","payload":"e30=","signatures":[]}"#.utf8)
    static let r0 = LedgerRecord(seq: 0, appendedAtMillis: 1_700_000_000_000, envelope: envelope0)
    static let r1 = LedgerRecord(seq: 1, appendedAtMillis: 1_700_000_000_001, envelope: Array("{}".utf8))

    @Test("record bytes follow the documented layout byte for byte")
    func recordBytes() {
        // 0x01, seq 0 as u64, 1_700_000_000_000 = 0x0000018BCFE56800 as i64, then the envelope.
        let head: [UInt8] = [0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00]
        #expect(Self.r0.recordBytes == head + Self.envelope0)
        // A negative time is its two's complement; every byte of seq lands in order.
        let r = LedgerRecord(seq: 0x0102_0304_0506_0708, appendedAtMillis: -2, envelope: [])
        #expect(r.recordBytes == [0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
    }

    @Test("leaf and chain hashes: independent computation and golden values")
    func golden() throws {
        let zero = [UInt8](repeating: 0, count: 32)
        let leaf0 = SHA256.hash([0x00] + Self.r0.recordBytes)
        let leaf1 = SHA256.hash([0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x01] + Array("{}".utf8))
        #expect(Self.r0.leafHash == leaf0)
        #expect(Self.r1.leafHash == leaf1)
        let chain0 = SHA256.hash([0x02] + zero + leaf0.bytes)
        let chain1 = SHA256.hash([0x02] + chain0.bytes + leaf1.bytes)
        #expect(LedgerRecord.chainHash(previous: .zero, leaf: Self.r0.leafHash) == chain0)
        #expect(LedgerRecord.chainHash(previous: chain0, leaf: Self.r1.leafHash) == chain1)

        // Pinned values, computed once with Python's hashlib from the layout above
        // (struct.pack('>Q', seq) + struct.pack('>q', millis)); they freeze the format.
        #expect(Self.r0.leafHash.hex == "bc7b9c95d6ac1105d6264cf9e3dee64cc4fef3138fca26c002ebf5196e65ceb7")
        #expect(Self.r1.leafHash.hex == "3de05a92ce300b45fe1eccd06d3e71b72a8f5aecb0e10b08a409c533da89aeb8")
        #expect(chain0.hex == "4063169266d454e6ce0147a5f6380cd67df53a462d00a6628012fb6dd2e314d6")
        #expect(chain1.hex == "465ab7f791ae69a79d500b43bdb61ad03ea1705499cd210b40d72dcedf02f3a5")
        let negative = LedgerRecord(seq: 0x0102_0304_0506_0708, appendedAtMillis: -2, envelope: [])
        #expect(negative.leafHash.hex == "f9d937e1bc64cff14c4f9cc51bd3fffd7df914819870ab3eaad016710290cd46")
        // The two records as a Merkle tree.
        #expect(Merkle.root(ofLeafHashes: [leaf0, leaf1]).hex == "a1b953c9be3309cfd8f848e644fb52a6b7ed624e11491ac92e775f3365997ded")
    }

    @Test("the streamed leaf hash equals the RFC 6962 leaf hash of the record bytes (seeded)")
    func streamedLeafHash() {
        let seed: UInt64 = 0x1EAF_0001
        var rng = SplitMix64(seed: seed)
        var previous = Digest.zero
        for round in 0..<300 {
            let r = LedgerRecord(seq: rng.next(), appendedAtMillis: Int64(bitPattern: rng.next()),
                                 envelope: rng.bytes(Int.random(in: 0...200, using: &rng)))
            #expect(r.leafHash == Merkle.leafHash(r.recordBytes), "seed \(seed) round \(round)")
            let chained = LedgerRecord.chainHash(previous: previous, leaf: r.leafHash)
            #expect(chained == SHA256.hash([0x02] + previous.bytes + r.leafHash.bytes), "seed \(seed) round \(round)")
            previous = chained
        }
    }

    @Test("every field is committed: changing seq, time or one envelope byte changes the leaf")
    func fieldsCommitted() {
        let base = Self.r0
        let variants = [
            LedgerRecord(seq: 1, appendedAtMillis: base.appendedAtMillis, envelope: base.envelope),
            LedgerRecord(seq: base.seq, appendedAtMillis: base.appendedAtMillis + 1, envelope: base.envelope),
            LedgerRecord(seq: base.seq, appendedAtMillis: base.appendedAtMillis, envelope: base.envelope + [0x20]),
            LedgerRecord(seq: base.seq, appendedAtMillis: base.appendedAtMillis, envelope: Array(base.envelope.dropLast())),
        ]
        for v in variants { #expect(v.leafHash != base.leafHash) }
        // Domain separation: a leaf hash is never the chain hash of the same bytes.
        #expect(LedgerRecord.chainHash(previous: .zero, leaf: base.leafHash) != Merkle.nodeHash(.zero, base.leafHash))
    }

    @Test("FORMAT.md §3's golden vector: record, leaf and chain hash as written in the document")
    func formatGoldenVector() throws {
        let format = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Schemas/FORMAT.md")
        let text = try String(contentsOf: format, encoding: .utf8)
        func value(_ name: String) throws -> String {
            let line = try #require(text.split(separator: "\n").last { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") })
            return String(line.split(separator: "=").last!.trimmingCharacters(in: .whitespaces))
        }
        let r = LedgerRecord(seq: 0, appendedAtMillis: 0, envelope: Array("{}".utf8))
        #expect(Hex.encode(r.recordBytes) == (try value("record")))
        #expect(r.leafHash.hex == (try value("leaf_0")))
        #expect(LedgerRecord.chainHash(previous: .zero, leaf: r.leafHash).hex == (try value("chain_0")))
    }
}
