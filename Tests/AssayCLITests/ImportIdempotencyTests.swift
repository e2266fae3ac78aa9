import AssayTestSupport
import Foundation
import Testing

/// Issue 15: `assay import epcis` never appends an event twice. An event whose eventID or CBV 2.0
/// hash ID the ledger holds is reported as already present with its seq; an eventID that names
/// a different event refuses the whole import and changes nothing.
@Suite("import epcis: idempotent, conflicting eventIDs refused")
struct ImportIdempotencyTests {
    static func events() throws -> (a: [String: Any], b: [String: Any], context: Any) {
        var (a, context) = try ImportScopeTests.originEvent()
        var b = a
        a["eventID"] = "urn:uuid:6f1c1a2e-0000-4000-8000-000000000001"
        a["eventTime"] = "2026-01-01T10:00:00.000+01:00"
        b["eventID"] = "urn:uuid:6f1c1a2e-0000-4000-8000-000000000002"
        b["eventTime"] = "2026-01-02T10:00:00.000+01:00"
        return (a, b, context)
    }

    @Test("the same document imported twice appends nothing the second time and reports each event already present with its seq")
    func idempotent() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (a, b, context) = try Self.events()
        let doc = try ws.write("doc.json", try ImportScopeTests.document([a, b], context: context))
        let first = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", doc)
        #expect(first.exitCode == 0, "\(first)")
        let lines = first.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.last == #"{"appended":2,"alreadyPresent":0,"refused":0}"#)
        let seqs = try lines.prefix(2).map { line -> Int in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(o["status"] as? String == "appended")
            return try #require(o["seq"] as? Int)
        }
        let before = try LedgerSnapshot.take(ws.ledger)
        let again = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", doc)
        #expect(again.exitCode == 0, "\(again)")
        let second = again.stdout.split(separator: "\n").map(String.init)
        #expect(second.last == #"{"appended":0,"alreadyPresent":2,"refused":0}"#)
        for (i, line) in second.prefix(2).enumerated() {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(o["status"] as? String == "present")
            #expect(o["seq"] as? Int == seqs[i])
            #expect(o["matchedBy"] as? String == "eventID")
            #expect((o["hashID"] as? String)?.hasPrefix("ni:///sha-256;") == true)
        }
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "the second import changed the ledger")
        // Text form.
        let text = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        #expect(text.exitCode == 0)
        #expect(text.stdout.contains("0 appended, 2 already present, 0 refused"), "\(text)")
        #expect(text.stdout.contains("already present as seq \(seqs[0])"), "\(text)")
        // Without eventIDs, the same events are found by their hash ID.
        var a2 = a, b2 = b
        a2.removeValue(forKey: "eventID")
        b2.removeValue(forKey: "eventID")
        let bare = try ws.write("bare.json", try ImportScopeTests.document([b2, a2], context: context))
        let byHash = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), bare)
        #expect(byHash.exitCode == 0, "\(byHash)")
        #expect(byHash.stdout.contains("0 appended, 2 already present, 0 refused"), "\(byHash)")
        #expect(byHash.stdout.contains("(same hash ID)"), "\(byHash)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
    }

    @Test("an eventID already naming a different event is refused, naming it and the stored seq; nothing is appended")
    func conflictRefused() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (a, b, context) = try Self.events()
        let doc = try ws.write("doc.json", try ImportScopeTests.document([a], context: context))
        let first = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", doc)
        #expect(first.exitCode == 0, "\(first)")
        let seq = try #require((try JSONSerialization.jsonObject(with: Data(first.stdout.split(separator: "\n")[0].utf8)) as? [String: Any])?["seq"] as? Int)
        var changed = a
        changed["eventTime"] = "2026-01-03T10:00:00.000+01:00"
        // A new event first, then the conflicting one: the new one must not be appended either.
        let bad = try ws.write("bad.json", try ImportScopeTests.document([b, changed], context: context))
        let before = try LedgerSnapshot.take(ws.ledger)
        let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), bad)
        #expect(r.exitCode != 0, "\(r)")
        #expect(r.stdout.contains("event 2: refused: eventID urn:uuid:6f1c1a2e-0000-4000-8000-000000000001 already names a different event (seq \(seq))"), "\(r)")
        #expect(r.stderr.contains("nothing was appended"), "\(r)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "a refused import changed the ledger")
        let j = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", bad)
        #expect(j.stdout.contains(#""status":"refused""#) && j.stdout.contains(#""existingSeq":\#(seq)"#), "\(j)")
        #expect(j.stdout.contains(#"{"appended":0,"alreadyPresent":0,"refused":1}"#), "\(j)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        // Within one document too.
        let inDoc = try ws.write("indoc.json", try ImportScopeTests.document([b, { var x = b; x["eventTime"] = "2026-01-04T10:00:00.000+01:00"; return x }()], context: context))
        let r2 = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), inDoc)
        #expect(r2.exitCode != 0 && r2.stdout.contains("(event 1 of this document)"), "\(r2)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
    }
}
