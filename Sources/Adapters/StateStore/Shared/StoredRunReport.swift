import Application
import Foundation

/// How a run is kept in a store: its header and its items as two JSON texts, so listings read
/// headers without decoding every item.
enum StoredRunReport {
    static func header(_ report: RunReport) throws -> String {
        String(decoding: try JSONEncoder().encode(report.header), as: UTF8.self)
    }

    static func items(_ report: RunReport) throws -> String {
        String(decoding: try JSONEncoder().encode(report.items), as: UTF8.self)
    }

    static func decode(header: String, items: String?) throws -> RunReport {
        let decoder = JSONDecoder()
        let stored = try decoder.decode(RunReport.self, from: Data(header.utf8))
        guard let items else { return stored }
        return RunReport(
            runID: stored.runID, operation: stored.operation, trigger: stored.trigger, dryRun: stored.dryRun, asOf: stored.asOf,
            startedAt: stored.startedAt, endedAt: stored.endedAt, summary: stored.summary, skippedReason: stored.skippedReason,
            items: try decoder.decode([RunReport.Item].self, from: Data(items.utf8)),
            retention: stored.retention, removals: stored.removals
        )
    }
}
