import AssayCrypto
import AssayLedger
import AssayLog
import AssayModel
import AssayReport
import AssayTestSupport
import AssayVerify
import Foundation
import Testing

@Suite("Bundle format, closure and provenance graph")
struct BundleFormatTests {
    @Test("a bundle survives a JSON round trip, with and without a consistency proof")
    func roundTrip() throws {
        let built = try TF().build()
        for bundle in [built.bundle, try built.ledger.exportBundle(product: TF.product, since: built.earlyCheckpoint)] {
            let text = bundle.json
            let parsed = try ProductBundle(text: text)
            #expect(parsed == bundle)
            #expect(parsed.json == text, "the writer is deterministic")
        }
        #expect(built.bundle.consistency == nil)
        #expect(built.bundle.origin == TF.ledgerOrigin && built.bundle.product == TF.product)
        #expect(built.bundle.checkpoint == built.checkpoint.serialized)
    }

    @Test("the same product named as an EPC URN gives the same bundle")
    func productInEitherForm() throws {
        let built = try TF().build()
        #expect(try built.ledger.exportBundle(product: TF.productURN) == built.bundle)
    }

    static let malformed: [(String, @Sendable (String) -> String, String)] = [
        ("wrong format", { $0.replacingOccurrences(of: "assay-bundle/v1", with: "assay-bundle/v2") }, "format"),
        ("seq that disagrees with the record", { $0.replacingOccurrences(of: "{\"seq\":2,", with: "{\"seq\":3,") }, "entries[2].seq"),
        ("unknown member", { $0.replacingOccurrences(of: "{\"format\"", with: "{\"note\":\"x\",\"format\"") }, "note"),
        ("no entries", { t in
            let start = t.range(of: "\"entries\":[")!.upperBound
            let end = t.range(of: "\n]")!.upperBound
            var edited = t
            edited.replaceSubrange(start..<end, with: "]")
            return edited
        }, "entries"),
        ("a proof hash that is not 32 bytes", { $0.replacingOccurrences(of: "\"proof\":[\"", with: "\"proof\":[\"AAAA\",\"") }, "entries[0].proof[0]"),
        ("a record that is not base64", { $0.replacingOccurrences(of: "\"record\":\"", with: "\"record\":\"*") }, "entries[0].record"),
    ]

    @Test("malformed bundles are refused, naming the field", arguments: malformed.indices)
    func malformedBundle(_ i: Int) throws {
        let (name, edit, field) = Self.malformed[i]
        let built = try TF(includeUnrelatedProduct: false).build()
        let text = edit(built.bundle.json)
        #expect(text != built.bundle.json, "\(name): the edit changed nothing")
        let error = #expect(throws: ModelError.self, "\(name)") { try ProductBundle(text: text) }
        #expect(error?.field == field, "\(name): \(String(describing: error))")
    }

    @Test("the bundle holds the product's closure and nothing of the unrelated product in the same ledger")
    func closureOnly() throws {
        let built = try TF().build()
        let expected: [TF.Entry] = [.genesis, .registerManufacturer, .registerChips, .registerRadio, .registerCells, .registerBoards,
                                    .registerRecycler, .mcuOrigin, .radioOrigin, .batteryOrigin, .pcbOrigin, .firmwareOrigin,
                                    .encodingStep, .assembly, .commitment, .shipping, .endOfLife]
        #expect(built.bundle.entries.map(\.record.seq) == expected.map(built.seq))
        #expect(try built.ledger.size() == UInt64(expected.count + 3), "the ledger also holds the plug's supplier, origin and assembly")
        // Nothing about the plug, its relay lot or its supplier leaks in.
        for (seq, signer, st) in built.bundle.statements {
            #expect(signer != TF.reference(TF.relaisKey), "entry \(seq)")
            let payload = String(decoding: try Envelope(json: built.bundle.entries.first { $0.record.seq == seq }!.record.envelope).payload, as: UTF8.self)
            for leak in ["PLUG-0001", "RELAY-1", TF.relais.gln, TF.relaisKey.name] { #expect(!payload.contains(leak), "entry \(seq) \(st.kind)") }
        }
        // Small: the closure of one product, each entry with a proof of at most log2(size) hashes.
        // (Measured without the subject-index proofs, which come on top: one per closure subject.)
        let entriesOnly = ProductBundle(origin: built.bundle.origin, product: built.bundle.product, checkpoint: built.bundle.checkpoint,
                                        entries: built.bundle.entries)
        let bytes = entriesOnly.json.utf8.count
        #expect(bytes < 40_000, "bundle without its index proofs is \(bytes) bytes")
        #expect(built.bundle.entries.allSatisfy { $0.proof.count <= 5 })

        // The subject-index proofs: exactly one for each subject the thermostat's verdict rests on
        // — the product, its model class (defining entries: the commitment), the main board and
        // the five components (serialised ones whole, lots by their defining entries), the six
        // parties whose keys signed, and those seven keys — and none about the plug, its relay
        // lot, Relais or its key.
        let keys = [TF.manufacturerKey, TF.operatorKey, TF.chipsKey, TF.radioKey, TF.cellsKey, TF.boardsKey, TF.recyclerKey]
        let closure: [IndexSubject] = [TF.product, TF.board].map(IndexSubject.identifier) + [IndexSubject.defining(TF.model)]
            + TF.components.map { isSerialisedItem($0) ? IndexSubject.identifier($0) : IndexSubject.defining($0) }
            + ([TF.acme, TF.recycler] + TF.suppliers).map { IndexSubject.identifier($0.partyId) } + keys.map { IndexSubject.key(TF.reference($0)) }
        #expect(built.bundle.index.map(\.subject) == closure.sorted(), "\(built.bundle.index.map(\.subject))")
        for p in built.bundle.index {
            for leak in ["PLUG-0001", "RELAY-1", TF.relais.gln, TF.relaisKey.name] { #expect(!p.subject.name.contains(leak), "\(p.subject)") }
            // Every subject here has entries (membership proofs), each proof a short path: about
            // 2·log2(n) hashes for the n = 28 subjects of this ledger, at most 256 by the format.
            #expect(p.count > 0 && p.proof.neighbor == nil && p.proof.path.count <= 20, "\(p.subject): \(p.count), \(p.proof.path.count) hashes")
        }
        #expect(built.bundle.index.map(\.count).reduce(0, +) >= UInt64(built.bundle.entries.count), "each entry is about at least one subject")

        // And the plug's own bundle holds only its entries, none of the thermostat's.
        let plug = try built.ledger.exportBundle(product: TF.plug)
        #expect(plug.entries.map(\.record.seq) == [.genesis, .registerManufacturer, .registerRelais, .relayOrigin, .plugAssembly].map(built.seq))
    }

    @Test("a pallet packing the thermostat with the unrelated plug does not bring the plug's provenance into the thermostat's bundle")
    func palletDoesNotLeak() throws {
        let built = try TF(includeEndOfLife: false).build()
        let pallet = #"{"type":"AggregationEvent","eventTime":"2026-11-22T10:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"ADD","bizStep":"packing","parentID":"https://id.gs1.org/00/340123450000000178","childEPCs":["\#(TF.product)","\#(TF.plug)"],"bizLocation":{"id":"https://id.gs1.org/414/4012345000016"}}"#
        let packing = try built.append(pallet, by: TF.manufacturerKey, at: "2026-11-22T09:00:00Z")
        let bundle = try built.exportAgain()
        let seqs = Set(bundle.entries.map(\.record.seq))
        #expect(seqs.contains(packing), "the packing event is about the thermostat")
        for e in [TF.Entry.plugAssembly, .relayOrigin, .registerRelais] {
            #expect(!seqs.contains(built.seq(e)), "\(e) (seq \(built.seq(e))) leaked into the thermostat's bundle")
        }
    }

    @Test("a serialised component consumed elsewhere brings that consumer into the bundle; a lot consumed elsewhere does not")
    func serialConsumersIncluded() throws {
        let built = try TF(defect: .serialConsumedTwice).build()
        let seqs = Set(built.bundle.entries.map(\.record.seq))
        #expect(seqs.contains(built.seq(.secondEncodingStep)))
        #expect(!seqs.contains(built.seq(.plugAssembly)))
    }

    @Test("the provenance graph in DOT and Mermaid names every component, supplier and country")
    func graphText() throws {
        let built = try TF().build()
        let graph = TF.verify(built.bundle).graph
        #expect(Set(graph.nodes) == Set([TF.product, TF.board] + TF.components))
        #expect(Set(graph.origins.keys) == Set(TF.components))
        #expect(graph.edges.contains { $0.parent == TF.product && $0.child == TF.board && $0.seq == built.seq(.assembly) })
        #expect(graph.edges.contains { $0.parent == TF.board && $0.child == TF.pcb && $0.seq == built.seq(.encodingStep) })
        for (format, text) in [("dot", graph.dot()), ("mermaid", graph.mermaid())] {
            for c in [TF.product, TF.board] + TF.components { #expect(text.contains(c), "\(format) lacks \(c)") }
            for s in TF.suppliers {
                #expect(text.contains(s.legalName) && text.contains(s.partyId), "\(format) lacks \(s.legalName)")
            }
            for country in ["DE", "FR", "CN"] { #expect(text.contains("country \(country)") || text.contains("\"\(country)\""), "\(format) lacks \(country)") }
        }
        #expect(graph.dot().hasPrefix("digraph provenance {") && graph.dot().hasSuffix("}\n"))
        #expect(graph.mermaid().hasPrefix("flowchart LR\n"))
        // Every origin edge names its origin entry's seq.
        for e in [TF.Entry.mcuOrigin, .radioOrigin, .batteryOrigin, .pcbOrigin, .firmwareOrigin] {
            #expect(graph.dot().contains("origin seq \(built.seq(e))"), "\(e)")
        }
    }

    @Test("the bundle schema accepts exactly what the bundle parser accepts",
          .enabled(if: PythonJSONSchema.available, "needs python3 with the jsonschema package"))
    func schemaMatchesParser() throws {
        let built = try TF(includeUnrelatedProduct: false).build()
        let good = built.bundle.json
        let withConsistency = try built.ledger.exportBundle(product: TF.product, since: built.earlyCheckpoint).json
        #expect(good.contains("\"index\":[\n{\"type\":\"identifier\",") && good.contains("\"path\":["), "the index member is as the edits expect")
        let unindexed = ProductBundle(origin: built.bundle.origin, product: built.bundle.product, checkpoint: built.bundle.checkpoint,
                                      entries: built.bundle.entries).json
        #expect(!unindexed.contains("\"index\""))
        #expect(built.bundle.index.first.map { !$0.proof.path.isEmpty } == true, "the edits below insert into the first proof's path")
        /// `good` with the first index proof's path replaced by `path` empty subtrees.
        func withFirstProof(path: Int) -> String {
            let p = built.bundle.index[0]
            let long = ProductBundle.IndexProof(subject: p.subject, count: p.count, chain: p.chain,
                                                proof: SubjectIndex.Proof(path: Array(repeating: Digest.zero, count: path), neighbor: nil))
            return ProductBundle(origin: built.bundle.origin, product: built.bundle.product, checkpoint: built.bundle.checkpoint,
                                 entries: built.bundle.entries, index: [long] + built.bundle.index.dropFirst()).json
        }
        /// `good` with the first occurrence of `target` replaced.
        func first(_ target: String, _ replacement: String) -> String {
            guard let r = good.range(of: target) else { return good }
            return good.replacingCharacters(in: r, with: replacement)
        }
        /// The range of the value of the first `"member":` (a string without escapes, an array
        /// without nested arrays, or a scalar), after its colon.
        func valueRange(of member: String) -> Range<String.Index>? {
            guard let key = good.range(of: "\"\(member)\":") else { return nil }
            let start = key.upperBound
            var end = start
            switch good[start] {
            case "\"": end = good[good.index(after: start)...].firstIndex(of: "\"").map { good.index(after: $0) } ?? start
            case "[": end = good[start...].firstIndex(of: "]").map { good.index(after: $0) } ?? start
            default: end = good[start...].firstIndex { $0 == "," || $0 == "}" } ?? start
            }
            return start..<end
        }
        /// `good` with the value of the first `"member":` replaced by `json`.
        func value(of member: String, _ json: String) -> String {
            guard let r = valueRange(of: member) else { return good }
            return good.replacingCharacters(in: r, with: json)
        }
        /// `good` without the first `"member":…` (which is not the first member of its object).
        func removing(_ member: String) -> String {
            guard let r = valueRange(of: member), let key = good.range(of: ",\"\(member)\":") else { return good }
            return good.replacingCharacters(in: key.lowerBound..<r.upperBound, with: "")
        }
        let h = Base64.encode([UInt8](repeating: 7, count: 32))
        let valid = [
            good, withConsistency,
            good.replacingOccurrences(of: "\n]}", with: "\n],\"consistency\":null}"),
            good.replacingOccurrences(of: "{\"seq\":0,", with: "{\"seq\":0.0,"),
            // The index member: optional, null, empty; a neighbor leaf, or null; a path of 256 hashes.
            unindexed,
            unindexed.replacingOccurrences(of: "\n]}", with: "\n],\"index\":null}"),
            unindexed.replacingOccurrences(of: "\n]}", with: "\n],\"index\":[]}"),
            first("\"path\":[", "\"neighbor\":null,\"path\":["),
            first("\"path\":[", "\"neighbor\":{\"key\":\"\(h)\",\"count\":0,\"chain\":\"\(h)\"},\"path\":["),
            withFirstProof(path: 256),
            value(of: "count", "1.0"),
        ]
        var invalid = Self.malformed.filter { $0.0 != "seq that disagrees with the record" }.map { $0.1(good) }
        invalid += [
            good.replacingOccurrences(of: "\"origin\":", with: "\"origin\":1,\"x\":"),
            good.replacingOccurrences(of: "{\"seq\":0,", with: "{\"seq\":-1,"),
            good.replacingOccurrences(of: "\"proof\":[\"", with: "\"proof\":[null,\""),
            good.replacingOccurrences(of: "\"record\":\"AQ", with: "\"record\":\"AA"), // version byte 0x00
            good.replacingOccurrences(of: "\n]}", with: "\n],\"consistency\":{\"hashes\":[]}}"),
            good.replacingOccurrences(of: "\"checkpoint\":", with: "\"checkpoint\":null,\"c\":"),
            // The index member.
            unindexed.replacingOccurrences(of: "\n]}", with: "\n],\"index\":{}}"),
            unindexed.replacingOccurrences(of: "\n]}", with: "\n],\"index\":[null]}"),
            value(of: "type", "\"gtin\""),
            value(of: "type", "1"),
            value(of: "subject", "null"),
            value(of: "subject", "[]"),
            removing("subject"),
            value(of: "count", "-1"),
            value(of: "count", "0.5"),
            value(of: "count", "9007199254740993"),
            value(of: "count", "\"1\""),
            removing("count"),
            value(of: "chain", "\"AAAA\""),
            value(of: "chain", "\"" + Base64.encode([UInt8](repeating: 7, count: 31)) + "\""),
            removing("chain"),
            removing("path"),
            value(of: "path", "null"),
            first("\"path\":[", "\"path\":[null,"),
            first("\"path\":[", "\"path\":[\"AAAA\","),
            first("\"path\":[", "\"proof\":[],\"path\":["),
            first("\"path\":[", "\"neighbor\":{\"key\":\"\(h)\",\"count\":0,\"chain\":\"\(h)\",\"x\":1},\"path\":["),
            first("\"path\":[", "\"neighbor\":{\"key\":\"\(h)\",\"count\":0},\"path\":["),
            first("\"path\":[", "\"neighbor\":[],\"path\":["),
            withFirstProof(path: 257),
        ]
        for d in valid { #expect(throws: Never.self) { _ = try ProductBundle(text: d) } }
        for (i, d) in invalid.enumerated() { #expect(throws: (any Error).self, "invalid[\(i)]") { _ = try ProductBundle(text: d) } }
        for (i, d) in (valid.dropFirst() + invalid).enumerated() { #expect(d != good, "edit \(i) changed nothing") }
        let verdicts = try PythonJSONSchema.validate(valid + invalid, schema: "bundle.schema.json")
        #expect(verdicts == valid.map { _ in true } + invalid.map { _ in false }, "\(verdicts)")
    }
}
