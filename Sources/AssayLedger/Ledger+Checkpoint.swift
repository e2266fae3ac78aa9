public import AssayCrypto
public import AssayLog
import AssayStore
import AssayVerify

extension Ledger {
    /// Signs and stores a checkpoint for the current tree, after checking it is consistent
    /// with the latest stored checkpoint. Returns the existing checkpoint when the tree has
    /// not grown since.
    /// - Throws: `LedgerError.inconsistent` when the stored tree no longer matches the
    ///   latest checkpoint (nothing is signed); `.rejected` for a key that is not the operator's.
    public func signCheckpoint(with key: NamedSigningKey, now: Int64? = nil) throws -> SignedNote {
        try state.withLock { st in try signCheckpoint(with: key, now: now, state: &st) }
    }

    /// `signCheckpoint` under the ledger's lock.
    private func signCheckpoint(with key: NamedSigningKey, now: Int64?, state st: inout State) throws -> SignedNote {
        try refreshRegistry(&st)
        return try mapStoreErrors {
            try store.write { tx -> SignedNote in try signCheckpoint(in: tx, with: key, now: now, state: &st) }
        }
    }

    /// Checks that `key` is the operator's key of the registry in `st`.
    /// - Returns: the operator's key and the log origin.
    func operatorIdentity(_ key: NamedSigningKey, state st: State) throws -> (op: RegisteredKey, origin: String) {
        guard let op = st.registry.operatorKey else { throw LedgerError(.corrupt, "the ledger has no genesis entry") }
        guard key.verifierKey == op.verifierKey else {
            throw LedgerError(.rejected, "key \(key.keyReference) is not the ledger operator's key \(op.reference)")
        }
        guard let origin = st.registry.origin else { throw LedgerError(.corrupt, "the ledger has no origin") }
        return (op, origin)
    }

    /// Signs and stores, inside the write transaction `tx`, a checkpoint for the tree as `tx`
    /// holds it, after checking it is consistent with the latest stored checkpoint; returns the
    /// stored one when the tree has not grown since. `st.registry` must be current for `tx`.
    /// - Parameter start: the size and root of `tx`'s tree before it appended anything. When
    ///   the latest stored checkpoint is for that size and root, the new tree extends it by
    ///   construction (the transaction only appended leaves to that edge), so no consistency
    ///   proof is read; and a stored note byte-identical to the one this process signed last is
    ///   not verified again.
    func signCheckpoint(in tx: WriteTransaction, with key: NamedSigningKey, now: Int64?, state st: inout State,
                        start: (size: UInt64, root: Digest)? = nil) throws -> SignedNote {
        let (op, origin) = try operatorIdentity(key, state: st)
        let clock = st.clock
        let size = tx.size
        let root = tx.range.root
        if let latest = try tx.reader.latestCheckpoint() {
            let priorNote: SignedNote, priorRoot: Digest
            if let mine = st.lastSigned, mine.size == latest.size, mine.stored == latest.note {
                (priorNote, priorRoot) = (mine.note, mine.root)
            } else {
                let prior = try SignedCheckpoint(parsing: latest.note, logKey: op.verifierKey, origin: origin)
                (priorNote, priorRoot) = (prior.note, try prior.checkpoint.root)
            }
            if latest.size == size {
                guard priorRoot == root else {
                    throw LedgerError(.inconsistent, "the stored checkpoint for size \(size) has root \(priorRoot.hex) but the tree now has \(root.hex); refusing to sign")
                }
                return priorNote
            }
            guard latest.size < size else {
                throw LedgerError(.inconsistent, "a checkpoint for size \(latest.size) exists but the ledger has only \(size) records; refusing to sign")
            }
            if let start, start.size == latest.size {
                guard start.root == priorRoot else {
                    throw LedgerError(.inconsistent, "the stored checkpoint for size \(latest.size) has root \(priorRoot.hex) but the stored tree has \(start.root.hex); refusing to sign")
                }
            } else {
                let proof = try ConsistencyProof.generate(from: latest.size, to: size, source: tx.reader)
                do {
                    try proof.verify(oldRoot: priorRoot, newRoot: root)
                } catch {
                    throw LedgerError(.inconsistent, "the tree is not consistent with the checkpoint for size \(latest.size): \(error); refusing to sign")
                }
            }
        }
        let indexRoot = try withSubjectIndex(at: size, reader: tx.reader, state: &st) { $0.root() }
        let cp = Checkpoint(origin: origin, size: size, rootHash: root, chainHead: tx.chainHead, subjectIndex: indexRoot)
        let note = try SignedNote.sign(text: cp.text, keys: [key])
        let stored = Array(note.serialized.utf8)
        try tx.addCheckpoint(size: size, note: stored, now: now ?? clock())
        // Remembered before the commit: should it fail, the stored latest checkpoint differs
        // and the cache is simply not used.
        st.lastSigned = (size, stored, note, root)
        return note
    }

    /// The latest stored checkpoint note, if any.
    public func latestCheckpoint() throws -> SignedNote? {
        guard let cp = try mapStoreErrors({ try store.latestCheckpoint() }) else { return nil }
        return try SignedNote(parsing: cp.note)
    }

    /// The stored checkpoint note for exactly `size`, if any.
    public func checkpoint(size: UInt64) throws -> SignedNote? {
        guard let cp = try mapStoreErrors({ try store.checkpoint(size: size) }) else { return nil }
        return try SignedNote(parsing: cp.note)
    }
}
