import Domain
import Foundation

/// `PATCH /api/tasks/audit`: deletes the audit events older than the retention of each due
/// `Audit` sub-task's main task (spec §8.5; bugs §10 #31–33 fixed).
///
/// Not a `KindRun`: the engine's unit is one journal item per (sub-task, target), claimed,
/// applied and recorded one at a time, while a retention pass deletes tens of thousands of
/// events that are nobody's target; a journal row per event would cost more than the delete,
/// and a report item per event would be unreadable. Nor is exactly-once bookkeeping needed: a
/// delete is idempotent (an event already gone counts as deleted), so an interrupted pass is
/// simply run again by the next run. So, like `ActivateCyclicTasks`, this use case runs beside
/// the engine with the same rules at its edges: a `RunReport` kept in the run history, dry-runs
/// that change nothing, the shutdown signal checked between pages, statuses written through
/// `SubTaskStatusWriter`.
///
/// - One paged search per *distinct* retention, with the cutoff in the filter and only DNs
///   requested; each page's deletes run as the page arrives, so memory stays flat whatever the
///   number of events. Longest retention first: each later pass only deletes what its shorter
///   retention adds.
/// - A sub-task whose retention is missing, not a whole number or 0 fails alone; nothing is
///   deleted for it.
/// - A pass that ends: its sub-tasks become `2`, or fail with a summary when the directory
///   refused some deletes. A pass cut short (shutdown, directory lost) leaves them scheduled.
/// - With an archive, each page is written and flushed before any of it is deleted.
public struct AuditRetentionRun: OperationRun {
    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let events: any AuditEvents
        public let statuses: any SubTaskStatusWriter
        public let archive: (any AuditArchive)?
        public let history: any RunHistory
        public let clock: any WallClock
        public let ids: any TokenCrypto
        public let shutdown: any ShutdownSignal
        public let log: any RunProgressLog
        /// A progress line every this many events.
        public let progressEvery: Int

        public init(
            directory: any TaskDirectory, events: any AuditEvents, statuses: any SubTaskStatusWriter, archive: (any AuditArchive)?,
            history: any RunHistory, clock: any WallClock, ids: any TokenCrypto, shutdown: any ShutdownSignal = NeverShuttingDown(),
            log: any RunProgressLog = SilentRunProgressLog(), progressEvery: Int = 10_000
        ) {
            self.directory = directory
            self.events = events
            self.statuses = statuses
            self.archive = archive
            self.history = history
            self.clock = clock
            self.ids = ids
            self.shutdown = shutdown
            self.log = log
            self.progressEvery = max(1, progressEvery)
        }
    }

    private let deps: Dependencies
    public let operation = RunOperation.kind(.audit)

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
        let frame = OperationFrame(operation, mode: mode, trigger: trigger, clock: deps.clock, ids: deps.ids)
        var report = ReportBuilder()
        let passes: [RunReport.RetentionPass]
        do {
            passes = try await retain(runID: frame.runID, asOf: frame.asOf, dryRun: frame.dryRun, report: &report)
        } catch {
            throw ServiceError.from(error, doing: "the audit run")
        }
        return try await frame.finish(report, retention: passes, clock: deps.clock, history: deps.history)
    }

    private func retain(runID: String, asOf: Date, dryRun: Bool, report: inout ReportBuilder) async throws -> [RunReport.RetentionPass] {
        let configuration = try await deps.directory.configuration()
        let instants = InstantCache(zone: (try? configuration.timeZone.get().zone) ?? DirectoryTimeZone.utc)
        let due = try await deps.directory.subTasks(kind: .audit).filter { $0.isDue(at: asOf, instants: instants) }.sorted { $0.dn < $1.dn }
        report.summary.due = due.count
        guard !due.isEmpty else { return [] }
        let mains = Dictionary(try await deps.directory.mainTasks(kind: .audit).map { ($0.dn, $0) }) { first, _ in first }

        var byRetention: [AuditRetention: [SubTask]] = [:]
        for subTask in due {
            switch Self.retention(of: subTask, mains: mains) {
            case .success(let retention):
                byRetention[retention, default: []].append(subTask)
            case .failure(let refusal):
                if dryRun {
                    report.note(subTask.dn, nil, .wouldFail, refusal.reason)
                } else {
                    try await writeStatus(.failed(refusal.reason), of: subTask.dn)
                    report.note(subTask.dn, nil, .failed, refusal.reason)
                }
            }
        }

        var passes: [RunReport.RetentionPass] = []
        for retention in byRetention.keys.sorted(by: { $0.days > $1.days }) {
            let subTasks = byRetention[retention, default: []]
            var pass = RunReport.RetentionPass(retentionDays: retention.days, cutoff: retention.cutoff(now: asOf), subTasks: subTasks.map(\.dn))
            let target = "audit events before \(RunReport.isoString(pass.cutoff))"
            if stopping {
                pass.firstFailure = "the service is shutting down"
                for subTask in subTasks { report.note(subTask.dn, target, .skipped, "the service is shutting down") }
            } else if dryRun {
                pass = try await forecast(pass)
                for subTask in subTasks { report.note(subTask.dn, target, .wouldApply, Self.forecastDetail(pass)) }
            } else {
                pass = await execute(pass, runID: runID)
                try await settle(subTasks, after: pass, target: target, report: &report)
            }
            passes.append(pass)
        }
        return passes
    }

    /// The retention of a sub-task's main task, or why it has none usable.
    static func retention(of subTask: SubTask, mains: [String: MainTask]) -> Result<AuditRetention, AuditRetentionRefusal> {
        guard let master = subTask.master, let main = mains[master] else {
            return .failure(AuditRetentionRefusal(reason: "main task \(subTask.master ?? "(fdTasksGranularMaster missing)") not found or not an audit task"))
        }
        guard case .audit(let settings)? = main.settings else {
            return .failure(AuditRetentionRefusal(reason: "main task \(master) is not an audit task"))
        }
        return settings.retentionRule()
    }

    // MARK: - one pass

    private func forecast(_ pass: RunReport.RetentionPass) async throws -> RunReport.RetentionPass {
        let tally = PassTally(pass)
        try await deps.events.forEachPage(before: pass.cutoff, reading: .time) { entries, _ in
            await tally.foresee(entries.map { AuditEvent(entry: $0).time })
        }
        await tally.finish(keptNewer: try await deps.events.count(notBefore: pass.cutoff))
        return await tally.pass
    }

    private func execute(_ pass: RunReport.RetentionPass, runID: String) async -> RunReport.RetentionPass {
        let tally = PassTally(pass)
        let (archive, shutdown, clock, log, every) = (deps.archive, deps.shutdown, deps.clock, deps.log, deps.progressEvery)
        let name = operation.name
        do {
            try await deps.events.forEachPage(before: pass.cutoff, reading: archive == nil ? .dnOnly : .everything) { entries, deleter in
                if shutdown.isShuttingDown || Task.isCancelled { throw PassStopped() }
                if let archive {
                    // Written and flushed first: an event is never deleted unrecorded.
                    try await archive.append(entries, at: clock.now())
                    await tally.archived(entries.count)
                }
                let results = await deleter.delete(entries.map(\.dn))
                if let line = await tally.count(results, progressEvery: every) { log.progress(name, runID: runID, line) }
            }
            await tally.finish(keptNewer: try? await deps.events.count(notBefore: pass.cutoff))
        } catch is PassStopped {
            await tally.stop("the service is shutting down")
        } catch {
            await tally.stop(Self.describe(error))
        }
        let done = await tally.pass
        log.progress(name, runID: runID, "retention \(done.retentionDays) d: \(done.deleted) deleted, \(done.failed) failed\(done.finished ? "" : ", stopped: \(done.firstFailure ?? "")")")
        return done
    }

    /// The sub-tasks' statuses once their pass is over.
    private func settle(_ subTasks: [SubTask], after pass: RunReport.RetentionPass, target: String, report: inout ReportBuilder) async throws {
        let permanent = pass.failed - pass.transientFailures
        if !pass.finished || (permanent == 0 && pass.failed > 0) {
            // Cut short, or only transient failures: a later run finishes the job.
            let detail = "stopped after deleting \(pass.deleted) events: \(pass.firstFailure ?? "deletes failed"); a later run goes on"
            for subTask in subTasks { report.note(subTask.dn, target, .deferred, detail) }
            return
        }
        if permanent > 0 {
            let summary = "\(permanent) of \(pass.deleted + pass.failed) old audit events could not be deleted: \(pass.firstFailure ?? "refused")"
            for subTask in subTasks {
                try await writeStatus(.failed(summary), of: subTask.dn)
                report.note(subTask.dn, target, .failed, summary)
            }
            return
        }
        let detail = "deleted \(pass.deleted) events" + (pass.keptNewer.map { "; \($0) newer kept" } ?? "")
        for subTask in subTasks {
            try await writeStatus(.completed, of: subTask.dn)
            report.note(subTask.dn, target, .applied, detail)
        }
    }

    private func writeStatus(_ status: SubTaskStatus, of dn: String) async throws {
        do {
            try await deps.statuses.setStatus(status, ofSubTask: dn)
        } catch let error as DirectoryError where !error.isConnectivity {
            // Deleted or changed under us: nothing to write.
            return
        }
    }

    private var stopping: Bool { Task.isCancelled || deps.shutdown.isShuttingDown }

    static func forecastDetail(_ pass: RunReport.RetentionPass) -> String {
        var detail = "would delete \(pass.wouldDelete) events"
        if let oldest = pass.oldest, let newest = pass.newest {
            detail += " (oldest \(RunReport.isoString(oldest)), newest \(RunReport.isoString(newest)))"
        }
        return detail + (pass.keptNewer.map { "; \($0) newer kept" } ?? "")
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as DirectoryError: error.message
        case let error as any CodedError: error.message
        default: "\(error)"
        }
    }
}

private struct PassStopped: Error {}

/// The counts of one pass, updated page by page from the search's callback.
private actor PassTally {
    var pass: RunReport.RetentionPass
    private var sinceProgress = 0

    init(_ pass: RunReport.RetentionPass) {
        self.pass = pass
    }

    func archived(_ count: Int) {
        pass.archived += count
    }

    /// Counts one page's deletes; a progress line when another `progressEvery` events went by.
    func count(_ results: [DeletionResult], progressEvery: Int) -> String? {
        for result in results {
            switch result {
            case .deleted, .alreadyGone: pass.deleted += 1
            case .changed: break
            case .failed(let error):
                pass.failed += 1
                if error.isConnectivity { pass.transientFailures += 1 }
                if pass.firstFailure == nil { pass.firstFailure = error.message }
            }
        }
        sinceProgress += results.count
        guard sinceProgress >= progressEvery else { return nil }
        sinceProgress = 0
        return "retention \(pass.retentionDays) d, events before \(RunReport.isoString(pass.cutoff)): \(pass.deleted) deleted, \(pass.failed) failed so far"
    }

    func foresee(_ times: [Date?]) {
        pass.wouldDelete += times.count
        for case let time? in times {
            if pass.oldest.map({ time < $0 }) ?? true { pass.oldest = time }
            if pass.newest.map({ time > $0 }) ?? true { pass.newest = time }
        }
    }

    func finish(keptNewer: Int?) {
        pass.finished = true
        pass.keptNewer = keptNewer
    }

    func stop(_ reason: String) {
        pass.finished = false
        pass.firstFailure = reason
    }
}
