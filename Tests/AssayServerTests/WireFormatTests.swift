@testable import AssayServer
import Foundation
import Testing

/// The byte-level pieces of the submission path: the body splitter and the JSON writer.
@Suite("server: wire formats")
struct WireFormatTests {
    @Test("JSONBytes: base64 equals Foundation's for every length 0…70; strings round-trip through JSONSerialization")
    func jsonBytes() throws {
        var rng = SystemRandomNumberGenerator()
        for n in 0...70 {
            let data = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var out = JSONBytes()
            out.base64String(data)
            #expect(String(decoding: out.bytes, as: UTF8.self) == "\"" + Data(data).base64EncodedString() + "\"")
        }
        for s in ["", "plain", "quote \" and \\ backslash", "lines\nand\r\ttabs", "ctl \u{01}\u{1f}", "— em dash, ü, 🎉", "op.example/log\n42\nabc=\n\n— op.example/log Zm9v\n"] {
            var out = JSONBytes()
            out.raw("[")
            out.string(s)
            out.raw("]")
            let back = try JSONSerialization.jsonObject(with: Data(out.bytes)) as? [String]
            #expect(back == [s], "\(s.debugDescription) → \(String(decoding: out.bytes, as: UTF8.self))")
        }
    }

    @Test("content types: application/json with any case and parameters; nothing else")
    func contentTypes() {
        for ok in ["application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;x=y"] {
            #expect(SubmissionRoutes.isJSON(ok), "\(ok)")
        }
        for bad in [nil, "", "application/jsonx", "text/json", "application/json-seq", "application\u{0F}json", "application/problem+json"] as [String?] {
            #expect(!SubmissionRoutes.isJSON(bad), "\(bad ?? "nil")")
        }
    }

    @Test("the body splitter: a batch only for exactly {\"envelopes\":[…]}, element bytes unchanged; invalid outer JSON is left to the envelope parser")
    func bodySplitter() throws {
        let a = #"{"payloadType":"x","payload":"eyJ9","signatures":[{"keyid":"k","sig":"c2ln"}]}"#
        let b = #"{ "payloadType" : "y\"\\\u00e9" , "n": [1, -2.5e+3, true, false, null, {}] }"#
        let body = Array(" {\"envelopes\" : [ \(a) ,\n\(b) ] } ".utf8)
        #expect(try SubmissionBody.parse(body, maxItems: 10) == .batch([Array(a.utf8), Array(b.utf8)]))
        // One envelope, valid or not, goes through whole.
        for single in [a, "[1,2]", "{\"envelopes\":[1,2]", "{\"envelopes\":[01]}", "{\"envelopes\":[\"\u{01}\"]}", "not json", ""] {
            #expect(try SubmissionBody.parse(Array(single.utf8), maxItems: 10) == .single(Array(single.utf8)), "\(single)")
        }
        #expect(throws: Problem.self) { try SubmissionBody.parse(Array("{\"envelopes\":[\(a),\(a)]}".utf8), maxItems: 1) }
        #expect(throws: Problem.self) { try SubmissionBody.parse(Array("{\"envelopes\":\"x\"}".utf8), maxItems: 10) }
        // Nesting deeper than the scanner follows is not a batch it accepts.
        let deep = "{\"envelopes\":[" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "]}"
        #expect(try SubmissionBody.parse(Array(deep.utf8), maxItems: 10) == .single(Array(deep.utf8)))
    }
}
