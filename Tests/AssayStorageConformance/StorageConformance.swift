import AssayCrypto
import AssayLog
public import AssayStore

/// A check that failed: what was expected and what the backend did.
public struct ConformanceFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The properties every `LedgerStorage` must have, as checks any backend's tests run (each on
/// a fresh, empty storage from `make`). A check throws `ConformanceFailure` naming what broke.
///
/// Use from a test target: `@Test(arguments: StorageConformance.Check.allCases)` and
/// `try StorageConformance(make: …).run(check)`.
public struct StorageConformance {
    /// One property.
    public enum Check: String, CaseIterable, Sendable, CustomStringConvertible {
        case atomicBatch = "a failing batch leaves nothing behind"
        case contiguousSequence = "records get contiguous sequence numbers from 0, times never go back"
        case appendOnly = "the backend itself refuses UPDATE and DELETE on every table"
        case contiguousInsert = "the backend itself refuses a record at a gap or twice"
        case readYourWrites = "reads inside a write see its writes; others see them after commit"
        case subjects = "subject lookups find exactly the records indexed under a subject"
        case checkpoints = "one checkpoint per size; latest and by size"
        case cosignatures = "one cosignature per checkpoint, witness and key id; only beside a checkpoint"
        case nodes = "stores every complete subtree; serves the recomputed root"
        case registry = "registry records come back by kind, in order, from any point"
        case metadata = "metadata is write-once"
        case streaming = "records stream in order over any range and stop on request"
        case envelopeLookup = "finds a stored envelope through a subject or the registry records"

        public var description: String { rawValue }
    }

    /// A fresh, empty storage and a tamperer over the same store.
    public let make: () throws -> (any LedgerStorage, any StorageTamperer)

    public init(make: @escaping () throws -> (any LedgerStorage, any StorageTamperer)) { self.make = make }

    /// Runs one check.
    public func run(_ check: Check) throws {
        let (s, raw) = try make()
        switch check {
        case .atomicBatch: try atomicBatch(s)
        case .contiguousSequence: try contiguousSequence(s)
        case .appendOnly: try appendOnly(s, raw)
        case .contiguousInsert: try contiguousInsert(s, raw)
        case .readYourWrites: try readYourWrites(s)
        case .subjects: try subjects(s)
        case .checkpoints: try checkpoints(s)
        case .cosignatures: try cosignatures(s)
        case .nodes: try nodes(s)
        case .registry: try registry(s)
        case .metadata: try metadata(s)
        case .streaming: try streaming(s)
        case .envelopeLookup: try envelopeLookup(s)
        }
    }

    // MARK: - Helpers

    func expect(_ ok: Bool, _ what: @autoclosure () throws -> String) throws {
        if !ok { throw ConformanceFailure((try? what()) ?? "a check failed") }
    }

    func expectThrows(_ what: String, _ body: () throws -> Void) throws {
        do { try body() } catch { return }
        throw ConformanceFailure("\(what) was accepted")
    }

    /// Appends `count` records in one batch; kind `GenericEvent` unless given.
    @discardableResult
    func append(_ s: any LedgerStorage, _ count: Int, kind: String = "GenericEvent", subjects: (Int) -> [String] = { ["urn:s:\($0)"] },
                now: Int64 = 1000) throws -> [StoredRecord] {
        try s.write { tx in
            try (0..<count).map { i in
                let n = Int(tx.size)
                return try tx.append(envelope: Array("envelope \(n) \(kind)".utf8), kind: kind, signer: "k+00000000", subjects: subjects(n), now: now)
            }
        }
    }

    struct Boom: Error {}

    // MARK: - Checks

    func atomicBatch(_ s: any LedgerStorage) throws {
        try append(s, 3)
        let nodes = try s.nodeCount()
        do {
            try s.write { tx in
                try tx.append(envelope: [1], kind: "GenericEvent", signer: "s", subjects: ["urn:x"], now: 0)
                try tx.append(envelope: [2], kind: "PartyRegistration", signer: "s", subjects: ["urn:y"], now: 0)
                try tx.addCheckpoint(size: 5, note: [9], now: 0)
                try tx.setMeta("origin", "o")
                throw Boom()
            }
            throw ConformanceFailure("the failing batch did not throw")
        } catch is Boom {}
        try expect(try s.size() == 3, "size after a failed batch is \(try s.size()), not 3")
        try expect(try s.rowCount() == 3, "rows after a failed batch")
        try expect(try s.nodeCount() == nodes, "nodes after a failed batch")
        try expect(try s.sequences(forSubject: "urn:x").isEmpty, "a subject row of a failed batch is visible")
        try expect(try s.registryRecords().isEmpty, "a registry record of a failed batch is visible")
        try expect(try s.checkpoints().isEmpty, "a checkpoint of a failed batch is visible")
        try expect(try s.meta("origin") == nil, "metadata of a failed batch is visible")
        // And the next batch continues at the right place.
        let next = try append(s, 1)
        try expect(next[0].seq == 3, "the next batch starts at \(next[0].seq), not 3")
    }

    func contiguousSequence(_ s: any LedgerStorage) throws {
        let a = try append(s, 5, now: 2000)
        let b = try append(s, 4, now: 1000) // the clock went back
        let all = a + b
        try expect(all.map(\.seq) == Array(0..<9), "sequence numbers \(all.map(\.seq))")
        try expect(b.allSatisfy { $0.appendedAtMillis >= 2000 }, "a record time went backwards")
        var chain = Digest.zero
        for r in all {
            chain = LedgerRecord.chainHash(previous: chain, leaf: r.record.leafHash)
            try expect(r.leafHash == r.record.leafHash && r.chainHash == chain, "record \(r.seq)'s hashes")
        }
        try expect(try s.size() == 9, "size")
        try expect(try s.record(at: 4) == all[4], "record(at: 4) differs from what append returned")
        try expect(try s.record(at: 9) == nil, "a record past the end")
        try expect(try s.record(at: UInt64.max) == nil, "a record at UInt64.max")
        try expect(try s.firstRecordOutsideSequence() == nil, "a record outside the sequence")
        try expect(try s.containerProblems().isEmpty, "container problems on a fresh store: \(try s.containerProblems())")
    }

    func appendOnly(_ s: any LedgerStorage, _ raw: any StorageTamperer) throws {
        try s.write { tx in
            try tx.setMeta("format", "assay-ledger")
            try tx.append(envelope: [1], kind: "GenericEvent", signer: "s", subjects: ["urn:a"], now: 0)
            try tx.append(envelope: [2], kind: "GenericEvent", signer: "s", subjects: ["urn:b"], now: 0)
            try tx.addCheckpoint(size: 2, note: Array("note".utf8), now: 0)
            try tx.addCosignature(StoredCosignature(size: 2, witness: "w", keyID: "00000000", body: [1], line: "— w AAAA", createdAtMillis: 0))
        }
        for sql in ["UPDATE records SET kind = 'x' WHERE seq = 1", "DELETE FROM records WHERE seq = 1",
                    "UPDATE nodes SET id = id + 1", "DELETE FROM nodes",
                    "UPDATE checkpoints SET note = ?1", "DELETE FROM checkpoints",
                    "UPDATE subjects SET subject = 'x'", "DELETE FROM subjects",
                    "UPDATE meta SET value = 'x'", "DELETE FROM meta",
                    "UPDATE cosignatures SET line = 'x'", "DELETE FROM cosignatures"] {
            try expectThrows(sql) { try raw.execute(sql, sql.contains("?1") ? [.blob([0])] : []) }
        }
        try expect(try s.size() == 2 && s.nodeCount() == 1 && s.checkpoints().count == 1 && s.cosignatures(size: 2).count == 1
                   && s.sequences(forSubject: "urn:b") == [1] && s.meta("format") == "assay-ledger" && s.record(at: 1)?.kind == "GenericEvent",
                   "a refused edit changed something")
        try expect(try s.containerProblems().isEmpty, "container problems: \(try s.containerProblems())")
        // Without its guard, an edit goes through, and the storage reports the guard missing.
        try raw.remove([.noDelete("subjects")])
        try raw.execute("DELETE FROM subjects WHERE seq = 1", [])
        try expect(try s.sequences(forSubject: "urn:b").isEmpty, "the unguarded delete did not happen")
        try expect(try !s.containerProblems().isEmpty, "a missing guard is not reported")
    }

    func contiguousInsert(_ s: any LedgerStorage, _ raw: any StorageTamperer) throws {
        try append(s, 2)
        let h: TamperValue = .blob([UInt8](repeating: 0, count: 32))
        for seq in [Int64(5), 1] {
            try expectThrows("a record inserted at \(seq)") {
                try raw.execute("INSERT INTO records(seq, appended_at, kind, signer, envelope, leaf_hash, chain_hash) VALUES (?1, 0, 'GenericEvent', 's', ?2, ?3, ?3)",
                                [.int(seq), .blob([0]), h])
            }
        }
        try expect(try s.rowCount() == 2, "rows after refused inserts")
    }

    func readYourWrites(_ s: any LedgerStorage) throws {
        try append(s, 2)
        try s.write { tx in
            let r = try tx.append(envelope: [7], kind: "KeyRevocation", signer: "s", subjects: ["urn:new"], now: 5)
            try expect(tx.size == 3, "tx.size after an append")
            try expect(tx.lastAppendedAtMillis == 1000, "tx.lastAppendedAtMillis")
            try expect(tx.chainHead == r.chainHash, "tx.chainHead")
            try expect(try tx.reader.record(at: 2) == r, "the reader inside the write does not see the new record")
            try expect(try tx.reader.size() == 3, "size inside the write")
            try expect(try tx.reader.sequences(forSubject: "urn:new") == [2], "subject lookup inside the write")
            try expect(try tx.reader.registryRecords().map(\.seq) == [2], "registry records inside the write")
            try tx.addCheckpoint(size: 3, note: [1], now: 0)
            try expect(try tx.reader.checkpoint(size: 3) != nil, "checkpoint inside the write")
        }
        try expect(try s.size() == 3 && s.checkpoint(size: 3) != nil, "committed writes are not visible after the write")
        let n = try s.read { try s.size() }
        try expect(n == 3, "size inside a read snapshot")
    }

    func subjects(_ s: any LedgerStorage) throws {
        try append(s, 6, subjects: { n in n % 2 == 0 ? ["urn:even", "urn:n:\(n)"] : ["urn:odd", "urn:odd", "urn:n:\(n)"] })
        try expect(try s.sequences(forSubject: "urn:even") == [0, 2, 4], "even: \(try s.sequences(forSubject: "urn:even"))")
        try expect(try s.sequences(forSubject: "urn:odd") == [1, 3, 5], "a repeated subject is indexed once per record")
        try expect(try s.sequences(forSubject: "urn:n:3") == [3], "urn:n:3")
        try expect(try s.sequences(forSubject: "urn:none").isEmpty, "an unknown subject")
        let cursor = try s.subjectCursor()
        var rows: [(Int64, String)] = []
        while let r = try cursor.next() {
            try expect(r.welltyped, "a row written through the protocol is not well typed")
            rows.append((r.seq, r.subject))
        }
        try expect(rows.count == 12, "subject cursor rows: \(rows.count)")
        try expect(rows.map(\.0) == rows.map(\.0).sorted(), "subject cursor not ordered by seq")
        try expect(rows.prefix(2).map(\.1) == ["urn:even", "urn:n:0"], "subject cursor not ordered by subject within a seq")
    }

    func checkpoints(_ s: any LedgerStorage) throws {
        try append(s, 4)
        try expect(try s.latestCheckpoint() == nil, "a latest checkpoint in a store with none")
        try s.write { tx in
            try tx.addCheckpoint(size: 2, note: [2], now: 10)
            try tx.addCheckpoint(size: 4, note: [4], now: 20)
        }
        try expectThrows("a second checkpoint for size 2") { try s.write { tx in try tx.addCheckpoint(size: 2, note: [3], now: 30) } }
        try expect(try s.checkpoint(size: 2) == StoredCheckpoint(size: 2, createdAtMillis: 10, note: [2]), "checkpoint(size: 2)")
        try expect(try s.latestCheckpoint()?.size == 4, "latest checkpoint")
        try expect(try s.checkpoint(size: 3) == nil, "a checkpoint never stored")
        try expect(try s.checkpoints().map(\.size) == [2, 4], "checkpoints in order")
        try expect(try s.checkpointRows().map(\.size) == [2, 4], "checkpoint rows")
    }

    func cosignatures(_ s: any LedgerStorage) throws {
        try append(s, 2)
        func c(_ w: String, _ k: String, size: Int64 = 2) -> StoredCosignature {
            StoredCosignature(size: size, witness: w, keyID: k, body: Array("body\n".utf8), line: "— \(w) AAAA", createdAtMillis: 1)
        }
        try expectThrows("a cosignature with no checkpoint") { try s.write { tx in try tx.addCosignature(c("w1", "00000001")) } }
        try s.write { tx in
            try tx.addCheckpoint(size: 2, note: [2], now: 0)
            try tx.addCosignature(c("w2", "00000002"))
            try tx.addCosignature(c("w1", "00000001"))
            try tx.addCosignature(c("w1", "00000003")) // same name, another key: another witness key
        }
        try expectThrows("a second cosignature by the same witness key") { try s.write { tx in try tx.addCosignature(c("w1", "00000001")) } }
        let stored = try s.cosignatures(size: 2)
        try expect(stored.map(\.witness) == ["w1", "w1", "w2"] && stored.map(\.keyID) == ["00000001", "00000003", "00000002"], "cosignatures order")
        try expect(stored.first == c("w1", "00000001"), "a cosignature does not come back as stored")
        try expect(try s.cosignatures(size: 1).isEmpty, "cosignatures for a size without any")
        try expect(try s.cosignatureRows().count == 3, "cosignature rows")
    }

    func nodes(_ s: any LedgerStorage) throws {
        var leaves: [Digest] = []
        for batch in [1, 6, 30] { leaves += try append(s, batch).map(\.leafHash) }
        let n = UInt64(leaves.count)
        try expect(try s.nodeCount() == n - UInt64(n.nonzeroBitCount), "interior nodes: \(try s.nodeCount())")
        for size in [1, 2, 7, 16, 37] as [UInt64] {
            try expect(try Merkle.root(size: size, source: s) == Merkle.root(ofLeafHashes: Array(leaves[0..<Int(size)])), "root of \(size)")
        }
        try expect(try s.nodeHash(NodeID(level: 0, index: 5)) == leaves[5], "leaf hash node")
        try expectThrows("a node beyond the tree") { _ = try s.nodeHash(NodeID(level: 3, index: 9)) }
        let cursor = try s.nodeCursor(level: 2)
        var indices: [UInt64] = []
        while let x = try cursor.next() { indices.append(x.index) }
        try expect(indices == Array(0..<9), "level-2 nodes: \(indices)")
        try expect(try s.firstNode(outside: 1...5) == nil, "a node outside levels 1–5")
        try expect(try s.firstNode(outside: 1...4) != nil, "level 5 is outside 1–4")
    }

    func registry(_ s: any LedgerStorage) throws {
        try append(s, 1, kind: "LedgerGenesis", subjects: { _ in [] })
        try append(s, 2)
        try append(s, 1, kind: "PartyRegistration")
        try append(s, 1, kind: "KeyRevocation", subjects: { _ in [] })
        try append(s, 1, kind: "AuthorityDelegation")
        try append(s, 1, kind: "ComponentOrigin")
        try expect(try s.registryRecords().map(\.seq) == [0, 3, 4, 5], "registry records: \(try s.registryRecords().map(\.seq))")
        try expect(try s.registryRecords(after: 3).map(\.seq) == [4, 5], "registry records after 3")
        try expect(try s.registryRecords().map(\.kind) == LedgerSchema.registryKinds, "registry kinds")
    }

    func metadata(_ s: any LedgerStorage) throws {
        try s.write { tx in
            try tx.setMeta("format", "assay-ledger")
            try tx.setMeta("origin", "example.org/log")
        }
        try expectThrows("a second value for origin") { try s.write { tx in try tx.setMeta("origin", "other") } }
        try expect(try s.origin() == "example.org/log", "origin")
        try expect(try s.meta("missing") == nil, "a missing key")
        let all = try s.allMetadata()
        try expect(all.map(\.key) == ["format", "origin"] && all.map(\.value) == ["assay-ledger", "example.org/log"], "all metadata")
    }

    func streaming(_ s: any LedgerStorage) throws {
        try append(s, 10)
        var seen: [UInt64] = []
        try s.forEachRecord(from: 3, through: 6) { seen.append($0.seq); return true }
        try expect(seen == [3, 4, 5, 6], "range 3–6: \(seen)")
        seen = []
        try s.forEachRecord(from: 8) { seen.append($0.seq); return true }
        try expect(seen == [8, 9], "from 8: \(seen)")
        seen = []
        try s.forEachRecord { seen.append($0.seq); return seen.count < 2 }
        try expect(seen == [0, 1], "stop on request: \(seen)")
        seen = []
        try s.forEachRecord(from: UInt64.max) { seen.append($0.seq); return true }
        try expect(seen.isEmpty, "from UInt64.max")
    }

    func envelopeLookup(_ s: any LedgerStorage) throws {
        let r = try append(s, 3)
        let reg = try append(s, 1, kind: "KeyRevocation", subjects: { _ in [] })
        try expect(try s.record(withEnvelope: r[1].envelope, subject: "urn:s:1") == r[1], "an envelope through its subject")
        try expect(try s.record(withEnvelope: r[1].envelope, subject: "urn:s:2") == nil, "an envelope through another record's subject")
        try expect(try s.record(withEnvelope: r[1].envelope + [0], subject: "urn:s:1") == nil, "a longer envelope")
        try expect(try s.registryRecord(withEnvelope: reg[0].envelope) == reg[0], "a registry envelope")
        try expect(try s.registryRecord(withEnvelope: r[0].envelope) == nil, "a non-registry envelope among registry records")
    }
}
