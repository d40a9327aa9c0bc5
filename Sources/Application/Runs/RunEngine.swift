import Domain
import Foundation

/// Apply for real, or show what would happen at an instant and change nothing.
public enum RunMode: Sendable, Equatable {
    case apply
    case dryRun(asOf: Date?)

    public var isDryRun: Bool {
        if case .dryRun = self { return true }
        return false
    }
}

/// The ports every run uses, whatever its kind.
public struct RunEngineDependencies: Sendable {
    public let directory: any TaskDirectory
    public let statuses: any SubTaskStatusWriter
    public let remover: any SubTaskRemover
    public let journal: any WorkJournal
    public let history: any RunHistory
    public let clock: any WallClock
    public let ids: any TokenCrypto
    public let shutdown: any ShutdownSignal
    /// How long a run's claims stay valid without a heartbeat; the heartbeat renews them every third of it.
    public let lease: TimeInterval
    /// Items claimed at a time: a long run holds only what it is about to apply.
    public let batchSize: Int
    /// Consecutive effects that could not reach their dependency (the relay) before the run stops
    /// and leaves the rest for the next run (RUN_STOP_AFTER_UNREACHABLE).
    public let stopAfterUnreachable: Int
    /// Backoff between attempts of an item that failed transiently, and when it is dead.
    public let retry: RetryPolicy
    /// 0…1, drawn for each retried item (tests pin it).
    public let jitter: @Sendable () -> Double

    public init(
        directory: any TaskDirectory, statuses: any SubTaskStatusWriter, remover: any SubTaskRemover, journal: any WorkJournal, history: any RunHistory,
        clock: any WallClock, ids: any TokenCrypto, shutdown: any ShutdownSignal = NeverShuttingDown(),
        lease: TimeInterval = 600, batchSize: Int = 50, stopAfterUnreachable: Int = 3,
        retry: RetryPolicy = RetryPolicy(), jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.retry = retry
        self.jitter = jitter
        self.directory = directory
        self.statuses = statuses
        self.remover = remover
        self.journal = journal
        self.history = history
        self.clock = clock
        self.ids = ids
        self.shutdown = shutdown
        self.lease = lease
        self.batchSize = max(1, batchSize)
        self.stopAfterUnreachable = max(1, stopAfterUnreachable)
    }
}

/// Runs the due sub-tasks of one kind, exactly once: claim → begin → apply → record → write the
/// LDAP status → report → history. A kind brings only its rules and its effect (`KindRun`).
///
/// - Items are claimed in batches under a lease that a heartbeat renews while the run lives, so
///   a run longer than the lease keeps its claims and only a dead run's claims expire.
/// - `done` in the journal while LDAP says scheduled is taken as FusionDirectory's "Renew" only
///   after the sub-task is read again *after* the journal: the engine writes LDAP before it
///   marks `done`, so a stale first read can never pass for a renewal.
/// - A crash between begin and the recorded outcome is retried or reported unknown, as the kind's
///   `ReplayPolicy` says.
public struct RunEngine: Sendable {
    let deps: RunEngineDependencies

    public init(_ dependencies: RunEngineDependencies) {
        deps = dependencies
    }

    public func run<Kind: KindRun>(_ kind: Kind, mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
        let startedAt = deps.clock.now()
        let asOf: Date = if case .dryRun(let at?) = mode { at } else { startedAt }
        var state = RunState(kind: kind, deps: deps, runID: deps.ids.newIdentifier(), asOf: asOf, dryRun: mode.isDryRun)
        RunLogContext.started(state.runID)
        do {
            try await state.execute()
        } catch {
            throw ServiceError.from(error, doing: "the \(kind.kind.rawValue) run")
        }
        let report = RunReport(
            runID: state.runID, operation: RunOperation.kind(kind.kind).name, trigger: trigger, dryRun: mode.isDryRun,
            asOf: asOf, startedAt: startedAt, endedAt: deps.clock.now(), summary: state.summary,
            skippedReason: state.skippedReason, items: state.items
        )
        if !mode.isDryRun {
            do { try await deps.history.save(report) } catch { throw ServiceError.from(error, doing: "saving the run") }
        }
        return report
    }

    /// An operator's settlement of an unknown item; writes the sub-task's status when that was
    /// its last open item.
    public func resolve<Kind: KindRun>(_ kind: Kind, _ key: WorkKey, as resolution: WorkResolution, by actor: String) async throws(ServiceError) -> WorkRecord {
        do {
            guard let record = try await deps.journal.resolve(key, as: resolution, by: actor, now: deps.clock.now()) else {
                throw ServiceError(.conflict, code: "run.item_not_unknown", message: "no unknown item for that operation, sub-task and target")
            }
            guard resolution == .applied, let subTask = try await deps.directory.subTask(at: key.subTaskDN), subTask.status == .scheduled else {
                return record
            }
            var state = RunState(kind: kind, deps: deps, runID: deps.ids.newIdentifier(), asOf: deps.clock.now(), dryRun: false)
            try await state.completeAfterSettlement(subTask)
            return record
        } catch {
            throw ServiceError.from(error, doing: "settling the item")
        }
    }
}

extension RunEngine {
    /// An operator's re-drive of a failed sub-task (a dead item, a refusal): it is scheduled again,
    /// exactly as FusionDirectory's "Renew" does, and the next run reopens its items with a new
    /// generation and a fresh count of attempts. Returns the sub-task as it was.
    public func redrive<Kind: KindRun>(_ kind: Kind, subTask dn: String, by actor: String) async throws(ServiceError) -> SubTask {
        do {
            guard let subTask = try await deps.directory.subTask(at: dn), subTask.kind == kind.kind else {
                throw ServiceError(.notFound, code: "run.subtask_not_found", message: "no \(kind.kind.rawValue) sub-task at that DN")
            }
            guard case .failed = subTask.status else {
                throw ServiceError(.conflict, code: "run.subtask_not_failed", message: "only a failed sub-task can be re-driven; this one is \(subTask.status == .scheduled ? "scheduled" : "completed")")
            }
            try await deps.statuses.setStatus(.scheduled, ofSubTask: dn)
            return subTask
        } catch {
            throw ServiceError.from(error, doing: "re-driving the sub-task")
        }
    }
}

/// The state of one run of one kind.
private struct RunState<Kind: KindRun> {
    let kind: Kind
    let deps: RunEngineDependencies
    let runID: String
    let asOf: Date
    let dryRun: Bool
    var items: [RunReport.Item] = []
    var summary = RunReport.Summary()
    var skippedReason: String?
    /// Items another live run holds: a unit with one of them waits whole.
    var heldElsewhere: [WorkKey] = []

    init(kind: Kind, deps: RunEngineDependencies, runID: String, asOf: Date, dryRun: Bool) {
        self.kind = kind
        self.deps = deps
        self.runID = runID
        self.asOf = asOf
        self.dryRun = dryRun
    }

    var operation: RunOperation { .kind(kind.kind) }

    func context() async throws -> RunContext {
        // Read fresh, not cached: the anti-spam interval depends on the last send of any replica.
        let configuration = try await deps.directory.configuration()
        let zone = (try? configuration.timeZone.get().zone) ?? DirectoryTimeZone.utc
        return RunContext(runID: runID, asOf: asOf, configuration: configuration, zone: zone, dryRun: dryRun)
    }

    mutating func execute() async throws {
        let context = try await context()
        let instants = InstantCache(zone: context.zone)
        let due = try await deps.directory.subTasks(kind: kind.kind).filter { $0.isDue(at: asOf, instants: instants) }.sorted { $0.dn < $1.dn }
        summary.due = due.count

        let decision = try await kind.plan(context, due: due)
        if let reason = decision.skipReason {
            skippedReason = reason
            for subTask in due { note(subTask.dn, nil, .skipped, reason) }
            return
        }
        let (plan, limit, limitReason) = (decision.plan, decision.limit, decision.limitReason)

        // Each sub-task's targets; a refusal fails that sub-task alone.
        var targets: [String: [WorkKey]] = [:]
        var runnable: [SubTask] = []
        for subTask in due {
            switch kind.targets(of: subTask, in: plan) {
            case .failure(let refusal) where refusal.notNeeded:
                if !dryRun { try await remove(subTask.dn, settling: []) }
                note(subTask.dn, nil, .notNeeded, refusal.reason)
            case .failure(let refusal):
                if dryRun {
                    note(subTask.dn, nil, .wouldFail, refusal.summary)
                } else {
                    try await writeStatus(.failed(refusal.reason), of: subTask.dn, settling: [])
                    note(subTask.dn, nil, .failed, refusal.summary)
                }
            case .success(let list):
                targets[subTask.dn] = list.map { WorkKey(operation: operation, subTaskDN: subTask.dn, target: $0) }
                runnable.append(subTask)
            }
        }
        let claimable = try await sortEarlierWork(runnable, targets: targets)
        let bySubTask = Dictionary(runnable.map { ($0.dn, $0) }) { first, _ in first }
        let units = units(of: claimable, subTasks: bySubTask, plan: plan)

        if dryRun {
            for (index, unit) in units.enumerated() {
                if let limit, index >= limit {
                    for entry in unit { note(entry.key.subTaskDN, entry.key.target, .skipped, limitReason) }
                    continue
                }
                let items = unit.compactMap { entry in
                    bySubTask[entry.key.subTaskDN].map { WorkItem(key: entry.key, subTask: $0, generation: entry.generation, attempt: entry.attempts + 1, progress: entry.progress) }
                }
                let (outcome, detail) = items.count == 1 ? await kind.preview(items[0], in: plan) : await kind.preview(together: items, in: plan)
                for entry in unit {
                    note(entry.key.subTaskDN, entry.key.target, outcome, detail ?? (entry.generation > 0 ? "renewed in FusionDirectory" : nil))
                }
            }
            return
        }

        try await applyInBatches(units, subTasks: bySubTask, plan: plan, limit: limit, limitReason: limitReason)
        try await completeSubTasks(runnable, targets: targets)
        try await kind.finish(summary, in: plan, context: context)
    }

    /// Reports what earlier runs left and returns the items this run may claim, in order, with
    /// the generation each would be applied at.
    mutating func sortEarlierWork(_ subTasks: [SubTask], targets: [String: [WorkKey]]) async throws -> [Claimable] {
        var earlier = Dictionary(try await deps.journal.records(forSubTasks: subTasks.map(\.dn), operation: operation).map { ($0.key, $0) }) { first, _ in first }

        // `done` while the first read said scheduled: renewed by FD, or completed by a concurrent
        // run after our read. Only a read made after the journal's tells which.
        let doneDNs = Set(earlier.values.filter { $0.state == .done }.map(\.key.subTaskDN))
        var completedMeanwhile = Set<String>()
        if !doneDNs.isEmpty {
            let now = Dictionary(try await deps.directory.subTasks(kind: kind.kind).filter { doneDNs.contains($0.dn) }.map { ($0.dn, $0.status) }) { first, _ in first }
            completedMeanwhile = doneDNs.filter { now[$0] != .scheduled }
            let renewed = earlier.values.filter { $0.state == .done && !completedMeanwhile.contains($0.key.subTaskDN) }
            if dryRun {
                for record in renewed {
                    earlier[record.key] = nil
                }
            } else if !renewed.isEmpty {
                let reopened = Set(try await deps.journal.reopen(renewed, now: deps.clock.now()))
                for record in renewed where reopened.contains(record.key) {
                    earlier[record.key] = WorkRecord(
                        key: record.key, state: .released, owner: nil, leaseExpiresAt: nil, attempts: 0,
                        generation: record.generation + 1, detail: nil, updatedAt: record.updatedAt
                    )
                }
            }
        }

        let now = deps.clock.now()
        var claimable: [Claimable] = []
        for subTask in subTasks {
            if completedMeanwhile.contains(subTask.dn) {
                for key in targets[subTask.dn, default: []] { note(key.subTaskDN, key.target, .alreadyApplied, "completed by another run") }
                continue
            }
            for key in targets[subTask.dn, default: []] {
                guard let record = earlier[key] else {
                    claimable.append(Claimable(key: key))
                    continue
                }
                switch record.state {
                case .released:
                    if let retryAt = record.retryAt, retryAt > now {
                        let when = ISO8601DateFormatter().string(from: retryAt)
                        note(key.subTaskDN, key.target, .skipped, "next attempt after \(when) (\(record.attempts) of \(deps.retry.maxAttempts) made; last: \(record.detail ?? "transient failure"))")
                    } else {
                        claimable.append(Claimable(record))
                    }
                case .claimed, .applying:
                    if record.isHeld(byAnotherThan: runID, at: now) {
                        heldElsewhere.append(key)
                        note(key.subTaskDN, key.target, .skipped, "held by another run")
                    } else if record.state == .applying && kind.replay == .reportUnknown {
                        note(key.subTaskDN, key.target, .unknown, "a previous run stopped while applying it; not repeated automatically")
                    } else {
                        claimable.append(Claimable(record))
                    }
                case .unknown:
                    note(key.subTaskDN, key.target, .unknown, record.detail ?? "outcome unknown; not repeated automatically")
                case .notNeeded:
                    note(key.subTaskDN, key.target, .notNeeded, record.detail)
                case .applied:
                    // A live run that applied it writes the status itself; a dead run's is ours to write.
                    note(key.subTaskDN, key.target, .alreadyApplied, record.isHeld(byAnotherThan: runID, at: now) ? "completed by another run" : nil)
                case .done:
                    // Renewed but reopened by another run first: that run holds it.
                    if !dryRun { heldElsewhere.append(key) }
                    note(key.subTaskDN, key.target, dryRun ? .alreadyApplied : .skipped, dryRun ? nil : "held by another run")
                case .failed:
                    note(key.subTaskDN, key.target, .failed, record.detail)
                }
            }
        }
        return claimable
    }

    /// The claimable items grouped by what one effect covers (`KindRun.unit`), in order of first
    /// appearance; each item alone when the kind does not group.
    mutating func units(of claimable: [Claimable], subTasks: [String: SubTask], plan: Kind.Plan) -> [[Claimable]] {
        var units: [[Claimable]] = []
        var index: [String: Int] = [:]
        let held = Set(heldElsewhere.compactMap { key in subTasks[key.subTaskDN].flatMap { kind.unit(of: key, subTask: $0, in: plan) } })
        for entry in claimable {
            guard let subTask = subTasks[entry.key.subTaskDN], let name = kind.unit(of: entry.key, subTask: subTask, in: plan) else {
                units.append([entry])
                continue
            }
            if held.contains(name) {
                note(entry.key.subTaskDN, entry.key.target, .skipped, "held by another run")
                continue
            }
            if let at = index[name] {
                units[at].append(entry)
            } else {
                index[name] = units.count
                units.append([entry])
            }
        }
        return units
    }

    /// Claims a batch, applies it, claims the next; a heartbeat renews the leases meanwhile.
    /// A batch holds whole units; the limit counts units (messages), not items.
    mutating func applyInBatches(
        _ units: [[Claimable]], subTasks: [String: SubTask], plan: Kind.Plan, limit: Int?, limitReason: String
    ) async throws {
        guard !units.isEmpty else { return }
        let deps = deps
        let runID = runID
        let heartbeat = Task {
            let period = max(0.05, deps.lease / 3)
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(period * 1000)))
                guard !Task.isCancelled else { return }
                _ = try? await deps.journal.extendLeases(owner: runID, until: deps.clock.now().addingTimeInterval(deps.lease), now: deps.clock.now())
            }
        }
        defer { heartbeat.cancel() }

        var applied = 0
        var index = 0
        var unreachable = 0
        var stopReason: String?
        while index < units.count {
            if let limit, applied >= limit { break }
            if let stopReason {
                for entry in units[index...].joined() { note(entry.key.subTaskDN, entry.key.target, .skipped, stopReason) }
                return
            }
            if stopping {
                for entry in units[index...].joined() { note(entry.key.subTaskDN, entry.key.target, .skipped, "the service is shutting down") }
                return
            }
            let room = limit.map { $0 - applied } ?? Int.max
            var batch: [[Claimable]] = []
            var size = 0
            while index < units.count, batch.count < room, batch.isEmpty || size + units[index].count <= deps.batchSize {
                batch.append(units[index])
                size += units[index].count
                index += 1
            }
            let now = deps.clock.now()
            let keys = batch.flatMap { $0.map(\.key) }
            let claimed = Set(try await deps.journal.claim(
                keys, owner: runID, leaseUntil: now.addingTimeInterval(deps.lease), limit: keys.count,
                reclaimApplying: kind.replay == .retry, now: now
            ))
            for unit in batch {
                if let stopReason {
                    for entry in unit {
                        if claimed.contains(entry.key) {
                            try await deps.journal.record(entry.key, .deferred(stopReason), owner: runID, now: deps.clock.now(), retry: .notAttempted)
                        }
                        note(entry.key.subTaskDN, entry.key.target, .skipped, stopReason)
                    }
                    continue
                }
                // A unit is one effect: applied only when this run holds all of it. A concurrent run
                // that claimed part of it gives its part back too, so neither sends half of it; a
                // later run takes the whole.
                if unit.count > 1, !unit.allSatisfy({ claimed.contains($0.key) }) {
                    for entry in unit {
                        if claimed.contains(entry.key) {
                            try await deps.journal.record(
                                entry.key, .deferred("part of a message another run holds"), owner: runID, now: deps.clock.now(), retry: .notAttempted
                            )
                        }
                        note(entry.key.subTaskDN, entry.key.target, .skipped, "held by another run")
                    }
                    continue
                }
                var items: [WorkItem] = []
                for entry in unit {
                    guard claimed.contains(entry.key) else {
                        note(entry.key.subTaskDN, entry.key.target, .skipped, "held by another run")
                        continue
                    }
                    if stopping {
                        try await deps.journal.record(
                            entry.key, .deferred("the service shut down before applying it"), owner: runID, now: deps.clock.now(), retry: .notAttempted
                        )
                        note(entry.key.subTaskDN, entry.key.target, .skipped, "the service is shutting down")
                        continue
                    }
                    guard let subTask = subTasks[entry.key.subTaskDN], try await deps.journal.begin(entry.key, owner: runID, now: deps.clock.now()) else {
                        note(entry.key.subTaskDN, entry.key.target, .skipped, "the lease ran out before applying; a later run will")
                        continue
                    }
                    let journal = deps.journal
                    let clock = deps.clock
                    let key = entry.key
                    items.append(WorkItem(
                        key: key, subTask: subTask, generation: entry.generation, attempt: entry.attempts + 1, progress: entry.progress,
                        checkpoint: { progress in try await journal.saveProgress(key, progress, owner: runID, now: clock.now()) }
                    ))
                }
                guard !items.isEmpty else { continue }
                let outcome = unit.count == 1 ? await kind.apply(items[0], in: plan) : await kind.apply(together: items, in: plan)
                switch outcome {
                case .applied, .appliedNoting: applied += 1
                default: break
                }
                switch outcome {
                case .unreachable(let why):
                    unreachable += 1
                    if unreachable >= deps.stopAfterUnreachable {
                        stopReason = "run stopped after \(unreachable) consecutive connection failures (\(why)); the rest waits for the next run"
                    }
                case .halt(let why):
                    stopReason = "run stopped: \(why); the rest waits for the next run"
                case .throttled:
                    break
                default:
                    unreachable = 0
                }
                for item in items {
                    let (outcome, retry) = retrying(outcome, of: item)
                    try await deps.journal.record(item.key, outcome, owner: runID, now: deps.clock.now(), retry: retry)
                    let (reported, detail): (RunReport.Outcome, String?) = switch outcome {
                    case .applied: (.applied, nil)
                    case .appliedNoting(let remark): (.applied, remark)
                    case .notNeeded(let why): (.notNeeded, why)
                    case .deferred(let why), .unreachable(let why), .throttled(let why), .halt(let why): (.deferred, why)
                    case .failed(let why): (.failed, why)
                    case .unknown(let why): (.unknown, why)
                    }
                    note(item.key.subTaskDN, item.key.target, reported, detail)
                }
            }
        }
        for entry in units[index...].joined() { note(entry.key.subTaskDN, entry.key.target, .skipped, limitReason) }
    }

    var stopping: Bool { Task.isCancelled || deps.shutdown.isShuttingDown }

    /// A transient failure is retried after a growing delay, until the item's last allowed
    /// attempt: then it is dead, a failure like any other (the sub-task carries the reason).
    func retrying(_ outcome: WorkOutcome, of item: WorkItem) -> (WorkOutcome, RetryTiming) {
        switch outcome {
        case .deferred(let why), .unreachable(let why):
            if deps.retry.isExhausted(afterAttempt: item.attempt) {
                return (.failed("\(RunReport.Item.deadPrefix)\(item.attempt) attempts; last: \(why)"), .after(nil))
            }
            let delay = deps.retry.delay(afterAttempt: item.attempt, jitter: deps.jitter())
            return (outcome, .after(deps.clock.now().addingTimeInterval(delay)))
        case .throttled, .halt:
            return (outcome, .notAttempted)
        default:
            return (outcome, .after(nil))
        }
    }

    /// A sub-task is finished when every target is applied (status `2`) or some target failed for
    /// good and none is open (status = the failure); otherwise it stays scheduled.
    mutating func completeSubTasks(_ subTasks: [SubTask], targets: [String: [WorkKey]]) async throws {
        let records = Dictionary(try await deps.journal.records(forSubTasks: subTasks.map(\.dn), operation: operation).map { ($0.key, $0) }) { first, _ in first }
        let now = deps.clock.now()
        for subTask in subTasks {
            let keys = targets[subTask.dn, default: []]
            let settled = keys.compactMap { records[$0] }.filter { [.applied, .notNeeded, .failed, .done].contains($0.state) }
            guard !keys.isEmpty, settled.count == keys.count, settled.contains(where: { $0.state != .done }) else { continue }
            // Another live run applied part of it and will write the status once it is done: a write
            // here could land after FusionDirectory renewed the sub-task and undo the renewal.
            if settled.contains(where: { $0.state == .applied && $0.isHeld(byAnotherThan: runID, at: now) }) { continue }
            if let failure = settled.first(where: { $0.state == .failed }) {
                try await writeStatus(.failed(failure.detail ?? "failed"), of: subTask.dn, settling: keys)
            } else if settled.allSatisfy({ $0.state == .notNeeded }) {
                try await remove(subTask.dn, settling: keys)
            } else {
                try await writeStatus(.completed, of: subTask.dn, settling: keys)
            }
        }
    }

    /// After an operator settled an item: complete the sub-task if nothing else is open.
    mutating func completeAfterSettlement(_ subTask: SubTask) async throws {
        let context = try await context()
        guard case .success(let list) = kind.targets(of: subTask, in: try await kind.plan(context, due: [subTask]).plan) else { return }
        let keys = list.map { WorkKey(operation: operation, subTaskDN: subTask.dn, target: $0) }
        try await completeSubTasks([subTask], targets: [subTask.dn: keys])
    }

    /// LDAP first, then the journal: `done` in the journal proves the status write happened.
    func writeStatus(_ status: SubTaskStatus, of dn: String, settling keys: [WorkKey]) async throws {
        do {
            try await deps.statuses.setStatus(status, ofSubTask: dn)
        } catch let error as DirectoryError where !error.isConnectivity {
            // The sub-task was deleted or changed under us: nothing to write, the journal keeps the facts.
            return
        }
        if !keys.isEmpty { try await deps.journal.settle(keys, now: deps.clock.now()) }
    }

    /// Nothing was needed for any item: the sub-task goes, as FD expects; then the journal.
    func remove(_ dn: String, settling keys: [WorkKey]) async throws {
        try await deps.remover.removeSubTask(dn)
        if !keys.isEmpty { try await deps.journal.settle(keys, now: deps.clock.now()) }
    }

    mutating func note(_ dn: String, _ target: String?, _ outcome: RunReport.Outcome, _ detail: String?) {
        items.append(.init(subTask: dn, target: target, outcome: outcome, detail: detail))
        summary.count(outcome)
    }
}

/// An item this run may claim, with what earlier attempts left.
private struct Claimable {
    let key: WorkKey
    var generation = 0
    var attempts = 0
    var progress: String?

    init(key: WorkKey) {
        self.key = key
    }

    init(_ record: WorkRecord) {
        key = record.key
        generation = record.generation
        attempts = record.attempts
        progress = record.progress
    }
}
