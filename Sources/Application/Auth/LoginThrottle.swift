import Foundation

/// How many failed logins are tolerated within `window`, per key.
public struct LoginThrottlePolicy: Sendable, Equatable {
    /// Failures of one name from one address (the brute force of one account from one place).
    public var perPair: Int
    /// Failures of one name from every address together (a distributed attack on one account).
    public var perName: Int
    /// Failures from one address over every name (password spraying).
    public var perAddress: Int
    public var window: TimeInterval

    public init(perPair: Int = 5, perName: Int = 20, perAddress: Int = 50, window: TimeInterval = 60) {
        self.perPair = perPair
        self.perName = perName
        self.perAddress = perAddress
        self.window = window
    }
}

/// Failed-login counting over a sliding window, keyed on the name as the directory compares it.
///
/// Three counts: (name, address), name, and address. The first two refuse that name once over
/// their limit: the failures are that name's own. An address over its limit refuses only the
/// names it has already failed on, so each further name gets one guess per window from there,
/// and a DSA without failures of its own logs in even behind a proxy every client shares: one
/// DSA's failures never lock out another. A success clears its (name, address) count only:
/// one good password must not reopen brute force against the name from elsewhere.
public actor LoginThrottle {
    public let policy: LoginThrottlePolicy
    /// Keys kept at most; the least recently failed go first, so memory stays bounded under attack.
    private let capacity: Int
    private var failures: [Key: [Date]] = [:]

    private enum Key: Hashable {
        case pair(name: String, address: String)
        case name(String)
        case address(String)
    }

    public init(policy: LoginThrottlePolicy = LoginThrottlePolicy(), capacity: Int = 100_000) {
        self.policy = policy
        self.capacity = capacity
    }

    /// Seconds until a login for this username from this address may be tried again; nil = allowed now.
    public func retryAfter(username: String, address: String, now: Date) -> Int? {
        let name = Self.comparableName(username)
        let pair = Key.pair(name: name, address: address)
        var waits = [wait(for: pair, limit: policy.perPair, now: now), wait(for: .name(name), limit: policy.perName, now: now)]
        if recent(pair, now: now).count > 0 {
            waits.append(wait(for: .address(address), limit: policy.perAddress, now: now))
        }
        return waits.compactMap { $0 }.max()
    }

    public func recordFailure(username: String, address: String, now: Date) {
        let name = Self.comparableName(username)
        let counts: [(Key, Int)] = [(.pair(name: name, address: address), policy.perPair), (.name(name), policy.perName), (.address(address), policy.perAddress)]
        for (key, limit) in counts {
            var list = recent(key, now: now)
            list.append(now)
            failures[key] = Array(list.suffix(limit))
        }
        if failures.count > capacity { evict(now: now) }
    }

    public func recordSuccess(username: String, address: String) {
        failures[.pair(name: Self.comparableName(username), address: address)] = nil
    }

    /// The name as slapd compares `cn` (caseIgnoreMatch with RFC 4518 string preparation):
    /// compatibility-normalised, case-folded, leading and trailing spaces dropped and inner runs
    /// of spaces taken as one. "Orchestrator", " orchestrator" and "orchestrator" are one account
    /// to the directory, so they are one name here too.
    public static func comparableName(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping
            .folding(options: [.caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private func recent(_ key: Key, now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < policy.window }
    }

    private func wait(for key: Key, limit: Int, now: Date) -> Int? {
        let recent = recent(key, now: now)
        guard recent.count >= limit, let oldest = recent.suffix(limit).first else { return nil }
        return max(1, Int((policy.window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    private func evict(now: Date) {
        failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < policy.window } }
        while failures.count > capacity, let stalest = failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }) {
            failures[stalest.key] = nil
        }
    }
}
