import Application
import Foundation

/// Scheduler leases of one process, for tests: the same rules as the SQL adapters.
public actor InMemoryLeaderLeases: LeaderLeases {
    private var leases: [String: LeaderLease] = [:]

    public init() {}

    public func hold(_ name: String, owner: String, now: Date, until: Date) -> LeaderLease? {
        guard let current = leases[name] else {
            return store(LeaderLease(name: name, owner: owner, fence: 1, expiresAt: until))
        }
        let live = current.expiresAt > now
        guard current.owner == owner || !live else { return nil }
        let fence = current.owner == owner && live ? current.fence : current.fence + 1
        return store(LeaderLease(name: name, owner: owner, fence: fence, expiresAt: until))
    }

    public func release(_ lease: LeaderLease) {
        guard let current = leases[lease.name], current.owner == lease.owner, current.fence == lease.fence else { return }
        leases[lease.name] = LeaderLease(name: lease.name, owner: lease.owner, fence: lease.fence, expiresAt: Date(timeIntervalSince1970: 0))
    }

    /// The lease as stored (tests look at the fence).
    public func current(_ name: String) -> LeaderLease? { leases[name] }

    private func store(_ lease: LeaderLease) -> LeaderLease {
        leases[lease.name] = lease
        return lease
    }
}
