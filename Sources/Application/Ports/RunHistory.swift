import Domain
import Foundation

/// Every run, with its items, kept for `GET /api/runs` until purged.
public protocol RunHistory: Sendable {
    /// Stores a finished run (a second save of the same id replaces it).
    func save(_ report: RunReport) async throws
    /// Runs newest first, without their items; `before` is the page cursor (the last run of the
    /// previous page).
    func runs(operation: RunOperation?, limit: Int, before: RunCursor?) async throws -> [RunReport]
    /// One run with its items.
    func run(id: String) async throws -> RunReport?
    /// Deletes runs that ended before `date`; returns how many went.
    func purge(endedBefore date: Date) async throws -> Int
    /// What the runs of `operations` that started at or after `date` counted, dry runs left out:
    /// the figures the status page sums by day.
    func tallies(since date: Date, operations: [RunOperation]) async throws -> [RunTally]
}

/// One run's figures, without its items.
public struct RunTally: Sendable, Equatable {
    public let operation: String
    public let startedAt: Date
    public let applied: Int
    public let failed: Int

    public init(operation: String, startedAt: Date, applied: Int, failed: Int) {
        self.operation = operation
        self.startedAt = startedAt
        self.applied = applied
        self.failed = failed
    }
}

/// Where a page of runs stops: the start time and id of its last run.
public struct RunCursor: Sendable, Equatable {
    public let startedAt: Date
    public let runID: String

    public init(startedAt: Date, runID: String) {
        self.startedAt = startedAt
        self.runID = runID
    }
}
