public import AssayLog
import AssayStore

extension Ledger {
    /// The latest stored checkpoint as a note carrying the operator's signature and then every
    /// witness cosignature stored for it (ordered by witness name, then key id); nil when no
    /// checkpoint is stored. What a log serves at `/checkpoint`.
    public func latestCosignedCheckpoint() throws -> SignedNote? {
        let (latest, rows) = try mapStoreErrors {
            try store.read { () -> (StoredCheckpoint?, [StoredCosignature]) in
                guard let cp = try store.latestCheckpoint() else { return (nil, []) }
                return (cp, try store.cosignatures(size: cp.size))
            }
        }
        guard let latest else { return nil }
        let note = try SignedNote(parsing: latest.note)
        let text = Array(note.text.utf8)
        let lines = rows.filter { $0.body == text }.compactMap { CosignatureCheck.line($0.line) }
        return SignedNote(text: note.text, signatures: note.signatures + lines)
    }
}
