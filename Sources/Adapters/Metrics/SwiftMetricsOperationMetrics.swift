import Application
import CoreMetrics
import Domain

/// `OperationMetrics` on swift-metrics' API: the backend is whatever the factory is (Prometheus
/// in the service, swift-metrics' no-op until a process bootstraps one). Names and labels follow
/// Prometheus conventions; the label values are closed sets (operations, outcomes, triggers).
public struct SwiftMetricsOperationMetrics: OperationMetrics {
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    public func runCompleted(_ report: RunReport, sendsMessages: Bool, duration: Duration) {
        guard !report.dryRun else { return }
        let operation = report.operation
        count("orchestrator_runs_total", [("operation", operation), ("trigger", report.trigger.rawValue), ("result", "ok")])
        Timer(label: "orchestrator_run_duration_seconds", dimensions: [("operation", operation)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
        let summary = report.summary
        let outcomes: [(RunReport.Outcome, Int)] = [
            (.applied, summary.applied), (.alreadyApplied, summary.alreadyApplied), (.notNeeded, summary.notNeeded), (.failed, summary.failed),
            (.deferred, summary.deferred), (.skipped, summary.skipped), (.unknown, summary.unknown),
        ]
        for (outcome, number) in outcomes where number > 0 {
            count("orchestrator_run_items_total", [("operation", operation), ("outcome", outcome.rawValue)], by: number)
        }
        if sendsMessages, summary.applied > 0 { count("orchestrator_messages_sent_total", [("operation", operation)], by: summary.applied) }
        if summary.unknown > 0 { count("orchestrator_unknown_items_total", [("operation", operation)], by: summary.unknown) }
        let dead = report.items.count(where: \.isDead)
        if dead > 0 { count("orchestrator_dead_items_total", [("operation", operation)], by: dead) }
    }

    public func runFailed(_ operation: RunOperation, trigger: RunReport.Trigger, duration: Duration) {
        count("orchestrator_runs_total", [("operation", operation.name), ("trigger", trigger.rawValue), ("result", "error")])
        Timer(label: "orchestrator_run_duration_seconds", dimensions: [("operation", operation.name)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    public func loginFailed() {
        count("orchestrator_login_failures_total", [])
    }

    public func refreshReuseDetected() {
        count("orchestrator_refresh_reuse_detections_total", [])
    }

    public func schedulerLeadership(_ operation: RunOperation, leads: Bool) {
        Gauge(label: "orchestrator_scheduler_leader", dimensions: [("operation", operation.name)], factory: factory).record(leads ? 1 : 0)
    }

    private func count(_ label: String, _ dimensions: [(String, String)], by amount: Int = 1) {
        Counter(label: label, dimensions: dimensions, factory: factory).increment(by: amount)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
