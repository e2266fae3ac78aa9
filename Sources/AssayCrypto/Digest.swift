internal import CAssaySodium

/// A SHA-256 digest: exactly 32 bytes.
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes as a digest.
    /// - Throws: `CryptoError` (`malformedSignature`) when the length is not 32.
    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.malformedSignature, "a SHA-256 digest is 32 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// 32 zero bytes: the chain hash before the first record.
    public static let zero = Digest(unchecked: [UInt8](repeating: 0, count: 32))

    /// Lower-case hex.
    public var hex: String { Hex.encode(bytes) }
    /// Standard base64 (RFC 4648 §4, with padding).
    public var base64: String { Base64.encode(bytes) }
    public var description: String { hex }

    /// Parses 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        guard let raw = Hex.decode(hex), raw.count == 32 else {
            throw CryptoError(.malformedSignature, "not a 32-byte hex digest: \(hex.prefix(80))")
        }
        self.bytes = raw
    }

    /// Parses a standard-base64 32-byte digest.
    public init(base64: String) throws(CryptoError) {
        guard let raw = Base64.decode(base64), raw.count == 32 else {
            throw CryptoError(.malformedSignature, "not a base64 32-byte hash: \(base64.prefix(80))")
        }
        self.bytes = raw
    }
}

/// SHA-256 from libsodium (`crypto_hash_sha256`).
public enum SHA256 {
    /// Hashes one byte string.
    public static func hash<B: Collection<UInt8>>(_ data: B) -> Digest {
        Sodium.ensure()
        var out = [UInt8](repeating: 0, count: 32)
        let done: Void? = data.withContiguousStorageIfAvailable { buf in
            _ = crypto_hash_sha256(&out, buf.baseAddress, UInt64(buf.count))
        }
        if done == nil {
            let copy = Array(data)
            _ = crypto_hash_sha256(&out, copy, UInt64(copy.count))
        }
        return Digest(unchecked: out)
    }

    /// Hashes the concatenation of several byte strings without joining them first.
    public static func hash(_ parts: [UInt8]...) -> Digest {
        var h = Hasher256()
        for p in parts { h.update(p) }
        return h.finalize()
    }

    /// An incremental SHA-256.
    public struct Hasher256 {
        private var state = crypto_hash_sha256_state()

        public init() {
            Sodium.ensure()
            crypto_hash_sha256_init(&state)
        }

        public mutating func update<B: Collection<UInt8>>(_ data: B) {
            let done: Void? = data.withContiguousStorageIfAvailable { buf in
                _ = crypto_hash_sha256_update(&state, buf.baseAddress, UInt64(buf.count))
            }
            if done == nil {
                let copy = Array(data)
                _ = crypto_hash_sha256_update(&state, copy, UInt64(copy.count))
            }
        }

        public mutating func update(byte: UInt8) {
            var b = byte
            _ = crypto_hash_sha256_update(&state, &b, 1)
        }

        public mutating func finalize() -> Digest {
            var out = [UInt8](repeating: 0, count: 32)
            crypto_hash_sha256_final(&state, &out)
            return Digest(unchecked: out)
        }
    }
}
