internal import CAssaySodium
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An Ed25519 secret key held in memory that libsodium locks (where the OS allows)
/// and zeroes when the key is released. The seed never leaves this type except
/// through `withSeed`, for writing the key file.
///
/// `@unchecked Sendable` is safe: the secret buffer is written once, in `init`, and only read
/// afterwards (signing reads it; libsodium's signing does not write its key), until `deinit`
/// zeroes and frees it when no reference is left.
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

    /// Derives the key from the 32 seed bytes at `seed`, without copying them into Swift storage.
    public init(seedBytes seed: UnsafeRawBufferPointer) throws(CryptoError) {
        Sodium.ensure()
        guard seed.count == 32, let base = seed.baseAddress else {
            throw CryptoError(.malformedKey, "an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        _ = sodium_mlock(buf.baseAddress!, 64)
        var pk = [UInt8](repeating: 0, count: 32)
        _ = crypto_sign_seed_keypair(&pk, buf.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                     base.assumingMemoryBound(to: UInt8.self))
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

/// Bytes of a secret (a key file's text, a decoded seed) held in one buffer this type owns,
/// outside Swift's copy-on-write arrays and strings: locked in memory where the OS allows,
/// never copied by the type itself, and zeroed by `wipe()` and when released.
///
/// `@unchecked Sendable`: a buffer is filled by the one reader that created it (a key file read,
/// a decode) and only then handed on; its mutating methods must not run concurrently with any
/// other use, which every caller in Assay observes (a buffer never outlives the function that
/// loads one key).
public final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    /// How many bytes at the start of the buffer are in use.
    public private(set) var count: Int = 0

    /// A zeroed buffer of `capacity` bytes (at least 1).
    public init(capacity: Int) {
        Sodium.ensure()
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        _ = sodium_mlock(storage.baseAddress!, storage.count)
    }

    /// A buffer holding a copy of `bytes` (for callers whose secret is already in an array).
    public convenience init(copying bytes: some Collection<UInt8>) {
        self.init(capacity: bytes.count)
        fill { buf in
            var i = 0
            for b in bytes { buf[i] = b; i += 1 }
            return i
        }
    }

    deinit {
        wipe()
        _ = sodium_munlock(storage.baseAddress!, storage.count) // zeroes, then unlocks
        storage.deallocate()
    }

    /// The whole capacity, to fill in place; `body` returns how many bytes it wrote.
    public func fill<E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) {
        let n = try body(storage)
        count = min(max(n, 0), storage.count)
    }

    /// Lends the bytes in use.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Overwrites the whole buffer with zeroes (a store the optimiser keeps) and empties it.
    public func wipe() {
        sodium_memzero(storage.baseAddress, storage.count)
        count = 0
    }

    /// Whether every byte of the buffer, in use or not, is zero (for tests of the wiping).
    public var isWiped: Bool {
        count == 0 && storage.allSatisfy { $0 == 0 }
    }
}

/// Process-wide protections taken before a secret key is read.
public enum SecretHygiene {
    /// Disables core dumps for this process: the core size limit goes to 0 (`setrlimit(RLIMIT_CORE)`)
    /// and, on Linux, the process is marked not dumpable (`prctl(PR_SET_DUMPABLE, 0)`), which also
    /// keeps other processes of the same user from reading its memory through `/proc` or ptrace.
    /// - Returns: whether both steps succeeded.
    @discardableResult
    public static func disableCoreDumps() -> Bool {
        var ok = true
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        #if os(Linux)
        if setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) != 0 { ok = false }
        ok = prctl(option: 4 /* PR_SET_DUMPABLE */, 0) == 0 && ok
        #else
        if setrlimit(RLIMIT_CORE, &none) != 0 { ok = false }
        #endif
        return ok
    }

    /// Whether the process may leave a core dump: `PR_GET_DUMPABLE` on Linux (nil elsewhere).
    public static var isDumpable: Bool? {
        #if os(Linux)
        let r = prctl(option: 3 /* PR_GET_DUMPABLE */, 0)
        return r < 0 ? nil : r != 0
        #else
        return nil
        #endif
    }

    /// The soft core size limit, in bytes.
    public static var coreLimit: UInt64 {
        var l = rlimit()
        #if os(Linux)
        _ = getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &l)
        #else
        _ = getrlimit(RLIMIT_CORE, &l)
        #endif
        return UInt64(l.rlim_cur)
    }

    #if os(Linux)
    /// `prctl(2)`, which Swift does not import (it is variadic): looked up once and called with
    /// integer arguments only, which the Linux calling conventions pass as they would to a
    /// variadic callee.
    private typealias PrctlFunction = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private static let prctlFunction: PrctlFunction? = {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "prctl") else { return nil }
        return unsafeBitCast(sym, to: PrctlFunction.self)
    }()

    private static func prctl(option: Int32, _ arg: UInt) -> Int32 {
        prctlFunction?(option, arg, 0, 0, 0) ?? -1
    }
    #endif
}
