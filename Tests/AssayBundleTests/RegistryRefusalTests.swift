import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

/// The refusals the registry and the bundle binding added for sound verdicts, each with its
/// message, and the ledger or bundle left as it was.
@Suite("Registry and binding refusals")
struct RegistryRefusalTests {
    /// Appends `statement` signed by `key` to the thermostat ledger and expects a refusal naming `fragment`.
    static func expectRefused(_ statement: String, by key: NamedSigningKey, _ fragment: String, built: TF.Built) throws {
        let size = try built.ledger.size()
        do {
            try built.append(statement, by: key, at: "2029-10-02T08:00:00Z")
            Issue.record("accepted; expected \"\(fragment)\"")
        } catch let e as LedgerError {
            #expect(e.message.contains(fragment), "\(e.message)")
        }
        #expect(try built.ledger.size() == size)
    }

    @Test("a party cannot delegate to itself")
    func selfDelegation() throws {
        let built = try TF().build()
        let d = AuthorityDelegation(delegate: TF.acme.partyId, scopes: [try IdentifierScope(parsing: TF.model)], kinds: [.productAssembly],
                                    eventTime: try Timestamp(parsing: "2029-10-02T10:00:00+02:00"))
        try Self.expectRefused(d.json, by: TF.manufacturerKey, "cannot delegate to itself", built: built)
    }

    @Test("a role that may not delegate (recycler) is refused, whatever it holds")
    func delegationByRole() throws {
        let built = try TF().build()
        let d = AuthorityDelegation(delegate: TF.chips.partyId, scopes: [try IdentifierScope(parsing: "gs1:4056789")], kinds: [.componentOrigin],
                                    eventTime: try Timestamp(parsing: "2029-10-02T10:00:00+02:00"))
        try Self.expectRefused(d.json, by: TF.recyclerKey, "may not write AuthorityDelegation", built: built)
    }

    @Test("a second superseded revocation of a revoked key is refused; only a compromise revocation may follow")
    func secondRevocation() throws {
        let built = try TF().build()
        let r = KeyRevocation(revokedKey: TF.reference(TF.boardsKey), reason: .superseded, effectiveTime: try Timestamp(parsing: "2029-10-01T00:00:00Z"),
                              eventTime: try Timestamp(parsing: "2029-10-01T10:00:00+02:00"))
        try built.append(r.json, by: TF.operatorKey, at: "2029-10-01T08:00:00Z")
        let again = KeyRevocation(revokedKey: TF.reference(TF.boardsKey), reason: .partyExit, effectiveTime: try Timestamp(parsing: "2029-10-02T00:00:00Z"),
                                  eventTime: try Timestamp(parsing: "2029-10-02T10:00:00+02:00"))
        try Self.expectRefused(again.json, by: TF.operatorKey, "only a compromise revocation may follow", built: built)
    }

    @Test("a bundle whose entry 0 is not a genesis, or whose genesis names another origin, fails integrity naming it")
    func genesisBinding() throws {
        var notGenesis = RogueLog()
        notGenesis.append(TF.registration(TF.cells, key: TF.cellsKey, roles: [.supplier]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        let a = TF.verify(try notGenesis.bundle(product: TF.product))
        #expect(a.verdicts == integrityFailed && a.result(.integrity).problems.contains { $0.message.contains("entry 0 is not a ledger genesis") }, "\(a.summary)")

        var other = RogueLog()
        let g = LedgerGenesis(origin: "acme.example/elsewhere", operatorKey: TF.operatorKey.verifierKey.description,
                              eventTime: try Timestamp(parsing: "2026-11-01T08:00:00Z"))
        other.append(g.json, by: TF.operatorKey, at: "2026-11-01T08:00:00Z")
        let b = TF.verify(try other.bundle(product: TF.product))
        #expect(b.verdicts == integrityFailed, "\(b.summary)")
        #expect(b.result(.integrity).problems.contains { $0.message.contains("the genesis names origin \"acme.example/elsewhere\"") }, "\(b.summary)")
    }

    @Test("a policy's event-time tolerance must be a whole number of hours from 0 to 8760", arguments: ["-1", "8761", "1.5", "\"24\""])
    func skewPolicy(value: String) {
        let json = #"{"type":"AuditPolicy","maxEventTimeSkewHours":\#(value)}"#
        #expect(throws: ModelError.self) { try AuditPolicy(json: Array(json.utf8)) }
    }

    @Test("a policy can widen the event-time tolerance: a day-and-a-half-ahead event then counts")
    func skewPolicyApplies() throws {
        var log = RogueLog.withGenesis()
        log.append(TF.registration(TF.recycler, key: TF.recyclerKey, roles: [.recycler]), by: TF.operatorKey, at: "2026-11-01T09:00:00Z")
        log.append(TF.endOfLifeJSONDated("2026-12-02T10:00:00+02:00"), by: TF.recyclerKey, at: "2026-11-30T20:00:00Z")
        let strict = TF.verify(try log.bundle(product: TF.product), auditDate: try CalendarDate(parsing: "2027-01-01"))
        #expect(strict.result(.accountability).problems.contains { $0.message.contains("after it was recorded") }, "\(strict.summary)")
        let wide = try AuditPolicy(json: Array(#"{"type":"AuditPolicy","maxEventTimeSkewHours":48}"#.utf8))
        let lenient = TF.verify(try log.bundle(product: TF.product), policy: wide, auditDate: try CalendarDate(parsing: "2027-01-01"))
        // Both judged: the hand-built bundle is complete and sound (else the check below would hold vacuously).
        #expect(strict.result(.integrity).verdict == .satisfied && lenient.result(.integrity).verdict == .satisfied, "\(strict.summary)\n\(lenient.summary)")
        #expect(!lenient.result(.accountability).problems.contains { $0.message.contains("after it was recorded") }, "\(lenient.summary)")
    }
}
