internal import CAssaySodium

/// An Ed25519 secret key held in memory that libsodium locks (where the OS allows)
/// and zeroes when the key is released. The seed never leaves this type except
/// through `withSeed`, for writing the key file.
public final class SigningKey: @unchecked Sendable {
    // 64 bytes: seed (32) || public key (32), libsodium's secret-key layout.
    private let secret: UnsafeMutableRawBufferPointer
    /// The matching public key.
    public let publicKey: PublicKey

    /// A fresh key from libsodium's CSPRNG.
    public convenience init() {
        Sodium.ensure()
        var seed = [UInt8](repeating: 0, count: 32)
        randombytes_buf(&seed, 32)
        defer { sodium_memzero(&seed, 32) }
        // A 32-byte seed is always accepted.
        try! self.init(seed: seed)
    }

    /// Derives the key from a 32-byte seed (RFC 8032 private key).
    public init(seed: [UInt8]) throws(CryptoError) {
        Sodium.ensure()
        guard seed.count == 32 else {
            throw CryptoError(.malformedKey, "an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        _ = sodium_mlock(buf.baseAddress!, 64)
        var pk = [UInt8](repeating: 0, count: 32)
        _ = crypto_sign_seed_keypair(&pk, buf.baseAddress!.assumingMemoryBound(to: UInt8.self), seed)
        self.secret = buf
        self.publicKey = try PublicKey(rawRepresentation: pk)
    }

    deinit {
        _ = sodium_munlock(secret.baseAddress!, 64) // zeroes, then unlocks
        sodium_memzero(secret.baseAddress, 64)
        secret.deallocate()
    }

    /// Signs `message` (deterministic Ed25519).
    public func signature<M: Collection<UInt8>>(for message: M) -> Signature {
        var sig = [UInt8](repeating: 0, count: 64)
        let sk = secret.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let done: Void? = message.withContiguousStorageIfAvailable { m in
            _ = crypto_sign_detached(&sig, nil, m.baseAddress, UInt64(m.count), sk)
        }
        if done == nil {
            let copy = Array(message)
            _ = crypto_sign_detached(&sig, nil, copy, UInt64(copy.count), sk)
        }
        return try! Signature(rawRepresentation: sig)
    }

    /// Lends the 32-byte seed to `body`, then zeroes the copy.
    public func withSeed<R>(_ body: ([UInt8]) throws -> R) rethrows -> R {
        var seed = Array(UnsafeRawBufferPointer(rebasing: secret[0..<32]))
        defer { sodium_memzero(&seed, 32) }
        return try body(seed)
    }
}

/// Constant-time comparison of equal-length byte strings (`sodium_memcmp`).
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    Sodium.ensure()
    return sodium_memcmp(a, b, a.count) == 0
}

/// Overwrites a byte array with zeroes in a way the optimiser keeps.
public func secureZero(_ bytes: inout [UInt8]) {
    guard !bytes.isEmpty else { return }
    Sodium.ensure()
    let n = bytes.count
    bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, n) }
}
