import Application
import Domain
import Foundation

/// The work journal in memory: for ApplicationTests, dry tooling and the contract suite's third
/// row. One actor, so every call is atomic like the stores' single statements.
public actor InMemoryWorkJournal: WorkJournal {
    private var items: [WorkKey: WorkRecord] = [:]

    public init() {}

    /// Every record, for assertions.
    public var all: [WorkRecord] { Array(items.values) }

    public func claim(_ keys: [WorkKey], owner: String, leaseUntil: Date, limit: Int, reclaimApplying: Bool, now: Date) -> [WorkKey] {
        guard limit > 0 else { return [] }
        var claimed: [WorkKey] = []
        for key in keys where !claimed.contains(key) {
            let existing = items[key]
            let claimable: Bool = switch existing?.state {
            case nil: true
            case .released?: (existing?.retryAt ?? .distantPast) <= now
            case .claimed?: (existing?.leaseExpiresAt ?? .distantPast) < now
            case .applying?: reclaimApplying && (existing?.leaseExpiresAt ?? .distantPast) < now
            default: false
            }
            guard claimable else { continue }
            items[key] = WorkRecord(
                key: key, state: .claimed, owner: owner, leaseExpiresAt: leaseUntil, attempts: (existing?.attempts ?? 0) + 1,
                generation: existing?.generation ?? 0, detail: existing?.detail, updatedAt: now, progress: existing?.progress,
                retryAt: existing?.retryAt
            )
            claimed.append(key)
            if claimed.count == limit { break }
        }
        return claimed
    }

    public func extendLeases(owner: String, until: Date, now: Date) -> Int {
        var count = 0
        for (key, record) in items where record.owner == owner && [.claimed, .applying, .applied].contains(record.state) && (record.leaseExpiresAt ?? .distantPast) > now {
            items[key] = record.with(leaseExpiresAt: until)
            count += 1
        }
        return count
    }

    public func begin(_ key: WorkKey, owner: String, now: Date) -> Bool {
        guard let record = items[key], record.state == .claimed, record.owner == owner, (record.leaseExpiresAt ?? .distantPast) > now else { return false }
        items[key] = record.with(state: .applying, updatedAt: now)
        return true
    }

    public func saveProgress(_ key: WorkKey, _ progress: String, owner: String, now: Date) -> Bool {
        guard let record = items[key], record.state == .applying, record.owner == owner else { return false }
        items[key] = record.with(updatedAt: now, progress: .some(progress))
        return true
    }

    public func record(_ key: WorkKey, _ outcome: WorkOutcome, owner: String, now: Date, retry: RetryTiming) {
        let change = WorkTransition(outcome, retry: retry)
        guard let record = items[key], change.from.contains(record.state), record.owner == owner else { return }
        items[key] = record.with(
            state: change.state, owner: change.releasesOwner ? .some(nil) : nil, leaseExpiresAt: change.keepsLease ? nil : .some(nil),
            detail: .some(change.detail), updatedAt: now, retryAt: .some(change.retryAt),
            attempts: change.refundsAttempt ? max(0, record.attempts - 1) : nil
        )
    }

    public func settle(_ keys: [WorkKey], now: Date) {
        for key in keys {
            guard let record = items[key], [.applied, .notNeeded, .failed].contains(record.state) else { continue }
            items[key] = record.with(state: .done, leaseExpiresAt: .some(nil), updatedAt: now)
        }
    }

    public func records(forSubTasks subTaskDNs: [String], operation: RunOperation) -> [WorkRecord] {
        let wanted = Set(subTaskDNs)
        return items.values.filter { $0.key.operation == operation && wanted.contains($0.key.subTaskDN) }
            .sorted { ($0.key.subTaskDN, $0.key.target) < ($1.key.subTaskDN, $1.key.target) }
    }

    public func reopen(_ records: [WorkRecord], now: Date) -> [WorkKey] {
        var reopened: [WorkKey] = []
        for seen in records where seen.state == .done {
            guard let record = items[seen.key], record.state == .done, record.generation == seen.generation else { continue }
            items[seen.key] = WorkRecord(
                key: seen.key, state: .released, owner: nil, leaseExpiresAt: nil, attempts: 0,
                generation: record.generation + 1, detail: nil, updatedAt: now, progress: nil
            )
            reopened.append(seen.key)
        }
        return reopened
    }

    public func resolve(_ key: WorkKey, as resolution: WorkResolution, by actor: String, now: Date) -> WorkRecord? {
        guard let record = items[key],
              record.state == .unknown || (record.state == .applying && (record.leaseExpiresAt ?? .distantPast) < now) else { return nil }
        let settlement = WorkSettlement(resolution, by: actor, at: now)
        let settled = WorkRecord(
            key: key, state: settlement.state, owner: settlement.owner, leaseExpiresAt: nil, attempts: record.attempts,
            generation: record.generation, detail: settlement.detail, updatedAt: now, progress: record.progress
        )
        items[key] = settled
        return settled
    }

    public func unresolved(limit: Int, now: Date) -> [WorkRecord] {
        let open = items.values.filter { $0.state == .unknown || ($0.state == .applying && ($0.leaseExpiresAt ?? .distantPast) < now) }
        return Array(open.sorted { ($0.updatedAt, $0.key.subTaskDN, $0.key.target) < ($1.updatedAt, $1.key.subTaskDN, $1.key.target) }.prefix(limit))
    }
}

extension WorkRecord {
    /// A copy with some fields changed; a `.some(nil)` clears an optional.
    func with(
        state: WorkState? = nil, owner: String?? = nil, leaseExpiresAt: Date?? = nil, detail: String?? = nil, updatedAt: Date? = nil,
        progress: String?? = nil, retryAt: Date?? = nil, attempts: Int? = nil
    ) -> WorkRecord {
        WorkRecord(
            key: key, state: state ?? self.state, owner: owner ?? self.owner, leaseExpiresAt: leaseExpiresAt ?? self.leaseExpiresAt,
            attempts: attempts ?? self.attempts, generation: generation, detail: detail ?? self.detail, updatedAt: updatedAt ?? self.updatedAt,
            progress: progress ?? self.progress, retryAt: retryAt ?? self.retryAt
        )
    }
}
