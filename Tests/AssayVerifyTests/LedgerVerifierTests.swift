import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStorageConformance
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// One way of tampering with the stored ledger, and what `verify` must then say.
struct Tamper: CustomTestStringConvertible, Sendable {
    let name: String
    let sql: String
    let check: Finding.Check
    let seq: UInt64?
    var testDescription: String { name }
}

@Suite("Ledger verifier")
struct LedgerVerifierTests {
    typealias F = Fixtures
    // Ledger: 0 genesis, 1–2 registrations, 3–12 events; checkpoint at size 13 when asked.
    /// The guards these tampers lift (and leave lifted: verify reports them too).
    static let lifted: [StorageGuard] = [.noUpdate("records"), .noDelete("records"), .contiguousRecords, .noUpdate("nodes"), .noDelete("nodes")]

    static let tampers: [Tamper] = [
        Tamper(name: "payload byte", sql: "UPDATE records SET envelope = CAST(replace(CAST(envelope AS TEXT), 'eyJ0eXBl', 'eyJ0eXBm') AS BLOB) WHERE seq = 5", check: .leafHash, seq: 5),
        Tamper(name: "leaf hash byte", sql: "UPDATE records SET leaf_hash = zeroblob(32) WHERE seq = 6", check: .leafHash, seq: 6),
        Tamper(name: "chain hash", sql: "UPDATE records SET chain_hash = zeroblob(32) WHERE seq = 7", check: .chainHash, seq: 7),
        Tamper(name: "deleted row", sql: "DELETE FROM records WHERE seq = 4", check: .sequence, seq: 4),
        Tamper(name: "swapped rows", sql: "UPDATE records SET seq = 100 WHERE seq = 8; UPDATE records SET seq = 8 WHERE seq = 9; UPDATE records SET seq = 9 WHERE seq = 100;", check: .leafHash, seq: 8),
        Tamper(name: "time moved back", sql: "UPDATE records SET appended_at = 0 WHERE seq = 10", check: .leafHash, seq: 10),
        Tamper(name: "kind column", sql: "UPDATE records SET kind = 'PartyRegistration' WHERE seq = 11", check: .storedColumns, seq: 11),
        Tamper(name: "interior tree node", sql: "UPDATE nodes SET hash = zeroblob(32) WHERE id = (1 << 56) | 2", check: .merkle, seq: 5),
        // Without a checkpoint, a truncated tail shows only where it leaves tree nodes behind.
        Tamper(name: "truncated tail", sql: "DELETE FROM records WHERE seq >= 11", check: .merkle, seq: nil),
    ]

    @Test("catches tampering with the stored bytes, naming the sequence number", arguments: tampers)
    func tamper(_ t: Tamper) throws {
        let ledger = try F.ledger(at: ":memory:", events: 10)
        #expect(try ledger.verify().ok)
        try ledger.tamperer.remove(Self.lifted)
        try ledger.tamperer.execute(t.sql)
        let report = try ledger.verify()
        let f = try #require(report.failure, "\(t.name) was not detected")
        #expect(f.check == t.check, "\(t.name): \(f)")
        #expect(f.seq == t.seq, "\(t.name): \(f)")
        #expect(report.warnings.contains { $0.check == .schema }, "missing triggers are reported")
    }

    @Test("a re-signed record by a valid but unregistered key is refused")
    func resignedByStranger() throws {
        let ledger = try F.ledger(at: ":memory:", events: 3)
        // Rewrite record 4 with an envelope signed by a stranger, recomputing its hashes and the chain after it.
        let env = F.envelope(F.event(1), by: F.strangerKey)
        try rewrite(ledger, seq: 4, envelope: env)
        let f = try #require(try ledger.verify().failure)
        #expect(f.check == .registry && f.seq == 4, "\(f)")
    }

    @Test("a bad signature is caught even when every hash is recomputed")
    func badSignatureRehashed() throws {
        let ledger = try F.ledger(at: ":memory:", events: 3)
        let good = Envelope.sign(payload: Array(F.event(77).utf8), with: F.supplierKey)
        var sig = good.signatures[0].signature
        sig[0] ^= 0x80
        let bad = Envelope(payloadType: good.payloadType, payload: good.payload, signatures: [.init(keyID: good.signatures[0].keyID, signature: sig)])
        try rewrite(ledger, seq: 3, envelope: bad.canonicalJSON)
        let f = try #require(try ledger.verify().failure)
        #expect(f.check == .signature && f.seq == 3, "\(f)")
    }

    /// Replaces record `seq`'s envelope and recomputes leaf and chain hashes from there on (and the tree),
    /// as a careful attacker with write access would.
    func rewrite(_ ledger: Ledger, seq: UInt64, envelope: [UInt8]) throws {
        let db = ledger.tamperer
        try db.remove(Self.lifted)
        var records: [StoredRecord] = []
        try ledger.store.forEachRecord { records.append($0); return true }
        var prev = seq == 0 ? Digest.zero : records[Int(seq) - 1].chainHash
        try db.execute("DELETE FROM nodes")
        var range = CompactRange()
        for r in records {
            let env = r.seq == seq ? envelope : r.envelope
            let rec = LedgerRecord(seq: r.seq, appendedAtMillis: r.appendedAtMillis, envelope: env)
            let leaf = rec.leafHash
            if r.seq >= seq {
                prev = LedgerRecord.chainHash(previous: prev, leaf: leaf)
                let s = try db.prepare("UPDATE records SET envelope = ?1, leaf_hash = ?2, chain_hash = ?3 WHERE seq = ?4")
                s.bind(1, env); s.bind(2, leaf.bytes); s.bind(3, prev.bytes); s.bind(4, Int64(r.seq))
                try s.run()
            }
            if r.seq == seq {
                // The subject index follows the new statement too (verify checks it).
                try db.remove([.noDelete("subjects")])
                try db.execute("DELETE FROM subjects WHERE seq = \(seq)")
                if let st = try? Statement.decode(try Envelope(json: env).payload) {
                    for subject in st.subjects {
                        let s = try db.prepare("INSERT INTO subjects(subject, seq) VALUES (?1, ?2)")
                        s.bind(1, subject); s.bind(2, Int64(seq))
                        try s.run()
                    }
                }
            }
            try range.append(leaf) { id, hash in
                let s = try db.prepare("INSERT INTO nodes(id, hash) VALUES (?1, ?2)")
                s.bind(1, storedNodeID(id)); s.bind(2, hash.bytes)
                try s.run()
            }
        }
    }

    @Test("a rewrite that recomputes every hash is still caught by the signed checkpoint")
    func rewriteCaughtByCheckpoint() throws {
        let ledger = try F.ledger(at: ":memory:", events: 4)
        _ = try ledger.signCheckpoint(with: F.operatorKey)
        try rewrite(ledger, seq: 5, envelope: F.envelope(F.event(99), by: F.supplierKey))
        let f = try #require(try ledger.verify().failure)
        #expect(f.check == .checkpoint, "\(f)")
        #expect(f.expected != nil && f.found != nil && f.expected != f.found)
        // …and the ledger refuses to sign a checkpoint over the rewritten tree.
        #expect { try ledger.signCheckpoint(with: F.operatorKey) } throws: { ($0 as? LedgerError)?.code == .inconsistent }
    }

    @Test("records removed below a checkpoint are reported as truncation")
    func truncationBelowCheckpoint() throws {
        let ledger = try F.ledger(at: ":memory:", events: 4)
        _ = try ledger.signCheckpoint(with: F.operatorKey)
        try ledger.tamperer.remove(Self.lifted)
        try ledger.tamperer.execute("DELETE FROM records WHERE seq >= 5;")
        let f = try #require(try ledger.verify().failure)
        #expect(f.check == .checkpoint, "\(f)")
        #expect(f.message.contains("covers 7 records"), "\(f)")
    }

    @Test("entries signed after a key's compromise time are flagged")
    func compromiseWarning() throws {
        let ledger = try F.ledger(at: ":memory:", events: 2)
        ledger.clock = { F.time(5000) }
        try ledger.append([.init(label: "late", bytes: F.envelope(F.event(50), by: F.supplierKey))]) // seq 5
        try ledger.append([.init(label: "rev", bytes: F.revocation(of: F.supplierKey, reason: .compromise, effective: F.time(2000)))])
        let report = try ledger.verify()
        #expect(report.ok, "\(String(describing: report.failure))")
        #expect(report.warnings.map(\.seq) == [5], "\(report.warnings)")
    }

    @Test("a checkpoint from a fork (same origin and key, different entry) does not match")
    func forkedCheckpoint() throws {
        let a = try F.ledger(at: ":memory:", events: 3)
        let b = try F.ledger(at: ":memory:", events: 2)
        try b.append([.init(label: "x", bytes: F.envelope(F.event(1000), by: F.supplierKey))])
        let cpA = try a.signCheckpoint(with: F.operatorKey)
        let report = try b.verify(externalCheckpoints: [Array(cpA.serialized.utf8)])
        let f = try #require(report.failure)
        #expect(f.check == .checkpoint && f.seq == 5, "\(f)")
        #expect(f.expected == (try Checkpoint(parsing: cpA.text).root.hex))
        #expect(f.found == (try b.root(size: 6).hex))
    }

    @Test("checkpoint signing is idempotent at one size and consistent across sizes")
    func checkpoints() throws {
        let ledger = try F.ledger(at: ":memory:", events: 3)
        let one = try ledger.signCheckpoint(with: F.operatorKey)
        let again = try ledger.signCheckpoint(with: F.operatorKey)
        #expect(one == again)
        try ledger.append([.init(label: "e", bytes: F.envelope(F.event(7), by: F.supplierKey))])
        let two = try ledger.signCheckpoint(with: F.operatorKey)
        let c1 = try Checkpoint(parsing: one.text), c2 = try Checkpoint(parsing: two.text)
        let proof = try ledger.consistencyProof(from: c1.size, to: c2.size)
        try proof.verify(oldRoot: try c1.root, newRoot: try c2.root)
        #expect(c2.chainHead == (try ledger.record(at: c2.size - 1).chainHash))
        #expect(throws: LedgerError.self) { try ledger.signCheckpoint(with: F.supplierKey) }
        let report = try ledger.verify()
        #expect(report.ok, "\(String(describing: report.failure))")
        #expect(report.checkpointsChecked == 2)
    }

    @Test("every inclusion proof and every consistency proof of a ledger verifies")
    func allProofs() throws {
        let ledger = try F.ledger(at: ":memory:", events: 30)
        let n = try ledger.size()
        var leaves: [Digest] = []
        try ledger.store.forEachRecord { leaves.append($0.leafHash); return true }
        for size in [1, 2, 7, 8, 9, 16, 31, n].map({ UInt64($0) }) where size <= n {
            let root = try ledger.root(size: size)
            for i in 0..<size { try ledger.inclusionProof(seq: i, size: size).verify(leafHash: leaves[Int(i)], root: root) }
            for m in 1...size { try ledger.consistencyProof(from: m, to: size).verify(oldRoot: try ledger.root(size: m), newRoot: root) }
        }
    }
}
