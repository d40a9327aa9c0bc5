import Domain
import Foundation

/// One unit of work of a run: one target (a recipient, a user DN, …) of one sub-task.
public struct WorkKey: Sendable, Hashable {
    public let operation: RunOperation
    public let subTaskDN: String
    public let target: String

    public init(operation: RunOperation, subTaskDN: String, target: String) {
        self.operation = operation
        self.subTaskDN = subTaskDN
        self.target = target
    }
}

/// Where an item stands. The life of an item: claimed (a run holds a lease) → applying (the
/// effect is about to start) → applied (it happened) → done (the sub-task's LDAP status says so).
/// `released` is claimable again after a transient failure, `failed` is permanent, `unknown`
/// means the effect may have happened (reply lost, crash mid-effect): never retried on its own.
public enum WorkState: String, Sendable, Equatable, CaseIterable {
    /// `notNeeded`: the kind found nothing to do (the user is not in the state any more): final
    /// like `applied`, and a sub-task whose every item is `notNeeded` is removed, as FD expects.
    case claimed, released, applying, applied, notNeeded, unknown, failed, done
}

public struct WorkRecord: Sendable, Equatable {
    public let key: WorkKey
    public let state: WorkState
    /// The run holding the lease (claimed/applying), or the run that last acted.
    public let owner: String?
    public let leaseExpiresAt: Date?
    /// How many times a run claimed it.
    public let attempts: Int
    /// How many times FusionDirectory renewed the sub-task and the item started over.
    public let generation: Int
    /// Last failure, deferral or settlement text.
    public let detail: String?
    public let updatedAt: Date
    /// What a multi-step effect already did (the kind's own checkpoint), kept across attempts so a
    /// retry resumes instead of repeating a step.
    public let progress: String?
    /// A released item that failed transiently is claimable again only from this instant (backoff).
    public let retryAt: Date?

    public init(
        key: WorkKey, state: WorkState, owner: String?, leaseExpiresAt: Date?, attempts: Int, generation: Int,
        detail: String?, updatedAt: Date, progress: String? = nil, retryAt: Date? = nil
    ) {
        self.progress = progress
        self.retryAt = retryAt
        self.key = key
        self.state = state
        self.owner = owner
        self.leaseExpiresAt = leaseExpiresAt
        self.attempts = attempts
        self.generation = generation
        self.detail = detail
        self.updatedAt = updatedAt
    }

    /// Held by a live run other than `owner`: being applied, or applied and waiting for that
    /// run's status write.
    public func isHeld(byAnotherThan owner: String, at now: Date) -> Bool {
        (state == .claimed || state == .applying || state == .applied) && self.owner != owner && (leaseExpiresAt ?? .distantPast) > now
    }
}

/// When a deferred item may be claimed again.
public enum RetryTiming: Sendable, Equatable {
    /// It was not attempted (the run stopped or shut down first, or another run holds part of its
    /// unit): claimable at once, and the claim that took it does not count as an attempt.
    case notAttempted
    /// It was attempted and failed transiently: claimable from that instant (nil: at once).
    case after(Date?)
}

/// How an operator settles an item whose outcome is unknown.
public enum WorkResolution: String, Sendable, Equatable, CaseIterable {
    /// The effect did happen (the message arrived): record it as applied.
    case applied
    /// It did not: the next run applies it again.
    case retry
}

/// The journal that makes every effect exactly-once across concurrent runs, replicas and crashes.
///
/// A key is claimable when it has no record, is `released` (and its `retryAt` has come), or is `claimed` under an expired
/// lease (its run died before acting); with `reclaimApplying`, also `applying` under an expired
/// lease (for kinds whose effect is safe to repeat). Every transition is one conditional write:
/// concurrent callers never both win a key.
public protocol WorkJournal: Sendable {
    /// Claims for `owner` until `leaseUntil` those of `keys` that are claimable, at most `limit`
    /// (in the given order); returns the keys now held.
    func claim(_ keys: [WorkKey], owner: String, leaseUntil: Date, limit: Int, reclaimApplying: Bool, now: Date) async throws -> [WorkKey]
    /// Moves the lease of every item `owner` holds (claimed, applying, or applied and not yet
    /// written to LDAP) to `until`: the heartbeat of a live run. Returns how many items it holds.
    func extendLeases(owner: String, until: Date, now: Date) async throws -> Int
    /// claimed → applying, only while `owner` holds an unexpired lease; false when the lease was lost.
    func begin(_ key: WorkKey, owner: String, now: Date) async throws -> Bool
    /// Stores the kind's checkpoint of an item being applied, only while `owner` holds it; false
    /// when it does not any more.
    func saveProgress(_ key: WorkKey, _ progress: String, owner: String, now: Date) async throws -> Bool
    /// Records what applying did: applied, released (deferred), failed or unknown; `retry` says
    /// when a deferred item may be claimed again and whether its claim counted as an attempt.
    func record(_ key: WorkKey, _ outcome: WorkOutcome, owner: String, now: Date, retry: RetryTiming) async throws
    /// applied/notNeeded/failed → done once the sub-task's LDAP status (or its removal) reflects them.
    func settle(_ keys: [WorkKey], now: Date) async throws
    /// Every record of these sub-tasks for `operation`.
    func records(forSubTasks subTaskDNs: [String], operation: RunOperation) async throws -> [WorkRecord]
    /// done → released with the next generation and no progress, for items whose sub-task
    /// FusionDirectory set back to scheduled. Only records still at the generation read are reopened, so two runs that both
    /// saw `done` never both reopen. Returns the keys reopened.
    func reopen(_ records: [WorkRecord], now: Date) async throws -> [WorkKey]
    /// An operator's settlement of an `unknown` item (or one left `applying` by a dead run):
    /// applied, or released for a retry. Returns the record after the change, nil when the key is
    /// not in a state that can be settled.
    func resolve(_ key: WorkKey, as resolution: WorkResolution, by actor: String, now: Date) async throws -> WorkRecord?
    /// The items an operator can settle (`unknown`, or `applying` under an expired lease), oldest
    /// change first, at most `limit`.
    func unresolved(limit: Int, now: Date) async throws -> [WorkRecord]
}

extension WorkJournal {
    /// An outcome that is not a retried failure (applied, failed, unknown…), or a deferral
    /// claimable again at once that counted as an attempt.
    public func record(_ key: WorkKey, _ outcome: WorkOutcome, owner: String, now: Date) async throws {
        try await record(key, outcome, owner: owner, now: now, retry: .after(nil))
    }
}
