import Foundation

/// What the scheduler tells the service log: leadership changes, slots run or skipped, failures.
public protocol SchedulerLog: Sendable {
    func leads(_ operation: String, fence: Int64)
    func lostLease(_ operation: String, duringRun: Bool)
    func slotStarted(_ operation: String, slot: Date, missed: Int)
    /// A slot whose run an earlier leader started but never finished runs again under this one.
    func slotResumed(_ operation: String, slot: Date)
    func slotFinished(_ operation: String, slot: Date, report: RunReport)
    func slotFailed(_ operation: String, slot: Date, error: ServiceError)
    func problem(_ operation: String, _ message: String)
}

/// For tests that do not look at the log.
public struct SilentSchedulerLog: SchedulerLog {
    public init() {}
    public func leads(_ operation: String, fence: Int64) {}
    public func lostLease(_ operation: String, duringRun: Bool) {}
    public func slotStarted(_ operation: String, slot: Date, missed: Int) {}
    public func slotResumed(_ operation: String, slot: Date) {}
    public func slotFinished(_ operation: String, slot: Date, report: RunReport) {}
    public func slotFailed(_ operation: String, slot: Date, error: ServiceError) {}
    public func problem(_ operation: String, _ message: String) {}
}
