import AssayCrypto
import AssayLog
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The witness protocol as a state machine (issue 14): each transition, with no files, no
/// process and no CLI; then the `Witness` driver over an in-memory store.
@Suite("witness state machine")
struct WitnessStateMachineTests {
    static let origin = "test.example/log"
    static let logKey = Fixtures.operatorKey
    static let otherKey = Fixtures.strangerKey
    static let witnessKey = Fixtures.witnessKey

    /// A log of `count` leaves kept in memory: its roots and consistency proofs.
    struct Tree: MerkleNodeSource {
        var nodes: [NodeID: Digest] = [:]
        var leaves: [Digest] = []

        init(count: Int, salt: UInt8 = 0) {
            var range = CompactRange()
            for i in 0..<count {
                let leaf = Merkle.leafHash([salt, UInt8(truncatingIfNeeded: i), UInt8(truncatingIfNeeded: i >> 8)])
                nodes[NodeID(level: 0, index: UInt64(i))] = leaf
                leaves.append(leaf)
                range.append(leaf) { id, h in nodes[id] = h }
            }
        }

        func hash(of id: NodeID) throws -> Digest { nodes[id]! }
        func root(_ size: Int) -> Digest { Merkle.root(ofLeafHashes: Array(leaves[..<size])) }
        func proof(from: Int, to: Int) throws -> ConsistencyProof {
            try ConsistencyProof.generate(from: UInt64(from), to: UInt64(to), source: self)
        }
    }

    /// A checkpoint note of `tree` at `size`, signed by `key`.
    static func note(_ tree: Tree, size: Int, key: NamedSigningKey = logKey, origin: String = origin) throws -> String {
        let cp = Checkpoint(origin: origin, size: UInt64(size), rootHash: tree.root(size), chainHead: nil)
        return try SignedNote.sign(text: cp.text, keys: [key]).serialized
    }

    /// Runs the machine to its decision: the configured key, then the previously cosigned note.
    static func decide(_ note: String, configured: NamedSigningKey? = logKey, previous: String?,
                       proof: ConsistencyProof? = nil, expected: VerifierKey? = nil) -> WitnessStateMachine.Action {
        var m = WitnessStateMachine(proof: proof, expectedLogKey: expected)
        guard case .lookUpLogKey = m.checkpointReceived(note) else { return m.checkpointReceived(note) }
        let a = m.logKeyLoaded(configured?.verifierKey)
        guard case .loadCosignedCheckpoint = a else { return a }
        return m.cosignedCheckpointLoaded(previous)
    }

    static func refusal(_ a: WitnessStateMachine.Action) -> WitnessError? {
        if case .refuse(let e) = a { return e }
        return nil
    }

    static func cosigned(_ a: WitnessStateMachine.Action) -> SignedCheckpoint? {
        if case .cosign(let c) = a { return c }
        return nil
    }

    @Test("a checkpoint asks for its origin's key, then for the cosigned state; the first one is cosigned")
    func firstCheckpoint() throws {
        let tree = Tree(count: 8)
        let n = try Self.note(tree, size: 8)
        var m = WitnessStateMachine()
        guard case .lookUpLogKey(let origin) = m.checkpointReceived(n) else { Issue.record("expected lookUpLogKey"); return }
        #expect(origin == Self.origin)
        guard case .loadCosignedCheckpoint(let again) = m.logKeyLoaded(Self.logKey.verifierKey) else { Issue.record("expected loadCosignedCheckpoint"); return }
        #expect(again == Self.origin)
        let done = m.cosignedCheckpointLoaded(nil)
        #expect(Self.cosigned(done)?.checkpoint.size == 8)
        guard case .finished = m.state else { Issue.record("expected finished, got \(m.state)"); return }
        // A finished machine refuses further events.
        #expect(Self.refusal(m.checkpointReceived(n))?.code == .invalidTransition)
    }

    @Test("events out of order are refused")
    func outOfOrder() throws {
        var a = WitnessStateMachine()
        #expect(Self.refusal(a.logKeyLoaded(Self.logKey.verifierKey))?.code == .invalidTransition)
        var b = WitnessStateMachine()
        #expect(Self.refusal(b.cosignedCheckpointLoaded(nil))?.code == .invalidTransition)
    }

    @Test("malformed notes, unknown origins, other signers and a mismatched cross-check are refused")
    func refusalsBeforeState() throws {
        let tree = Tree(count: 4)
        var m = WitnessStateMachine()
        #expect(Self.refusal(m.checkpointReceived("not a note"))?.code == .malformedCheckpoint)
        let n = try Self.note(tree, size: 4)
        let unknown = Self.refusal(Self.decide(n, configured: nil, previous: nil))
        #expect(unknown?.code == .unknownOrigin && unknown?.isRefusal == true)
        let forged = try Self.note(tree, size: 4, key: Self.otherKey)
        #expect(Self.refusal(Self.decide(forged, previous: nil))?.code == .badSignature)
        let mismatch = Self.refusal(Self.decide(n, previous: nil, expected: Self.otherKey.verifierKey))
        #expect(mismatch?.code == .logKeyMismatch && mismatch?.isRefusal == false)
        #expect(Self.cosigned(Self.decide(n, previous: nil, expected: Self.logKey.verifierKey)) != nil)
    }

    @Test("against the cosigned state: same root cosigns, another root is a fork, a smaller tree a rollback")
    func sameOrSmaller() throws {
        let tree = Tree(count: 11)
        let fork = Tree(count: 11, salt: 1)
        let old = try Self.note(tree, size: 8)
        #expect(Self.cosigned(Self.decide(try Self.note(tree, size: 8), previous: old)) != nil)
        let forked = Self.refusal(Self.decide(try Self.note(fork, size: 8), previous: old))
        #expect(forked?.code == .fork && forked?.isRefusal == true)
        #expect(forked?.evidence?.previouslyCosigned == old)
        #expect(forked?.message.contains("the log forked") == true)
        let rollback = Self.refusal(Self.decide(try Self.note(tree, size: 5), previous: old))
        #expect(rollback?.code == .rollback && rollback?.evidence != nil)
    }

    @Test("a larger tree needs a consistency proof for exactly those sizes, and it must verify")
    func growth() throws {
        let tree = Tree(count: 11)
        let fork = Tree(count: 11, salt: 1)
        let old = try Self.note(tree, size: 8)
        let new = try Self.note(tree, size: 11)
        #expect(Self.refusal(Self.decide(new, previous: old))?.code == .needProof)
        #expect(Self.refusal(Self.decide(new, previous: old, proof: try tree.proof(from: 7, to: 11)))?.code == .wrongProof)
        #expect(Self.cosigned(Self.decide(new, previous: old, proof: try tree.proof(from: 8, to: 11)))?.checkpoint.size == 11)
        // A proof from the forked tree does not link the cosigned root to the new one.
        let forkedNew = try Self.note(fork, size: 11)
        let inconsistent = Self.refusal(Self.decide(forkedNew, previous: old, proof: try fork.proof(from: 8, to: 11)))
        #expect(inconsistent?.code == .inconsistent && inconsistent?.evidence?.new == forkedNew)
    }

    /// The witness state in memory.
    final class MemoryStore: WitnessStateStore, @unchecked Sendable {
        var keys: [String: VerifierKey] = [:]
        var cosigned: [String: String] = [:]
        var locks = 0
        func withLock<R>(_ body: () throws -> R) throws -> R { locks += 1; return try body() }
        func logKey(for origin: String) throws(WitnessError) -> VerifierKey? { keys[origin] }
        func setLogKey(_ key: VerifierKey, for origin: String) throws(WitnessError) { keys[origin] = key }
        func cosignedCheckpoint(for origin: String) throws(WitnessError) -> String? { cosigned[origin] }
        func setCosignedCheckpoint(_ note: String, for origin: String) throws(WitnessError) { cosigned[origin] = note }
    }

    @Test("the Witness driver: add-log once per origin, cosign under the lock, record the state, refuse without recording")
    func driver() throws {
        let store = MemoryStore()
        let witness = Witness(store: store)
        #expect(try witness.addLog(origin: Self.origin, key: Self.logKey.verifierKey) == .added)
        #expect(try witness.addLog(origin: Self.origin, key: Self.logKey.verifierKey) == .unchanged)
        #expect(throws: WitnessError(.originKeyConflict, "")) { try witness.addLog(origin: Self.origin, key: Self.otherKey.verifierKey) }
        #expect(throws: WitnessError(.wrongKeyType, "")) { try witness.addLog(origin: "w.example/log", key: Self.witnessKey.verifierKey) }
        #expect(throws: WitnessError(.invalidOrigin, "")) { try witness.addLog(origin: "bad\norigin", key: Self.logKey.verifierKey) }

        let tree = Tree(count: 11)
        let cp8 = try Self.note(tree, size: 8)
        let result = try witness.cosign(note: cp8, key: Self.witnessKey, timestamp: 1_800_000_000)
        #expect(result.checkpoint.size == 8)
        #expect(store.cosigned[Self.origin] == cp8, "the state holds the note with the log's signature only")
        // The cosignature verifies under the witness key.
        let opened = try result.note.open(verifiers: [Self.logKey.verifierKey, Self.witnessKey.verifierKey])
        #expect(opened.verified.count == 2)

        // A fork is refused and the state is left as it was.
        let forked = try Self.note(Tree(count: 11, salt: 1), size: 8)
        #expect(throws: WitnessError(.fork, "")) { try witness.cosign(note: forked, key: Self.witnessKey, timestamp: 1) }
        #expect(store.cosigned[Self.origin] == cp8)
        // Growth with a proof moves the state forward.
        let cp11 = try Self.note(tree, size: 11)
        _ = try witness.cosign(note: cp11, key: Self.witnessKey, proof: try tree.proof(from: 8, to: 11), timestamp: 2)
        #expect(store.cosigned[Self.origin] == cp11)
        // Only a witness key cosigns.
        #expect(throws: WitnessError(.wrongKeyType, "")) { try witness.cosign(note: cp11, key: Self.logKey, timestamp: 3) }
        #expect(store.locks >= 4, "every operation ran under the store's lock")
    }
}
