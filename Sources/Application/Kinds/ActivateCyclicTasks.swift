import Domain
import Foundation

/// `PATCH /api/tasks/activateCyclicTasks`: asks FusionDirectory to activate every repeatable main
/// task whose period has passed (spec §8.6; the month-component and drift bugs of §10 #34 fixed
/// in `RepeatSchedule`). FD then stamps fdTasksLastExec and creates the sub-tasks.
///
/// Each activation is a journal item keyed by the task and the fdTasksLastExec it was decided
/// from, so concurrent runs and replicas activate a task once per period: the next period has a
/// new fdTasksLastExec, hence a new key.
public struct ActivateCyclicTasks: Sendable {
    public struct Dependencies: Sendable {
        public let directory: any TaskDirectory
        public let journal: any WorkJournal
        public let history: any RunHistory
        public let fusionDirectory: any FusionDirectoryAPI
        public let clock: any WallClock
        public let ids: any TokenCrypto
        public let lease: TimeInterval

        public init(
            directory: any TaskDirectory, journal: any WorkJournal, history: any RunHistory, fusionDirectory: any FusionDirectoryAPI,
            clock: any WallClock, ids: any TokenCrypto, lease: TimeInterval = 600
        ) {
            self.directory = directory
            self.journal = journal
            self.history = history
            self.fusionDirectory = fusionDirectory
            self.clock = clock
            self.ids = ids
            self.lease = lease
        }
    }

    private let deps: Dependencies
    static let operation = RunOperation.activateCyclicTasks

    public init(_ dependencies: Dependencies) {
        deps = dependencies
    }

    public func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
        let startedAt = deps.clock.now()
        let asOf: Date = if case .dryRun(let at?) = mode { at } else { startedAt }
        let runID = deps.ids.newIdentifier()
        RunLogContext.started(runID)
        var report = ReportBuilder()
        do {
            try await activate(runID: runID, asOf: asOf, dryRun: mode.isDryRun, report: &report)
        } catch {
            throw ServiceError.from(error, doing: "the cyclic activation")
        }
        let result = RunReport(
            runID: runID, operation: Self.operation.name, trigger: trigger, dryRun: mode.isDryRun, asOf: asOf, startedAt: startedAt,
            endedAt: deps.clock.now(), summary: report.summary, skippedReason: nil, items: report.items
        )
        if !mode.isDryRun {
            do { try await deps.history.save(result) } catch { throw ServiceError.from(error, doing: "saving the run") }
        }
        return result
    }

    private func activate(runID: String, asOf: Date, dryRun: Bool, report: inout ReportBuilder) async throws {
        let configuration = try await deps.directory.configuration()
        let zone = (try? configuration.timeZone.get().zone) ?? DirectoryTimeZone.utc
        let zoned = ZonedISO(zone: zone)
        var due: [WorkKey] = []
        for task in try await deps.directory.mainTasks(kind: nil).filter(\.repeatable).sorted(by: { $0.dn < $1.dn }) {
            switch task.cyclicActivation(now: asOf, in: zone) {
            case .due:
                let since = task.lastExec.map { zoned.string($0.instant(in: zone)) } ?? "never"
                due.append(WorkKey(operation: Self.operation, subTaskDN: task.dn, target: "after fdTasksLastExec \(since)"))
            case .notStarted(let startsAt):
                report.note(task.dn, nil, .skipped, "starts at \(zoned.string(startsAt))")
            case .waiting(let until):
                report.note(task.dn, nil, .skipped, "next activation at \(zoned.string(until))")
            case .unknownSchedule(let raw):
                report.note(task.dn, nil, dryRun ? .wouldFail : .failed, "fdTasksRepeatableSchedule \"\(raw)\" is not Yearly, Monthly, Weekly, Daily or Hourly")
            case .invalid(let reason):
                report.note(task.dn, nil, dryRun ? .wouldFail : .failed, reason)
            case .notRepeatable:
                break
            }
        }
        report.summary.due = due.count
        if dryRun {
            for key in due { report.note(key.subTaskDN, key.target, .wouldApply, nil) }
            return
        }
        let earlier = Dictionary(try await deps.journal.records(forSubTasks: due.map(\.subTaskDN), operation: Self.operation).map { ($0.key, $0) }) { a, _ in a }
        let now = deps.clock.now()
        var claimable: [WorkKey] = []
        for key in due {
            switch earlier[key] {
            case nil: claimable.append(key)
            case let record?:
                switch record.state {
                case .released: claimable.append(key)
                case .claimed, .applying:
                    if record.isHeld(byAnotherThan: runID, at: now) {
                        report.note(key.subTaskDN, key.target, .skipped, "held by another run")
                    } else if record.state == .claimed {
                        claimable.append(key)
                    } else {
                        // FD may have created the sub-tasks: a second activation of a task that is not
                        // "only with new members" would create them twice.
                        report.note(key.subTaskDN, key.target, .unknown, "a previous run stopped while activating it; not repeated automatically")
                    }
                case .applied, .done, .notNeeded:
                    report.note(key.subTaskDN, key.target, .alreadyApplied, "activated for this period by an earlier run")
                case .unknown:
                    report.note(key.subTaskDN, key.target, .unknown, record.detail)
                case .failed:
                    report.note(key.subTaskDN, key.target, .failed, record.detail)
                }
            }
        }
        let claimed = Set(try await deps.journal.claim(
            claimable, owner: runID, leaseUntil: now.addingTimeInterval(deps.lease), limit: claimable.count, reclaimApplying: false, now: now
        ))
        for key in claimable {
            guard claimed.contains(key), try await deps.journal.begin(key, owner: runID, now: deps.clock.now()) else {
                report.note(key.subTaskDN, key.target, .skipped, "held by another run")
                continue
            }
            let outcome: WorkOutcome
            do {
                try await deps.fusionDirectory.activateTask(dn: key.subTaskDN)
                outcome = .applied
            } catch {
                outcome = error.isTransient ? .deferred(error.summary) : .failed(error.summary)
            }
            try await deps.journal.record(key, outcome, owner: runID, now: deps.clock.now())
            switch outcome {
            case .applied:
                // No sub-task status to write: the item is finished once FD answered.
                try await deps.journal.settle([key], now: deps.clock.now())
                report.note(key.subTaskDN, key.target, .applied, nil)
            case .deferred(let why), .unreachable(let why), .throttled(let why), .halt(let why): report.note(key.subTaskDN, key.target, .deferred, why)
            case .failed(let why): report.note(key.subTaskDN, key.target, .failed, why)
            default: break
            }
        }
    }
}

/// Items and counts of a report being built.
struct ReportBuilder {
    var items: [RunReport.Item] = []
    var summary = RunReport.Summary()

    mutating func note(_ dn: String, _ target: String?, _ outcome: RunReport.Outcome, _ detail: String?) {
        items.append(.init(subTask: dn, target: target, outcome: outcome, detail: detail))
        summary.count(outcome)
    }
}

/// Instants as ISO 8601 with the directory's offset, as the listings show them.
struct ZonedISO {
    let formatter: ISO8601DateFormatter

    init(zone: TimeZone) {
        formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
    }

    func string(_ date: Date) -> String { formatter.string(from: date) }
}
