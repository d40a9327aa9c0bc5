import Foundation

/// How transient failures of one item are retried on later runs: exponential backoff with jitter
/// between attempts, and a dead end after `maxAttempts` — an item that can never succeed (a relay
/// that refuses one recipient with 451 forever) must not be retried for ever (Keycloak's lesson).
public struct RetryPolicy: Sendable, Equatable {
    /// The delay after the first failed attempt.
    public let base: TimeInterval
    /// No delay grows beyond this.
    public let cap: TimeInterval
    /// Attempts after which a transient failure is final (the item is dead).
    public let maxAttempts: Int

    public init(base: TimeInterval = 60, cap: TimeInterval = 3_600, maxAttempts: Int = 8) {
        self.base = max(0, base)
        self.cap = max(self.base, cap)
        self.maxAttempts = max(1, maxAttempts)
    }

    /// How long to wait after the `attempt`-th attempt failed (1 = the first): `base · 2^(attempt-1)`,
    /// capped, then scaled by `jitter` (0…1) into its upper half, so replicas and items retried
    /// together spread out ("equal jitter") yet never retry sooner than half the backoff.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        let exponent = min(max(attempt, 1) - 1, 62)
        let backoff = min(cap, base * pow(2, Double(exponent)))
        let spread = min(max(jitter, 0), 1)
        return backoff / 2 + backoff / 2 * spread
    }

    /// Whether a transient failure of the `attempt`-th attempt is the last one allowed.
    public func isExhausted(afterAttempt attempt: Int) -> Bool {
        attempt >= maxAttempts
    }
}
