import Application
import Domain
import Foundation

/// What the status page's template reads: plain strings, numbers and flags (Mustache renders
/// properties by reflection, so every value is stored, and no optional is left to its rules).
struct StatusPageView {
    struct Run {
        let id: String
        let trigger: String
        let dryRun: Bool
        let started: String
        let seconds: String
        let due: Int
        let applied: Int
        let alreadyApplied: Int
        let failed: Int
        let failedClass: String
        let deferred: Int
        let skipped: Int
        let unknown: Int
        let unknownClass: String
        let note: String
    }

    struct Operation {
        let name: String
        let runs: [Run]
        let hasRuns: Bool
    }

    struct Unresolved {
        let operation: String
        let subTask: String
        let target: String
        let since: String
        let detail: String
    }

    struct Dead {
        let operation: String
        let subTask: String
        let reason: String
    }

    let title = "Status"
    let base: String
    let dsa: String
    let formToken: String
    let notice: String
    let hasNotice: Bool
    let problem: String
    let hasProblem: Bool
    let generatedAt: String
    let zone: String
    let chart: StatusChart
    let operations: [Operation]
    let unresolved: [Unresolved]
    let hasUnresolved: Bool
    let unresolvedCount: String
    let dead: [Dead]
    let hasDead: Bool
    let deadCount: String

    init(_ snapshot: StatusOverview.Snapshot, base: String, dsa: String, formToken: String, notice: String?, problem: String?) {
        let zone = snapshot.zone
        func local(_ date: Date) -> String { Self.format(date, in: zone) }
        self.base = base
        self.dsa = dsa
        self.formToken = formToken
        self.notice = notice ?? ""
        hasNotice = notice != nil
        self.problem = problem ?? ""
        hasProblem = problem != nil
        generatedAt = local(snapshot.generatedAt)
        self.zone = zone.identifier
        chart = StatusChart(snapshot.days)
        operations = snapshot.operations.map { entry in
            let runs = entry.runs.map { report in
                Run(
                    id: report.runID, trigger: report.trigger.rawValue, dryRun: report.dryRun, started: local(report.startedAt),
                    seconds: String(format: "%.1f", max(0, report.endedAt.timeIntervalSince(report.startedAt))),
                    due: report.summary.due, applied: report.summary.applied, alreadyApplied: report.summary.alreadyApplied,
                    failed: report.summary.failed, failedClass: report.summary.failed > 0 ? " bad" : "",
                    deferred: report.summary.deferred, skipped: report.summary.skipped,
                    unknown: report.summary.unknown, unknownClass: report.summary.unknown > 0 ? " bad" : "",
                    note: report.skippedReason ?? ""
                )
            }
            return Operation(name: entry.operation.name, runs: runs, hasRuns: !runs.isEmpty)
        }
        unresolved = snapshot.unresolved.map { record in
            Unresolved(
                operation: record.key.operation.name, subTask: record.key.subTaskDN, target: record.key.target,
                since: local(record.updatedAt), detail: record.detail ?? (record.state == .applying ? "its run died while applying it" : "")
            )
        }
        hasUnresolved = !unresolved.isEmpty
        unresolvedCount = Self.count(unresolved.count, limit: StatusOverview.itemLimit)
        dead = snapshot.dead.map { Dead(operation: $0.operation.name, subTask: $0.subTask.dn, reason: $0.reason) }
        hasDead = !dead.isEmpty
        deadCount = Self.count(dead.count, limit: StatusOverview.itemLimit)
    }

    /// "100+" when the list was cut at its limit.
    static func count(_ count: Int, limit: Int) -> String {
        count >= limit ? "\(limit)+" : "\(count)"
    }

    static func format(_ date: Date, in zone: TimeZone) -> String {
        let time = LocalDateTime(instant: date, in: zone)
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(time.year, 4))-\(pad(time.month, 2))-\(pad(time.day, 2)) \(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
    }
}

/// The 30-day chart as SVG geometry: two bars a day (sent, failed) on one linear scale.
struct StatusChart {
    struct Bar {
        let date: String
        let sent: Int
        let failed: Int
        let width: String
        let sentX: String
        let sentY: String
        let sentHeight: String
        let failedX: String
        let failedY: String
        let failedHeight: String
        let label: String
        let labelX: String
        let labelY: String
    }

    let days: Int
    let width = 760
    let height = 220
    let left = 44
    let right = 752
    let baseline = 190
    let labelX = 38
    let topLabelY = 24
    let maximum: Int
    let sentTotal: Int
    let failedTotal: Int
    let bars: [Bar]

    init(_ days: [StatusOverview.Day]) {
        self.days = days.count
        sentTotal = days.reduce(0) { $0 + $1.sent }
        failedTotal = days.reduce(0) { $0 + $1.failed }
        let top = days.map { max($0.sent, $0.failed) }.max() ?? 0
        maximum = top
        let (left, baseline) = (Double(left), Double(baseline))
        let plotHeight = baseline - 20
        let slot = (Double(right) - left) / Double(max(1, days.count))
        let barWidth = max(1, slot * 0.38)
        func height(_ value: Int) -> Double { top == 0 ? 0 : plotHeight * Double(value) / Double(top) }
        func text(_ value: Double) -> String { String(format: "%.1f", value) }
        let lastIndex = days.count - 1
        bars = days.enumerated().map { index, day in
            let x = left + slot * Double(index) + slot * 0.1
            let sentHeight = height(day.sent)
            let failedHeight = height(day.failed)
            // A date under every fifth bar, counted back from today so today is always labelled.
            let labelled = (lastIndex - index) % 5 == 0
            return Bar(
                date: day.date.description, sent: day.sent, failed: day.failed, width: text(barWidth),
                sentX: text(x), sentY: text(baseline - sentHeight), sentHeight: text(sentHeight),
                failedX: text(x + barWidth), failedY: text(baseline - failedHeight), failedHeight: text(failedHeight),
                label: labelled ? String(day.date.description.suffix(5)) : "", labelX: text(x + barWidth), labelY: text(baseline + 16)
            )
        }
    }
}
