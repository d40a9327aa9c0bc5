import Domain
import Foundation

/// `GET /api/runs` and `GET /api/runs/{id}`: the stored history of runs, and its retention.
public struct RunRecords: Sendable {
    public static let maximumLimit = 500
    private let history: any RunHistory
    private let clock: any WallClock
    /// Runs older than this are purged.
    public let retention: TimeInterval

    public init(history: any RunHistory, clock: any WallClock, retention: TimeInterval = 90 * 86_400) {
        self.history = history
        self.clock = clock
        self.retention = retention
    }

    /// Newest first, without items; the cursor of the next page when this one is full.
    public func list(operation: RunOperation?, limit: Int, before: RunCursor?) async throws(ServiceError) -> (runs: [RunReport], next: RunCursor?) {
        let limit = min(max(1, limit), Self.maximumLimit)
        do {
            let runs = try await history.runs(operation: operation, limit: limit, before: before)
            let next = runs.count == limit ? runs.last.map { RunCursor(startedAt: $0.startedAt, runID: $0.runID) } : nil
            return (runs, next)
        } catch {
            throw ServiceError.from(error, doing: "reading the run history")
        }
    }

    public func show(id: String) async throws(ServiceError) -> RunReport {
        let found: RunReport?
        do { found = try await history.run(id: id) } catch { throw ServiceError.from(error, doing: "reading the run history") }
        guard let found else { throw ServiceError(.notFound, code: "run.not_found", message: "no run with that id") }
        return found
    }

    /// Deletes runs past the retention; returns how many went.
    public func purge() async throws -> Int {
        try await history.purge(endedBefore: clock.now().addingTimeInterval(-retention))
    }
}
