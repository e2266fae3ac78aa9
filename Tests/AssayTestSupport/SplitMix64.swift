import Foundation

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator, so every randomised test
/// is reproducible from the seed printed in its failure messages.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// A uniformly distributed fraction in [0, 1).
    public mutating func fraction() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// A number in 0..<n (0 when n ≤ 0).
    public mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }

    /// A seed from the environment variable `name` (decimal or `0x` hex), else `fallback`.
    public static func seed(from name: String, default fallback: UInt64) -> UInt64 {
        guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { return fallback }
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) ?? fallback }
        return UInt64(text) ?? fallback
    }
}
