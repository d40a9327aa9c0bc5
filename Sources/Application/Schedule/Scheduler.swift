import Domain
import Foundation
import Synchronization

/// An operation the scheduler runs, and when (`SCHEDULE_<OPERATION>`).
public struct ScheduleEntry: Sendable, Equatable {
    public let operation: RunOperation
    public let cron: CronSchedule

    public init(operation: RunOperation, cron: CronSchedule) {
        self.operation = operation
        self.cron = cron
    }
}

/// Runs operations on their cron schedules, evaluated in the directory's `fdTimezone`, through
/// the same `RunTasks` as HTTP and the CLI (trigger `schedule`).
///
/// Several replicas may run it: per operation, only the holder of a lease (`LeaderLeases`) starts
/// slots, and each slot is recorded once (`ScheduleSlots`), fenced by the lease, so a slot never
/// runs twice — not after a lease changed hands, not when a paused leader wakes up. Slots missed
/// while no replica ran collapse into one run of the newest. The lease is renewed every third of
/// its duration, during runs too; a leader that cannot renew in time stops claiming in the run it
/// started (`LeaseWatch`) and starts nothing more until it leads again. A slot whose run never
/// finished (the process died after recording it, or lost its lease mid-run) runs again under the
/// next tenure, once.
public final class Scheduler: Sendable {
    public struct Dependencies: Sendable {
        let leases: any LeaderLeases
        let slots: any ScheduleSlots
        let runs: RunTasks
        let settings: DirectorySettings
        let clock: any WallClock
        let log: any SchedulerLog
        let metrics: any OperationMetrics

        public init(
            leases: any LeaderLeases, slots: any ScheduleSlots, runs: RunTasks, settings: DirectorySettings, clock: any WallClock,
            log: any SchedulerLog = SilentSchedulerLog(), metrics: any OperationMetrics = NoOperationMetrics()
        ) {
            self.leases = leases
            self.slots = slots
            self.runs = runs
            self.settings = settings
            self.clock = clock
            self.log = log
            self.metrics = metrics
        }
    }

    /// What `/ready` shows of one scheduled operation.
    public struct Status: Sendable, Equatable, Encodable {
        public let operation: String
        public let schedule: String
        public var leader: Bool
        public var running: Bool
        public var lastSlot: Date?
        public var nextSlot: Date?
    }

    /// What one step decided: the lease now held (nil: follower) and how long to wait.
    struct Step: Sendable {
        let lease: LeaderLease?
        let wait: TimeInterval
    }

    public let entries: [ScheduleEntry]
    /// This replica's name in the leases.
    public let owner: String
    private let leaseDuration: TimeInterval
    private let dependencies: Dependencies
    private let states: Mutex<[String: Status]>
    private let stopping = Atomic<Bool>(false)

    public init(entries: [ScheduleEntry], owner: String, leaseDuration: TimeInterval, _ dependencies: Dependencies) {
        self.entries = entries
        self.owner = owner
        self.leaseDuration = leaseDuration
        self.dependencies = dependencies
        var states: [String: Status] = [:]
        for entry in entries {
            states[entry.operation.name] = Status(
                operation: entry.operation.name, schedule: entry.cron.description, leader: false, running: false, lastSlot: nil, nextSlot: nil
            )
        }
        self.states = Mutex(states)
    }

    private var renewEvery: TimeInterval { leaseDuration / 3 }
    static let slotRetention: TimeInterval = 30 * 86_400

    public var status: [Status] {
        states.withLock { states in entries.compactMap { states[$0.operation.name] } }
    }

    /// Stops at the next step: no new slot starts; a run in flight finishes (it stops claiming
    /// through the service's own shutdown signal).
    public func stop() { stopping.store(true, ordering: .releasing) }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    /// Every scheduled operation, each in its own loop, until `stop()`; leases held are given up.
    public func run() async {
        let start = dependencies.clock.now()
        await withTaskGroup(of: Void.self) { group in
            for entry in entries {
                group.addTask { await self.loop(entry, since: start) }
            }
        }
    }

    private func loop(_ entry: ScheduleEntry, since start: Date) async {
        var held: LeaderLease?
        while !isStopping {
            let step = await step(entry, held: held, since: start)
            held = step.lease
            await pause(step.wait)
        }
        if let held { try? await dependencies.leases.release(held) }
        lead(entry, false)
    }

    /// Sleeps in short slices, so `stop()` is seen within half a second.
    private func pause(_ seconds: TimeInterval) async {
        var left = max(0.05, seconds)
        while left > 0, !isStopping {
            let slice = min(left, 0.5)
            try? await Task.sleep(for: .seconds(slice))
            left -= slice
        }
    }

    /// Holds or renews the lease; as leader, runs the newest due slot once.
    func step(_ entry: ScheduleEntry, held: LeaderLease?, since start: Date) async -> Step {
        let name = entry.operation.name
        let now = dependencies.clock.now()
        let lease: LeaderLease?
        do {
            lease = try await dependencies.leases.hold(name, owner: owner, now: now, until: now.addingTimeInterval(leaseDuration))
        } catch {
            dependencies.log.problem(name, "cannot take or renew the scheduler lease: \(error)")
            lease = nil
        }
        guard let lease else {
            if held != nil { dependencies.log.lostLease(name, duringRun: false) }
            lead(entry, false)
            return Step(lease: nil, wait: renewEvery)
        }
        if held?.continues(in: lease) != true { dependencies.log.leads(name, fence: lease.fence) }
        lead(entry, true)

        let zone: TimeZone
        let last: Date?
        do {
            zone = try await dependencies.settings.current().zone
            last = try await dependencies.slots.lastSlot(operation: name)
        } catch {
            dependencies.log.problem(name, "cannot tell whether a slot is due: \(error)")
            return Step(lease: lease, wait: renewEvery)
        }
        if let resumed = await resumeUnfinished(entry, lease: lease) { return resumed }
        let since = last ?? start
        let next = entry.cron.nextSlot(after: max(since, now), in: zone)
        update(entry) { state in
            state.lastSlot = last
            state.nextSlot = next
        }
        guard let slot = entry.cron.latestSlot(after: since, notAfter: now, in: zone) else {
            return Step(lease: lease, wait: min(renewEvery, (next ?? .distantFuture).timeIntervalSince(now)))
        }
        let claimed: Bool
        do {
            claimed = try await dependencies.slots.claim(operation: name, slot: slot, lease: lease, now: dependencies.clock.now())
        } catch {
            dependencies.log.problem(name, "cannot record the slot \(slot): \(error)")
            return Step(lease: lease, wait: renewEvery)
        }
        // Recorded by another tenure already, or this lease was fenced off meanwhile.
        guard claimed else { return Step(lease: lease, wait: 0.05) }
        dependencies.log.slotStarted(name, slot: slot, missed: missedSlots(entry, after: since, before: slot, in: zone))
        let after = await runHolding(entry, slot: slot, lease: lease)
        await finish(entry, slot: slot, heldThroughout: after)
        // The record of a slot matters only until newer ones exist; a month is plenty to look back.
        _ = try? await dependencies.slots.purge(operation: name, before: slot.addingTimeInterval(-Self.slotRetention))
        update(entry) { state in
            state.lastSlot = slot
            state.nextSlot = entry.cron.nextSlot(after: dependencies.clock.now(), in: zone)
        }
        return Step(lease: after, wait: 0.05)
    }

    /// The newest slot's run, started under an earlier tenure, never finished (its process died
    /// between recording the slot and the end of the run, or lost its lease mid-run): it runs again
    /// now, once — the run engine's journal keeps every item it did apply from happening twice.
    private func resumeUnfinished(_ entry: ScheduleEntry, lease: LeaderLease) async -> Step? {
        let name = entry.operation.name
        do {
            guard let open = try await dependencies.slots.unfinished(operation: name), open.fence < lease.fence,
                  try await dependencies.slots.resume(operation: name, slot: open.slot, lease: lease, now: dependencies.clock.now())
            else { return nil }
            dependencies.log.slotResumed(name, slot: open.slot)
            let after = await runHolding(entry, slot: open.slot, lease: lease)
            await finish(entry, slot: open.slot, heldThroughout: after)
            return Step(lease: after, wait: 0.05)
        } catch {
            dependencies.log.problem(name, "cannot tell whether the last slot's run finished: \(error)")
            return nil
        }
    }

    /// Records that the slot's run ended, unless the lease was lost meanwhile: the run stopped
    /// claiming then, so the next leader runs the slot again.
    private func finish(_ entry: ScheduleEntry, slot: Date, heldThroughout lease: LeaderLease?) async {
        guard let lease else { return }
        do {
            try await dependencies.slots.finish(operation: entry.operation.name, slot: slot, lease: lease, now: dependencies.clock.now())
        } catch {
            dependencies.log.problem(entry.operation.name, "cannot record the end of the slot \(slot): \(error)")
        }
    }

    /// Runs the slot with the lease renewed beside it; returns the lease still held, or nil.
    private func runHolding(_ entry: ScheduleEntry, slot: Date, lease: LeaderLease) async -> LeaderLease? {
        let name = entry.operation.name
        let watch = LeaseWatch(lease, clock: dependencies.clock)
        update(entry) { $0.running = true }
        defer { update(entry) { $0.running = false } }
        let outcome = await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.keepRenewing(watch) }
            let outcome = await LeaseWatch.$current.withValue(watch) { () async -> Result<RunReport, ServiceError> in
                do throws(ServiceError) {
                    return .success(try await dependencies.runs(entry.operation, trigger: .schedule))
                } catch {
                    return .failure(error)
                }
            }
            group.cancelAll()
            return outcome
        }
        switch outcome {
        case .success(let report): dependencies.log.slotFinished(name, slot: slot, report: report)
        case .failure(let error): dependencies.log.slotFailed(name, slot: slot, error: error)
        }
        if watch.isLost {
            dependencies.log.lostLease(name, duringRun: true)
            lead(entry, false)
            return nil
        }
        return watch.lease
    }

    private func keepRenewing(_ watch: LeaseWatch) async {
        while !Task.isCancelled, !watch.isLost {
            do { try await Task.sleep(for: .seconds(renewEvery)) } catch { return }
            let current = watch.lease
            let now = dependencies.clock.now()
            // A lease that ran out before it could be renewed is lost, even if nobody took it.
            guard now < current.expiresAt else {
                watch.renewed(nil)
                return
            }
            do {
                // nil: another owner holds it now.
                watch.renewed(try await dependencies.leases.hold(current.name, owner: owner, now: now, until: now.addingTimeInterval(leaseDuration)))
            } catch {
                // The store did not answer: try again while the lease lasts.
                dependencies.log.problem(current.name, "cannot renew the scheduler lease: \(error)")
            }
        }
    }

    /// How many slots between the last one run and the one run now were missed (for the log).
    private func missedSlots(_ entry: ScheduleEntry, after last: Date, before slot: Date, in zone: TimeZone) -> Int {
        var count = 0
        var cursor = last
        while count < 1_000, let next = entry.cron.nextSlot(after: cursor, in: zone), next < slot {
            count += 1
            cursor = next
        }
        return count
    }

    /// What `/ready` and the leadership gauge show.
    private func lead(_ entry: ScheduleEntry, _ leads: Bool) {
        update(entry) { $0.leader = leads }
        dependencies.metrics.schedulerLeadership(entry.operation, leads: leads)
    }

    private func update(_ entry: ScheduleEntry, _ change: (inout Status) -> Void) {
        states.withLock { states in
            if var state = states[entry.operation.name] {
                change(&state)
                states[entry.operation.name] = state
            }
        }
    }
}
