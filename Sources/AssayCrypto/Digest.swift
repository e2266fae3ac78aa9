internal import CAssayLibcrypto

/// A SHA-256 digest: exactly 32 bytes, held inline (no heap allocation), so that trees,
/// proofs and hash chains can pass digests around freely.
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    typealias Words = (UInt64, UInt64, UInt64, UInt64)
    /// The 32 bytes in order, as four machine words (their memory, not their values).
    private var words: Words = (0, 0, 0, 0)

    /// Wraps 32 bytes as a digest.
    /// - Throws: `CryptoError` (`malformedSignature`) when the length is not 32.
    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 32 else {
            throw CryptoError(.malformedSignature, "a SHA-256 digest is 32 bytes, got \(bytes.count)")
        }
        self.init(unchecked: bytes)
    }

    /// Copies the first 32 bytes of `raw` (which must hold at least 32).
    public init(raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= 32, "a digest needs 32 bytes")
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<32])) }
    }

    init(unchecked bytes: [UInt8]) {
        precondition(bytes.count >= 32, "a digest needs 32 bytes")
        Swift.withUnsafeMutableBytes(of: &words) { dst in
            bytes.withUnsafeBytes { dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<32])) }
        }
    }

    /// Fills the 32 bytes with `fill`, which writes exactly 32 bytes at the pointer.
    init(filling fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        Swift.withUnsafeMutableBytes(of: &words) { fill($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The 32 digest bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Calls `body` with the 32 digest bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var w = words
        return try Swift.withUnsafeBytes(of: &w, body)
    }

    /// Whether `other` holds exactly these 32 bytes.
    public func matches(_ other: [UInt8]) -> Bool {
        other.count == 32 && withUnsafeBytes { mine in other.withUnsafeBytes { mine.elementsEqual($0) } }
    }

    public static func == (a: Digest, b: Digest) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

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
        self.init(unchecked: raw)
    }

    /// Parses a standard-base64 32-byte digest.
    public init(base64: String) throws(CryptoError) {
        guard let raw = Base64.decode(base64), raw.count == 32 else {
            throw CryptoError(.malformedSignature, "not a base64 32-byte hash: \(base64.prefix(80))")
        }
        self.init(unchecked: raw)
    }
}

/// SHA-256 from OpenSSL's libcrypto (`SHA256_Init`/`Update`/`Final`), which uses the CPU's SHA
/// extensions where present: about 4× libsodium's portable code on 65- and 700-byte inputs.
public enum SHA256 {
    /// Hashes one byte string.
    public static func hash<B: Collection<UInt8>>(_ data: B) -> Digest {
        var h = Hasher256()
        h.update(data)
        return h.finalize()
    }

    /// Hashes the concatenation of several byte strings without joining them first.
    public static func hash(_ parts: [UInt8]...) -> Digest {
        var h = Hasher256()
        for p in parts { h.update(p) }
        return h.finalize()
    }

    /// An incremental SHA-256.
    public struct Hasher256 {
        private var state = SHA256_CTX()

        public init() {
            SHA256_Init(&state)
        }

        public mutating func update<B: Collection<UInt8>>(_ data: B) {
            let done: Void? = data.withContiguousStorageIfAvailable { buf in
                _ = SHA256_Update(&state, buf.baseAddress, buf.count)
            }
            if done == nil {
                let copy = Array(data)
                _ = SHA256_Update(&state, copy, copy.count)
            }
        }

        public mutating func update(_ digest: Digest) {
            digest.withUnsafeBytes { _ = SHA256_Update(&state, $0.baseAddress, 32) }
        }

        public mutating func update(byte: UInt8) {
            var b = byte
            _ = SHA256_Update(&state, &b, 1)
        }

        public mutating func finalize() -> Digest {
            Digest { _ = SHA256_Final($0, &state) }
        }
    }
}
