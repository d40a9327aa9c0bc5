import Domain
import Foundation

/// `PATCH /api/tasks/removeSubTasks`: deletes every completed sub-task (status `2`), as PHP did
/// (spec §8.7), but page by page and in batches, so a directory with a million finished
/// sub-tasks costs no more memory than one page. Failed and scheduled sub-tasks are never
/// removed; the server-side filter picks status `2`, each page is checked again, and the
/// adapter deletes with the status asserted, so a sub-task FD renewed in between stays.
///
/// Beside the engine rather than a `KindRun` for the reason `AuditRetentionRun` gives: the
/// deletes are idempotent and numerous, so the journal is not involved and keeps its records
/// (a removed sub-task's history stays in the run history). The report counts what went per
/// main task; a dry-run lists each sub-task that would go.
public struct RemoveCompletedSubTasks: OperationRun {
    public struct Dependencies: Sendable {
        public let subTasks: any CompletedSubTasks
        public let history: any RunHistory
        public let clock: any WallClock
        public let ids: any TokenCrypto
        public let shutdown: any ShutdownSignal
        public let log: any RunProgressLog

        public init(
            subTasks: any CompletedSubTasks, history: any RunHistory, clock: any WallClock, ids: any TokenCrypto,
            shutdown: any ShutdownSignal = NeverShuttingDown(), log: any RunProgressLog = SilentRunProgressLog()
        ) {
            self.subTasks = subTasks
            self.history = history
            self.clock = clock
            self.ids = ids
            self.shutdown = shutdown
            self.log = log
        }
    }

    private let deps: Dependencies
    public let operation = RunOperation.removeSubTasks

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
        let frame = OperationFrame(operation, mode: mode, trigger: trigger, clock: deps.clock, ids: deps.ids)
        let tally = RemovalTally(dryRun: frame.dryRun)
        let (shutdown, log, name, runID, dryRun) = (deps.shutdown, deps.log, operation.name, frame.runID, frame.dryRun)
        var stoppedBy: String?
        do {
            try await deps.subTasks.forEachPage { page, deleter in
                if shutdown.isShuttingDown || Task.isCancelled { throw RemovalStopped() }
                let completed = page.filter { $0.status == .completed }
                if dryRun {
                    await tally.foresee(completed)
                    return
                }
                let results = await deleter.delete(completed.map(\.dn))
                if let line = await tally.count(completed, results) { log.progress(name, runID: runID, line) }
            }
        } catch is RemovalStopped {
            stoppedBy = "the service is shutting down"
        } catch {
            // Nothing done yet: the caller gets the error. Otherwise the report says what went.
            guard await tally.touched else { throw ServiceError.from(error, doing: "removing completed sub-tasks") }
            stoppedBy = AuditRetentionRun.describe(error)
        }
        let (report, removals) = await tally.result()
        return try await frame.finish(
            report, skippedReason: stoppedBy.map { "stopped early: \($0); a later run removes the rest" }, removals: removals,
            clock: deps.clock, history: deps.history
        )
    }
}

private struct RemovalStopped: Error {}

/// Counts per main task, and the items worth listing: each failure, and in a dry-run each
/// sub-task that would go.
private actor RemovalTally {
    let dryRun: Bool
    private var report = ReportBuilder()
    private var removals: [String: RunReport.Removal] = [:]
    private var sinceProgress = 0
    private(set) var touched = false

    init(dryRun: Bool) {
        self.dryRun = dryRun
    }

    func foresee(_ subTasks: [SubTask]) {
        touched = true
        report.summary.due += subTasks.count
        for subTask in subTasks {
            removals[subTask.master ?? "", default: .init(mainTask: subTask.master ?? "")].wouldRemove += 1
            report.note(subTask.dn, subTask.master, .wouldApply, nil)
        }
    }

    func count(_ subTasks: [SubTask], _ results: [DeletionResult]) -> String? {
        touched = true
        report.summary.due += subTasks.count
        for (subTask, result) in zip(subTasks, results) {
            let master = subTask.master ?? ""
            switch result {
            case .deleted, .alreadyGone:
                removals[master, default: .init(mainTask: master)].removed += 1
                report.summary.applied += 1
            case .changed:
                report.note(subTask.dn, subTask.master, .skipped, "no longer completed when it was to be deleted (renewed in FusionDirectory?)")
            case .failed(let error):
                removals[master, default: .init(mainTask: master)].failed += 1
                report.note(subTask.dn, subTask.master, error.isConnectivity ? .deferred : .failed, error.message)
            }
        }
        sinceProgress += subTasks.count
        guard sinceProgress >= 5_000 else { return nil }
        sinceProgress = 0
        return "\(report.summary.applied) completed sub-tasks removed so far"
    }

    func result() -> (ReportBuilder, [RunReport.Removal]) {
        (report, removals.values.sorted { $0.mainTask < $1.mainTask })
    }
}
