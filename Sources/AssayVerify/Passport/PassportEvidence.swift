import AssayModel

/// Which `PassportData` entries count as evidence for the passport of the identifier they are
/// about (FORMAT.md §10, passport data). Who may write which aspect about what is a registry
/// rule (`Registry.passportRefusal`), checked when the entry is admitted — at append and for
/// every entry of a bundle — so an admitted entry already has it; judged again here by that same
/// rule, never a looser one. On top of it, as for every kind, an entry dated more than the
/// policy's tolerance after it was recorded is not evidence.
enum PassportEvidence {
    /// Nil when `e` (a PassportData entry) counts as evidence, else why not.
    static func exclusion(of e: CheckedEntry, _ d: PassportData, registry: Registry, maxEventTimeSkewMillis: Int64) -> String? {
        let what = "entry \(e.seq) (PassportData \(d.aspect.rawValue) by \(e.signer.legalName), \(e.signer.reference))"
        if e.statement.eventTime.epochMillis > e.appendedAtMillis &+ maxEventTimeSkewMillis {
            return "\(what) is dated \(e.statement.eventTime.text), more than \(maxEventTimeSkewMillis / 3_600_000) hours after it was recorded (\(Timestamp(epochMillis: e.appendedAtMillis).text)): not evidence"
        }
        if let why = registry.passportRefusal(d, signer: e.signer, seq: e.seq, appendedAtMillis: e.appendedAtMillis) {
            return "\(what) is not evidence for \(d.canonicalSubjectId): \(why)"
        }
        return nil
    }
}
