import Domain
import Foundation

/// An operation whose work is not one journal item per sub-task and target, so it runs beside
/// the engine rather than through `KindRun` (cyclic activation, audit retention,
/// removeSubTasks); it still answers a `RunReport`, keeps it in the run history, honours
/// `RunMode` and stops on the shutdown signal.
public protocol OperationRun: Sendable {
    var operation: RunOperation { get }
    func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport
}

/// What every `OperationRun` does around its work: the run's id and instants, the report, and
/// keeping it in the history unless it is a dry-run.
struct OperationFrame {
    let operation: RunOperation
    let mode: RunMode
    let trigger: RunReport.Trigger
    let runID: String
    let startedAt: Date
    /// The instant due-ness and cutoffs are judged at: now, or a dry-run's `asOf`.
    let asOf: Date

    init(_ operation: RunOperation, mode: RunMode, trigger: RunReport.Trigger, clock: any WallClock, ids: any TokenCrypto) {
        self.operation = operation
        self.mode = mode
        self.trigger = trigger
        runID = ids.newIdentifier()
        RunLogContext.started(runID)
        startedAt = clock.now()
        asOf = if case .dryRun(let at?) = mode { at } else { startedAt }
    }

    var dryRun: Bool { mode.isDryRun }

    /// The finished report, saved in `history` unless this is a dry-run.
    func finish(
        _ report: ReportBuilder, skippedReason: String? = nil, retention: [RunReport.RetentionPass]? = nil, removals: [RunReport.Removal]? = nil,
        clock: any WallClock, history: any RunHistory
    ) async throws(ServiceError) -> RunReport {
        let result = RunReport(
            runID: runID, operation: operation.name, trigger: trigger, dryRun: dryRun, asOf: asOf, startedAt: startedAt, endedAt: clock.now(),
            summary: report.summary, skippedReason: skippedReason, items: report.items, retention: retention, removals: removals
        )
        if !dryRun {
            do { try await history.save(result) } catch { throw ServiceError.from(error, doing: "saving the run") }
        }
        return result
    }
}
