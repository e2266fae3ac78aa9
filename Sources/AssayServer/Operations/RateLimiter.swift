import Synchronization

/// A token bucket per client: each client may make `burst` requests at once and `rate` per
/// second after that. A request takes one token; a client whose bucket is empty is refused and
/// told how many whole seconds until a token is back.
///
/// Memory is bounded: when more than `maxClients` buckets are held, the full ones (clients idle
/// for at least `burst / rate` seconds, indistinguishable from new clients) are dropped; if that
/// frees nothing, the oldest half by last use is dropped.
public final class RateLimiter: Sendable {
    /// What a request may do.
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; a token is available again after this many seconds (at least 1).
        case limited(retryAfterSeconds: Int)
    }

    /// Tokens added per second.
    public let rate: Double
    /// The bucket's capacity: requests a fresh client may make at once.
    public let burst: Double
    /// Most clients tracked at once before idle ones are dropped.
    public let maxClients: Int

    private struct Bucket {
        var tokens: Double
        var last: Double
    }
    private let buckets = Mutex<[String: Bucket]>([:])

    /// - Parameters:
    ///   - rate: requests per second per client (> 0).
    ///   - burst: bucket capacity (≥ 1).
    ///   - maxClients: most clients tracked at once.
    public init(rate: Double, burst: Double, maxClients: Int = 65_536) {
        precondition(rate > 0 && burst >= 1, "rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self.maxClients = maxClients
    }

    /// Takes a token for `client` at time `now` (seconds on a monotonic clock).
    public func take(client: String, now: Double) -> Decision {
        buckets.withLock { table in
            var b = table[client] ?? Bucket(tokens: burst, last: now)
            b.tokens = min(burst, b.tokens + max(0, now - b.last) * rate)
            b.last = now
            let decision: Decision
            if b.tokens >= 1 {
                b.tokens -= 1
                decision = .allowed
            } else {
                let wait = (1 - b.tokens) / rate
                decision = .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
            }
            table[client] = b
            if table.count > maxClients { prune(&table, now: now) }
            return decision
        }
    }

    private func prune(_ table: inout [String: Bucket], now: Double) {
        let refill = burst / rate
        table = table.filter { now - $0.value.last < refill }
        if table.count > maxClients {
            let keep = table.sorted { $0.value.last > $1.value.last }.prefix(maxClients / 2)
            table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
