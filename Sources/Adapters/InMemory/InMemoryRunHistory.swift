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
}
