import AssayCrypto
import Foundation

/// Signs fresh envelopes on demand, each about a subject numbered from one shared counter, so no
/// envelope is handed out twice (by any thread of the test).
final class EnvelopeSource: Sendable {
    let tag: String
    let key: NamedSigningKey
    let counter = Locked(0)

    init(tag: String, key: NamedSigningKey) {
        self.tag = tag
        self.key = key
    }

    /// `count` new envelopes, one JSON line each (no newline).
    func next(_ count: Int) -> [String] {
        let first = counter.withLock { n -> Int in
            defer { n += count }
            return n
        }
        return (first..<(first + count)).map { i in
            let json = "{\"type\":\"GenericEvent\",\"subject\":\"urn:example:item:\(tag)-\(i)\",\"action\":\"inspected\","
                + "\"eventTime\":\"2026-11-20T10:00:00+01:00\",\"eventTimeZoneOffset\":\"+01:00\"}"
            return String(decoding: Envelope.sign(payload: Array(json.utf8), with: key).canonicalJSON, as: UTF8.self)
        }
    }
}
