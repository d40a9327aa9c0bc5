import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// What the status page reads: runs per operation, items to settle, dead sub-tasks, the chart.
@Suite struct StatusOverviewTests {
    let directory = FakeDirectory()
    let history = InMemoryRunHistory()
    let journal = InMemoryWorkJournal()
    /// 2026-12-07 10:00 UTC.
    let clock = TestClock(Date(timeIntervalSince1970: 1_796_637_600))

    func overview() -> StatusOverview {
        StatusOverview(.init(
            history: history, journal: journal, directory: directory, settings: DirectorySettings(directory: directory, clock: clock), clock: clock
        ))
    }

    func run(_ id: String, _ operation: String, at date: Date, applied: Int = 0, failed: Int = 0, dryRun: Bool = false) -> RunReport {
        var summary = RunReport.Summary()
        summary.applied = applied
        summary.failed = failed
        return RunReport(
            runID: id, operation: operation, trigger: .schedule, dryRun: dryRun, asOf: date, startedAt: date, endedAt: date + 2,
            summary: summary, skippedReason: nil, items: [.init(subTask: "cn=s,ou=tasks,dc=example,dc=org", target: "a@example.org", outcome: .applied)]
        )
    }

    @Test func theChartSumsMailingRunsPerDayOfTheDirectorysZoneForThirtyDays() async throws {
        await directory.setZone(TimeZone(identifier: "America/New_York")!)
        let now = clock.now()
        // 03:30 UTC on the 7th is still the 6th in New York.
        await history.save(run("a", "mail", at: now - 6.5 * 3_600, applied: 3, failed: 1))
        await history.save(run("b", "reminder", at: now - 60, applied: 2))
        await history.save(run("c", "notifications", at: now - 2 * 86_400, failed: 4))
        // Not messages, a dry run, and a run before the window: none count.
        await history.save(run("d", "lifeCycle", at: now - 60, applied: 50))
        await history.save(run("e", "mail", at: now - 60, applied: 70, dryRun: true))
        await history.save(run("f", "mail", at: now - 31 * 86_400, applied: 90))

        let snapshot = try await overview()()
        #expect(snapshot.days.count == 30)
        #expect(snapshot.days.first?.date.description == "2026-11-08")
        #expect(snapshot.days.last?.date.description == "2026-12-07")
        let counts = Dictionary(uniqueKeysWithValues: snapshot.days.map { ($0.date.description, [$0.sent, $0.failed]) })
        #expect(counts["2026-12-07"] == [2, 0])
        #expect(counts["2026-12-06"] == [3, 1])
        #expect(counts["2026-12-05"] == [0, 4])
        #expect(snapshot.days.reduce(0) { $0 + $1.sent } == 5)
    }

    @Test func eachOperationShowsItsFiveNewestRunsWithoutItems() async throws {
        for index in 0..<7 { await history.save(run("m\(index)", "mail", at: clock.now() - Double(100 - index), applied: 1)) }
        let snapshot = try await overview()()
        #expect(snapshot.operations.map(\.operation) == RunOperation.all)
        let mail = try #require(snapshot.operations.first { $0.operation == .kind(.mail) })
        #expect(mail.runs.map(\.runID) == ["m6", "m5", "m4", "m3", "m2"])
        let itemless = mail.runs.allSatisfy { $0.items.isEmpty }
        #expect(itemless)
        let audit = snapshot.operations.first(where: { $0.operation == .kind(.audit) })
        #expect(audit?.runs.isEmpty == true)
    }

    @Test func deadSubTasksAreTheFailedOnesThatGaveUpAfterTheirRetries() async throws {
        let dead = await directory.addMailSubTask("dead", recipients: ["a@example.org"], status: "gave up after 8 attempts; last: 451 4.3.0 deferred")
        await directory.addMailSubTask("refused", recipients: ["b@example.org"], status: "550 no such user")
        await directory.addMailSubTask("due", recipients: ["c@example.org"])
        await directory.addMailSubTask("done", recipients: ["d@example.org"], status: "2")
        let snapshot = try await overview()()
        #expect(snapshot.dead.map(\.subTask.dn) == [dead])
        #expect(snapshot.dead.first?.operation == .kind(.mail))
        #expect(snapshot.dead.first?.reason.hasPrefix(RunReport.Item.deadPrefix) == true)
    }

    @Test func itemsWhoseOutcomeIsUnknownAreListedForTheOperator() async throws {
        let now = clock.now()
        let lost = WorkKey(operation: .kind(.mail), subTaskDN: "cn=s1,ou=tasks,dc=example,dc=org", target: "a@example.org")
        let sent = WorkKey(operation: .kind(.mail), subTaskDN: "cn=s2,ou=tasks,dc=example,dc=org", target: "b@example.org")
        _ = await journal.claim([lost, sent], owner: "run-1", leaseUntil: now + 60, limit: 2, reclaimApplying: false, now: now)
        for key in [lost, sent] { _ = await journal.begin(key, owner: "run-1", now: now) }
        try await journal.record(lost, .unknown("no reply after the message data"), owner: "run-1", now: now)
        try await journal.record(sent, .applied, owner: "run-1", now: now)
        let snapshot = try await overview()()
        #expect(snapshot.unresolved.map(\.key) == [lost])
        #expect(snapshot.unresolved.first?.detail == "no reply after the message data")
    }

    @Test func aDirectoryThatCannotBeReadIsAServiceError() async throws {
        await directory.setFailReads(true)
        await #expect(throws: ServiceError.self) { try await overview()() }
    }
}
