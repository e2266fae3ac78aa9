import Foundation

/// A DSSE signature entry: an opaque key id and the raw signature bytes.
public struct EnvelopeSignature: Hashable, Sendable {
    /// The signer's key reference; Assay writes `<key name>+<8 hex key id>` (the first two
    /// fields of the signer's verifier key).
    public let keyID: String
    public let signature: [UInt8]

    public init(keyID: String, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }
}

/// A DSSE envelope (github.com/secure-systems-lab/dsse, v1.0): the signature covers
/// `PAE(payloadType, payload)`, so the signed bytes are exactly the payload bytes.
public struct Envelope: Hashable, Sendable {
    /// The payload type Assay uses for every statement it signs.
    public static let statementPayloadType = "application/vnd.assay.statement.v1+json"

    public let payloadType: String
    public let payload: [UInt8]
    public let signatures: [EnvelopeSignature]

    public init(payloadType: String, payload: [UInt8], signatures: [EnvelopeSignature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// Pre-Authentication Encoding:
    /// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN as ASCII decimal.
    public static func pae(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        var out = [UInt8]()
        out.reserveCapacity(payload.count + type.count + 32)
        out += Array("DSSEv1 \(type.count) ".utf8)
        out += type
        out += Array(" \(payload.count) ".utf8)
        out += payload
        return out
    }

    /// The bytes every signature covers.
    public var signedBytes: [UInt8] { Envelope.pae(payloadType: payloadType, payload: payload) }

    /// Signs `payload` with one named key.
    public static func sign(payload: [UInt8], payloadType: String = statementPayloadType, with key: NamedSigningKey) -> Envelope {
        let sig = key.key.signature(for: pae(payloadType: payloadType, payload: payload))
        let ref = key.keyReference.description
        return Envelope(payloadType: payloadType, payload: payload,
                        signatures: [EnvelopeSignature(keyID: ref, signature: sig.rawRepresentation)])
    }

    /// Whether the signature at `index` verifies under `key`.
    public func isValidSignature(at index: Int, by key: PublicKey) -> Bool {
        guard signatures.indices.contains(index) else { return false }
        return key.isValidSignature(rawSignature: signatures[index].signature, for: signedBytes)
    }

    /// The canonical serialisation Assay stores and hashes. Its layout is fixed:
    /// `{"payloadType":…,"payload":…,"signatures":[{"keyid":…,"sig":…},…]}` with no
    /// whitespace and standard padded base64. `payloadType` and every `keyid` are printable
    /// ASCII without `"` or `\` (checked on parse), so no string needs escaping.
    public var canonicalJSON: [UInt8] {
        var s = "{\"payloadType\":" + "\"" + payloadType + "\""
        s += ",\"payload\":\"" + Base64.encode(payload) + "\",\"signatures\":["
        for (i, sig) in signatures.enumerated() {
            if i > 0 { s += "," }
            s += "{\"keyid\":" + "\"" + sig.keyID + "\"" + ",\"sig\":\"" + Base64.encode(sig.signature) + "\"}"
        }
        s += "]}"
        return Array(s.utf8)
    }

    /// Parses bytes that are exactly the canonical serialisation of a one-signature envelope
    /// (`canonicalJSON`), without a general JSON parser; nil for anything else (the caller
    /// then falls back to `init(json:)`). Stored ledger records always take this path.
    public static func parseCanonical(_ bytes: [UInt8]) -> Envelope? {
        var i = 0
        func expect(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let ok = literal.withUTF8Buffer { lit in lit.elementsEqual(bytes[i..<(i + n)]) }
            if ok { i += n }
            return ok
        }
        func span() -> Range<Int>? {
            let start = i
            while i < bytes.count, bytes[i] != 0x22 {
                guard bytes[i] >= 0x21, bytes[i] <= 0x7e, bytes[i] != 0x5c else { return nil }
                i += 1
            }
            guard i < bytes.count else { return nil }
            defer { i += 1 }
            return start..<i
        }
        func token() -> String? { span().map { String(decoding: bytes[$0], as: UTF8.self) } }
        func base64() -> [UInt8]? {
            guard let r = span() else { return nil }
            return bytes.withUnsafeBufferPointer { Base64.decode(utf8: UnsafeBufferPointer(rebasing: $0[r])) }
        }
        guard expect(#"{"payloadType":""#), let type = token(), !type.isEmpty,
              expect(#","payload":""#), let payload = base64(),
              expect(#","signatures":[{"keyid":""#), let keyid = token(),
              expect(#","sig":""#), let sig = base64(),
              expect("}]}"), i == bytes.count else { return nil }
        return Envelope(payloadType: type, payload: payload, signatures: [EnvelopeSignature(keyID: keyid, signature: sig)])
    }

    /// Printable ASCII (0x21–0x7E) other than `"` and `\`.
    static func isPlainToken(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x21 && $0 <= 0x7e && $0 != 0x22 && $0 != 0x5c }
    }

    private struct Wire: Decodable {
        struct Sig: Decodable {
            let keyid: String?
            let sig: String
        }
        let payloadType: String
        let payload: String
        let signatures: [Sig]
    }

    /// Parses a DSSE envelope from JSON.
    /// - Throws: `CryptoError.malformedEnvelope` with a one-line reason.
    public init(json: [UInt8]) throws(CryptoError) {
        if let fast = Envelope.parseCanonical(json) {
            self = fast
            return
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(json))
        } catch let DecodingError.keyNotFound(key, _) {
            throw CryptoError(.malformedEnvelope, "not a DSSE envelope: missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, ctx) {
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            throw CryptoError(.malformedEnvelope, "not a DSSE envelope: wrong type at \"\(path)\"")
        } catch {
            throw CryptoError(.malformedEnvelope, "not a DSSE envelope: the file is not valid JSON")
        }
        guard Envelope.isPlainToken(wire.payloadType), !wire.payloadType.isEmpty else {
            throw CryptoError(.malformedEnvelope, "DSSE envelope: payloadType must be printable ASCII without quotes or backslashes")
        }
        guard let payload = Base64.decode(wire.payload) else {
            throw CryptoError(.malformedEnvelope, "DSSE envelope: payload is not standard base64")
        }
        guard !wire.signatures.isEmpty else {
            throw CryptoError(.malformedEnvelope, "DSSE envelope has no signatures")
        }
        var sigs: [EnvelopeSignature] = []
        for (i, s) in wire.signatures.enumerated() {
            guard let raw = Base64.decode(s.sig) else {
                throw CryptoError(.malformedEnvelope, "DSSE envelope: signature \(i) is not standard base64")
            }
            guard Envelope.isPlainToken(s.keyid ?? "") else {
                throw CryptoError(.malformedEnvelope, "DSSE envelope: keyid of signature \(i) must be printable ASCII without quotes or backslashes")
            }
            sigs.append(EnvelopeSignature(keyID: s.keyid ?? "", signature: raw))
        }
        self.init(payloadType: wire.payloadType, payload: payload, signatures: sigs)
    }
}
