import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Property-based fuzzing of every decoder that reads outside input: random and mutated
/// inputs must either decode or fail with the module's error — never crash, never hang.
/// `ASSAY_FUZZ_ITERATIONS` raises the count (tools/fuzz.sh runs it long).
@Suite("Decoder fuzzing")
struct DecoderFuzzTests {
    typealias F = Fixtures
    static let iterations = Int(ProcessInfo.processInfo.environment["ASSAY_FUZZ_ITERATIONS"] ?? "") ?? 1500

    /// One random mutation of `input`.
    static func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = input
        for _ in 0...rng.int(4) {
            switch rng.int(8) {
            case 0 where !b.isEmpty: b[rng.int(b.count)] ^= UInt8(1 << rng.int(8))
            case 1 where !b.isEmpty: b.remove(at: rng.int(b.count))
            case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.int(b.count + 1))
            case 3 where !b.isEmpty: b = Array(b.prefix(rng.int(b.count)))
            case 4 where b.count > 4:
                let i = rng.int(b.count - 2), n = 1 + rng.int(min(64, b.count - i - 1))
                b.insert(contentsOf: b[i..<(i + n)], at: rng.int(b.count))
            case 5: b.insert(contentsOf: Array("\"{[]},:0-1e999\\u00".utf8).shuffledPrefix(&rng), at: rng.int(b.count + 1))
            case 6 where !b.isEmpty: b[rng.int(b.count)] = [0x00, 0x0A, 0x22, 0x5C, 0x7B, 0x7D, 0xFF, 0xC3, 0x2B, 0x2F][rng.int(10)]
            default: b += (0..<rng.int(16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return b
    }

    /// Runs `decode` on mutations of each sample; counts how many decoded.
    static func fuzz(_ name: String, samples: [[UInt8]], seed: UInt64, _ decode: ([UInt8]) -> Bool) -> (ok: Int, total: Int) {
        var rng = SplitMix64(seed: seed)
        var ok = 0
        for s in samples { if decode(s) { ok += 1 } }
        for _ in 0..<iterations {
            let input = mutate(samples[rng.int(samples.count)], &rng)
            if decode(input) { ok += 1 }
        }
        print("FUZZ | \(name) | \(iterations + samples.count) inputs | \(ok) decoded")
        return (ok, iterations + samples.count)
    }

    @Test("envelopes") func envelopes() {
        let samples = [F.envelope(F.event(1), by: F.supplierKey), F.registration(of: F.strangerKey, roles: [.supplier])]
        let r = Self.fuzz("envelope", samples: samples, seed: 1) { b in
            do { _ = try Envelope(json: b); return true } catch is CryptoError { return false } catch {
                Issue.record("unexpected error \(error)"); return false
            }
        }
        #expect(r.ok >= samples.count)
    }

    @Test("statements") func statements() {
        let samples = StatementTemplates.byKind.values.sorted().map { Array($0.utf8) }
        let r = Self.fuzz("statement", samples: samples, seed: 2) { b in
            do { _ = try Statement.decode(b); return true } catch is ModelError { return false } catch {
                Issue.record("unexpected error \(error)"); return false
            }
        }
        #expect(r.ok >= samples.count)
    }

    @Test("signed notes and checkpoints") func notes() throws {
        let ledger = try F.ledger(at: ":memory:", events: 3)
        let note = Array(try ledger.signCheckpoint(with: F.operatorKey).serialized.utf8)
        let r = Self.fuzz("note", samples: [note], seed: 3) { b in
            do {
                let n = try SignedNote(parsing: b)
                _ = try? n.open(verifiers: [F.operatorKey.verifierKey])
                _ = try Checkpoint(parsing: n.text)
                return true
            } catch { return false }
        }
        #expect(r.ok >= 1)
    }

    @Test("proofs (tlog-proof and consistency text)") func proofs() throws {
        let ledger = try F.ledger(at: ":memory:", events: 6)
        let note = try ledger.signCheckpoint(with: F.operatorKey)
        let inc = TlogProof(extra: try ledger.record(at: 3).record.recordBytes, index: 3,
                            hashes: try ledger.inclusionProof(seq: 3, size: 9).hashes, checkpointNote: note.serialized)
        let cons = ConsistencyProofText(try ledger.consistencyProof(from: 4, to: 9))
        let r = Self.fuzz("proof", samples: [Array(inc.text.utf8), Array(cons.text.utf8)], seed: 4) { b in
            let s = String(decoding: b, as: UTF8.self)
            if let p = try? TlogProof(parsing: s) {
                if let e = p.extra, let rec = try? LedgerRecord(recordBytes: e) { _ = try? InclusionProof(index: p.index, treeSize: 9, hashes: p.hashes).verify(leafHash: rec.leafHash, root: Merkle.emptyRoot) }
                return true
            }
            return (try? ConsistencyProofText(parsing: s)) != nil
        }
        #expect(r.ok >= 2)
    }

    @Test("bundles, verified end to end") func bundles() throws {
        let ledger = try F.ledger(at: ":memory:", events: 4)
        _ = try ledger.signCheckpoint(with: F.operatorKey)
        let bundle = Array(try ledger.exportBundle(product: "https://id.gs1.org/01/04012345000016/21/SN2").json.utf8)
        let verifier = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: "test.example/ledger", product: "https://id.gs1.org/01/04012345000016/21/SN2", auditDate: try CalendarDate(parsing: "2027-01-01"))
        var passedIntegrity = 0
        let r = Self.fuzz("bundle", samples: [bundle], seed: 5) { b in
            guard let parsed = try? ProductBundle(bytes: b) else { return false }
            if verifier.verify(parsed).principles.first?.verdict == .satisfied { passedIntegrity += 1 }
            return true
        }
        #expect(r.ok >= 1)
        print("FUZZ | bundle | \(passedIntegrity) mutated bundles still passed integrity (mutations of ignorable whitespace)")
    }

    @Test("policies") func policies() {
        let sample = Array(#"{"type":"AuditPolicy","name":"p","minimumSupportYears":5,"requireSpareParts":true,"requiredPrinciples":["integrity","lifecycle"],"writePolicy":{"ComponentOrigin":["supplier"]}}"#.utf8)
        let r = Self.fuzz("policy", samples: [sample], seed: 6) { b in (try? AuditPolicy(json: b)) != nil }
        #expect(r.ok >= 1)
    }

    @Test("deep nesting and huge numbers are refused before they can hurt") func limits() {
        let deep = Array(String(repeating: "[", count: 100_000).utf8)
        #expect(throws: ModelError.self) { try JSONValue.parse(deep) }
        let huge = Array("{\"type\":\"GenericEvent\",\"subject\":\"a:b\",\"action\":\"x\",\"data\":{\"n\":1e400},\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\"}".utf8)
        #expect(throws: ModelError.self) { try Statement.decode(huge) }
        let big = [UInt8](repeating: 0x20, count: Statement.maxBytes + 1)
        #expect { try Statement.decode(big) } throws: { ($0 as? ModelError)?.code == .tooLarge }
    }
}

extension Array where Element == UInt8 {
    func shuffledPrefix(_ rng: inout SplitMix64) -> [UInt8] {
        var a = self
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, rng.int(i + 1)) }
        return Array(a.prefix(1 + rng.int(a.count)))
    }
}
