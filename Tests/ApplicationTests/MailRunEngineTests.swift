import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// The run engine with the mail kind, over fakes: every branch in milliseconds, no service.
@Suite struct MailRunEngineTests {
    @Test func dueSubTasksAreSentOnceAndMarkedDone() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org", "X@example.org", "y@example.org"])
        let report = try await h.run()
        #expect(report.summary.due == 1 && report.summary.applied == 2)
        #expect(await h.transport.received(by: "x@example.org") == 1)
        #expect(await h.transport.received(by: "y@example.org") == 1)
        #expect(await h.directory.status(of: a) == "2")
        #expect(await h.directory.mailStamps.count == 1)
        #expect(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).allSatisfy { $0.state == .done })
        // Saved in the history with its items.
        #expect(try await h.history.run(id: report.runID) == report)

        let again = try await h.run()
        #expect(again.summary.due == 0 && again.summary.applied == 0)
        #expect(await h.transport.accepted.count == 2)
    }

    @Test func aTransientFailureKeepsTheSubTaskScheduledAndTheNextRunSendsIt() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.transport.answer(.fail(.deferred("451 4.3.0 try later")), for: "x@example.org")
        let first = try await h.run()
        #expect(h.outcome(first, a, "x@example.org") == .deferred)
        #expect(await h.directory.status(of: a) == "1")
        #expect(await h.directory.mailStamps.isEmpty)

        // Backoff: a run soon after leaves it alone and says when it is retried.
        await h.transport.answer(.accept, for: "x@example.org")
        let early = try await h.run()
        #expect(h.outcome(early, a, "x@example.org") == .skipped)
        #expect(early.items.first?.detail?.hasPrefix("next attempt after") == true)
        #expect(early.items.first?.detail?.hasSuffix("(1 of 8 made; last: 451 4.3.0 try later)") == true)
        #expect(await h.transport.accepted.isEmpty)

        h.clock.advance(by: 60)
        let second = try await h.run()
        #expect(h.outcome(second, a, "x@example.org") == .applied)
        #expect(await h.directory.status(of: a) == "2")
        let record = try #require(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).first)
        #expect(record.attempts == 2)
    }

    @Test func anItemThatKeepsFailingTransientlyIsDeadAfterTheMaximumAndAReDriveDeliversIt() async throws {
        let h = MailHarness()
        let engine = RunEngine(.init(
            directory: h.directory, statuses: h.directory, remover: h.directory, journal: h.journal, history: h.history, clock: h.clock, ids: h.ids,
            retry: RetryPolicy(base: 10, cap: 15, maxAttempts: 3), jitter: { 1 }
        ))
        let runs = RunTasks(engine: engine, kinds: [h.mail])
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.transport.answer(.fail(.deferred("451 4.7.1 greylisted")), for: "x@example.org")

        // Attempts 1 and 2 are deferred with growing delays (10 s, then 15 s: capped).
        let first = try await runs(.kind(.mail), trigger: .http)
        #expect(h.outcome(first, a, "x@example.org") == .deferred)
        var record = try #require(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).first)
        #expect(record.retryAt == h.clock.now().addingTimeInterval(10))
        h.clock.advance(by: 10)
        _ = try await runs(.kind(.mail), trigger: .http)
        record = try #require(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).first)
        #expect(record.retryAt == h.clock.now().addingTimeInterval(15))

        // The third is the last: the item is dead and the sub-task fails with the last reason.
        h.clock.advance(by: 15)
        let third = try await runs(.kind(.mail), trigger: .http)
        #expect(h.outcome(third, a, "x@example.org") == .failed)
        #expect(third.items.first?.detail == "gave up after 3 attempts; last: 451 4.7.1 greylisted")
        #expect(await h.directory.status(of: a) == "gave up after 3 attempts; last: 451 4.7.1 greylisted")
        h.clock.advance(by: 3_600)
        #expect(try await runs(.kind(.mail), trigger: .http).summary.due == 0)

        // An operator re-drives it: scheduled again, and the next run delivers it at once.
        await h.transport.answer(.accept, for: "x@example.org")
        let before = try await runs.redrive(.kind(.mail), subTask: a, by: "orchestrator")
        #expect(before.status == .failed("gave up after 3 attempts; last: 451 4.7.1 greylisted"))
        #expect(await h.directory.status(of: a) == "1")
        let after = try await runs(.kind(.mail), trigger: .http)
        #expect(h.outcome(after, a, "x@example.org") == .applied)
        #expect(await h.directory.status(of: a) == "2")
        record = try #require(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).first)
        #expect(record.generation == 1 && record.attempts == 1)

        // Only failed sub-tasks of the operation's kind are re-driven.
        await #expect(throws: ServiceError(.conflict, code: "run.subtask_not_failed", message: "only a failed sub-task can be re-driven; this one is completed")) {
            try await runs.redrive(.kind(.mail), subTask: a, by: "orchestrator")
        }
        await #expect { try await runs.redrive(.kind(.mail), subTask: "cn=missing,ou=tasks,dc=example,dc=org", by: "o") } throws: {
            ($0 as? ServiceError)?.code == "run.subtask_not_found"
        }
        await #expect { try await runs.redrive(.kind(.lifeCycle), subTask: a, by: "o") } throws: { ($0 as? ServiceError)?.code == "run.not_redrivable" }
    }

    @Test func aRelayThatCannotBeReachedStopsTheRunAfterThreeAttemptsAndTheRestWaits() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        var subTasks: [String] = []
        for index in 0..<10 {
            subTasks.append(await h.directory.addMailSubTask("s\(index)", recipients: ["r\(index)@example.org"]))
            await h.transport.answer(.fail(.connection("Failed to connect to 127.0.0.1 port 25")), for: "r\(index)@example.org")
        }
        let report = try await h.run()
        #expect(report.summary.deferred == 3)
        #expect(report.summary.skipped == 7)
        let skipped = report.items.filter { $0.outcome == .skipped }.compactMap(\.detail)
        #expect(skipped.count == 7 && skipped.allSatisfy { $0.hasPrefix("run stopped after 3 consecutive connection failures (Failed to connect") })
        for dn in subTasks { #expect(await h.directory.status(of: dn) == "1") }

        // The seven never tried go at once (their claim was no attempt); the three tried wait for
        // their backoff.
        for index in 0..<10 { await h.transport.answer(.accept, for: "r\(index)@example.org") }
        let next = try await h.run()
        #expect(next.summary.applied == 7 && next.summary.skipped == 3)
        h.clock.advance(by: 60)
        let last = try await h.run()
        #expect(last.summary.applied == 3)
        #expect(await h.transport.accepted.count == 10)
        let records = try await h.journal.records(forSubTasks: subTasks, operation: .kind(.mail))
        #expect(records.map(\.attempts).sorted() == Array(repeating: 1, count: 7) + [2, 2, 2])
    }

    @Test func aPermanentRefusalFailsItsSubTaskWithTheReplyWhenNothingElseIsOpen() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["ok@example.org", "bad@example.org"])
        let b = await h.directory.addMailSubTask("b", recipients: ["fine@example.org"])
        await h.transport.answer(.fail(.rejected("550 5.1.1 <bad@example.org>: user unknown")), for: "bad@example.org")
        let report = try await h.run()
        #expect(h.outcome(report, a, "bad@example.org") == .failed)
        #expect(await h.directory.status(of: a) == "550 5.1.1 <bad@example.org>: user unknown")
        // One bad sub-task fails alone; the run goes on.
        #expect(await h.directory.status(of: b) == "2")
        #expect(await h.transport.received(by: "ok@example.org") == 1)
    }

    @Test func aReplyLostAfterTheDataIsUnknownAndNeverResent() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.transport.answer(.acceptButLoseReply, for: "x@example.org")
        let first = try await h.run()
        #expect(h.outcome(first, a, "x@example.org") == .unknown)
        #expect(first.summary.unknown == 1)
        #expect(await h.directory.status(of: a) == "1")

        await h.transport.answer(.accept, for: "x@example.org")
        h.clock.advance(by: 3600)
        let second = try await h.run()
        #expect(h.outcome(second, a, "x@example.org") == .unknown)
        #expect(await h.transport.received(by: "x@example.org") == 1)
        // The history keeps it too.
        #expect(try await h.history.run(id: first.runID)?.items.first?.outcome == .unknown)
    }

    @Test func settlingAnUnknownItemAsAppliedCompletesTheSubTask() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.transport.answer(.acceptButLoseReply, for: "x@example.org")
        _ = try await h.run()
        let key = WorkKey(operation: .kind(.mail), subTaskDN: a, target: "x@example.org")
        let settled = try await h.engine().resolve(h.mail, key, as: .applied, by: "orchestrator")
        #expect(settled.state == .done || settled.state == .applied)
        #expect(settled.detail?.contains("orchestrator") == true)
        #expect(await h.directory.status(of: a) == "2")
        // Settling twice is refused: nothing is unknown any more.
        await #expect(throws: ServiceError.self) { try await h.engine().resolve(h.mail, key, as: .applied, by: "orchestrator") }
    }

    @Test func settlingAnUnknownItemForARetrySendsItOnTheNextRun() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.transport.answer(.fail(.outcomeUnknown("timeout")), for: "x@example.org")
        _ = try await h.run()
        let key = WorkKey(operation: .kind(.mail), subTaskDN: a, target: "x@example.org")
        _ = try await h.engine().resolve(h.mail, key, as: .retry, by: "orchestrator")
        await h.transport.answer(.accept, for: "x@example.org")
        let report = try await h.run()
        #expect(h.outcome(report, a, "x@example.org") == .applied)
        #expect(await h.directory.status(of: a) == "2")
    }

    @Test(arguments: [
        ("no recipient", [String](), "plain" as String?, "it@example.org" as String?, "no recipient: fdTasksGranularMail is empty"),
        ("no template", ["x@example.org"], "missing", "it@example.org", "mail template \"missing\" not found"),
        ("no sender", ["x@example.org"], "plain", nil, "no sender: fdTasksGranularMailFrom is empty"),
    ])
    func aSubTaskMissingWhatItNeedsFailsAloneWithTheReason(_ name: String, _ recipients: [String], _ template: String?, _ sender: String?, _ status: String) async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let broken = await h.directory.addMailSubTask("broken", recipients: recipients, template: template, from: sender)
        let fine = await h.directory.addMailSubTask("fine", recipients: ["ok@example.org"])
        let report = try await h.run()
        #expect(h.outcome(report, broken, nil) == .failed, "\(name)")
        #expect(await h.directory.status(of: broken) == status)
        #expect(await h.directory.status(of: fine) == "2")
        #expect(await h.transport.accepted.map(\.recipient) == ["ok@example.org"])
    }

    @Test func theAntiSpamBudgetCountsMessagesSentAndSkipsTheRest() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        for index in 0..<5 { await h.directory.addMailSubTask("s\(index)", recipients: ["u\(index)@example.org"]) }
        await h.setTasks(TasksConfiguration(maxEmails: 3))
        let report = try await h.run()
        #expect(report.summary.applied == 3)
        #expect(report.summary.skipped == 2)
        #expect(report.items.filter { $0.outcome == .skipped }.allSatisfy { $0.detail?.contains("anti-spam limit of 3") == true })
        // A later run sends the rest.
        let rest = try await h.run()
        #expect(rest.summary.applied == 2)
        #expect(await h.transport.accepted.count == 5)
    }

    @Test func theAntiSpamIntervalSkipsTheWholeRun() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        await h.setTasks(TasksConfiguration(maxEmails: 0, intervalMinutes: 10, lastExecTime: h.clock.now().addingTimeInterval(-60)))
        let report = try await h.run()
        #expect(report.skippedReason?.contains("anti-spam interval") == true)
        #expect(h.outcome(report, a, nil) == .skipped)
        #expect(await h.transport.accepted.isEmpty)
    }

    @Test func aSubTaskRenewedInFusionDirectoryIsSentAgainWithANewMessageID() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        _ = try await h.run()
        await h.directory.setStatusInFD("1", of: a)  // FD's "Renew the selected task"
        let report = try await h.run()
        #expect(h.outcome(report, a, "x@example.org") == .applied)
        let sent = await h.transport.accepted
        #expect(sent.count == 2)
        #expect(Set(sent.map(\.messageID)).count == 2)
        #expect(try await h.journal.records(forSubTasks: [a], operation: .kind(.mail)).first?.generation == 1)
    }

    @Test func aStaleReadOfACompletedSubTaskIsNotTakenForARenewal() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        // A second run read the directory before the first wrote its status, and the journal after.
        let stale = StaleDirectory(current: h.directory, firstRead: try await h.directory.subTasks(kind: .mail))
        _ = try await h.run()
        let late = RunEngine(.init(directory: stale, statuses: h.directory, remover: h.directory, journal: h.journal, history: h.history, clock: h.clock, ids: h.ids))
        let report = try await late.run(h.mail, mode: .apply, trigger: .http)
        #expect(h.outcome(report, a, "x@example.org") == .alreadyApplied)
        #expect(await h.transport.accepted.count == 1)
    }

    @Test func anItemAnotherLiveRunHoldsIsReportedHeldNotUnknown() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        let key = WorkKey(operation: .kind(.mail), subTaskDN: a, target: "x@example.org")
        _ = try await h.journal.claim([key], owner: "other-run", leaseUntil: h.clock.now().addingTimeInterval(600), limit: 1, reclaimApplying: false, now: h.clock.now())
        _ = try await h.journal.begin(key, owner: "other-run", now: h.clock.now())
        let report = try await h.run()
        let item = try #require(report.items.first { $0.subTask == a })
        #expect(item.outcome == .skipped && item.detail == "held by another run")
        // Once that run is dead (its lease expired), the item is unknown: it may have been sent.
        h.clock.advance(by: 601)
        let later = try await h.run()
        #expect(h.outcome(later, a, "x@example.org") == .unknown)
        #expect(await h.transport.accepted.isEmpty)
    }

    @Test func aRunWhoseLeaseRanOutStopsSending() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        for index in 0..<3 { await h.directory.addMailSubTask("s\(index)", recipients: ["u\(index)@example.org"]) }
        let clock = h.clock
        // The first message takes longer than the whole lease, and no heartbeat beats in between.
        await h.transport.onSend { _ in clock.advance(by: 700) }
        let report = try await h.run(lease: 600)
        #expect(report.summary.applied == 1)
        #expect(report.items.filter { $0.detail?.contains("lease ran out") == true }.count == 2)
        #expect(await h.transport.accepted.count == 1)
    }

    @Test func concurrentRunsSendEveryMessageExactlyOnce() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        for index in 0..<60 { await h.directory.addMailSubTask("s\(index)", recipients: ["u\(index)@example.org", "v\(index)@example.org"]) }
        await h.transport.slow(by: .milliseconds(1))
        let reports = try await withThrowingTaskGroup(of: RunReport.self, returning: [RunReport].self) { group in
            for _ in 0..<6 { group.addTask { try await h.run(batchSize: 7) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let sent = await h.transport.accepted
        #expect(sent.count == 120)
        #expect(Set(sent.map(\.recipient)).count == 120)
        #expect(reports.reduce(0) { $0 + $1.summary.applied } == 120)
        #expect(reports.allSatisfy { $0.summary.unknown == 0 })
    }

    @Test func aRunLongerThanItsLeaseKeepsItsClaimsThroughTheHeartbeat() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        for index in 0..<20 { await h.directory.addMailSubTask("s\(index)", recipients: ["u\(index)@example.org"]) }
        await h.transport.slow(by: .milliseconds(100))
        // A lease of 1.5 s renewed every 0.5 s over a run of at least 2 s: a margin of 1 s for a
        // heartbeat delayed by a loaded machine (CI runs the suites in parallel on 2 cores).
        let real = RunEngine(.init(
            directory: h.directory, statuses: h.directory, remover: h.directory, journal: h.journal, history: h.history, clock: SystemWallClock(), ids: h.ids,
            lease: 1.5, batchSize: 20
        ))
        async let long = real.run(h.mail, mode: .apply, trigger: .http)
        try await Task.sleep(for: .milliseconds(1_700))
        // A second run well past the first lease finds every item still held.
        let second = try await real.run(h.mail, mode: .apply, trigger: .http)
        let first = try await long
        #expect(first.summary.applied == 20)
        #expect(second.summary.applied == 0)
        #expect(await h.transport.accepted.count == 20)
    }

    @Test func aShutdownStopsClaimingAndReleasesWhatItHeld() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        for index in 0..<10 { await h.directory.addMailSubTask("s\(index)", recipients: ["u\(index)@example.org"]) }
        let shutdown = h.shutdown
        await h.transport.onSend { mail in if mail.recipient == "u2@example.org" { shutdown.stop() } }
        let report = try await h.run(batchSize: 5)
        #expect(report.summary.applied == 3)
        #expect(report.items.filter { $0.detail?.contains("shutting down") == true }.count == 7)
        // What it held is free again at once, not after the lease.
        let records = try await h.journal.records(forSubTasks: (3..<5).map { "cn=s\($0),ou=tasks,dc=example,dc=org" }, operation: .kind(.mail))
        #expect(records.allSatisfy { $0.state == .released })
    }

    @Test func aDryRunReportsWhatWouldHappenAndChangesNothing() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        let a = await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        let broken = await h.directory.addMailSubTask("broken", recipients: [])
        let report = try await h.run(.dryRun(asOf: nil))
        #expect(report.dryRun)
        #expect(h.outcome(report, a, "x@example.org") == .wouldApply)
        #expect(h.outcome(report, broken, nil) == .wouldFail)
        #expect(await h.transport.accepted.isEmpty)
        #expect(await h.directory.statusWrites.isEmpty)
        #expect(await h.directory.mailStamps.isEmpty)
        #expect(await h.journal.all.isEmpty)
        #expect(try await h.history.runs(operation: nil, limit: 10, before: nil).isEmpty)
    }

    @Test func aDryRunAsOfAnEarlierInstantSeesNothingDue() async throws {
        let h = MailHarness()
        await h.directory.addTemplate()
        await h.directory.addMailSubTask("a", recipients: ["x@example.org"])
        let report = try await h.run(.dryRun(asOf: Date(timeIntervalSince1970: 0)))
        #expect(report.summary.due == 0)
        #expect(report.asOf == Date(timeIntervalSince1970: 0))
    }

    @Test func aDirectoryThatCannotBeReadFailsTheRunWithAStableCode() async throws {
        let h = MailHarness()
        await h.directory.setFailReads(true)
        await #expect { try await h.run() } throws: { ($0 as? ServiceError)?.code == "ldap.unavailable" }
    }
}

/// Answers the first sub-task search with an old snapshot, then the truth.
actor StaleDirectory: TaskDirectory {
    let current: FakeDirectory
    private var firstRead: [SubTask]?

    init(current: FakeDirectory, firstRead: [SubTask]) {
        self.current = current
        self.firstRead = firstRead
    }

    func configuration() async throws -> FDConfiguration { try await current.configuration() }
    func mainTasks(kind: TaskKind?) async throws -> [MainTask] { [] }
    func mainTask(named name: String, kind: TaskKind) async throws -> MainTask? { nil }
    func subTasks(ofMaster masterDN: String) async throws -> [SubTask] { try await current.subTasks(ofMaster: masterDN) }
    func subTask(at dn: String) async throws -> SubTask? { await current.subTask(at: dn) }

    func subTasks(kind: TaskKind?) async throws -> [SubTask] {
        if let snapshot = firstRead {
            firstRead = nil
            return snapshot
        }
        return try await current.subTasks(kind: kind)
    }
}

extension MailHarness {
    func setTasks(_ tasks: TasksConfiguration) async {
        await directory.setTasks(tasks)
    }
}

extension FakeDirectory {
    func setTasks(_ tasks: TasksConfiguration) { self.tasks = tasks }
    func setFailReads(_ fail: Bool) { failReads = fail }
}
