import AssayModel
import Testing

/// Issue 15: a document without `@context` is refused; each split event carries the document's
/// context merged with its own, so a prefix declared only at document level resolves in it.
@Suite("EPCIS document context")
struct ContextMergeTests {
    static func doc(context: String?, eventContext: String?) -> [UInt8] {
        let ctx = context.map { #""@context":\#($0),"# } ?? ""
        let ectx = eventContext.map { #""@context":\#($0),"# } ?? ""
        return Array(#"{\#(ctx)"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[{\#(ectx)"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.2017"],"ex:note":"a","ev:tag":"b"}]}}"#.utf8)
    }

    @Test("a document without @context is refused")
    func missingContext() {
        #expect(throws: ModelError.self) { try EPCISDocument(bytes: Self.doc(context: nil, eventContext: nil)) }
    }

    @Test("the event's context is the document's entries, then its own, each once")
    func merged() throws {
        let d = try EPCISDocument(bytes: Self.doc(context: #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}]"#,
                                                  eventContext: #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ev":"https://ev.example.com/"}]"#))
        guard case .object(let o) = d.events[0] else { Issue.record("not an object"); return }
        #expect(o["@context"]?.serialized == #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"},{"ev":"https://ev.example.com/"}]"#)
        // Both prefixes resolve in the stored event on its own.
        let stored = try JSONValue.parse(Array(d.events[0].serialized.utf8))
        let pre = EventHash.preHash(stored)
        #expect(pre.contains("{https://ns.example.com/}note=a"), "\(pre)")
        #expect(pre.contains("{https://ev.example.com/}tag=b"), "\(pre)")
    }

    @Test("an event without a context of its own carries the document's as written")
    func inherited() throws {
        let ctx = #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}]"#
        let d = try EPCISDocument(bytes: Self.doc(context: ctx, eventContext: nil))
        guard case .object(let o) = d.events[0] else { Issue.record("not an object"); return }
        #expect(o["@context"]?.serialized == ctx)
    }
}
