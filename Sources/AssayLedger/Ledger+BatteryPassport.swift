public import AssayVerify
import AssayLog
import AssayModel

extension Ledger {
    /// Exports `product`'s Battery Pass (FORMAT.md, battery passport export): exports its bundle
    /// (`exportBundle(product:)`), verifies that bundle exactly as an offline auditor would —
    /// pinned to this ledger's operator key and origin, under the ledger's own write policy, on
    /// the clock's date — and assembles the passport from the evidence the verifier found
    /// (`BatteryPassport(verified:)`). A ledger whose bundle does not verify exports nothing.
    /// - Throws: `LedgerError` when no bundle can be exported; `PassportExportError.notVerified`
    ///   when the bundle's integrity does not hold.
    public func exportBatteryPassport(product: String) throws -> BatteryPassport {
        let bundle = try exportBundle(product: product)
        let registry = try currentRegistry()
        guard let ref = registry.operatorReference, let op = registry.keys[ref], let origin = registry.origin else {
            throw LedgerError(.corrupt, "the ledger has no genesis entry naming its operator; run assay verify")
        }
        let today = try CalendarDate(parsing: String(Timestamp(epochMillis: clock()).text.prefix(10)))
        var policy = AuditPolicy.default
        policy.writePolicy = self.policy
        let report = BundleVerifier(logKey: op.verifierKey, origin: origin, product: product, policy: policy, auditDate: today).verify(bundle)
        return try BatteryPassport(verified: report)
    }
}
