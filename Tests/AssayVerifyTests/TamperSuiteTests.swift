import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStorageConformance
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// Issue 7's tamper suite: distinct attacks on the stored ledger and on bundles, each applied to
/// the real bytes and each required to be caught, naming where. Prints attack → detected by → message.
@Suite("Tamper suite", .serialized)
struct TamperSuiteTests {
    typealias F = Fixtures

    /// What catching an attack looks like.
    enum Detection: Sendable {
        case ledger(Finding.Check, seq: UInt64?)
        case bundle(Principle)
    }

    struct Attack: Sendable, CustomTestStringConvertible {
        let name: String
        let expect: Detection
        let apply: @Sendable (Lab) throws -> Outcome
        var testDescription: String { name }
    }

    /// What verification said after an attack.
    struct Outcome {
        var finding: Finding?
        var bundle: BundleReport?
    }

    /// A ledger of 13 records (genesis, 2 registrations, 10 events) with a checkpoint at 13.
    final class Lab: @unchecked Sendable {
        let ledger: Ledger
        var db: any StorageTamperer { ledger.tamperer }

        /// The PostgreSQL database the ledger lives in, if it does (dropped with the lab).
        let database: PostgresTestDatabase?

        /// A lab in memory (SQLite), or in a new PostgreSQL database (`postgres: true`).
        init(checkpoint: Bool = true, postgres: Bool = false) throws {
            database = postgres ? try PostgresTestServer.freshDatabase() : nil
            ledger = try F.ledger(at: database?.writerURL ?? ":memory:", events: 10)
            if checkpoint { _ = try ledger.signCheckpoint(with: F.operatorKey) }
        }

        deinit { database?.drop() }

        func verify(external: [[UInt8]] = []) throws -> Outcome { Outcome(finding: try ledger.verify(externalCheckpoints: external).failure) }

        /// The guards every attack here lifts (and leaves lifted: verify reports them too).
        static let lifted: [StorageGuard] = [.noUpdate("records"), .noDelete("records"), .contiguousRecords, .noUpdate("nodes"), .noDelete("nodes"),
                                             .noUpdate("meta"), .noUpdate("checkpoints"), .noDelete("checkpoints")]

        func sql(_ s: String) throws {
            try db.remove(Self.lifted)
            try db.execute(s)
        }

        func records() throws -> [(seq: UInt64, time: Int64, envelope: [UInt8])] {
            var out: [(UInt64, Int64, [UInt8])] = []
            try ledger.store.forEachRecord { out.append(($0.seq, $0.appendedAtMillis, $0.envelope)); return true }
            return out
        }

        /// A careful attacker: replaces the record list and recomputes every leaf, chain hash and
        /// tree node, and the subject index.
        func rebuild(_ list: [(time: Int64, envelope: [UInt8])]) throws {
            try db.remove([.noDelete("subjects")])
            try sql("DELETE FROM records; DELETE FROM nodes; DELETE FROM subjects;")
            var chain = Digest.zero
            var range = CompactRange()
            for (i, r) in list.enumerated() {
                let rec = LedgerRecord(seq: UInt64(i), appendedAtMillis: r.time, envelope: r.envelope)
                let leaf = rec.leafHash
                chain = LedgerRecord.chainHash(previous: chain, leaf: leaf)
                let env = try Envelope(json: r.envelope)
                let kind = (try? Statement.decode(env.payload))?.kind.rawValue ?? "GenericEvent"
                let s = try db.prepare("INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                s.bind(1, Int64(i)); s.bind(2, r.time); s.bind(3, kind); s.bind(4, env.signatures[0].keyID)
                s.bind(5, r.envelope); s.bind(6, leaf.bytes); s.bind(7, chain.bytes)
                try s.run()
                for subject in (try? Statement.decode(env.payload))?.subjects ?? [] {
                    let x = try db.prepare("INSERT INTO subjects(subject, seq) VALUES (?1, ?2)")
                    x.bind(1, subject); x.bind(2, Int64(i))
                    try x.run()
                }
                try range.append(leaf) { id, h in
                    let n = try db.prepare("INSERT INTO nodes VALUES (?1, ?2)")
                    n.bind(1, storedNodeID(id)); n.bind(2, h.bytes)
                    try n.run()
                }
            }
        }

        /// Flips the lowest bit of the first byte of a hash column.
        func flip(column: String, seq: Int64) throws {
            let read = try db.prepare("SELECT \(column) FROM records WHERE seq = ?1")
            read.bind(1, seq)
            _ = try read.step()
            var bytes = read.blob(0)
            read.reset()
            bytes[0] ^= 1
            try sql("")
            let w = try db.prepare("UPDATE records SET \(column) = ?1 WHERE seq = ?2")
            w.bind(1, bytes); w.bind(2, seq)
            try w.run()
        }

        func bundle() throws -> ProductBundle { try ledger.exportBundle(product: "https://id.gs1.org/01/04012345000016/21/SN3") }

        func judge(_ b: ProductBundle, witnesses: [VerifierKey] = [], needed: Int = 0) throws -> Outcome {
            let reparsed = try ProductBundle(bytes: Array(b.json.utf8))
            let v = BundleVerifier(logKey: F.operatorKey.verifierKey, origin: "test.example/ledger", product: "https://id.gs1.org/01/04012345000016/21/SN3", witnesses: witnesses, witnessesNeeded: needed,
                                   auditDate: try CalendarDate(parsing: "2027-01-01"))
            return Outcome(bundle: v.verify(reparsed))
        }
    }

    static func flipBase64(_ envelope: [UInt8], in field: String) -> [UInt8] {
        var s = String(decoding: envelope, as: UTF8.self)
        let marker = "\"\(field)\":\""
        let start = s.range(of: marker)!.upperBound
        let i = s.index(start, offsetBy: 10)
        let c = s[i]
        s.replaceSubrange(i...i, with: c == "A" ? "B" : "A")
        return Array(s.utf8)
    }

    static let attacks: [Attack] = [
        Attack(name: "flipped payload byte", expect: .ledger(.leafHash, seq: 5)) { lab in
            let r = try lab.records()[5]
            let s = try lab.db.prepare("UPDATE records SET envelope = ?1 WHERE seq = 5")
            try lab.sql("")
            s.bind(1, flipBase64(r.envelope, in: "payload")); try s.run()
            return try lab.verify()
        },
        Attack(name: "flipped signature byte", expect: .ledger(.leafHash, seq: 6)) { lab in
            let r = try lab.records()[6]
            try lab.sql("")
            let s = try lab.db.prepare("UPDATE records SET envelope = ?1 WHERE seq = 6")
            s.bind(1, flipBase64(r.envelope, in: "sig")); try s.run()
            return try lab.verify()
        },
        Attack(name: "flipped signature byte, hashes recomputed", expect: .ledger(.signature, seq: 6)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list[6].envelope = flipBase64(list[6].envelope, in: "sig")
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "flipped leaf-hash byte", expect: .ledger(.leafHash, seq: 7)) { lab in
            try lab.flip(column: "leaf_hash", seq: 7); return try lab.verify()
        },
        Attack(name: "flipped chain-hash byte", expect: .ledger(.chainHash, seq: 8)) { lab in
            try lab.flip(column: "chain_hash", seq: 8); return try lab.verify()
        },
        Attack(name: "deleted record", expect: .ledger(.sequence, seq: 4)) { lab in
            try lab.sql("DELETE FROM records WHERE seq = 4"); return try lab.verify()
        },
        Attack(name: "duplicated record (raw copy at the end)", expect: .ledger(.leafHash, seq: 13)) { lab in
            try lab.sql("INSERT INTO records SELECT 13, appended_at, kind, signer, envelope, leaf_hash, chain_hash FROM records WHERE seq = 5")
            return try lab.verify()
        },
        Attack(name: "duplicated record inside, hashes recomputed", expect: .ledger(.checkpoint, seq: 12)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list.insert(list[5], at: 6); list.removeLast()
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "reordered records (swap)", expect: .ledger(.leafHash, seq: 8)) { lab in
            try lab.sql("UPDATE records SET seq = 100 WHERE seq = 8; UPDATE records SET seq = 8 WHERE seq = 9; UPDATE records SET seq = 9 WHERE seq = 100;")
            return try lab.verify()
        },
        Attack(name: "reordered records, hashes recomputed", expect: .ledger(.checkpoint, seq: 12)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list.swapAt(8, 9)
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "inserted forged record, hashes recomputed", expect: .ledger(.checkpoint, seq: 12)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list.insert((list[4].time, F.envelope(F.event(666), by: F.supplierKey)), at: 5)
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "truncation below a checkpoint", expect: .ledger(.checkpoint, seq: 10)) { lab in
            try lab.sql("DELETE FROM records WHERE seq >= 10"); return try lab.verify()
        },
        Attack(name: "record replayed from another ledger", expect: .ledger(.chainHash, seq: 5)) { lab in
            let other = try Ledger.create(at: ":memory:", origin: "other.example/ledger", operatorKey: F.operatorKey, now: F.time())
            other.clock = { F.time(1000) }
            try other.append([.init(label: "reg", bytes: F.registration(of: F.supplierKey, roles: [.supplier]))])
            try other.append((0..<6).map { .init(label: "e", bytes: F.envelope(F.event($0 + 1), by: F.supplierKey)) })
            let r = try other.record(at: 5)
            try lab.sql("DELETE FROM records WHERE seq = 5")
            let s = try lab.db.prepare("INSERT INTO records VALUES (5, ?1, ?2, ?3, ?4, ?5, ?6)")
            s.bind(1, r.appendedAtMillis); s.bind(2, r.kind); s.bind(3, r.signer); s.bind(4, r.envelope); s.bind(5, r.leafHash.bytes); s.bind(6, r.chainHash.bytes)
            try s.run()
            return try lab.verify()
        },
        Attack(name: "re-signed by a valid but unregistered key, rehashed", expect: .ledger(.registry, seq: 5)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list[5].envelope = F.envelope(F.event(2), by: F.strangerKey)
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "signer registered after its entry, rehashed", expect: .ledger(.registry, seq: 2)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            let reg = list.remove(at: 1) // the supplier's registration moves after its first event
            list.insert(reg, at: 4)
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "revocation removed, rehashed", expect: .ledger(.checkpoint, seq: 13)) { lab in
            try lab.ledger.append([.init(label: "rev", bytes: F.revocation(of: F.manufacturerKey))])
            _ = try lab.ledger.signCheckpoint(with: F.operatorKey)
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list.removeLast()
            list.append((list[12].time, F.envelope(F.event(999), by: F.manufacturerKey)))
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "checkpoint for a different tree (insider with the key)", expect: .ledger(.checkpoint, seq: 9)) { lab in
            let cp = Checkpoint(origin: "test.example/ledger", size: 10, rootHash: SHA256.hash([1, 2, 3]), chainHead: nil)
            let note = try SignedNote.sign(text: cp.text, keys: [F.operatorKey])
            let s = try lab.db.prepare("INSERT INTO checkpoints VALUES (10, 0, ?1)")
            s.bind(1, Array(note.serialized.utf8)); try s.run()
            return try lab.verify()
        },
        Attack(name: "two inconsistent checkpoints (one from a fork)", expect: .ledger(.checkpoint, seq: 10)) { lab in
            let fork = try F.ledger(at: ":memory:", events: 8)
            try fork.append([.init(label: "x", bytes: F.envelope(F.event(4242), by: F.supplierKey))])
            let note = try fork.signCheckpoint(with: F.operatorKey)
            let s = try lab.db.prepare("INSERT INTO checkpoints VALUES (11, 0, ?1)")
            s.bind(1, Array(note.serialized.utf8)); try s.run()
            return try lab.verify()
        },
        Attack(name: "triggers dropped and recreated around an edit", expect: .ledger(.leafHash, seq: 9)) { lab in
            try lab.db.edit("UPDATE records SET appended_at = appended_at + 1 WHERE seq = 9", behind: [.noUpdate("records")])
            return try lab.verify()
        },
        Attack(name: "stored kind column changed", expect: .ledger(.storedColumns, seq: 11)) { lab in
            try lab.sql("UPDATE records SET kind = 'LifecycleCommitment' WHERE seq = 11"); return try lab.verify()
        },
        Attack(name: "record time moved backwards, rehashed", expect: .ledger(.time, seq: 10)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list[10].time = 0
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "interior tree node changed", expect: .ledger(.merkle, seq: 3)) { lab in
            try lab.sql("UPDATE nodes SET hash = zeroblob(32) WHERE id = (1 << 56) | 1"); return try lab.verify()
        },
        Attack(name: "extra tree node beyond the tree", expect: .ledger(.merkle, seq: nil)) { lab in
            try lab.sql("INSERT INTO nodes VALUES ((1 << 56) | 40, zeroblob(32))"); return try lab.verify()
        },
        Attack(name: "ledger metadata origin changed", expect: .ledger(.schema, seq: 0)) { lab in
            try lab.sql("UPDATE meta SET value = 'evil.example/ledger' WHERE key = 'origin'"); return try lab.verify()
        },
        Attack(name: "checkpoint signature byte flipped", expect: .ledger(.checkpoint, seq: 12)) { lab in
            let cp = try lab.ledger.latestCheckpoint()!
            var note = cp.serialized
            let i = note.index(note.endIndex, offsetBy: -12)
            note.replaceSubrange(i...i, with: note[i] == "A" ? "B" : "A")
            try lab.sql("DELETE FROM checkpoints")
            let s = try lab.db.prepare("INSERT INTO checkpoints VALUES (13, 0, ?1)")
            s.bind(1, Array(note.utf8)); try s.run()
            return try lab.verify()
        },
        Attack(name: "envelope rewritten in a non-canonical layout, rehashed", expect: .ledger(.envelope, seq: 7)) { lab in
            var list = try lab.records().map { (time: $0.time, envelope: $0.envelope) }
            list[7].envelope = Array(("{ " + String(decoding: list[7].envelope.dropFirst(), as: UTF8.self)).utf8)
            try lab.rebuild(list)
            return try lab.verify()
        },
        Attack(name: "whole ledger re-rooted under a new operator key, against an earlier checkpoint", expect: .ledger(.checkpoint, seq: 12)) { lab in
            let earlier = try lab.ledger.latestCheckpoint()!
            let impostor = F.key("test.example/operator", seed: 77)
            let forged = try Ledger.create(at: ":memory:", origin: "test.example/ledger", operatorKey: impostor, now: F.time())
            for r in try lab.records().dropFirst() {
                let env = try Envelope(json: r.envelope)
                let st = try Statement.decode(env.payload)
                let signer = env.signatures[0].keyID.hasPrefix("test.example/operator") ? impostor : nil
                if let signer, case .partyRegistration = st {
                    try forged.append([.init(label: "r", bytes: Envelope.sign(payload: env.payload, with: signer).canonicalJSON)])
                } else {
                    try forged.append([.init(label: "e", bytes: r.envelope)])
                }
            }
            return Outcome(finding: try forged.verify(externalCheckpoints: [Array(earlier.serialized.utf8)]).failure)
        },
        Attack(name: "bundle: inclusion proof from another tree", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            let other = try F.ledger(at: ":memory:", events: 12)
            _ = try other.signCheckpoint(with: F.operatorKey)
            var entries = b.entries
            entries[1] = .init(record: entries[1].record, proof: try other.inclusionProof(seq: 1, size: 15).hashes)
            return try lab.judge(b.with(entries: entries))
        },
        Attack(name: "bundle: record bytes altered", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            var entries = b.entries
            let r = entries.last!.record
            entries[entries.count - 1] = .init(record: LedgerRecord(seq: r.seq, appendedAtMillis: r.appendedAtMillis + 1, envelope: r.envelope), proof: entries.last!.proof)
            return try lab.judge(b.with(entries: entries))
        },
        Attack(name: "bundle: checkpoint from another ledger", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            let other = try F.ledger(at: ":memory:", events: 10)
            try other.append([.init(label: "x", bytes: F.envelope(F.event(31337), by: F.supplierKey))])
            let cp = try other.signCheckpoint(with: F.operatorKey)
            return try lab.judge(b.with(checkpoint: cp.serialized))
        },
        Attack(name: "bundle: witness cosignature dropped below the threshold", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            // Cosigned by the witness, then the cosignature line is dropped again.
            let note = try SignedNote(parsing: Array(b.checkpoint.utf8))
            let line = Cosignature.sign(checkpointText: note.text, timestamp: 1_795_168_800, key: F.witnessKey)
            let cosigned = SignedNote(text: note.text, signatures: note.signatures + [line])
            let ok = try lab.judge(b.with(checkpoint: cosigned.serialized),
                                   witnesses: [F.witnessKey.verifierKey], needed: 1)
            guard ok.bundle?.principles.first?.verdict == .satisfied else {
                throw SetupFailure("the cosigned bundle must pass integrity: \(ok.bundle?.principles.first.map { "\($0)" } ?? "no report")")
            }
            return try lab.judge(b, witnesses: [F.witnessKey.verifierKey], needed: 1)
        },
        Attack(name: "bundle: the entry about the product left out (every remaining proof verifies)", expect: .bundle(.integrity)) { lab in
            try dropProductEntry(lab)
        },
        Attack(name: "bundle: the product's subject-index proof rewritten to claim no entries", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            let index = b.index.map { p in
                p.subject != .identifier(b.product) ? p : ProductBundle.IndexProof(subject: p.subject, count: 0, chain: SubjectIndex.empty, proof: p.proof)
            }
            guard index != b.index else { throw SetupFailure("the bundle carries no index proof for \(b.product)") }
            return try lab.judge(ProductBundle(origin: b.origin, product: b.product, checkpoint: b.checkpoint, entries: b.entries, index: index))
        },
        Attack(name: "bundle: a signer's registration removed", expect: .bundle(.integrity)) { lab in
            let b = try lab.bundle()
            let entries = b.entries.filter { $0.record.seq != 1 }
            return try lab.judge(b.with(entries: entries))
        },
    ]

    /// An attack whose set-up did not go as planned, or whose detection did not name what it must.
    struct SetupFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// Leaves the one entry about the product out of its bundle: every remaining inclusion proof
    /// still verifies; only the subject index shows the gap (and must name it).
    static func dropProductEntry(_ lab: Lab) throws -> Outcome {
        let b = try lab.bundle()
        let product = "https://id.gs1.org/01/04012345000016/21/SN3"
        let about = b.entries.filter { e in
            guard let env = try? Envelope(json: e.record.envelope), let st = try? Statement.decode(env.payload) else { return false }
            return st.subjects.contains(product)
        }
        guard about.count == 1, let dropped = about.first?.record.seq else { throw SetupFailure("expected one entry about \(product), found \(about.count)") }
        let outcome = try lab.judge(b.with(entries: b.entries.filter { $0.record.seq != dropped }))
        let problems = outcome.bundle?.principles.first?.problems.map(\.message) ?? []
        guard problems.contains(where: { $0.contains("completeness: 1 entry about \(product) is missing") }) else {
            throw SetupFailure("the gap is not named: \(problems)")
        }
        return outcome
    }

    @Test("each attack is caught, naming where", arguments: attacks)
    func attack(_ a: Attack) throws {
        try run(a, on: try Lab())
    }

    /// The same attacks, the same SQL (translated by the PostgreSQL tamperer), as the superuser
    /// of a PostgreSQL ledger's database.
    @Test("each attack is caught on PostgreSQL, naming where", PostgresTestServer.trait, arguments: attacks)
    func attackOnPostgres(_ a: Attack) throws {
        try run(a, on: try Lab(postgres: true))
    }

    func run(_ a: Attack, on lab: Lab) throws {
        #expect(try lab.ledger.verify().ok, "the untouched ledger verifies")
        let outcome = try a.apply(lab)
        switch a.expect {
        case .ledger(let check, let seq):
            let f = try #require(outcome.finding, "\(a.name): not detected")
            #expect(f.check == check, "\(a.name): \(f)")
            #expect(f.seq == seq, "\(a.name): \(f)")
            Self.log(a.name, "verify: \(f.check.rawValue)", f.description)
        case .bundle(let principle):
            let report = try #require(outcome.bundle)
            let result = try #require(report.principles.first { $0.principle == principle })
            #expect(result.verdict == .notSatisfied, "\(a.name): \(result)")
            #expect(!report.passed)
            Self.log(a.name, "verify --bundle: \(principle.rawValue)", result.problems.first?.message ?? "")
        }
    }

    @Test("the suite has at least 25 distinct attacks")
    func count() {
        #expect(Self.attacks.count >= 25)
        #expect(Set(Self.attacks.map(\.name)).count == Self.attacks.count)
    }

    static func log(_ attack: String, _ by: String, _ message: String) {
        print("TAMPER | \(attack) | \(by) | \(message.prefix(140))")
    }
}
