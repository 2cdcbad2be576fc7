import Foundation
import Synchronization

/// A token bucket per strategy: a bot may burst, but not flood its followers. Per relay
/// instance (the edge spreads an emitter's requests, so the effective limit scales with replicas).
/// A lock, not an actor: taking a token is a few arithmetic steps, not worth two task switches
/// on every signal.
final class EmitRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let ratePerSecond: Double
    private let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(ratePerSecond: Double, burst: Double) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// Takes a token for `strategyId`; returns the seconds to wait when there is none.
    func take(_ strategyId: String) -> Double? {
        let (ratePerSecond, burst) = (self.ratePerSecond, self.burst)
        return buckets.withLock { buckets in
            let now = ContinuousClock.now
            var bucket = buckets[strategyId] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            bucket.tokens = min(burst, bucket.tokens + (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * ratePerSecond)
            bucket.updated = now
            defer { buckets[strategyId] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / ratePerSecond }
            bucket.tokens -= 1
            if buckets.count > 10_000 { buckets = buckets.filter { $0.value.tokens < burst } }
            return nil
        }
    }

    /// Returns the token of a signal that was not stored (the log was unavailable, or failed):
    /// a bot retrying through a database outage must not find its rate used up by it.
    func giveBack(_ strategyId: String) {
        let burst = self.burst
        buckets.withLock { buckets in
            guard var bucket = buckets[strategyId] else { return }
            bucket.tokens = min(burst, bucket.tokens + 1)
            buckets[strategyId] = bucket
        }
    }
}
