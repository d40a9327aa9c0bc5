import Domain
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(base: 60, cap: 3_600, maxAttempts: 8)

    @Test func theBackoffDoublesFromTheBaseAndStopsAtTheCap() {
        let full = (1...9).map { policy.delay(afterAttempt: $0, jitter: 1) }
        #expect(full == [60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600])
    }

    @Test func jitterSpreadsTheDelayOverItsUpperHalfOnly() {
        #expect(policy.delay(afterAttempt: 3, jitter: 0) == 120)
        #expect(policy.delay(afterAttempt: 3, jitter: 0.5) == 180)
        #expect(policy.delay(afterAttempt: 3, jitter: 1) == 240)
        // Out-of-range jitter and attempts are clamped, never negative or huge.
        #expect(policy.delay(afterAttempt: 0, jitter: -3) == 30)
        #expect(policy.delay(afterAttempt: 10_000, jitter: 7) == 3_600)
    }

    @Test func theItemIsDeadAfterTheMaximumNumberOfAttempts() {
        #expect(!policy.isExhausted(afterAttempt: 7))
        #expect(policy.isExhausted(afterAttempt: 8))
        #expect(policy.isExhausted(afterAttempt: 9))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy(base: 10, cap: 5).cap == 10)
    }
}
