import Application
import Foundation
import Logging

/// The scheduler's decisions as log lines tagged with the operation (and the run id once a slot ran).
public struct LoggingSchedulerLog: SchedulerLog {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func leads(_ operation: String, fence: Int64) {
        logger.info("scheduler: this replica leads", metadata: ["operation": .string(operation), "fence": .stringConvertible(fence)])
    }

    public func lostLease(_ operation: String, duringRun: Bool) {
        logger.warning(
            duringRun ? "scheduler: lease lost during a run; the run stopped claiming" : "scheduler: another replica leads now",
            metadata: ["operation": .string(operation)]
        )
    }

    public func slotStarted(_ operation: String, slot: Date, missed: Int) {
        var metadata: Logger.Metadata = ["operation": .string(operation), "slot": .string(Self.format(slot))]
        if missed > 0 { metadata["missed_slots"] = .stringConvertible(missed) }
        logger.info(missed > 0 ? "scheduler: slot starts (missed slots collapsed into this one)" : "scheduler: slot starts", metadata: metadata)
    }

    public func slotResumed(_ operation: String, slot: Date) {
        logger.notice("scheduler: slot runs again (its run under an earlier leader never finished)", metadata: [
            "operation": .string(operation), "slot": .string(Self.format(slot)),
        ])
    }

    public func slotFinished(_ operation: String, slot: Date, report: RunReport) {
        logger.info("scheduler: slot done", metadata: [
            "operation": .string(operation), "slot": .string(Self.format(slot)), "run_id": .string(report.runID),
            "applied": .stringConvertible(report.summary.applied), "failed": .stringConvertible(report.summary.failed),
        ])
    }

    public func slotFailed(_ operation: String, slot: Date, error: ServiceError) {
        logger.error("scheduler: slot failed", metadata: [
            "operation": .string(operation), "slot": .string(Self.format(slot)), "code": .string(error.code), "error": .string(error.message),
        ])
    }

    public func problem(_ operation: String, _ message: String) {
        logger.warning("scheduler: \(message)", metadata: ["operation": .string(operation)])
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
