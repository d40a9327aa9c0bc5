import Application
import Foundation

/// The slots the scheduler ran, in one process, for tests. It checks the fence against the
/// in-memory leases it is given, as the SQL adapters check it in the same statement.
public actor InMemoryScheduleSlots: ScheduleSlots {
    private let leases: InMemoryLeaderLeases
    private var slots: [String: [Date]] = [:]

    public init(leases: InMemoryLeaderLeases) {
        self.leases = leases
    }

    public func claim(operation: String, slot: Date, lease: LeaderLease, now: Date) async -> Bool {
        guard let current = await leases.current(lease.name), current.owner == lease.owner, current.fence == lease.fence,
              current.expiresAt > now else { return false }
        guard !(slots[operation] ?? []).contains(slot) else { return false }
        slots[operation, default: []].append(slot)
        return true
    }

    public func lastSlot(operation: String) -> Date? { slots[operation]?.max() }

    public func purge(operation: String, before date: Date) -> Int {
        guard let all = slots[operation], let newest = all.max() else { return 0 }
        let kept = all.filter { $0 >= date || $0 == newest }
        slots[operation] = kept
        return all.count - kept.count
    }

    /// Every slot recorded for `operation`, oldest first (tests).
    public func recorded(_ operation: String) -> [Date] { (slots[operation] ?? []).sorted() }
}
