import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayStore
import AssayTestSupport
import AssayVerify
import Testing

/// `verify --ledger` recomputes the subject index in one tree, or — above a memory budget — in
/// partitions through a temporary file. Both must reach the same verdict on the same ledger:
/// an honest one passes at every checkpoint, and a checkpoint the operator signed with a false
/// index root fails, naming its size, whichever partition the lie is in.
@Suite("Subject index: partitioned recomputation in verify")
struct SubjectIndexPartitionTests {
    /// A ledger of `events` generic events about `subjects` products (several entries each),
    /// with a checkpoint every `every` entries.
    static func ledger(events: Int, subjects: Int, every: Int) throws -> Ledger {
        let l = try Fixtures.ledger(at: ":memory:")
        var n = 0
        while n < events {
            let batch = (n..<min(events, n + every)).map { i in
                Ledger.AppendItem(label: "e\(i)", bytes: Fixtures.envelope(Fixtures.event(i, subject: "https://id.gs1.org/01/04012345000016/21/P\(i % subjects)")
                    .replacingOccurrences(of: "\"action\":\"inspected\"", with: "\"action\":\"inspected\",\"data\":{\"n\":\(i)}"), by: Fixtures.supplierKey))
            }
            try l.append(batch)
            _ = try l.signCheckpoint(with: Fixtures.operatorKey)
            n += batch.count
        }
        return l
    }

    @Test("an honest ledger verifies in one tree and in 2 to 64 partitions alike", arguments: [UInt64.max, 200, 50, 8])
    func honest(budget: UInt64) throws {
        let l = try Self.ledger(events: 400, subjects: 90, every: 37)
        let report = try l.verify(indexRecordsInMemory: budget == .max ? nil : budget)
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.checkpointsChecked == 11)
    }

    @Test("a checkpoint signed with a false index root fails in every mode, naming its size", arguments: [UInt64.max, 100, 8])
    func forgedRoot(budget: UInt64) throws {
        let l = try Self.ledger(events: 150, subjects: 40, every: 50)
        // The operator appends more and signs a checkpoint whose index omits one entry: the
        // root of the index without the last record's subject entry.
        try l.append([.init(label: "more", bytes: Fixtures.envelope(Fixtures.event(999, subject: "https://id.gs1.org/01/04012345000016/21/P7"), by: Fixtures.supplierKey))])
        let size = try l.size()
        var leaves: [Digest: (UInt64, Digest)] = [:]
        var honestRoot = Digest.zero
        for seq in 0..<size {
            if seq == size - 1 {
                honestRoot = SubjectIndex.root(of: leaves.map { SubjectIndex.Leaf(key: $0.key, count: $0.value.0, chain: $0.value.1) })
            }
            let r = try l.record(at: seq)
            let st = try Statement.decode(try Envelope(json: r.envelope).payload)
            for k in IndexSubject.of(st).map(\.key) {
                let old = leaves[k] ?? (0, .zero)
                leaves[k] = (old.0 + 1, SubjectIndex.chain(previous: old.1, leaf: r.leafHash))
            }
        }
        // `honestRoot` so far is over records 0 ..< size-1: the index without the last entry.
        let falseRoot = honestRoot
        honestRoot = SubjectIndex.root(of: leaves.map { SubjectIndex.Leaf(key: $0.key, count: $0.value.0, chain: $0.value.1) })
        #expect(falseRoot != honestRoot)
        let cp = Checkpoint(origin: "test.example/ledger", size: size, rootHash: try l.root(size: size),
                            chainHead: try l.record(at: size - 1).chainHash, subjectIndex: falseRoot)
        let note = try SignedNote.sign(text: cp.text, keys: [Fixtures.operatorKey])
        try l.store.write { tx in try tx.addCheckpoint(size: size, note: Array(note.serialized.utf8), now: Fixtures.time(2000)) }
        let report = try l.verify(indexRecordsInMemory: budget == .max ? nil : budget)
        let failure = try #require(report.failure)
        #expect(failure.message.contains("subject index root for size \(size) does not match"), "\(failure.message)")
        #expect(failure.seq == size - 1)
        // What verify recomputed is the honest index over every record.
        #expect(failure.found == honestRoot.hex)
        #expect(failure.expected == falseRoot.hex)
    }
}
