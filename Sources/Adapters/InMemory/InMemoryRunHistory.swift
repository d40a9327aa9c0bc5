import Application
import Domain
import Foundation

/// The run history in memory (ApplicationTests, the contract suite).
public actor InMemoryRunHistory: RunHistory {
    private var reports: [String: RunReport] = [:]

    public init() {}

    public func save(_ report: RunReport) {
        reports[report.runID] = report
    }

    public func runs(operation: RunOperation?, limit: Int, before: RunCursor?) -> [RunReport] {
        let ordered = reports.values
            .filter { operation == nil || $0.operation == operation?.name }
            .filter { report in
                guard let before else { return true }
                return report.startedAt < before.startedAt || (report.startedAt == before.startedAt && report.runID < before.runID)
            }
            .sorted { ($0.startedAt, $0.runID) > ($1.startedAt, $1.runID) }
        return ordered.prefix(limit).map(\.header)
    }

    public func run(id: String) -> RunReport? {
        reports[id]
    }

    public func purge(endedBefore date: Date) -> Int {
        let old = reports.values.filter { $0.endedAt < date }.map(\.runID)
        for id in old { reports[id] = nil }
        return old.count
    }

    public func tallies(since date: Date, operations: [RunOperation]) -> [RunTally] {
        let names = Set(operations.map(\.name))
        return reports.values
            .filter { !$0.dryRun && $0.startedAt >= date && names.contains($0.operation) }
            .sorted { $0.startedAt < $1.startedAt }
            .map { RunTally(operation: $0.operation, startedAt: $0.startedAt, applied: $0.summary.applied, failed: $0.summary.failed) }
    }
}
