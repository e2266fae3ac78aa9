import AssayModel

/// Which `PassportData` entries count as evidence for the passport of the identifier they are
/// about (FORMAT.md §10, passport data): the static Battery Pass parts and the ESPR product
/// passport only from a manufacturer or authorised representative whose scopes, or a delegation
/// to its party for `PassportData`, cover the subject; a battery's condition from the party that
/// measured it (manufacturer, repairer, second-life operator, recycler), its status from the
/// party that changed it (repairer, second-life operator, recycler, manufacturer); never an entry
/// dated more than the policy's tolerance after it was recorded.
enum PassportEvidence {
    /// Nil when `e` (a PassportData entry) counts as evidence, else why not.
    static func exclusion(of e: CheckedEntry, _ d: PassportData, registry: Registry, maxEventTimeSkewMillis: Int64) -> String? {
        let what = "entry \(e.seq) (PassportData \(d.aspect.rawValue) by \(e.signer.legalName), \(e.signer.reference))"
        if e.statement.eventTime.epochMillis > e.appendedAtMillis &+ maxEventTimeSkewMillis {
            return "\(what) is dated \(e.statement.eventTime.text), more than \(maxEventTimeSkewMillis / 3_600_000) hours after it was recorded (\(Timestamp(epochMillis: e.appendedAtMillis).text)): not evidence"
        }
        let allowed = d.aspect.writerRoles
        guard !e.signer.roles.isDisjoint(with: allowed) else {
            return "\(what) is not evidence for \(d.canonicalSubjectId): \(d.aspect.rawValue) is written by \(allowed.sorted().map(\.rawValue).joined(separator: ", "))"
        }
        guard d.aspect.isStatic else { return nil }
        guard registry.authority(of: e.signer, kind: .passportData, over: d.canonicalSubjectId, seq: e.seq, appendedAtMillis: e.appendedAtMillis) != nil else {
            return "\(what) is not evidence for \(d.canonicalSubjectId): its signer holds no scope or delegation covering it"
        }
        return nil
    }
}
