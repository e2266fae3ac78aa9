import AssayCrypto
import AssayLog
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The tlog-witness `add-checkpoint` form of the witness rules (the same state machine as
/// `assay witness cosign`), and the request body's codec.
@Suite("witness add-checkpoint rules")
struct AddCheckpointRuleTests {
    typealias M = WitnessStateMachineTests
    static let key = M.logKey.verifierKey

    /// Runs the machine with an add-checkpoint submission to its decision.
    static func decide(_ note: String, old: UInt64, proof: [Digest] = [], previous: String?) -> WitnessStateMachine.Action {
        var m = WitnessStateMachine(submission: .addCheckpoint(oldSize: old, proof: proof))
        guard case .lookUpLogKey = m.checkpointReceived(note) else { return m.checkpointReceived(note) }
        let a = m.logKeyLoaded(key)
        guard case .loadCosignedCheckpoint = a else { return a }
        return m.cosignedCheckpointLoaded(previous)
    }

    @Test("first contact: old size 0 with an empty proof is cosigned; any other old size is 409 with size 0; a proof from 0 is refused")
    func firstContact() throws {
        let tree = M.Tree(count: 8)
        let n = try M.note(tree, size: 8)
        #expect(M.cosigned(Self.decide(n, old: 0, previous: nil))?.checkpoint.size == 8)
        let wrong = M.refusal(Self.decide(n, old: 5, previous: nil))
        #expect(wrong?.code == .oldSizeMismatch && wrong?.latestSize == 0 && wrong?.evidence == nil)
        #expect(M.refusal(Self.decide(n, old: 9, previous: nil))?.code == .oldSizeTooLarge)
        #expect(M.refusal(Self.decide(n, old: 0, proof: [tree.root(4)], previous: nil))?.code == .inconsistent)
    }

    @Test("against a cosigned size: old must equal it (409 with it), the proof from it must verify (with evidence otherwise), equal sizes need equal roots")
    func againstCosigned() throws {
        let tree = M.Tree(count: 11)
        let fork = M.Tree(count: 11, salt: 1)
        let cp8 = try M.note(tree, size: 8)
        let cp11 = try M.note(tree, size: 11)
        let proof = try tree.proof(from: 8, to: 11).hashes
        #expect(M.cosigned(Self.decide(cp11, old: 8, proof: proof, previous: cp8))?.checkpoint.size == 11)
        for old: UInt64 in [0, 7, 9] {
            let e = M.refusal(Self.decide(cp11, old: old, proof: proof, previous: cp8))
            #expect(e?.code == .oldSizeMismatch && e?.latestSize == 8 && e?.evidence == nil, "old \(old)")
        }
        // The proof of the forked tree from 8 does not lead from the cosigned root.
        let forked11 = try M.note(fork, size: 11)
        let bad = M.refusal(Self.decide(forked11, old: 8, proof: try fork.proof(from: 8, to: 11).hashes, previous: cp8))
        #expect(bad?.code == .inconsistent && bad?.evidence?.previouslyCosigned == cp8 && bad?.evidence?.new == forked11)
        // A truncated proof does not verify either.
        #expect(M.refusal(Self.decide(cp11, old: 8, proof: Array(proof.dropLast()), previous: cp8))?.code == .inconsistent)
        // Same size: same root is cosigned again, another root is a fork with evidence.
        #expect(M.cosigned(Self.decide(cp8, old: 8, previous: cp8)) != nil)
        let forked8 = try M.note(fork, size: 8)
        let f = M.refusal(Self.decide(forked8, old: 8, previous: cp8))
        #expect(f?.code == .fork && f?.evidence?.new == forked8)
        #expect(M.refusal(Self.decide(cp8, old: 8, proof: proof, previous: cp8))?.code == .inconsistent, "equal sizes take an empty proof")
    }

    @Test("a smaller tree is a rollback however it is asked: old above it is 400, old at it 409 with the cosigned size; both carry evidence")
    func rollback() throws {
        let tree = M.Tree(count: 11)
        let cp8 = try M.note(tree, size: 8)
        let cp11 = try M.note(tree, size: 11)
        let above = M.refusal(Self.decide(cp8, old: 11, previous: cp11))
        #expect(above?.code == .oldSizeTooLarge && above?.evidence?.previouslyCosigned == cp11 && above?.message.contains("rollback") == true)
        let at = M.refusal(Self.decide(cp8, old: 8, previous: cp11))
        #expect(at?.code == .oldSizeMismatch && at?.latestSize == 11 && at?.evidence?.new == cp8)
    }

    @Test("the Witness driver keeps the log's signature only in its state and hands evidence to the store")
    func driverEvidence() throws {
        final class Store: WitnessStateStore, @unchecked Sendable {
            var inner = M.MemoryStore()
            var kept: [(WitnessError, String)] = []
            func withLock<R>(_ body: () throws -> R) throws -> R { try inner.withLock(body) }
            func logKey(for origin: String) throws(WitnessError) -> VerifierKey? { try inner.logKey(for: origin) }
            func setLogKey(_ key: VerifierKey, for origin: String) throws(WitnessError) { try inner.setLogKey(key, for: origin) }
            func cosignedCheckpoint(for origin: String) throws(WitnessError) -> String? { try inner.cosignedCheckpoint(for: origin) }
            func setCosignedCheckpoint(_ note: String, for origin: String) throws(WitnessError) { try inner.setCosignedCheckpoint(note, for: origin) }
            func recordEvidence(_ error: WitnessError, origin: String, timestamp: UInt64) throws(WitnessError) { kept.append((error, origin)) }
        }
        let store = Store()
        let witness = Witness(store: store)
        _ = try witness.addLog(origin: M.origin, key: Self.key)
        let tree = M.Tree(count: 8)
        let cp = Checkpoint(origin: M.origin, size: 8, rootHash: tree.root(8), chainHead: nil)
        // Submitted with a second, unknown signature and an old cosignature of this witness.
        let stale = Cosignature.sign(checkpointText: cp.text, timestamp: 1, key: M.witnessKey)
        let submitted = SignedNote(text: cp.text, signatures: try SignedNote.sign(text: cp.text, keys: [M.logKey, M.otherKey]).signatures + [stale])
        let request = AddCheckpointRequest(oldSize: 0, proof: [], checkpoint: Array(submitted.serialized.utf8))
        let result = try witness.addCheckpoint(request, key: M.witnessKey, timestamp: 1_800_000_000)
        #expect(result.cosignature.name == M.witnessKey.name && Cosignature.timestamp(of: result.cosignature) == 1_800_000_000)
        #expect(!result.note.signatures.contains(stale), "the stale cosignature of this witness is replaced")
        #expect(store.inner.cosigned[M.origin] == (try SignedNote.sign(text: cp.text, keys: [M.logKey])).serialized,
                "the state holds the log's signature only")
        let forked = try M.note(M.Tree(count: 8, salt: 1), size: 8)
        let request2 = AddCheckpointRequest(oldSize: 8, proof: [], checkpoint: Array(forked.utf8))
        #expect(throws: WitnessError(.fork, "")) { try witness.addCheckpoint(request2, key: M.witnessKey, timestamp: 2) }
        #expect(store.kept.count == 1 && store.kept.first?.1 == M.origin && store.kept.first?.0.evidence?.new == forked)
    }

    @Test("request bodies: round trip; the layout's errors name the line")
    func codec() throws {
        let h = [try Digest(bytes: [UInt8](repeating: 1, count: 32)), try Digest(bytes: [UInt8](repeating: 2, count: 32))]
        let note = Array("o\n1\nAAAA\n\n— o AAAAAAA=\n".utf8)
        let r = AddCheckpointRequest(oldSize: 20852014, proof: h, checkpoint: note)
        let text = String(decoding: r.serialized, as: UTF8.self)
        #expect(text.hasPrefix("old 20852014\n\(Base64.encode(h[0].bytes))\n\(Base64.encode(h[1].bytes))\n\n"))
        #expect(try AddCheckpointRequest(parsing: r.serialized) == r)
        #expect(try AddCheckpointRequest(parsing: Array("old 0\n\n".utf8) + note).oldSize == 0)
        let bad: [(String, String)] = [
            ("old 01\n\n", "leading zeros"), ("old -1\n\n", "decimal"), ("old \n\n", "decimal"), ("new 1\n\n", "\"old <size>\""),
            ("old 18446744073709551616\n\n", "decimal"), ("old 1\nnot base64\n\n", "proof line 1"),
        ]
        for (prefix, says) in bad {
            #expect { try AddCheckpointRequest(parsing: Array(prefix.utf8) + note) } throws: { e in
                (e as? LogError)?.message.contains(says) == true
            }
        }
        #expect { try AddCheckpointRequest(parsing: Array("old 1\n".utf8)) } throws: { e in
            (e as? LogError)?.message.contains("no empty line") == true
        }
        let tooMany = "old 1\n" + String(repeating: Base64.encode(h[0].bytes) + "\n", count: 64) + "\n"
        #expect { try AddCheckpointRequest(parsing: Array(tooMany.utf8) + note) } throws: { e in
            (e as? LogError)?.message.contains("more than 63") == true
        }
        let sixtyThree = "old 1\n" + String(repeating: Base64.encode(h[0].bytes) + "\n", count: 63) + "\n"
        #expect(try AddCheckpointRequest(parsing: Array(sixtyThree.utf8) + note).proof.count == 63)
        // Answers: the 409 size body and the 200 signature lines.
        #expect(AddCheckpointRequest.conflictSize(response: Array("20852014\n".utf8)) == 20852014)
        #expect(AddCheckpointRequest.conflictSize(response: Array("0\n".utf8)) == 0)
        for body in ["012\n", "12", "\n", "1 2\n", "-1\n"] { #expect(AddCheckpointRequest.conflictSize(response: Array(body.utf8)) == nil, "\(body)") }
        let line = Cosignature.sign(checkpointText: "o\n1\nAAAA\n", timestamp: 5, key: M.witnessKey)
        #expect(try AddCheckpointRequest.cosignatures(response: Array(line.text.utf8)) == [line])
        #expect(throws: LogError.self) { try AddCheckpointRequest.cosignatures(response: Array("hello\n".utf8)) }
    }
}
