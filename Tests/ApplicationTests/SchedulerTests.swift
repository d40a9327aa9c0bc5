@testable import Application
import Domain
import Foundation
import InMemoryAdapter
import Synchronization
import Testing

/// The built-in scheduler over in-memory leases and slots and a counting operation: one leader,
/// each slot once, missed slots collapsed, and a replica that lost its lease starts nothing.
@Suite struct SchedulerTests {
    /// Counts its runs and what they saw: the trigger, and whether the run was told to stop.
    final class CountingRun: OperationRun, @unchecked Sendable {
        let operation = RunOperation.removeSubTasks
        private let lock = NSLock()
        private var triggers: [RunReport.Trigger] = []
        private var stops: [Bool] = []
        /// Runs inside the run, before it answers (a test moves the clock there).
        var during: @Sendable () -> Void = {}

        var count: Int { lock.withLock { triggers.count } }
        var seenTriggers: [RunReport.Trigger] { lock.withLock { triggers } }
        var toldToStop: [Bool] { lock.withLock { stops } }

        func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
            during()
            let stop = RunStopSignal(shutdown: NeverShuttingDown()).isShuttingDown
            lock.withLock {
                triggers.append(trigger)
                stops.append(stop)
            }
            let now = Date()
            return RunReport(
                runID: "run-\(count)", operation: operation.name, trigger: trigger, dryRun: false, asOf: now, startedAt: now, endedAt: now,
                summary: .init(), skippedReason: nil, items: []
            )
        }
    }

    struct Harness {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))  // 2026-11-18T11:06:40Z
        let leases = InMemoryLeaderLeases()
        let slots: InMemoryScheduleSlots
        let run = CountingRun()
        let directory = FakeDirectory()

        init() {
            slots = InMemoryScheduleSlots(leases: leases)
        }

        func scheduler(_ owner: String, _ expression: String, lease: TimeInterval = 30) throws -> Scheduler {
            let engine = MailHarness().engine()
            let runs = RunTasks(engine: engine, kinds: [], operations: [run])
            return Scheduler(
                entries: [ScheduleEntry(operation: .removeSubTasks, cron: try CronSchedule(expression))], owner: owner, leaseDuration: lease,
                .init(leases: leases, slots: slots, runs: runs, settings: DirectorySettings(directory: directory, clock: clock), clock: clock)
            )
        }
    }

    @Test func aDueSlotRunsOnceOnTheLeaderOnly() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *")
        let b = try h.scheduler("b", "*/5 * * * *")
        let entry = a.entries[0]
        let start = h.clock.now()
        let leaseA = await a.step(entry, held: nil, since: start).lease
        #expect(leaseA != nil)
        #expect(await b.step(entry, held: nil, since: start).lease == nil)
        #expect(h.run.count == 0)

        // 11:10: the leader renews (a new tenure: the clock jumped past its lease) and runs the slot.
        h.clock.advance(by: 200)
        let afterA = await a.step(entry, held: leaseA, since: start)
        let afterB = await b.step(entry, held: nil, since: start)
        #expect(afterA.lease != nil)
        #expect(afterB.lease == nil)
        // Stepping again within the same slot starts nothing more.
        _ = await a.step(entry, held: afterA.lease, since: start)
        #expect(h.run.count == 1)
        #expect(h.run.seenTriggers == [.schedule])
        #expect(await h.slots.recorded("removeSubTasks") == [Date(timeIntervalSince1970: 1_795_000_200)])
        #expect(a.status.first?.leader == true && b.status.first?.leader == false)
    }

    @Test func aFirstStartWaitsForTheNextSlotInsteadOfRunningPastOnes() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "0 * * * *")
        let step = await a.step(a.entries[0], held: nil, since: h.clock.now())
        #expect(h.run.count == 0)
        // 11:06:40 → the 12:00 slot is 3,200 s away; the leader looks again after a third of its lease.
        #expect(step.wait == 10)
        #expect(a.status.first?.nextSlot == Date(timeIntervalSince1970: 1_795_003_200))
    }

    @Test func slotsMissedDuringDowntimeCollapseIntoOneRunOfTheNewest() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "0 * * * *")
        let entry = a.entries[0]
        let lease = try #require(await a.step(entry, held: nil, since: h.clock.now()).lease)
        h.clock.advance(by: 3_200)  // 12:00
        _ = await a.step(entry, held: lease, since: h.clock.now().addingTimeInterval(-900))
        #expect(h.run.count == 1)

        // Every replica down for three and a half hours: 13:00, 14:00 and 15:00 were missed.
        h.clock.advance(by: 3.5 * 3_600)
        let b = try h.scheduler("b", "0 * * * *")
        _ = await b.step(entry, held: nil, since: h.clock.now())
        #expect(h.run.count == 2)
        #expect(await h.slots.recorded("removeSubTasks") == [1_795_003_200, 1_795_003_200 + 3 * 3_600].map { Date(timeIntervalSince1970: $0) })
    }

    @Test func aLeaderPausedPastItsLeaseStartsNothingOnceAnotherLeads() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *")
        let b = try h.scheduler("b", "*/5 * * * *")
        let entry = a.entries[0]
        let start = h.clock.now()
        let stale = try #require(await a.step(entry, held: nil, since: start).lease)
        // a is paused (SIGSTOP) past its lease; b takes over with a new fence and runs the slot.
        h.clock.advance(by: 200)
        let taken = try #require(await b.step(entry, held: nil, since: start).lease)
        #expect(taken.fence == stale.fence + 1)
        #expect(h.run.count == 1)
        // b keeps leading and runs the next slot; a wakes up (SIGCONT) with that slot due: it
        // cannot hold the lease, and its old tenure cannot record a slot either.
        h.clock.advance(by: 300)
        _ = await b.step(entry, held: taken, since: start)
        #expect(h.run.count == 2)
        #expect(await a.step(entry, held: stale, since: start).lease == nil)
        #expect(try await h.slots.claim(operation: "removeSubTasks", slot: h.clock.now().addingTimeInterval(60), lease: stale, now: h.clock.now()) == false)
        #expect(h.run.count == 2)
    }

    @Test func aSlotWhoseLeaderDiedBeforeItsRunFinishedRunsOnceUnderTheNextLeader() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *")
        let entry = a.entries[0]
        let start = h.clock.now()
        // a records the 11:10 slot, then its process dies before the run (nothing runs, nothing finishes).
        h.clock.advance(by: 200)
        let dead = try #require(try await h.leases.hold("removeSubTasks", owner: "a", now: h.clock.now(), until: h.clock.now().addingTimeInterval(30)))
        let slot = Date(timeIntervalSince1970: 1_795_000_200)
        #expect(try await h.slots.claim(operation: "removeSubTasks", slot: slot, lease: dead, now: h.clock.now()))
        #expect(h.run.count == 0)

        // b leads once a's lease lapsed (11:11:20, before the 11:15 slot): it runs the 11:10 slot again.
        h.clock.advance(by: 60)
        let b = try h.scheduler("b", "*/5 * * * *")
        let taken = try #require(await b.step(entry, held: nil, since: start).lease)
        #expect(h.run.count == 1)
        #expect(await h.slots.unfinished(operation: "removeSubTasks") == nil)
        // Once: the next steps in the same slot start nothing; the 11:15 slot runs as usual.
        let again = await b.step(entry, held: taken, since: start)
        #expect(h.run.count == 1)
        h.clock.advance(by: 240)
        _ = await b.step(entry, held: again.lease, since: start)
        #expect(h.run.count == 2)
        #expect(await h.slots.recorded("removeSubTasks") == [slot, slot + 300])
        #expect(await h.slots.unfinished(operation: "removeSubTasks") == nil)
    }

    @Test func aFinishedSlotIsNotRunAgainByTheNextLeader() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *")
        let entry = a.entries[0]
        let start = h.clock.now()
        let lease = await a.step(entry, held: nil, since: start).lease
        h.clock.advance(by: 200)
        _ = await a.step(entry, held: lease, since: start)
        #expect(h.run.count == 1)
        // a stops without releasing; b leads after the lease lapsed, within the same slot.
        h.clock.advance(by: 35)
        let b = try h.scheduler("b", "*/5 * * * *")
        #expect(await b.step(entry, held: nil, since: start).lease != nil)
        #expect(h.run.count == 1)
    }

    @Test func aRunWhoseLeaseRunsOutIsToldToStopClaiming() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *", lease: 30)
        let entry = a.entries[0]
        let start = h.clock.now()
        let lease = try #require(await a.step(entry, held: nil, since: start).lease)
        h.clock.advance(by: 200)
        // The run itself outlasts the lease without a renewal (the clock jumps inside it).
        h.run.during = { [clock = h.clock] in clock.advance(by: 60) }
        let after = await a.step(entry, held: lease, since: start)
        #expect(h.run.toldToStop == [true])
        #expect(after.lease == nil)
        // Outside a scheduled run nothing is stopped.
        #expect(RunStopSignal(shutdown: NeverShuttingDown()).isShuttingDown == false)
    }

    @Test func aRunUnderALiveLeaseIsNotStopped() async throws {
        let h = Harness()
        let a = try h.scheduler("a", "*/5 * * * *")
        let entry = a.entries[0]
        let start = h.clock.now()
        let lease = try #require(await a.step(entry, held: nil, since: start).lease)
        h.clock.advance(by: 200)
        let after = await a.step(entry, held: lease, since: start)
        #expect(h.run.toldToStop == [false])
        #expect(after.lease != nil)
    }

    @Test func aRunThroughRunTasksNamesItselfInTheLogContext() async throws {
        final class Probe: OperationRun, @unchecked Sendable {
            let operation = RunOperation.removeSubTasks
            var seen: (String?, String?)
            func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport {
                RunLogContext.started("run-7")
                seen = (RunLogContext.current?.operation, RunLogContext.current?.runID)
                let now = Date()
                return RunReport(runID: "run-7", operation: operation.name, trigger: trigger, dryRun: false, asOf: now, startedAt: now, endedAt: now,
                                 summary: .init(), skippedReason: nil, items: [])
            }
        }
        let probe = Probe()
        _ = try await RunTasks(engine: MailHarness().engine(), kinds: [], operations: [probe])(.removeSubTasks, trigger: .http)
        #expect(probe.seen == ("removeSubTasks", "run-7"))
        #expect(RunLogContext.current == nil)
    }

    @Test func leasesChangeHandsOnlyWhenExpiredAndTheFenceGrows() async throws {
        let leases = InMemoryLeaderLeases()
        let t0 = Date(timeIntervalSince1970: 1_000)
        let a1 = try #require(await leases.hold("mail", owner: "a", now: t0, until: t0 + 30))
        #expect(a1.fence == 1)
        #expect(await leases.hold("mail", owner: "b", now: t0 + 10, until: t0 + 40) == nil)
        let a2 = try #require(await leases.hold("mail", owner: "a", now: t0 + 10, until: t0 + 40))
        #expect(a2.fence == 1 && a1.continues(in: a2))
        let b1 = try #require(await leases.hold("mail", owner: "b", now: t0 + 41, until: t0 + 71))
        #expect(b1.fence == 2 && !a2.continues(in: b1))
        await leases.release(b1)
        let a3 = try #require(await leases.hold("mail", owner: "a", now: t0 + 42, until: t0 + 72))
        #expect(a3.fence == 3)
    }
}
