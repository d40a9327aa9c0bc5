import Foundation

/// Failed-login counting per username and per client address over a sliding window.
///
/// After `limit` failures for a key within `window`, logins for that key are refused until the
/// oldest counted failure leaves the window. A successful login clears the username's count
/// (not the address's: one good password must not reopen brute force from that address).
public actor LoginThrottle {
    public let limit: Int
    public let window: TimeInterval
    /// Keys kept at most; the least recently failed go first, so memory stays bounded under attack.
    private let capacity: Int
    private var failures: [String: [Date]] = [:]

    public init(limit: Int = 5, window: TimeInterval = 60, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Seconds until a login for this username from this address may be tried again; nil = allowed now.
    public func retryAfter(username: String, address: String, now: Date) -> Int? {
        let waits = [Self.userKey(username), Self.addressKey(address)].compactMap { wait(for: $0, now: now) }
        return waits.max()
    }

    public func recordFailure(username: String, address: String, now: Date) {
        for key in [Self.userKey(username), Self.addressKey(address)] {
            var list = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            list.append(now)
            failures[key] = Array(list.suffix(limit))
        }
        if failures.count > capacity { evict(now: now) }
    }

    public func recordSuccess(username: String) {
        failures[Self.userKey(username)] = nil
    }

    private func wait(for key: String, now: Date) -> Int? {
        guard let list = failures[key] else { return nil }
        let recent = list.filter { now.timeIntervalSince($0) < window }
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    private func evict(now: Date) {
        failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        while failures.count > capacity, let stalest = failures.min(by: { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }) {
            failures[stalest.key] = nil
        }
    }

    private static func userKey(_ username: String) -> String { "u:" + username.lowercased() }
    private static func addressKey(_ address: String) -> String { "a:" + address }
}
