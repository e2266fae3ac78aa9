import AssayCrypto
public import AssayLog
import AssayStore
import AssayVerify

extension Ledger {
    /// Stores the witness cosignatures a signed note carries beside the stored checkpoint they
    /// cosign. The note's text must equal a stored checkpoint's text byte for byte and the
    /// operator's signature on it must verify; each other line that is a C2SP cosignature/v1
    /// line is stored once per witness (name and key id): a witness already stored for that
    /// checkpoint is skipped, never stored twice. The witness signatures themselves are checked
    /// by whoever trusts the witness keys (`verify --bundle --witness-key`).
    /// - Parameters:
    ///   - note: the cosigned checkpoint note, as a witness returned it.
    ///   - now: the time to record, milliseconds since the epoch (default: the clock).
    /// - Returns: how many cosignature lines were new.
    /// - Throws: `LedgerError.rejected` (one line; nothing stored) for a note that does not
    ///   parse, is not this log's checkpoint, has no stored checkpoint with the same text, lacks
    ///   a valid operator signature, or carries no cosignature line.
    @discardableResult
    public func addCosignatures(note bytes: [UInt8], now: Int64? = nil) throws -> Int {
        let note: SignedNote
        do { note = try SignedNote(parsing: bytes) } catch {
            throw LedgerError(.rejected, "not a signed checkpoint note: \(error.message)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: note.text, extensions: .assayLedger) } catch {
            throw LedgerError(.rejected, "not an Assay checkpoint: \(error.message)")
        }
        return try state.withLock { st -> Int in
            try refreshRegistry(&st)
            guard let op = st.registry.operatorKey, let origin = st.registry.origin else {
                throw LedgerError(.corrupt, "the ledger has no genesis entry")
            }
            guard checkpoint.origin == origin else {
                throw LedgerError(.rejected, "the checkpoint is for origin \(CosignatureCheck.printable(checkpoint.origin)), not this ledger's \(origin)")
            }
            do { _ = try note.open(verifiers: [op.verifierKey]) } catch {
                throw LedgerError(.rejected, "the operator's signature on the checkpoint does not verify: \((error as? LogError)?.message ?? "\(error)")")
            }
            let operatorLine = { (l: SignedNote.Line) in l.name == op.verifierKey.name && l.keyID == op.verifierKey.keyID }
            let lines = note.signatures.filter { !operatorLine($0) && Cosignature.timestamp(of: $0) != nil }
            guard !lines.isEmpty else {
                throw LedgerError(.rejected, "the note carries no witness cosignature line (C2SP cosignature/v1)")
            }
            let time = now ?? st.clock()
            return try mapStoreErrors {
                try store.write { tx -> Int in
                    guard let stored = try tx.reader.checkpoint(size: checkpoint.size) else {
                        throw LedgerError(.rejected, "no checkpoint is stored for size \(checkpoint.size); cosignatures are stored only beside a stored checkpoint")
                    }
                    guard let storedNote = try? SignedNote(parsing: stored.note), storedNote.text == note.text else {
                        throw LedgerError(.rejected, "the note's checkpoint text differs from the checkpoint stored for size \(checkpoint.size)")
                    }
                    var seen = Set(try tx.reader.cosignatures(size: checkpoint.size).map { "\($0.witness)+\($0.keyID)" })
                    var added = 0
                    for line in lines where seen.insert(line.keyReference.description).inserted {
                        try tx.addCosignature(StoredCosignature(size: Int64(checkpoint.size), witness: line.name, keyID: line.keyID.hex,
                                                                body: Array(note.text.utf8), line: String(line.text.dropLast()),
                                                                createdAtMillis: time))
                        added += 1
                    }
                    return added
                }
            }
        }
    }

    /// The stored checkpoint with the most stored cosignatures (ties: the largest size), as a
    /// note carrying the operator's signature and then every stored cosignature line for it
    /// (ordered by witness name, then key id); nil when no checkpoint is stored.
    public func bestWitnessedCheckpoint() throws -> SignedNote? {
        let (checkpoints, rows) = try mapStoreErrors {
            try store.read { (try store.checkpoints(), try store.cosignatureRows()) }
        }
        var counts: [Int64: Int] = [:]
        for r in rows { counts[r.size, default: 0] += 1 }
        // A checkpoint that commits to the subject index first: a bundle needs one.
        let indexed = Dictionary(uniqueKeysWithValues: checkpoints.map { c in
            (c.size, ((try? SignedNote(parsing: c.note)).flatMap { try? Checkpoint(parsing: $0.text) }?.subjectIndex) != nil)
        })
        guard let best = checkpoints.max(by: { a, b in
            let ia = indexed[a.size] ?? false, ib = indexed[b.size] ?? false
            let ca = counts[Int64(a.size)] ?? 0, cb = counts[Int64(b.size)] ?? 0
            return ia != ib ? !ia : ca != cb ? ca < cb : a.size < b.size
        }) else { return nil }
        let note = try SignedNote(parsing: best.note)
        let cosignatures = rows.filter { $0.size == Int64(best.size) && $0.body == Array(note.text.utf8) }.compactMap { CosignatureCheck.line($0.line) }
        return SignedNote(text: note.text, signatures: note.signatures + cosignatures)
    }
}
