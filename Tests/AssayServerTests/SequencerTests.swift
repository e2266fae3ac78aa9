import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The group committer in process: per-entry refusals inside one group, registry changes
/// taking effect at their position within the group, one checkpoint per group, close.
@Suite("sequencer (group commit, in process)")
struct SequencerTests {
    typealias F = Fixtures

    /// A fresh ledger file (genesis + supplier + manufacturer) and a sequencer over it.
    static func make(window: Duration = .milliseconds(2), max: Int = 2000,
                     onCheckpoint: (@Sendable (SignedNote) -> Void)? = nil) throws -> (Ledger, Sequencer, String) {
        let dir = F.tempDir()
        let ledger = try F.ledger(at: dir + "/l.assay")
        return (ledger, try Sequencer(ledger: ledger, key: F.operatorKey, window: window, maxGroupEntries: max, onCheckpoint: onCheckpoint), dir)
    }

    static func item(_ label: String, _ bytes: [UInt8]) -> Ledger.AppendItem { .init(label: label, bytes: bytes) }

    @Test("a key registered earlier in the group signs later in it; an entry before its key's registration is refused alone")
    func registrationWithinGroup() async throws {
        let (ledger, seq, dir) = try Self.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let reg = F.registration(of: F.strangerKey, roles: [.supplier])
        let byStranger = F.envelope(F.event(500), by: F.strangerKey)
        let early = F.envelope(F.event(501), by: F.strangerKey)
        let receipt = try await seq.submit([Self.item("early", early), Self.item("reg", reg), Self.item("event", byStranger)])
        #expect(receipt.outcomes.count == 3)
        guard case .failure(let r) = receipt.outcomes[0] else { Issue.record("the entry before the registration was appended"); return }
        #expect(r.reason == .check(.registry))
        #expect(r.message.hasPrefix("early: ") && r.message.hasSuffix("(would be seq 3)"), "\(r.message)")
        #expect(receipt.outcomes[1].map(\.record.seq) == .success(3))
        #expect(receipt.outcomes[2].map(\.record.seq) == .success(4), "the refused entry took no seq")
        #expect(receipt.proofs[0] == nil && receipt.proofs[1] != nil)
        #expect(receipt.treeSize == 5)
        #expect(try ledger.verify().ok)
    }

    @Test("a revocation earlier in the group stops the key for the rest of the group; a future eventTime is refused without effect")
    func revocationAndFutureWithinGroup() async throws {
        let (ledger, seq, dir) = try Self.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = F.envelope(F.event(600), by: F.supplierKey)
        let revoke = F.revocation(of: F.supplierKey, effective: F.time())
        let after = F.envelope(F.event(601), by: F.supplierKey)
        let future = F.envelope(F.event(602).replacingOccurrences(of: "2026-11-20T10:00:00+01:00", with: "2026-11-23T10:00:00+01:00"),
                                by: F.manufacturerKey)
        let receipt = try await seq.submit([Self.item("a", before), Self.item("f", future), Self.item("rev", revoke), Self.item("b", after)])
        let kinds = receipt.outcomes.map { o -> String in
            switch o {
            case .success(let a): "seq \(a.record.seq)"
            case .failure(let r): r.reason == .futureEventTime ? "time" : r.reason == .check(.registry) ? "registry" : "\(r.reason)"
            }
        }
        // The event before the revocation stands; after it, the supplier's key is revoked for
        // the rest of the group. The future-dated event is refused and changes nothing.
        #expect(kinds[0] == "seq 3")
        #expect(kinds[1] == "time", "\(receipt.outcomes[1])")
        #expect(kinds[2] == "seq 4")
        #expect(kinds[3] == "registry", "\(receipt.outcomes[3])")
        #expect(try ledger.size() == 5)
        #expect(try ledger.verify().ok)
    }

    @Test("concurrent submissions share groups: one checkpoint per group, each for a larger tree, published in order")
    func groupsAndCheckpoints() async throws {
        let published = Locked<[UInt64]>([])
        let (ledger, seq, dir) = try Self.make(window: .milliseconds(20), max: 50) { note in
            if let cp = try? Checkpoint(parsing: note.text) { published.withLock { $0.append(cp.size) } }
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receipts = try await withThrowingTaskGroup(of: Sequencer.Receipt.self) { group in
            for i in 0..<200 {
                group.addTask { try await seq.submit([Self.item("e\(i)", F.envelope(F.event(1000 + i), by: F.supplierKey))]) }
            }
            var out: [Sequencer.Receipt] = []
            for try await r in group { out.append(r) }
            return out
        }
        let seqs = receipts.compactMap { try? $0.outcomes[0].get().record.seq }.sorted()
        #expect(seqs == Array(3..<203))
        let sizes = Set(receipts.map(\.treeSize))
        #expect(sizes.count >= 4, "at most 50 per group: at least 4 groups")
        #expect(sizes.count < 200, "submissions were grouped")
        let logged = published.withLock { $0 }
        #expect(logged == logged.sorted() && Set(logged) == sizes, "one published checkpoint per group, in order")
        for r in receipts {
            let cp = try SignedCheckpoint(parsing: Array(try #require(r.checkpoint).serialized.utf8), logKey: F.operatorKey.verifierKey)
            #expect(cp.checkpoint.size == r.treeSize)
            let record = try #require(try? r.outcomes[0].get().record)
            let proof = try #require(r.proofs[0])
            try proof.verify(leafHash: record.leafHash, root: try cp.checkpoint.root)
            // Made partly from the nodes the group had in memory: the same as one read from storage.
            #expect(proof == (try ledger.inclusionProofs(for: [record.seq], treeSize: r.treeSize)[0]))
        }
        #expect(await seq.groupsCommitted == sizes.count)
        #expect(await seq.entriesAppended == 200)
        #expect(try ledger.verify().ok)
    }

    @Test("without a window, a submission prepared ahead of an earlier, larger one still commits after it (arrival order)")
    func arrivalOrderAcrossPreparations() async throws {
        let (ledger, seq, dir) = try Self.make(window: .zero)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let big = (0..<1500).map { Self.item("big\($0)", F.envelope(F.event(2000 + $0), by: F.supplierKey)) }
        let small = [Self.item("small", F.envelope(F.event(9000), by: F.manufacturerKey))]
        let first = Task { try await seq.submit(big) }
        // The big submission is received first; the small one then takes the second
        // preparation and is ready long before the 1500 signature checks of the first.
        while await seq.submissionsReceived == 0 { try await Task.sleep(for: .milliseconds(1)) }
        let second = try await seq.submit(small)
        let bigReceipt = try await first.value
        let bigSeqs = bigReceipt.outcomes.compactMap { try? $0.get().record.seq }
        let smallSeq = try #require(try? second.outcomes[0].get().record.seq)
        #expect(bigSeqs.count == 1500)
        #expect(bigSeqs == Array(3..<1503), "a batch's items take contiguous sequence numbers in batch order")
        #expect(smallSeq == 1503, "the later submission committed after the earlier one, not before it")
        #expect(try ledger.verify().ok)
    }

    @Test("close commits what was submitted, then refuses new submissions")
    func close() async throws {
        let (ledger, seq, dir) = try Self.make(window: .milliseconds(200))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        async let pending = seq.submit([Self.item("p", F.envelope(F.event(700), by: F.supplierKey))])
        try await Task.sleep(for: .milliseconds(20))
        await seq.close()
        let r = try await pending
        #expect(r.outcomes[0].map(\.wasPresent) == .success(false))
        await #expect(throws: LedgerError.self) {
            _ = try await seq.submit([Self.item("late", F.envelope(F.event(701), by: F.supplierKey))])
        }
        #expect(try ledger.size() == 4)
        #expect(await seq.isClosed)
    }

    @Test("a stored tree edited after the last group's checkpoint: the next group is refused as inconsistent, nothing written")
    func tamperedTreeBetweenGroups() async throws {
        let (ledger, seq, dir) = try Self.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await seq.submit([Self.item("a", F.envelope(F.event(800), by: F.supplierKey))])
        #expect(first.treeSize == 4)
        // The right edge of the 4-leaf tree is node (level 2, index 0): overwrite its hash.
        try fileTamperer(dir + "/l.assay").edit("UPDATE nodes SET hash = ?1 WHERE id = ?2",
                                                [.blob([UInt8](repeating: 7, count: 32)), .int(2 << 56)])
        do {
            _ = try await seq.submit([Self.item("b", F.envelope(F.event(801), by: F.supplierKey))])
            Issue.record("a group was committed over a tree that no longer matches the checkpoint")
        } catch let e as LedgerError {
            #expect(e.code == .inconsistent, "\(e.message)")
            #expect(e.message.contains("refusing to sign"), "\(e.message)")
        }
        #expect(try ledger.size() == 4)
        #expect(await seq.lastFailure?.code == .inconsistent)
    }

    @Test("a key that is not the operator's is refused")
    func wrongKey() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ledger = try F.ledger(at: dir + "/l.assay")
        #expect(throws: LedgerError.self) { _ = try Sequencer(ledger: ledger, key: F.supplierKey) }
    }
}
