internal import CAssaySodium

/// An Ed25519 public key: 32 bytes.
public struct PublicKey: Hashable, Sendable {
    /// The raw 32-byte key.
    public let rawRepresentation: [UInt8]

    /// - Throws: `CryptoError` (`malformedKey`) unless exactly 32 bytes.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == 32 else {
            throw CryptoError(.malformedKey, "an Ed25519 public key is 32 bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Whether the key is a point a real Ed25519 key pair can have: on the curve, in canonical
    /// encoding, in the prime-order subgroup and not of small order
    /// (`crypto_core_ed25519_is_valid_point`). Small-order ("weak") keys let one signature
    /// verify for many messages; registries refuse them.
    public var isValidPoint: Bool {
        Sodium.ensure()
        return crypto_core_ed25519_is_valid_point(rawRepresentation) == 1
    }

    /// Verifies a detached Ed25519 signature with libsodium's strict rules
    /// (`crypto_sign_verify_detached`: canonical S, no small-order keys or R).
    public func isValidSignature<M: Collection<UInt8>>(_ signature: Signature, for message: M) -> Bool {
        Sodium.ensure()
        let rc: Int32? = message.withContiguousStorageIfAvailable { m in
            crypto_sign_verify_detached(signature.rawRepresentation, m.baseAddress, UInt64(m.count), rawRepresentation)
        }
        if let rc { return rc == 0 }
        let copy = Array(message)
        return crypto_sign_verify_detached(signature.rawRepresentation, copy, UInt64(copy.count), rawRepresentation) == 0
    }

    /// Verifies a signature given as raw bytes; false for any length other than 64.
    public func isValidSignature<M: Collection<UInt8>>(rawSignature: [UInt8], for message: M) -> Bool {
        guard let sig = try? Signature(rawRepresentation: rawSignature) else { return false }
        return isValidSignature(sig, for: message)
    }
}

/// An Ed25519 signature: 64 bytes.
public struct Signature: Hashable, Sendable {
    public let rawRepresentation: [UInt8]

    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == 64 else {
            throw CryptoError(.malformedSignature, "an Ed25519 signature is 64 bytes, got \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
    }
}
