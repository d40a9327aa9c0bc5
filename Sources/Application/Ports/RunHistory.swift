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
