import AssayTestSupport
import Foundation
import Testing

/// Issue 15, EPCIS out: `assay export --epcis` writes a product's EPCIS events as an EPCIS 2.0
/// JSON-LD document that the GS1 JSON Schema accepts and that gives back the imported events.
@Suite("export --epcis")
struct EPCISExportTests {
    static let created = "2030-01-15T10:00:00Z"

    /// A workspace whose ledger holds the genesis and the supplier, registered as supplier and
    /// manufacturer (so that it may import every GS1 example Assay accepts), unscoped.
    static func ledger() throws -> Workspace {
        let ws = try Workspace.keysOnly()
        try ws.must("init", "--ledger", ws.ledger, "--key", ws.key(.operator), "--origin", testOrigin)
        try ws.must("register", "--ledger", ws.ledger, "--key", ws.key(.operator),
                    "--party-id", "https://id.gs1.org/417/4012345000009", "--legal-name", "Anna Components GmbH",
                    "--role", "supplier", "--role", "manufacturer", "--public-key", ws.pub(.supplier))
        return ws
    }

    static func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    static func eventList(_ doc: [String: Any]) -> [Any] {
        let body = doc["epcisBody"] as! [String: Any]
        if let list = body["eventList"] as? [Any] { return list }
        return ((body["queryResults"] as! [String: Any])["resultsBody"] as! [String: Any])["eventList"] as! [Any]
    }

    /// The events of a GS1 example as import signs them: each carrying the document's
    /// `@context` unless it has its own (an independent reading of the split).
    static func importedEvents(_ file: String) throws -> [Any] {
        let doc = try JSONSerialization.jsonObject(with: Data(try Vectors.bytes(file))) as! [String: Any]
        return eventList(doc).map { e in
            guard var o = e as? [String: Any], o["@context"] == nil, let c = doc["@context"] else { return e }
            o["@context"] = c
            return o
        }
    }

    /// Equal JSON values (compared written with sorted keys).
    static func same(_ a: Any, _ b: Any) -> Bool {
        guard let x = try? JSONSerialization.data(withJSONObject: a, options: [.sortedKeys]),
              let y = try? JSONSerialization.data(withJSONObject: b, options: [.sortedKeys]) else { return false }
        return x == y
    }

    @Test("round trip: a GS1 example imported, then exported with --epcis, validates against the GS1 schema and gives back its events")
    func roundTrip() throws {
        let ws = try Self.ledger()
        defer { ws.remove() }
        let file = "epcis/examples/Example_9.6.1-ObjectEvent.jsonld"
        try ws.must("import", "epcis", "--ledger", ws.ledger, "--key", ws.key(.supplier), try Vectors.url(file).path)
        try ws.checkpoint(as: "cp.txt")
        let out = ws.file("out.jsonld")
        // Both events are about …2018 (the first also about …2017).
        let r = try ws.must("export", "--ledger", ws.ledger, "--product", "urn:epc:id:sgtin:0614141.107346.2018", "--out", out,
                            "--epcis", "--created", Self.created)
        #expect(r.stdout.contains("exported 2 EPCIS events"), "\(r)")
        let problems = try EPCISSchemaCheck.problems(out)
        #expect(problems == nil, "\(problems ?? "")")
        let doc = try Self.json(out)
        #expect(doc["type"] as? String == "EPCISDocument" && doc["schemaVersion"] as? String == "2.0")
        #expect(doc["creationDate"] as? String == Self.created)
        #expect(doc["assay:seqs"] as? [Int] == [2, 3])
        #expect(doc["assay:product"] as? String == "https://id.gs1.org/01/10614141073464/21/2018")
        let context = doc["@context"] as? [Any]
        #expect(context?.first as? String == "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld")
        #expect((context?.last as? [String: String])?["example"] == "http://ns.example.com/epcis/", "the events' prefix is declared")
        let exported = Self.eventList(doc), imported = try Self.importedEvents(file)
        #expect(exported.count == imported.count)
        for (i, (a, b)) in zip(exported, imported).enumerated() {
            #expect(Self.same(a, b), "event \(i) differs:\n\(a)\n\(b)")
        }
        // Only the other product's event: the first.
        let first = ws.file("first.jsonld")
        try ws.must("export", "--ledger", ws.ledger, "--product", "urn:epc:id:sgtin:0614141.107346.2017", "--out", first, "--epcis")
        let firstDoc = try Self.json(first)
        #expect(Self.eventList(firstDoc).count == 1 && Self.same(Self.eventList(firstDoc)[0], imported[0]))
        #expect(try EPCISSchemaCheck.problems(first) == nil, "creationDate now must be valid too")
    }

    @Test("every GS1 example Assay imports comes back out valid, its events in order and unchanged")
    func everyImportableExample() throws {
        let ws = try Self.ledger()
        defer { ws.remove() }
        let base = try ws.must("log", "--ledger", ws.ledger, "--json").stdoutLines.count
        var outputs: [(file: String, out: String, imported: [Any])] = []
        for (n, file) in try Vectors.files(under: "epcis/examples", ext: "jsonld").enumerated() {
            let copy = ws.file("ledger-\(n).assay")
            try FileManager.default.copyItem(atPath: ws.ledger, toPath: copy)
            let r = try assay("import", "epcis", "--ledger", copy, "--key", ws.key(.supplier), try Vectors.url(file).path)
            guard r.exitCode == 0 else { continue } // refused by Assay's own rules (kinds, roles): not this test's concern
            try ws.checkpoint(as: "cp-\(n).txt", ledger: copy)
            // Export every subject of the ledger's events; together they must give back every event.
            let log = try ws.must("log", "--ledger", copy, "--json").stdoutLines.dropFirst(base)
            #expect(!log.isEmpty)
            let imported = try Self.importedEvents(file)
            var seen: Set<Int> = []
            for (k, subject) in try Self.subjects(of: imported).enumerated() {
                let out = ws.file("out-\(n)-\(k).jsonld")
                let e = try assay("export", "--ledger", copy, "--product", subject, "--out", out, "--epcis", "--created", Self.created)
                guard e.exitCode == 0 else { continue } // not an identifier Assay indexes (a class, a location …)
                let exported = Self.eventList(try Self.json(out))
                // In log order, each one of the imported events, unchanged.
                var last = -1
                for x in exported {
                    guard let i = imported.firstIndex(where: { Self.same($0, x) }) else {
                        Issue.record("\(file) \(subject): an exported event is not one of the imported events: \(x)")
                        continue
                    }
                    #expect(i > last, "\(file) \(subject): out of order")
                    last = i
                    seen.insert(i)
                }
                outputs.append((file, out, imported))
            }
            #expect(seen.count == imported.count, "\(file): events never exported: \(Set(imported.indices).subtracting(seen).sorted())")
        }
        #expect(Set(outputs.map(\.file)).count >= 10, "only \(Set(outputs.map(\.file)).count) examples round-tripped")
        let verdicts = try EPCISSchemaCheck.verdicts(outputs.map(\.out))
        for o in outputs {
            if case let problem?? = verdicts[o.out] { Issue.record("\(o.file) → \(o.out): \(problem)") }
        }
    }

    /// Every string in the events that looks like an item or lot identifier: EPC URNs and GS1 Digital Links.
    static func subjects(of events: [Any]) throws -> [String] {
        var out: [String] = []
        func walk(_ v: Any) {
            if let s = v as? String, s.hasPrefix("urn:epc:id:") || s.hasPrefix("urn:epc:class:") || s.hasPrefix("https://id.gs1.org/01/") {
                if !out.contains(s) { out.append(s) }
            } else if let a = v as? [Any] {
                a.forEach(walk)
            } else if let o = v as? [String: Any] {
                for k in o.keys.sorted() where k != "@context" { walk(o[k]!) }
            }
        }
        events.forEach(walk)
        return out
    }

    @Test("a product with entries but no EPCIS event: a valid document with an empty eventList")
    func noEPCISEvents() throws {
        let ws = try Workspace.base() // SN1…SN5: generic events only
        defer { ws.remove() }
        try ws.checkpoint(as: "cp.txt")
        let out = ws.file("sn1.jsonld")
        let r = try ws.must("export", "--ledger", ws.ledger, "--product", "https://id.gs1.org/01/04012345000016/21/SN1", "--out", out,
                            "--epcis", "--created", Self.created, "--json")
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as! [String: Any]
        #expect(summary["events"] as? Int == 0 && summary["document"] as? String == out)
        #expect((summary["omitted"] as? Int ?? 0) > 0, "the generic event and the registrations are left out")
        let doc = try Self.json(out)
        #expect(Self.eventList(doc).isEmpty)
        #expect(doc["assay:seqs"] as? [Int] == [])
        #expect(try EPCISSchemaCheck.problems(out) == nil)
    }

    @Test("the schema check is live: a bad creationDate or a stray member is refused")
    func schemaCheckIsLive() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        try ws.checkpoint(as: "cp.txt")
        let out = ws.file("sn1.jsonld")
        try ws.must("export", "--ledger", ws.ledger, "--product", "https://id.gs1.org/01/04012345000016/21/SN1", "--out", out, "--epcis")
        var doc = try Self.json(out)
        doc["creationDate"] = "2030-01-15 10:00"
        let badDate = try ws.write("bad-date.json", String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self))
        doc = try Self.json(out)
        doc["seqs"] = [1]
        let stray = try ws.write("stray.json", String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self))
        let v = try EPCISSchemaCheck.verdicts([badDate, stray])
        #expect(v[badDate] != nil && v[badDate]! != nil, "date-time not checked")
        #expect(v[stray] != nil && v[stray]! != nil, "a member that is neither standard nor a URI passed")
    }

    @Test("usage: --since and --epcis, --created without --epcis, a bad --created, no checkpoint")
    func usage() throws {
        let ws = try Workspace.base()
        defer { ws.remove() }
        let product = "https://id.gs1.org/01/04012345000016/21/SN1"
        let out = ws.file("x.jsonld")
        let none = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", out, "--epcis")
        #expect(none.exitCode != 0 && none.stderr.contains("no checkpoint"), "\(none)")
        let cp = try ws.checkpoint(as: "cp.txt")
        let since = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", out, "--epcis", "--since", cp)
        #expect(since.exitCode == 2 && since.stderr.contains("--since"), "\(since)")
        let created = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", out, "--created", Self.created)
        #expect(created.exitCode == 2 && created.stderr.contains("--epcis"), "\(created)")
        let bad = try assay("export", "--ledger", ws.ledger, "--product", product, "--out", out, "--epcis", "--created", "2030-01-15")
        #expect(bad.exitCode == 2 && bad.stderr.contains("--created"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: out))
        let help = try assay("export", "--help")
        #expect(help.stdout.contains("--epcis") && help.stdout.contains("left out"), "\(help)")
    }
}
