import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// removeSubTasks over fakes: exactly the completed sub-tasks go, counted per main task.
@Suite struct RemoveCompletedSubTasksTests {
    static let mailTask = "cn=welcome,ou=tasks,dc=example,dc=org"
    static let lifeCycleTask = "cn=expiry,ou=tasks,dc=example,dc=org"

    struct Harness {
        let base = MailHarness()
        var directory: FakeDirectory { base.directory }

        var removal: RemoveCompletedSubTasks {
            RemoveCompletedSubTasks(.init(subTasks: directory, history: base.history, clock: base.clock, ids: base.ids, shutdown: base.shutdown))
        }

        func run(_ mode: RunMode = .apply) async throws(ServiceError) -> RunReport {
            try await removal.run(mode: mode, trigger: .http)
        }

        /// Three completed (two of the mail task), one scheduled, one failed; returns (completed, kept).
        func mixed() async -> ([String], [String]) {
            let done = [
                await directory.addSubTask("m-1", type: "Mail Object", master: RemoveCompletedSubTasksTests.mailTask, status: "2"),
                await directory.addSubTask("m-2", type: "Mail Object", master: RemoveCompletedSubTasksTests.mailTask, status: "2"),
                await directory.addSubTask("l-1", type: "Life Cycle", master: RemoveCompletedSubTasksTests.lifeCycleTask, status: "2"),
            ]
            let kept = [
                await directory.addSubTask("m-3", type: "Mail Object", master: RemoveCompletedSubTasksTests.mailTask, status: "1"),
                await directory.addSubTask("m-4", type: "Mail Object", master: RemoveCompletedSubTasksTests.mailTask, status: "550 5.1.1 user unknown"),
            ]
            return (done, kept)
        }
    }

    @Test func exactlyTheCompletedSubTasksAreRemovedAndCountedPerMainTask() async throws {
        let h = Harness()
        let (_, kept) = await h.mixed()

        let report = try await h.run()

        #expect(await h.directory.exists == Set(kept))
        #expect(report.removals == [
            { var r = RunReport.Removal(mainTask: Self.lifeCycleTask); r.removed = 1; return r }(),
            { var r = RunReport.Removal(mainTask: Self.mailTask); r.removed = 2; return r }(),
        ])
        #expect(report.summary.due == 3 && report.summary.applied == 3)
        #expect(report.items.isEmpty)
        #expect(report.operation == "removeSubTasks")
        #expect(try await h.base.history.run(id: report.runID)?.removals == report.removals)
    }

    @Test func aDryRunListsWhatWouldGoAndRemovesNothing() async throws {
        let h = Harness()
        let (done, kept) = await h.mixed()

        let report = try await h.run(.dryRun(asOf: nil))

        #expect(await h.directory.exists == Set(done + kept))
        #expect(Set(report.items.map(\.subTask)) == Set(done))
        #expect(report.items.allSatisfy { $0.outcome == .wouldApply })
        #expect(report.removals?.map(\.wouldRemove) == [1, 2])
        #expect(try await h.base.history.runs(operation: nil, limit: 10, before: nil).isEmpty)
    }

    @Test func aSubTaskRenewedBetweenTheSearchAndTheDeleteIsKept() async throws {
        let h = Harness()
        let (done, _) = await h.mixed()
        let renewed = done[0]
        let directory = h.directory
        await directory.onCompletedPage { dns in
            if dns.contains(renewed) { await directory.setStatusInFD("1", of: renewed) }
        }

        let report = try await h.run()

        #expect(await h.directory.exists.contains(renewed))
        #expect(report.items.map(\.outcome) == [.skipped])
        #expect(report.summary.applied == 2)
    }

    @Test func aRefusedDeleteFailsThatSubTaskAlone() async throws {
        let h = Harness()
        let (done, _) = await h.mixed()
        await h.directory.refuseDelete(done[1])

        let report = try await h.run()

        #expect(await h.directory.exists.contains(done[1]))
        #expect(!(await h.directory.exists.contains(done[0])))
        #expect(report.items == [.init(subTask: done[1], target: Self.mailTask, outcome: .failed, detail: "directory refused the change (50): delete: Insufficient access (50)")])
        let mail = report.removals?.first { $0.mainTask == Self.mailTask }
        #expect(mail?.removed == 1 && mail?.failed == 1)
    }

    @Test func aShutdownStopsBetweenPagesAndSaysSo() async throws {
        let h = Harness()
        _ = await h.mixed()
        let shutdown = h.base.shutdown
        await h.directory.onCompletedPage { _ in shutdown.stop() }

        let report = try await h.run()

        #expect(report.skippedReason == "stopped early: the service is shutting down; a later run removes the rest")
        #expect(await h.directory.exists.count == 5)
    }

    @Test func anUnreachableDirectoryIsAnError() async throws {
        let h = Harness()
        await h.directory.setFailReads(true)
        await #expect(throws: ServiceError.self) { try await h.run() }
    }

    @Test func bothBulkOperationsAreAvailableThroughRunTasks() async throws {
        let h = Harness()
        let audit = AuditRetentionRun(.init(
            directory: h.directory, events: FakeAuditEvents(), statuses: h.directory, archive: nil, history: h.base.history,
            clock: h.base.clock, ids: h.base.ids
        ))
        let runs = RunTasks(engine: h.base.engine(), kinds: [h.base.mail], operations: [audit, h.removal])
        #expect(runs.available == [.kind(.mail), .kind(.audit), .removeSubTasks])
        _ = await h.mixed()
        let report = try await runs(.removeSubTasks, trigger: .cli)
        #expect(report.summary.applied == 3)
        #expect(report.trigger == .cli)
    }
}
