import Application
import Foundation

/// The slots the scheduler ran, in one process, for tests. It checks the fence against the
/// in-memory leases it is given, as the SQL adapters check it in the same statement.
public actor InMemoryScheduleSlots: ScheduleSlots {
    private let leases: InMemoryLeaderLeases
    private var slots: [String: [Date]] = [:]
    /// Per operation and slot: the fence it runs under, and whether its run finished.
    private var runs: [String: [Date: (fence: Int64, finished: Bool)]] = [:]

    public init(leases: InMemoryLeaderLeases) {
        self.leases = leases
    }

    public func claim(operation: String, slot: Date, lease: LeaderLease, now: Date) async -> Bool {
        guard await isCurrent(lease, now: now) else { return false }
        guard !(slots[operation] ?? []).contains(slot) else { return false }
        slots[operation, default: []].append(slot)
        runs[operation, default: [:]][slot] = (lease.fence, false)
        return true
    }

    private func isCurrent(_ lease: LeaderLease, now: Date) async -> Bool {
        guard let current = await leases.current(lease.name) else { return false }
        return current.owner == lease.owner && current.fence == lease.fence && current.expiresAt > now
    }

    public func finish(operation: String, slot: Date, lease: LeaderLease, now: Date) {
        guard let run = runs[operation]?[slot], run.fence == lease.fence else { return }
        runs[operation]?[slot] = (run.fence, true)
    }

    public func unfinished(operation: String) -> OpenSlot? {
        guard let newest = slots[operation]?.max(), let run = runs[operation]?[newest], !run.finished else { return nil }
        return OpenSlot(slot: newest, fence: run.fence)
    }

    public func resume(operation: String, slot: Date, lease: LeaderLease, now: Date) async -> Bool {
        guard await isCurrent(lease, now: now), let run = runs[operation]?[slot], !run.finished, run.fence < lease.fence else { return false }
        runs[operation]?[slot] = (lease.fence, false)
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
