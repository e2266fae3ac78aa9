@testable import AssayModel
import Foundation
import Testing

@Suite("Identifier scopes, delegations and one spelling per identifier")
struct AuthorityModelTests {
    @Test("a company prefix covers GTINs from their second digit, GLNs from their first and SSCCs after the extension digit")
    func companyPrefix() throws {
        let scope = try IdentifierScope(parsing: "gs1:4012345")
        #expect(scope.covers("https://id.gs1.org/01/04012345000016/21/SN-1"))
        #expect(scope.covers("urn:epc:id:sgtin:4012345.000001.SN-1"), "the same item as an EPC URN")
        #expect(scope.covers("https://id.gs1.org/01/04012345000016/10/LOT"))
        #expect(scope.covers("https://id.gs1.org/414/4012345000016"))
        #expect(scope.covers("https://id.gs1.org/00/340123450000000000"))
        #expect(!scope.covers("https://id.gs1.org/01/04777777000002/21/SN-1"), "another company's GTIN")
        #expect(!scope.covers("https://id.gs1.org/01/14012345000013/21/SN-1") == false, "the indicator digit is not part of the prefix")
        #expect(!scope.covers("urn:example:4012345"), "a private identifier is no GS1 key")
    }

    @Test("a product-class scope covers its items and batches, not other classes; an item scope covers only that item")
    func identifierScope() throws {
        let model = try IdentifierScope(parsing: "https://acme.example/01/04012345000016")
        #expect(model.description == "https://id.gs1.org/01/04012345000016", "canonical whatever host it was written on")
        #expect(model.covers("https://id.gs1.org/01/04012345000016/21/SN-1"))
        #expect(model.covers("https://id.gs1.org/01/04012345000016/10/LOT-1"))
        #expect(!model.covers("https://id.gs1.org/01/04012345000023/21/SN-1"))
        let item = try IdentifierScope(parsing: "urn:epc:id:sgtin:4012345.000001.SN-1")
        #expect(item.covers("https://id.gs1.org/01/04012345000016/21/SN-1"))
        #expect(!item.covers("https://id.gs1.org/01/04012345000016/21/SN-2"))
    }

    @Test("a URI prefix covers only non-GS1 identifiers that start with it, byte for byte")
    func uriPrefix() throws {
        let scope = try IdentifierScope(parsing: "https://fw.acme.example/")
        #expect(scope.covers("https://fw.acme.example/images/1.4.2"))
        #expect(!scope.covers("https://fw.acme.example.evil.example/x"), "a prefix ends in / so a longer host does not match")
        let urn = try IdentifierScope(parsing: "urn:example:acme:")
        #expect(urn.covers("urn:example:acme:part-7") && !urn.covers("urn:example:acmex:part-7"))
    }

    @Test("malformed scopes are refused with the rule", arguments: [
        ("gs1:401", "4 to 12 ASCII digits"),
        ("gs1:４０１２３４５", "4 to 12 ASCII digits"),
        ("https://", "name a host"),
        ("https://fw.acme.example", "not a scope"),
        ("urn:", "not a scope"),
        ("urn:x", "not a scope"),
        ("https://id.gs1.org/", "id.gs1.org"),
        ("https://id.gs1.org/01/04012345000017", "check digit"),
    ])
    func malformed(scope: String, rule: String) {
        do {
            _ = try IdentifierScope(parsing: scope, field: "scopes[0]")
            Issue.record("accepted \(scope)")
        } catch {
            #expect(error.description.contains(rule), "\(scope): \(error.description)")
        }
    }

    @Test("scope containment: a delegation may hand on only what the delegator holds")
    func containment() throws {
        let prefix = try IdentifierScope(parsing: "gs1:4012345")
        #expect(prefix.contains(try IdentifierScope(parsing: "gs1:40123450")))
        #expect(prefix.contains(try IdentifierScope(parsing: "https://id.gs1.org/01/04012345000016")))
        #expect(!prefix.contains(try IdentifierScope(parsing: "gs1:401234")), "a shorter prefix covers more")
        #expect(!prefix.contains(try IdentifierScope(parsing: "https://acme.example/")))
        let uri = try IdentifierScope(parsing: "https://acme.example/")
        #expect(uri.contains(try IdentifierScope(parsing: "https://acme.example/fw/")))
    }

    @Test("a party id or legal name not in NFC is refused, so one party has one spelling")
    func nfc() throws {
        let composed = "urn:example:party:m\u{00FC}nchen"     // ü as one code point
        let decomposed = "urn:example:party:mu\u{0308}nchen"  // u + combining diaeresis
        #expect(composed == decomposed, "Swift compares them as equal, which is why both spellings must not coexist")
        #expect(isNFC(composed) && !isNFC(decomposed))
        func registration(_ id: String, name: String = "Chips") -> [UInt8] {
            Array(#"{"type":"PartyRegistration","partyId":"\#(id)","legalName":"\#(name)","roles":["supplier"],"publicKey":"chips.example+a1b2c3d4+AX7eQZ4Vb0YIu0y3x1Xv7nQ6G2m1q8l9k0J5h4g3f2e1","eventTime":"2026-11-20T09:05:00+01:00","eventTimeZoneOffset":"+01:00"}"#.utf8)
        }
        #expect(throws: Never.self) { _ = try Statement.decode(registration(composed)) }
        #expect { _ = try Statement.decode(registration(decomposed)) } throws: { ($0 as? ModelError)?.description.contains("/partyId") == true && ($0 as? ModelError)?.description.contains("NFC") == true }
        #expect { _ = try Statement.decode(registration(composed, name: "Mu\u{0308}ller GmbH")) } throws: { ($0 as? ModelError)?.description.contains("legalName") == true }
    }

    @Test("a subject or eventID not in NFC is refused in every kind that indexes it, so one thing has one subject")
    func nfcSubjects() throws {
        let composed = "https://brand.example/produkt/caf\u{00E9}"
        let decomposed = "https://brand.example/produkt/cafe\u{0301}"
        func generic(_ subject: String) -> [UInt8] {
            Array(#"{"type":"GenericEvent","subject":"\#(subject)","action":"inspected","eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#.utf8)
        }
        func epcis(_ epc: String, eventID: String = "urn:uuid:6a3e4c52-1f0b-4c3e-9f7a-2d1b5c8e9a01") -> [UInt8] {
            Array(#"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventID":"\#(eventID)","eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"OBSERVE","epcList":["\#(epc)"]}"#.utf8)
        }
        func refusedForNFC(_ bytes: [UInt8], field: String) -> Bool {
            do { _ = try Statement.decode(bytes); return false } catch {
                return error.description.contains(field) && error.description.contains("Normalization Form C")
            }
        }
        #expect(try Statement.decode(generic(composed)).subjects == [composed])
        #expect(refusedForNFC(generic(decomposed), field: "subject"))
        #expect(try Statement.decode(epcis(composed)).subjects == [composed])
        #expect(refusedForNFC(epcis(decomposed), field: "subject"))
        #expect(refusedForNFC(epcis(composed, eventID: "urn:example:event:cafe\u{0301}"), field: "eventID"))
    }

    @Test("fullwidth and Arabic-Indic digits in an id.gs1.org path are refused, not taken as opaque identifiers", arguments: [
        "https://id.gs1.org/01/\u{FF10}\u{FF14}\u{FF10}\u{FF11}\u{FF12}\u{FF13}\u{FF14}\u{FF15}\u{FF10}\u{FF10}\u{FF10}\u{FF10}\u{FF11}\u{FF16}/21/SN-1",
        "https://id.gs1.org/01/\u{0660}\u{0664}\u{0660}\u{0661}\u{0662}\u{0663}\u{0664}\u{0665}\u{0660}\u{0660}\u{0660}\u{0660}\u{0661}\u{0666}/21/SN-1",
        "https://ID.GS1.ORG/414/not-a-gln",
    ])
    func nonASCIIDigits(id: String) {
        let event = #"{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00","action":"OBSERVE","epcList":["\#(id)"]}"#
        #expect(throws: ModelError.self) { _ = try Statement.decode(Array(event.utf8)) }
    }

    @Test("a delegation names defining kinds only, each once, with scopes")
    func delegationShape() throws {
        let ok = #"{"type":"AuthorityDelegation","delegate":"https://id.gs1.org/417/4098765000003","scopes":["gs1:4012345"],"kinds":["ProductAssembly"],"eventTime":"2026-11-20T10:00:00+01:00","eventTimeZoneOffset":"+01:00"}"#
        guard case .authorityDelegation(let d) = try Statement.decode(Array(ok.utf8)) else { Issue.record("not a delegation"); return }
        #expect(d.permits(.productAssembly, about: "https://id.gs1.org/01/04012345000016/21/X", atMillis: 0))
        #expect(!d.permits(.lifecycleCommitment, about: "https://id.gs1.org/01/04012345000016/21/X", atMillis: 0))
        #expect(!d.permits(.productAssembly, about: "https://id.gs1.org/01/04777777000002/21/X", atMillis: 0))
        for bad in [ok.replacingOccurrences(of: "\"ProductAssembly\"", with: "\"KeyRevocation\""),
                    ok.replacingOccurrences(of: "\"ProductAssembly\"", with: "\"ProductAssembly\",\"ProductAssembly\""),
                    ok.replacingOccurrences(of: "[\"gs1:4012345\"]", with: "[]")] {
            #expect(throws: ModelError.self) { _ = try Statement.decode(Array(bad.utf8)) }
        }
    }
}

@Suite("Canonical subjects: the fast path agrees with the full Digital Link parse")
struct CanonicalSubjectFastPathTests {
    @Test("on random and edge-case identifiers, the fast path accepts only strings the parse returns unchanged")
    func agreesWithParse() throws {
        var rng = SystemRandomNumberGenerator()
        let gtins = ["04012345000016", "04012345000017", "4012345000016", "00000000000000", "0401234500001x", "040123450000160"]
        let keys = ["", "/21/", "/10/", "/22/", "/21", "/10/A/21/", "/254/"]
        let alphabet = Array("AZaz09-._~%41!'()*+,;=:/ é")
        var checked = 0
        for _ in 0..<8000 {
            let length = Int.random(in: 0...23, using: &rng)
            let plain = Array("AZaz09-._")
            let pool = Bool.random(using: &rng) ? plain : alphabet
            let tail = String((0..<length).map { _ in pool.randomElement(using: &rng)! })
            let host = ["https://id.gs1.org/01/", "https://ID.gs1.org/01/", "http://id.gs1.org/01/", "https://acme.example/01/"].randomElement(using: &rng)!
            let s = host + gtins.randomElement(using: &rng)! + keys.randomElement(using: &rng)! + tail
            let slow: String = {
                guard let id = try? GS1Identifier(parsing: s) else { return s }
                return id.canonical
            }()
            if isCanonicalTradeItemLink(s) {
                #expect(slow == s, "fast path accepted \(s), the parse gives \(slow)")
                checked += 1
            }
            #expect(canonicalSubject(s) == slow, "\(s)")
        }
        #expect(checked > 20, "the fast path was exercised \(checked) times")
        for edge in ["https://id.gs1.org/01/04012345000016/21/..", "https://id.gs1.org/01/04012345000016/21/.", "https://id.gs1.org/01/04012345000016/21/ABCDEFGHIJKLMNOPQRST",
                     "https://id.gs1.org/01/04012345000016/21/ABCDEFGHIJKLMNOPQRSTU", "https://id.gs1.org/01/04012345000016/10/L_1"] {
            let slow = (try? GS1Identifier(parsing: edge))?.canonical ?? edge
            #expect(canonicalSubject(edge) == slow, "\(edge)")
        }
    }
}
