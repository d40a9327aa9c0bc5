import Application
import Foundation
import Testing

/// The throttle's keys and window arithmetic, with a fake clock.
struct LoginThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ second: Double) -> Date { start.addingTimeInterval(second) }

    @Test func fiveFailuresOfOneNameFromOneAddressBlockItUntilTheOldestLeavesTheWindow() async {
        let throttle = LoginThrottle()
        for second in 0..<5 { await throttle.recordFailure(username: "b", address: "x", now: at(Double(second))) }
        #expect(await throttle.retryAfter(username: "b", address: "x", now: at(30)) == 30)
        #expect(await throttle.retryAfter(username: "b", address: "x", now: at(60.5)) == nil)
        // The same name from another address is still allowed: 5 is below the per-name limit.
        #expect(await throttle.retryAfter(username: "b", address: "y", now: at(30)) == nil)
    }

    @Test func theNameIsCountedAsTheDirectoryComparesIt() async {
        let throttle = LoginThrottle()
        for (second, spelling) in ["DSA", " dsa", "dsa  ", "Dsa", "ｄｓａ"].enumerated() {
            await throttle.recordFailure(username: spelling, address: "x", now: at(Double(second)))
        }
        #expect(await throttle.retryAfter(username: "dsa", address: "x", now: at(10)) == 50)
        #expect(LoginThrottle.comparableName("  Fusion   Directory ") == "fusion directory")
    }

    @Test func aSuccessClearsItsPairButNotTheNamesCountOverAddresses() async {
        let throttle = LoginThrottle(policy: LoginThrottlePolicy(perPair: 5, perName: 8, perAddress: 50))
        for second in 0..<4 { await throttle.recordFailure(username: "a", address: "10.0.0.1", now: at(Double(second))) }
        await throttle.recordSuccess(username: "a", address: "10.0.0.1")
        #expect(await throttle.retryAfter(username: "a", address: "10.0.0.1", now: at(5)) == nil)
        for second in 4..<8 { await throttle.recordFailure(username: "a", address: "10.0.0.\(second)", now: at(Double(second))) }
        #expect(await throttle.retryAfter(username: "a", address: "10.0.0.99", now: at(10)) == 50)
    }

    @Test func anAddressOverItsLimitRefusesOnlyTheNamesThatFailedFromIt() async {
        let throttle = LoginThrottle(policy: LoginThrottlePolicy(perPair: 5, perName: 20, perAddress: 10))
        for attempt in 0..<10 { await throttle.recordFailure(username: "n\(attempt % 5)", address: "proxy", now: at(Double(attempt))) }
        #expect(await throttle.retryAfter(username: "n1", address: "proxy", now: at(20)) == 40)
        #expect(await throttle.retryAfter(username: "someone-else", address: "proxy", now: at(20)) == nil)
        #expect(await throttle.retryAfter(username: "n1", address: "elsewhere", now: at(20)) == nil)
    }
}
