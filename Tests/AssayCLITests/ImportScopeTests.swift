import AssayTestSupport
import Foundation
import Testing

/// Issue 12 §3: `assay import epcis` signs EPCIS events only. A partner's document that slips
/// Assay's own kinds into its eventList (a lifecycle commitment, a revocation of the importer's
/// own key, a party registration) is refused whole, naming the index, and nothing is appended;
/// and the ledger operator's key may not import at all.
@Suite("import epcis signs EPCIS events only")
struct ImportScopeTests {
    /// A ComponentOrigin ObjectEvent the base workspace's supplier may sign (its party id is the
    /// template's `assay:supplier`), as a JSON object, and the document's `@context`.
    static func originEvent() throws -> (event: [String: Any], context: Any) {
        let r = try assay("statement", "new", "ComponentOrigin")
        guard r.exitCode == 0, var event = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any],
              let context = event.removeValue(forKey: "@context") else {
            throw CLIHarnessError("statement new ComponentOrigin failed:\n\(r)")
        }
        return (event, context)
    }

    /// An EPCIS 2.0 document holding `events`, in order.
    static func document(_ events: [Any], context: Any) throws -> String {
        let doc: [String: Any] = [
            "@context": context, "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-20T10:00:00+01:00",
            "epcisBody": ["eventList": events],
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
    }

    static func object(_ json: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(json.utf8)) }

    /// The attack objects: Assay's own kinds a partner's document must not get signed.
    static func hostileObjects(_ ws: Workspace) throws -> [(name: String, json: String)] {
        let commitment = try assay("statement", "new", "LifecycleCommitment").stdout
        let template = try assay("statement", "new", "GenericEvent").stdout
        return [
            ("a shortened lifecycle commitment", commitment),
            ("a revocation of the importer's own key", Statements.revocation(of: ws.ref(.supplier))),
            ("a registration of an attacker's key", Statements.registration(publicKey: ws.vkey(.stranger))),
            ("a generic event", template),
            ("a genesis", try assay("statement", "new", "LedgerGenesis").stdout),
        ]
    }

    @Test("a document with a commitment, a revocation, a registration, a generic event or a genesis is refused whole, naming the index")
    func assayKindsRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (event, context) = try Self.originEvent()
        for (i, hostile) in try Self.hostileObjects(ws).enumerated() {
            let object = try Self.object(hostile.json)
            let type = (object as? [String: Any])?["type"] as? String ?? "?"
            // The hostile object sits between two honest events, at index 1.
            let doc = try ws.write("hostile-\(i).json", try Self.document([event, object, event], context: context))
            let before = try LedgerSnapshot.take(ws.ledger)
            let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
            expectRefusal(r, mentioning: ["eventList[1]: type \"\(type)\" is not an EPCIS event; import signs EPCIS events only"])
            #expect(try LedgerSnapshot.take(ws.ledger) == before, "\(hostile.name): the ledger changed")
        }
        // The importer's key is still valid: the same document without the hostile object imports.
        let clean = try ws.write("clean.json", try Self.document([event], context: context))
        expectSuccess(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), clean))
        #expect(try ws.entryCount() == 9)
    }

    @Test("the revocation attack with the importer's own key: refused, and the key still signs afterwards")
    func selfRevocationRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (event, context) = try Self.originEvent()
        let revocation = try Self.object(Statements.revocation(of: ws.ref(.supplier)))
        // The attack is real: signed by the supplier's key, this revocation is accepted by a ledger (a copy here).
        let copy = ws.file("copy.assay")
        try FileManager.default.copyItem(atPath: ws.ledger, toPath: copy)
        let signed = try ws.sign(Statements.revocation(of: ws.ref(.supplier)), by: .supplier, as: "self-revocation.dsse.json")
        expectSuccess(try assay("append", "--ledger", copy, signed))
        let doc = try ws.write("revoke.json", try Self.document([event, event, event, revocation], context: context))
        let before = try LedgerSnapshot.take(ws.ledger)
        expectRefusal(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc),
                      mentioning: ["eventList[3]: type \"KeyRevocation\" is not an EPCIS event"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        // In the real ledger the supplier's key still signs.
        try ws.appendEvents(1, from: 51)
        #expect(try ws.entryCount() == 9)
    }

    @Test("objects that are not events at all, or have no type, are refused naming the index")
    func nonObjectsRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (event, context) = try Self.originEvent()
        for (bad, fragment) in [("[1]", "not a JSON object"), ("{\"eventTime\":\"2026-11-20T10:00:00+01:00\"}", "no string \"type\"")] {
            let doc = try ws.write("bad.json", try Self.document([event, event, try Self.object(bad)], context: context))
            let before = try LedgerSnapshot.take(ws.ledger)
            expectRefusal(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc),
                          mentioning: ["eventList[2]: ", fragment])
            #expect(try LedgerSnapshot.take(ws.ledger) == before)
        }
    }

    @Test("the ledger operator's key may not import, even a document of honest EPCIS events")
    func operatorKeyRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (event, context) = try Self.originEvent()
        let doc = try ws.write("events.json", try Self.document([event, event], context: context))
        let before = try LedgerSnapshot.take(ws.ledger)
        expectRefusal(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.operator), doc),
                      mentioning: ["operator's key", "genesis, registrations, revocations and checkpoints"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        // And the registration attack with the operator key: refused for its type before the key matters.
        let registration = try Self.object(Statements.registration(publicKey: ws.vkey(.stranger)))
        let reg = try ws.write("register.json", try Self.document([event, registration], context: context))
        expectRefusal(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.operator), reg),
                      mentioning: ["eventList[1]: type \"PartyRegistration\" is not an EPCIS event"])
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        #expect(!(try assay("log", "--ledger", ws.ledger)).stdout.contains(Actor.stranger.keyName))
    }
}
