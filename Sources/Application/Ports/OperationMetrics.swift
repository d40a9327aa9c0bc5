import Domain

/// Counts what runs, logins, refreshes and the scheduler do, for the operator's dashboards.
/// Dry-runs are never counted: they change nothing.
public protocol OperationMetrics: Sendable {
    /// A run that applied (not a dry-run) ended with this report after `duration`.
    func runCompleted(_ report: RunReport, sendsMessages: Bool, duration: Duration)
    /// A run that applied ended with an error instead of a report after `duration`.
    func runFailed(_ operation: RunOperation, trigger: RunReport.Trigger, duration: Duration)
    /// A login was refused for its credentials (unknown name, wrong password, locked account).
    func loginFailed()
    /// A used refresh token came back: its whole family was revoked.
    func refreshReuseDetected()
    /// Whether this replica now leads the scheduling of `operation`.
    func schedulerLeadership(_ operation: RunOperation, leads: Bool)
}

/// For tests and one-shot commands that are not scraped.
public struct NoOperationMetrics: OperationMetrics {
    public init() {}
    public func runCompleted(_ report: RunReport, sendsMessages: Bool, duration: Duration) {}
    public func runFailed(_ operation: RunOperation, trigger: RunReport.Trigger, duration: Duration) {}
    public func loginFailed() {}
    public func refreshReuseDetected() {}
    public func schedulerLeadership(_ operation: RunOperation, leads: Bool) {}
}
