import Domain
import Foundation

/// What a run did, item by item: the answer of `PATCH /api/tasks/<operation>` and what
/// `GET /api/runs/{id}` shows later.
public struct RunReport: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Equatable, Codable, CaseIterable {
        /// The effect happened in this run (the server accepted the message, …).
        case applied
        /// Applied by an earlier run; at most its LDAP status was completed now.
        case alreadyApplied
        /// Nothing to do for it (the sub-task is removed when that holds for all its items).
        case notNeeded
        /// Refused for good; the sub-task carries the reason.
        case failed
        /// A transient failure: the sub-task stays scheduled and a later run retries.
        case deferred
        /// Not attempted in this run (anti-spam limit or interval, held by another run, shutdown).
        case skipped
        /// May or may not have happened: never repeated on its own; an operator settles it.
        case unknown
        /// Dry-run: would be applied now.
        case wouldApply
        /// Dry-run: would fail now, with the detail.
        case wouldFail
    }

    public struct Item: Sendable, Equatable, Codable {
        public let subTask: String
        /// The recipient, user DN, … that this item acts on; nil when the sub-task failed as a whole.
        public let target: String?
        public let outcome: Outcome
        public let detail: String?

        enum CodingKeys: String, CodingKey {
            case subTask = "subtask", target, outcome, detail
        }

        /// How the detail of an item that gave up after its retries begins (the dead state).
        public static let deadPrefix = "gave up after "

        /// Failed because its transient failures outlasted `RETRY_MAX_ATTEMPTS` (re-drive it).
        public var isDead: Bool { outcome == .failed && detail?.hasPrefix(Self.deadPrefix) == true }

        /// Absent values are written as null: the shape of an item never changes.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(subTask, forKey: .subTask)
            try container.encode(target, forKey: .target)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(detail, forKey: .detail)
        }

        public init(subTask: String, target: String?, outcome: Outcome, detail: String? = nil) {
            self.subTask = subTask
            self.target = target
            self.outcome = outcome
            self.detail = detail
        }
    }

    public struct Summary: Sendable, Equatable, Codable {
        public var due = 0
        public var applied = 0
        public var alreadyApplied = 0
        public var notNeeded = 0
        public var failed = 0
        public var deferred = 0
        public var skipped = 0
        public var unknown = 0
        public var wouldApply = 0
        public var wouldFail = 0

        public init() {}

        /// Counts absent from a stored report (written before that outcome existed) read as 0.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func count(_ key: CodingKeys) throws -> Int { try container.decodeIfPresent(Int.self, forKey: key) ?? 0 }
            due = try count(.due)
            applied = try count(.applied)
            alreadyApplied = try count(.alreadyApplied)
            notNeeded = try count(.notNeeded)
            failed = try count(.failed)
            deferred = try count(.deferred)
            skipped = try count(.skipped)
            unknown = try count(.unknown)
            wouldApply = try count(.wouldApply)
            wouldFail = try count(.wouldFail)
        }

        enum CodingKeys: String, CodingKey {
            case due, applied, alreadyApplied, notNeeded, failed, deferred, skipped, unknown, wouldApply, wouldFail
        }

        public mutating func count(_ outcome: Outcome) {
            switch outcome {
            case .applied: applied += 1
            case .alreadyApplied: alreadyApplied += 1
            case .notNeeded: notNeeded += 1
            case .failed: failed += 1
            case .deferred: deferred += 1
            case .skipped: skipped += 1
            case .unknown: unknown += 1
            case .wouldApply: wouldApply += 1
            case .wouldFail: wouldFail += 1
            }
        }
    }

    /// Who started the run.
    public enum Trigger: String, Sendable, Equatable, Codable {
        case http, cli, schedule
    }

    public enum CodingKeys: String, CodingKey {
        case runID = "runId", operation, trigger, dryRun, asOf, startedAt, endedAt, summary, skippedReason, items
        case retention, removals
    }

    public let runID: String
    /// The operation's name (`mail`, `lifeCycle`, …).
    public let operation: String
    public let trigger: Trigger
    public let dryRun: Bool
    /// The instant due-ness was judged at (now, or a dry-run's `asOf`).
    public let asOf: Date
    public let startedAt: Date
    public let endedAt: Date
    public let summary: Summary
    /// Why the whole run did nothing, when it did nothing on purpose.
    public let skippedReason: String?
    public let items: [Item]
    /// Audit only: one pass per distinct retention, with its counts (not one item per event).
    public let retention: [RetentionPass]?
    /// removeSubTasks only: how many sub-tasks went, per main task.
    public let removals: [Removal]?

    public init(
        runID: String, operation: String, trigger: Trigger, dryRun: Bool, asOf: Date, startedAt: Date, endedAt: Date,
        summary: Summary, skippedReason: String?, items: [Item], retention: [RetentionPass]? = nil, removals: [Removal]? = nil
    ) {
        self.runID = runID
        self.operation = operation
        self.trigger = trigger
        self.dryRun = dryRun
        self.asOf = asOf
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.summary = summary
        self.skippedReason = skippedReason
        self.items = items
        self.retention = retention
        self.removals = removals
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try encodeHeader(into: &container)
        try container.encode(items, forKey: .items)
    }

    /// Every field but the items, nulls included: the shape of a run in a listing.
    public func encodeHeader(into container: inout KeyedEncodingContainer<CodingKeys>) throws {
        try container.encode(runID, forKey: .runID)
        try container.encode(operation, forKey: .operation)
        try container.encode(trigger, forKey: .trigger)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(summary, forKey: .summary)
        try container.encode(skippedReason, forKey: .skippedReason)
        // Only the bulk operations have these; other reports keep their shape.
        try container.encodeIfPresent(retention, forKey: .retention)
        try container.encodeIfPresent(removals, forKey: .removals)
    }

    /// The same run without its items (listings).
    public var header: RunReport {
        RunReport(
            runID: runID, operation: operation, trigger: trigger, dryRun: dryRun, asOf: asOf, startedAt: startedAt,
            endedAt: endedAt, summary: summary, skippedReason: skippedReason, items: [], retention: retention, removals: removals
        )
    }
}
