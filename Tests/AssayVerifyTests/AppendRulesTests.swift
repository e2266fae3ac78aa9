import AssayCrypto
import AssayLedger
import AssayModel
import AssayTestSupport
@testable import AssayVerify
import Foundation
import Testing

@Suite("Append rules")
struct AppendRulesTests {
    typealias F = Fixtures

    /// Appends `bytes` and expects a rejection whose message contains `fragment`; the ledger must not change.
    func expectRejected(_ bytes: [UInt8], _ fragment: String, events: Int = 1, setup: (Ledger) throws -> Void = { _ in }) throws {
        let ledger = try F.ledger(at: ":memory:", events: events)
        try setup(ledger)
        let before = try ledger.size()
        let head = try ledger.record(at: before - 1).chainHash
        do {
            try ledger.append([.init(label: "item", bytes: bytes)])
            Issue.record("expected a rejection containing \"\(fragment)\"")
        } catch let e as LedgerError {
            #expect(e.code == .rejected)
            #expect(e.message.contains(fragment), "message was: \(e.message)")
            #expect(e.message.hasPrefix("item:"), "message names the item: \(e.message)")
            #expect(!e.message.contains("\n"))
        }
        #expect(try ledger.size() == before)
        #expect(try ledger.record(at: before - 1).chainHash == head)
        #expect(try ledger.verify().ok)
    }

    @Test("accepts a registered supplier's event and records kind and signer")
    func accepts() throws {
        let ledger = try F.ledger(at: ":memory:")
        let r = try ledger.append([.init(label: "e", bytes: F.envelope(F.event(1), by: F.supplierKey))])
        #expect(r[0].seq == 3)
        #expect(r[0].kind == "GenericEvent")
        #expect(r[0].signer == "supplier.example+\(F.supplierKey.keyID.hex)")
        #expect(try ledger.verify().ok)
    }

    @Test("rejects malformed JSON") func malformed() throws {
        try expectRejected(Array("{\"payloadType\":".utf8), "not valid JSON")
    }

    @Test("rejects a bad signature") func badSignature() throws {
        var env = Envelope.sign(payload: Array(F.event(1).utf8), with: F.supplierKey)
        var sig = env.signatures[0].signature
        sig[10] ^= 0x01
        env = Envelope(payloadType: env.payloadType, payload: env.payload, signatures: [.init(keyID: env.signatures[0].keyID, signature: sig)])
        try expectRejected(env.canonicalJSON, "does not verify")
    }

    @Test("rejects a payload changed after signing") func changedPayload() throws {
        let env = Envelope.sign(payload: Array(F.event(1).utf8), with: F.supplierKey)
        let changed = Envelope(payloadType: env.payloadType, payload: Array(F.event(2).utf8), signatures: env.signatures)
        try expectRejected(changed.canonicalJSON, "does not verify")
    }

    @Test("rejects an unknown signer") func unknownSigner() throws {
        try expectRejected(F.envelope(F.event(1), by: F.strangerKey), "is not a registered key")
    }

    @Test("rejects a revoked signer") func revokedSigner() throws {
        try expectRejected(F.envelope(F.event(1), by: F.supplierKey), "was revoked at seq") { l in
            try l.append([.init(label: "rev", bytes: F.revocation(of: F.supplierKey))])
        }
    }

    @Test("rejects a signer whose role may not write the kind") func wrongRole() throws {
        try expectRejected(F.registration(of: F.strangerKey, roles: [.supplier], by: F.supplierKey), "may not write PartyRegistration")
    }

    @Test("rejects an envelope over the size limit before parsing") func oversize() throws {
        let big = [UInt8](repeating: 0x20, count: EntryChecker.maxEnvelopeBytes + 1)
        try expectRejected(big, "over the limit")
    }

    @Test("rejects a statement that breaks its schema, naming the field") func badStatement() throws {
        let json = F.event(1).replacingOccurrences(of: "\"eventTime\":\"2026-11-20T10:00:00+01:00\"", with: "\"eventTime\":\"yesterday\"")
        try expectRejected(F.envelope(json, by: F.supplierKey), "eventTime")
        try expectRejected(F.envelope("{\"type\":\"Teleport\"}", by: F.supplierKey), "unknown statement type")
        let extra = F.event(1).replacingOccurrences(of: "{\"type\"", with: "{\"colour\":\"red\",\"type\"")
        try expectRejected(F.envelope(extra, by: F.supplierKey), "colour")
    }

    @Test("rejects a second genesis") func secondGenesis() throws {
        let g = LedgerGenesis(origin: "other", operatorKey: F.operatorKey.verifierKey.description, eventTime: Timestamp(epochMillis: F.time()))
        try expectRejected(F.envelope(g.json, by: F.operatorKey), "genesis entry may only be the first")
    }

    @Test("rejects registering a key twice") func duplicateRegistration() throws {
        // Not the identical envelope (that one is already present: appending it returns the
        // existing entry); a second registration of the same key.
        try expectRejected(F.registration(of: F.supplierKey, roles: [.supplier, .manufacturer]), "already registered")
    }

    @Test("rejects revoking another party's key, and the operator key") func revocationRules() throws {
        try expectRejected(F.revocation(of: F.manufacturerKey, by: F.supplierKey), "may not revoke another party's key")
        try expectRejected(F.revocation(of: F.operatorKey), "operator key cannot be revoked")
    }

    @Test("lets a party revoke its own key") func selfRevocation() throws {
        let ledger = try F.ledger(at: ":memory:")
        try ledger.append([.init(label: "rev", bytes: F.revocation(of: F.supplierKey, by: F.supplierKey))])
        #expect(try ledger.verify().ok)
    }

    @Test("rejects two signatures and a foreign payload type") func envelopeShape() throws {
        let one = Envelope.sign(payload: Array(F.event(1).utf8), with: F.supplierKey)
        let two = Envelope(payloadType: one.payloadType, payload: one.payload, signatures: one.signatures + one.signatures)
        try expectRejected(two.canonicalJSON, "exactly one signature")
        let other = Envelope.sign(payload: Array(F.event(1).utf8), payloadType: "application/vnd.in-toto+json", with: F.supplierKey)
        try expectRejected(other.canonicalJSON, "payloadType")
    }

    @Test("a batch with one bad item appends nothing and names that item")
    func batchAtomic() throws {
        let ledger = try F.ledger(at: ":memory:")
        let before = try ledger.size()
        let items: [Ledger.AppendItem] = [
            .init(label: "line 1", bytes: F.envelope(F.event(1), by: F.supplierKey)),
            .init(label: "line 2", bytes: F.envelope(F.event(2), by: F.supplierKey)),
            .init(label: "line 3", bytes: F.envelope(F.event(3), by: F.strangerKey)),
            .init(label: "line 4", bytes: F.envelope(F.event(4), by: F.supplierKey)),
        ]
        #expect { try ledger.append(items) } throws: { e in
            (e as? LedgerError)?.message.hasPrefix("line 3:") == true
        }
        #expect(try ledger.size() == before)
    }

    @Test("a registration and its first use in one batch are accepted in order")
    func registrationThenUseInBatch() throws {
        let ledger = try F.ledger(at: ":memory:")
        try ledger.append([
            .init(label: "reg", bytes: F.registration(of: F.strangerKey, roles: [.recycler])),
            .init(label: "use", bytes: F.envelope(F.event(9), by: F.strangerKey)),
        ])
        #expect(try ledger.verify().ok)
        // The reverse order is refused.
        let key = F.key("late.example", seed: 9)
        #expect(throws: LedgerError.self) {
            try ledger.append([
                .init(label: "use", bytes: F.envelope(F.event(10), by: key)),
                .init(label: "reg", bytes: F.registration(of: key, roles: [.recycler])),
            ])
        }
    }

    @Test("a signature checked ahead stands only for the key authorisation resolves")
    func readAheadCheckNeedsTheSameKey() throws {
        let signer = F.supplierKey
        let env = Envelope.sign(payload: Array(F.event(1).utf8), with: signer)
        let ref = env.signatures[0].keyID
        // Checked ahead against the real key: valid, and reused when authorisation agrees.
        let ahead = try #require(EntryChecker.SignatureCheck(env, keys: [ref: signer.key.publicKey]))
        #expect(ahead.valid)
        let registered = RegisteredKey(reference: ref, verifierKey: signer.verifierKey, partyId: "p", legalName: "n",
                                       roles: [.supplier], registeredAt: 1, validFrom: nil, validUntil: nil)
        #expect(EntryChecker.signatureValid(env, by: registered, precheck: ahead))
        // The same reference resolving to another public key: the earlier verdict is not reused.
        let other = F.key(signer.name, seed: 77)
        let impostor = RegisteredKey(reference: ref, verifierKey: other.verifierKey, partyId: "p", legalName: "n",
                                     roles: [.supplier], registeredAt: 1, validFrom: nil, validUntil: nil)
        #expect(!EntryChecker.signatureValid(env, by: impostor, precheck: ahead))
        // A forged "valid" verdict made against another key is not trusted either.
        let forgedAhead = try #require(EntryChecker.SignatureCheck(env, keys: [ref: other.key.publicKey]))
        #expect(!forgedAhead.valid)
        #expect(EntryChecker.signatureValid(env, by: registered, precheck: forgedAhead))
        // Unknown reference: nothing is checked ahead.
        #expect(EntryChecker.SignatureCheck(env, keys: [:]) == nil)
    }

    @Test("a key revoked earlier in the same batch cannot sign later in it, though its signatures were checked ahead")
    func revokedInBatch() throws {
        let ledger = try F.ledger(at: ":memory:")
        let before = try ledger.size()
        #expect { try ledger.append([
            .init(label: "ok", bytes: F.envelope(F.event(1), by: F.supplierKey)),
            .init(label: "revoke", bytes: F.revocation(of: F.supplierKey)),
            .init(label: "late", bytes: F.envelope(F.event(2), by: F.supplierKey)),
        ]) } throws: { e in
            guard let e = e as? LedgerError else { return false }
            return e.message.hasPrefix("late:") && e.message.contains("revoked")
        }
        #expect(try ledger.size() == before)
        #expect(try ledger.verify().ok)
    }

    @Test("batches longer than one pipeline chunk keep order and report the first bad item")
    func longBatch() throws {
        let ledger = try F.ledger(at: ":memory:")
        let before = try ledger.size()
        var items = (0..<700).map { Ledger.AppendItem(label: "e\($0)", bytes: F.envelope(F.event(100 + $0), by: F.supplierKey)) }
        var env = Envelope.sign(payload: Array(F.event(5000).utf8), with: F.supplierKey)
        var sig = env.signatures[0].signature
        sig[3] ^= 0x80
        env = Envelope(payloadType: env.payloadType, payload: env.payload, signatures: [.init(keyID: env.signatures[0].keyID, signature: sig)])
        items[450] = .init(label: "bad", bytes: env.canonicalJSON)
        items[600] = .init(label: "junk", bytes: Array("{".utf8))
        #expect { try ledger.append(items) } throws: { e in
            (e as? LedgerError)?.message.hasPrefix("bad: signature by") == true
        }
        #expect(try ledger.size() == before)
        items.remove(at: 600)
        items.remove(at: 450)
        let stored = try ledger.append(items)
        #expect(stored.map(\.seq) == Array(before..<(before + UInt64(items.count))))
        #expect(zip(stored, items).allSatisfy { $0.envelope == $1.bytes })
        #expect(try ledger.verify(batchSize: 64).ok)
    }
}
