import AssayStorageConformance
import AssayTestSupport
import Foundation
import Testing

/// Issue 15: the EPCIS event index (`event_ids`, FORMAT.md §7 and §14.3) is checked by
/// `verify` like the subject index, filled from the records when a file made before it is
/// opened for writing, decided under the write lock (two importers racing append each event
/// once), and scoped to the signing party (another party's copy never keeps a supplier's own
/// event out; an error declaration is not a repeat of the event it corrects).
@Suite("event index: verified, filled on upgrade, race-free, per party")
struct EventIndexTests {
    /// `count` distinct commissioning events with eventIDs.
    static func events(_ count: Int, from first: Int = 1) throws -> (events: [[String: Any]], context: Any) {
        let (base, context) = try ImportScopeTests.originEvent()
        let events = (first..<(first + count)).map { n -> [String: Any] in
            var e = base
            e["eventID"] = String(format: "urn:uuid:7a2b3c4d-0000-4000-8000-%012d", n)
            e["eventTime"] = String(format: "2026-01-01T10:%02d:%02d.000+01:00", n / 60, n % 60)
            return e
        }
        return (events, context)
    }

    static func rows(_ ledger: String, _ sql: String) throws -> [String] {
        let r = try CLIHarness.sqlite3(ledger, sql)
        guard r.exitCode == 0 else { throw CLIHarnessError("sqlite3 failed: \(r)") }
        return r.stdoutLines
    }

    static func summary(_ r: CLIResult) -> String? { r.stdoutLines.last }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [CLIResult] = []
        func add(_ r: CLIResult) { lock.lock(); items.append(r); lock.unlock() }
        var all: [CLIResult] { lock.lock(); defer { lock.unlock() }; return items }
    }

    @Test("verify recomputes the event index from the records: a deleted, added, moved or altered row fails it, naming the index")
    func verifyChecksTheIndex() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (events, context) = try Self.events(2)
        let doc = try ws.write("doc.json", try ImportScopeTests.document(events, context: context))
        let imported = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        #expect(imported.exitCode == 0, "\(imported)")
        let honest = try assay("verify", "--ledger", ws.ledger)
        #expect(honest.exitCode == 0, "\(honest)")
        // Every EPCIS record has its hash ID row; the two imported ones their eventID too.
        let eventRows = try Self.rows(ws.ledger, "SELECT count(*) FROM event_ids WHERE id LIKE 'urn:uuid:7a2b3c4d-%'")
        #expect(eventRows == ["2"])
        let seq = try #require(try Self.rows(ws.ledger, "SELECT seq FROM event_ids WHERE id = '\(events[0]["eventID"]!)'").first)
        let other = try #require(try Self.rows(ws.ledger, "SELECT seq FROM event_ids WHERE id = '\(events[1]["eventID"]!)'").first)
        let attacks: [(String, String)] = [
            ("deleted row", "DELETE FROM event_ids WHERE id = '\(events[0]["eventID"]!)'"),
            ("added row", "INSERT INTO event_ids(id, seq) VALUES ('urn:uuid:00000000-0000-4000-8000-00000000dead', \(seq))"),
            ("row for no record", "INSERT INTO event_ids(id, seq) VALUES ('urn:uuid:00000000-0000-4000-8000-00000000beef', 9999)"),
            ("moved row", "UPDATE event_ids SET seq = \(other) WHERE id = '\(events[0]["eventID"]!)'"),
            ("altered id", "UPDATE event_ids SET id = 'urn:uuid:00000000-0000-4000-8000-00000000f00d' WHERE id = '\(events[0]["eventID"]!)'"),
            ("text seq", "UPDATE event_ids SET seq = 'x' WHERE id = '\(events[0]["eventID"]!)'"),
        ]
        for (name, sql) in attacks {
            let copy = ws.file("tampered-\(name.replacingOccurrences(of: " ", with: "-")).assay")
            try FileManager.default.copyItem(atPath: ws.ledger, toPath: copy)
            let t = try SQLiteTamperer(path: copy)
            try t.behind([.noUpdate("event_ids"), .noDelete("event_ids")]) { try t.execute(sql, []) }
            let r = try assay("verify", "--ledger", copy)
            #expect(r.exitCode != 0, "\(name): verify passed a tampered event index")
            #expect((r.stdout + r.stderr).contains("the event index"), "\(name): \(r)")
        }
        // The guards themselves: without lifting them the same edits are refused.
        let t = try SQLiteTamperer(path: ws.ledger)
        #expect(throws: (any Error).self) { try t.execute("DELETE FROM event_ids", []) }
        #expect(throws: (any Error).self) { try t.execute("UPDATE event_ids SET seq = 1", []) }
        #expect(try assay("verify", "--ledger", ws.ledger).exitCode == 0)
    }

    @Test("append decides under the write lock: the same event written differently is already present; its eventID on other content is refused naming both seqs")
    func appendPath() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (events, context) = try Self.events(1)
        var event = events[0]
        event["@context"] = context
        // The same event, members in two orders: two different payloads, one event.
        let sorted = try ws.write("a.json", String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]), as: UTF8.self))
        let plain = try ws.write("b.json", String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.prettyPrinted]), as: UTF8.self))
        #expect(try ws.text(sorted) != ws.text(plain))
        let first = try ws.must("append", "--ledger", ws.ledger, try ws.sign(try ws.text(sorted), by: .supplier, as: "a"))
        let seq = try #require(first.stdout.split(separator: " ").dropFirst(2).first.flatMap { Int($0) }, "\(first)")
        let before = try LedgerSnapshot.take(ws.ledger)
        let again = try ws.must("append", "--ledger", ws.ledger, try ws.sign(try ws.text(plain), by: .supplier, as: "b"))
        #expect(again.stdout.hasPrefix("already present at seq \(seq)"), "\(again)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before)
        var changed = event
        changed["eventTime"] = "2026-01-05T10:00:00.000+01:00"
        let other = try ws.write("c.json", String(decoding: try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]), as: UTF8.self))
        let r = try assay("append", "--ledger", ws.ledger, try ws.sign(try ws.text(other), by: .supplier, as: "c"))
        #expect(r.exitCode != 0)
        #expect(r.stderr.contains("already names a different event") && r.stderr.contains("at seq \(seq)"), "\(r)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r)")
        #expect(try LedgerSnapshot.take(ws.ledger) == before, "a refused append changed the ledger")
    }

    @Test("a file made before the event index is filled from its records at the next writable open; until then verify has nothing to compare")
    func filledOnUpgrade() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (events, context) = try Self.events(3)
        let doc = try ws.write("doc.json", try ImportScopeTests.document(events, context: context))
        #expect(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc).exitCode == 0)
        let before = try Self.rows(ws.ledger, "SELECT id || ' ' || seq FROM event_ids ORDER BY seq, id")
        #expect(before.count >= 6)
        // Make it an older file: no table, no triggers.
        let t = try SQLiteTamperer(path: ws.ledger)
        try t.execute("DROP TRIGGER event_ids_append_only_update; DROP TRIGGER event_ids_append_only_delete; DROP TABLE event_ids;", [])
        let readOnly = try assay("verify", "--ledger", ws.ledger)
        #expect(readOnly.exitCode == 0, "\(readOnly)")
        #expect(try Self.rows(ws.ledger, "SELECT count(*) FROM sqlite_master WHERE name = 'event_ids'") == ["0"], "a read-only verify wrote to the file")
        // A writable command adds the table and fills it: the same document is then found.
        let again = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), doc)
        #expect(again.exitCode == 0, "\(again)")
        #expect(again.stdout.contains("0 appended, 3 already present, 0 refused"), "\(again)")
        #expect(try Self.rows(ws.ledger, "SELECT id || ' ' || seq FROM event_ids ORDER BY seq, id") == before)
        let triggers = try Self.rows(ws.ledger, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'event_ids' ORDER BY name")
        #expect(triggers == ["event_ids_append_only_delete", "event_ids_append_only_update"])
        #expect(try assay("verify", "--ledger", ws.ledger).exitCode == 0)
    }

    @Test("two importers started together with the same document append each event exactly once in all; the ledger verifies")
    func racingImporters() throws {
        for round in 0..<2 {
            let ws = try Workspace.base()
            defer { ws.remove() }
            let (events, context) = try Self.events(240, from: 1000 * (round + 1))
            let doc = try ws.write("doc.json", try ImportScopeTests.document(events, context: context))
            let size = try Self.rows(ws.ledger, "SELECT count(*) FROM records")
            let results = Results()
            let key = ws.key(.supplier), ledger = ws.ledger
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                if let r = try? CLIHarness.assay(["import", "epcis", "--ledger", ledger, "--key", key, "--json", doc]) { results.add(r) }
            }
            let all = results.all
            #expect(all.count == 2)
            var appended = 0, present = 0
            for r in all {
                #expect(r.exitCode == 0, "round \(round): \(r)")
                let s = try #require(Self.summary(r))
                let o = try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Int], "round \(round): \(r)")
                appended += o["appended"] ?? -1
                present += o["alreadyPresent"] ?? -1
                #expect(o["refused"] == 0)
            }
            #expect(appended == 240, "round \(round): \(appended) appended in all")
            #expect(present == 240, "round \(round): \(present) reported present in all")
            let total = try #require(size.first.flatMap { Int($0) })
            #expect(try Self.rows(ws.ledger, "SELECT count(*) FROM records") == ["\(total + 240)"])
            let perID = try Self.rows(ws.ledger, "SELECT max(n) FROM (SELECT count(*) AS n FROM event_ids WHERE id LIKE 'urn:uuid:7a2b3c4d-%' GROUP BY id)")
            #expect(perID == ["1"], "round \(round): an eventID is stored twice")
            #expect(try assay("verify", "--ledger", ws.ledger).exitCode == 0)
        }
    }

    @Test("another party's copy of an event does not keep the party's own event out: only the signer's own events count as the same event")
    func scopedToTheParty() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let template = try assay("statement", "new", "SupplyChainEvent")
        var event = try #require(try JSONSerialization.jsonObject(with: Data(template.stdoutBytes)) as? [String: Any])
        let removed = event.removeValue(forKey: "@context")
        let context = try #require(removed)
        event["eventID"] = "urn:uuid:7a2b3c4d-0000-4000-8000-0000000000aa"
        let doc = try ws.write("observe.json", try ImportScopeTests.document([event], context: context))
        // The manufacturer appends a copy first (a squatter, as far as the supplier is concerned).
        let squat = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.manufacturer), "--json", doc)
        #expect(squat.exitCode == 0, "\(squat)")
        #expect(Self.summary(squat) == #"{"appended":1,"alreadyPresent":0,"refused":0}"#)
        let own = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", doc)
        #expect(own.exitCode == 0, "\(own)")
        #expect(Self.summary(own) == #"{"appended":1,"alreadyPresent":0,"refused":0}"#, "the supplier's own event was kept out by another party's copy")
        // Each party's second import finds its own event.
        for actor in [Actor.manufacturer, .supplier] {
            let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(actor), "--json", doc)
            #expect(Self.summary(r) == #"{"appended":0,"alreadyPresent":1,"refused":0}"#, "\(actor): \(r)")
        }
        // A different event under the supplier's eventID, by the manufacturer: the manufacturer's own conflict only.
        var changed = event
        changed["eventTime"] = "2026-11-21T17:00:00+01:00"
        let conflict = try ws.write("changed.json", try ImportScopeTests.document([changed], context: context))
        let refused = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.manufacturer), conflict)
        #expect(refused.exitCode != 0)
        #expect(refused.stderr.contains("refused"), "\(refused)")
        #expect(try assay("verify", "--ledger", ws.ledger).exitCode == 0)
    }

    @Test("an error declaration keeps the eventID and hash ID of the event it corrects, yet is appended; repeating it is not")
    func correctionIsNotARepeat() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let (events, context) = try Self.events(1)
        var correction = events[0]
        correction["errorDeclaration"] = ["declarationTime": "2026-01-02T10:00:00.000+01:00", "reason": "incorrect_data"]
        let doc = try ws.write("doc.json", try ImportScopeTests.document(events, context: context))
        #expect(Self.summary(try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", doc))
            == #"{"appended":1,"alreadyPresent":0,"refused":0}"#)
        let fix = try ws.write("fix.json", try ImportScopeTests.document([correction], context: context))
        let r = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", fix)
        #expect(Self.summary(r) == #"{"appended":1,"alreadyPresent":0,"refused":0}"#, "the correction was taken for a repeat: \(r)")
        let again = try assay("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), "--json", fix)
        #expect(Self.summary(again) == #"{"appended":0,"alreadyPresent":1,"refused":0}"#, "\(again)")
        // Both in one document, on a fresh ledger: two facts.
        let fresh = try Workspace.base()
        defer { fresh.remove() }
        let both = try fresh.write("both.json", try ImportScopeTests.document([events[0], correction], context: context))
        let r2 = try assay("import", "epcis", "--ledger", fresh.ledger, "--key", fresh.key(.supplier), "--json", both)
        #expect(Self.summary(r2) == #"{"appended":2,"alreadyPresent":0,"refused":0}"#, "\(r2)")
        #expect(try assay("verify", "--ledger", ws.ledger).exitCode == 0)
    }
}
