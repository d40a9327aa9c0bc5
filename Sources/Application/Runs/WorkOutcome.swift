import Domain
import Foundation

/// What applying one item did.
public enum WorkOutcome: Sendable, Equatable {
    /// The effect happened.
    case applied
    /// The effect happened, with something the report should say (e.g. FD was not refreshed).
    case appliedNoting(String)
    /// Nothing was needed (the user is no longer in the state the task moves users out of).
    case notNeeded(String)
    /// Transient, and the effect cannot have happened: released for a later run.
    case deferred(String)
    /// Like `deferred`, because what the effect needs (the relay, FD) could not be reached: after a
    /// few in a row the run stops instead of trying every item against it.
    case unreachable(String)
    /// Like `deferred`, but the dependency asked the run to slow down (a burst of 421/451): not
    /// counted as an attempt, so a throttling relay never brings items nearer their dead end.
    case throttled(String)
    /// Not an attempt, and no other item can succeed either (the relay refused this service's
    /// credentials): the run stops at once and reports why; the rest waits for the next run.
    case halt(String)
    /// Permanent: the sub-task's status carries the text.
    case failed(String)
    /// The effect may have happened (reply lost after the data, crash mid-effect): reported and
    /// never retried on its own; an operator settles it.
    case unknown(String)
}

/// What a crash between "applying" and the recorded outcome means for a kind.
public enum ReplayPolicy: Sendable, Equatable {
    /// The effect is safe to repeat (an idempotent LDAP modify): a later run takes it over.
    case retry
    /// It is not (a message): the item is reported unknown.
    case reportUnknown
}

/// Why one sub-task cannot run at all (no recipient, no template): it fails alone. Or, with
/// `notNeeded`, why it needs nothing (no audited change matches): it is removed, as FD expects.
public struct WorkRefusal: Error, Sendable, Equatable {
    public let reason: String
    /// The short text reported; `reason` goes to the sub-task's status.
    public let summary: String
    /// Nothing is wrong: the sub-task has nothing to do and is removed.
    public let notNeeded: Bool

    public init(_ reason: String, summary: String? = nil) {
        self.reason = reason
        self.summary = summary ?? reason
        notNeeded = false
    }

    private init(notNeeded reason: String) {
        self.reason = reason
        summary = reason
        notNeeded = true
    }

    /// The sub-task needs nothing: removed, with `reason` in the report.
    public static func notNeeded(_ reason: String) -> WorkRefusal {
        WorkRefusal(notNeeded: reason)
    }
}

/// What a kind decided for the whole run.
public struct RunPlan<Plan: Sendable>: Sendable {
    public let plan: Plan
    /// Apply at most this many items (nil: no limit); `limitReason` explains the skipped rest.
    public let limit: Int?
    public let limitReason: String
    /// Set when the run must do nothing on purpose (an anti-spam interval): every due item is
    /// reported skipped with it.
    public let skipReason: String?

    public init(_ plan: Plan, limit: Int? = nil, limitReason: String = "", skipReason: String? = nil) {
        self.plan = plan
        self.limit = limit
        self.limitReason = limitReason
        self.skipReason = skipReason
    }
}

/// One claimed item as the kind's effect sees it.
public struct WorkItem: Sendable {
    public let key: WorkKey
    public let subTask: SubTask
    /// 0 at first, +1 each time FusionDirectory renewed the sub-task.
    public let generation: Int
    /// 1 on the first claim, +1 on each later one (after a deferral or a dead run).
    public let attempt: Int
    /// The checkpoint an earlier attempt saved, if any.
    public let progress: String?
    /// Saves a checkpoint before and after each step that must not be repeated; false when the
    /// run no longer holds the item (it must stop).
    public let checkpoint: @Sendable (String) async throws -> Bool

    public init(key: WorkKey, subTask: SubTask, generation: Int, attempt: Int = 1, progress: String? = nil,
                checkpoint: @escaping @Sendable (String) async throws -> Bool = { _ in true }) {
        self.key = key
        self.subTask = subTask
        self.generation = generation
        self.attempt = attempt
        self.progress = progress
        self.checkpoint = checkpoint
    }
}

/// What every kind may read of the run it is part of.
public struct RunContext: Sendable {
    public let runID: String
    /// The instant due-ness is judged at: now, or a dry-run's `asOf`.
    public let asOf: Date
    public let configuration: FDConfiguration
    public let zone: TimeZone
    public let dryRun: Bool
}
