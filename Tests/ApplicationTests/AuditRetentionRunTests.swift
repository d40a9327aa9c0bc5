import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// Audit retention beside the engine, over fakes: counts, cutoffs, bad retentions, failures.
@Suite struct AuditRetentionRunTests {
    static let day: TimeInterval = 86_400

    struct Harness {
        let base = MailHarness()
        let events: FakeAuditEvents
        let archive = FakeAuditArchive()
        let log = RecordingProgressLog()
        var directory: FakeDirectory { base.directory }
        var now: Date { base.clock.now() }

        init(pageSize: Int = 3) {
            events = FakeAuditEvents(pageSize: pageSize)
        }

        func audit(archiving: Bool = false, progressEvery: Int = 10_000) -> AuditRetentionRun {
            AuditRetentionRun(.init(
                directory: directory, events: events, statuses: directory, archive: archiving ? archive : nil, history: base.history,
                clock: base.clock, ids: base.ids, shutdown: base.shutdown, log: log, progressEvery: progressEvery
            ))
        }

        func run(_ mode: RunMode = .apply, archiving: Bool = false, progressEvery: Int = 10_000) async throws -> RunReport {
            try await audit(archiving: archiving, progressEvery: progressEvery).run(mode: mode, trigger: .http)
        }

        /// An audit main task with this fdAuditTasksRetention (nil: none) and one due sub-task; the sub-task's DN.
        func task(_ name: String, retention: String?, subTasks: Int = 1) async -> [String] {
            var attributes: [String: [String]] = [
                "objectClass": ["fdTasks", "fdAuditTasks"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
                "fdTasksScheduleDate": ["20261102100000"], "fdTasksRepeatable": ["FALSE"],
            ]
            if let retention { attributes["fdAuditTasksRetention"] = [retention] }
            let master = await directory.addMainTask(name, attributes)
            var dns: [String] = []
            for index in 0..<subTasks {
                dns.append(await directory.addSubTask("\(name)-SubTask-\(index)", type: "Audit", master: master))
            }
            return dns
        }

        /// An event `age` seconds before now (negative: in the future).
        func event(_ name: String, age: TimeInterval) async {
            await events.add("fdAuditDateTime=\(name),ou=audit,dc=example,dc=org", at: now.addingTimeInterval(-age))
        }

        func dn(_ name: String) -> String { "fdAuditDateTime=\(name),ou=audit,dc=example,dc=org" }
    }

    @Test func onlyEventsStrictlyBeforeTheCutoffGoAndTheSubTaskCompletes() async throws {
        let h = Harness()
        let sub = try #require(await h.task("retention", retention: "30").first)
        await h.event("old", age: 31 * Self.day)
        await h.event("just-old", age: 30 * Self.day + 1)
        await h.event("at-cutoff", age: 30 * Self.day)
        await h.event("recent", age: 29 * Self.day)
        await h.event("future", age: -Self.day)

        let report = try await h.run()

        #expect(await h.events.remaining == [h.dn("at-cutoff"), h.dn("recent"), h.dn("future")])
        #expect(await h.directory.status(of: sub) == "2")
        let pass = try #require(report.retention?.first)
        #expect(pass.retentionDays == 30)
        #expect(pass.cutoff == h.now.addingTimeInterval(-30 * Self.day))
        #expect(pass.deleted == 2 && pass.failed == 0 && pass.keptNewer == 3 && pass.finished)
        #expect(report.items == [.init(subTask: sub, target: "audit events before \(RunReport.isoString(pass.cutoff))", outcome: .applied, detail: "deleted 2 events; 3 newer kept")])
        #expect(report.summary.due == 1 && report.summary.applied == 1)
        #expect(await h.events.searches == [.dnOnly])
        #expect(try await h.base.history.run(id: report.runID)?.retention == report.retention)
    }

    @Test(arguments: [("0", "0 days would delete every audit event"), ("1.5", "is invalid"), ("30 days", "is invalid"), (nil, "fdAuditTasksRetention is missing")] as [(String?, String)])
    func anUnusableRetentionFailsItsSubTaskAndDeletesNothing(retention: String?, reason: String) async throws {
        let h = Harness()
        let sub = try #require(await h.task("bad", retention: retention).first)
        await h.event("ancient", age: 4_000 * Self.day)

        let report = try await h.run()

        #expect(await h.events.remaining == [h.dn("ancient")])
        #expect(await h.events.searches.isEmpty)
        let status = try #require(await h.directory.status(of: sub))
        #expect(status.contains(reason))
        #expect(report.items.map(\.outcome) == [.failed])
        #expect(report.retention == [])
    }

    @Test func aBadSubTaskFailsAloneAndTheRunGoesOn() async throws {
        let h = Harness()
        let bad = try #require(await h.task("zero", retention: "0").first)
        let good = try #require(await h.task("month", retention: "30").first)
        await h.event("old", age: 40 * Self.day)
        await h.event("new", age: Self.day)

        let report = try await h.run()

        #expect(await h.events.remaining == [h.dn("new")])
        #expect(await h.directory.status(of: good) == "2")
        #expect(await h.directory.status(of: bad)?.contains("0 days") == true)
        #expect(report.summary.failed == 1 && report.summary.applied == 1)
    }

    @Test func subTasksWithDifferentRetentionsCostOnePassEachLongestFirst() async throws {
        let h = Harness()
        let month = await h.task("month", retention: "30", subTasks: 2)
        let quarter = await h.task("quarter", retention: "90")
        await h.event("a", age: 100 * Self.day)
        await h.event("b", age: 60 * Self.day)
        await h.event("c", age: 10 * Self.day)

        let report = try await h.run()

        #expect(await h.events.searches.count == 2)
        #expect(report.retention?.map(\.retentionDays) == [90, 30])
        #expect(report.retention?.map(\.deleted) == [1, 1])
        #expect(report.retention?.last?.subTasks == month.sorted())
        #expect(await h.events.remaining == [h.dn("c")])
        for dn in month + quarter { #expect(await h.directory.status(of: dn) == "2") }
    }

    @Test func deletesTheDirectoryRefusesFailTheSubTaskWithASummary() async throws {
        let h = Harness()
        let sub = try #require(await h.task("retention", retention: "30").first)
        for name in ["a", "b", "c"] { await h.event(name, age: 31 * Self.day) }
        await h.events.refuse(h.dn("b"))

        let report = try await h.run()

        #expect(await h.events.remaining == [h.dn("b")])
        let status = try #require(await h.directory.status(of: sub))
        #expect(status.hasPrefix("1 of 3 old audit events could not be deleted: directory refused the change (50)"))
        #expect(report.retention?.first?.deleted == 2)
        #expect(report.retention?.first?.failed == 1)
        #expect(report.items.map(\.outcome) == [.failed])
    }

    @Test func anEventAlreadyGoneCountsAsDeleted() async throws {
        let h = Harness(pageSize: 10)
        _ = await h.task("retention", retention: "30")
        await h.event("a", age: 31 * Self.day)
        await h.event("b", age: 31 * Self.day)
        // A concurrent run takes "b" between the search and our delete.
        await h.events.forgetNow(h.dn("b"))

        let report = try await h.run()
        #expect(report.retention?.first?.deleted == 2)
        #expect(report.retention?.first?.failed == 0)
    }

    @Test func aDirectoryLostMidPassIsReportedAndTheNextRunFinishesTheJob() async throws {
        let h = Harness(pageSize: 2)
        let sub = try #require(await h.task("retention", retention: "30").first)
        for name in ["a", "b", "c", "d", "e"] { await h.event(name, age: 31 * Self.day) }
        await h.events.goDown(afterPages: 1)

        let first = try await h.run()

        let pass = try #require(first.retention?.first)
        #expect(!pass.finished)
        #expect(pass.deleted == 2)
        #expect(pass.firstFailure?.contains("slapd stopped") == true)
        #expect(first.items.map(\.outcome) == [.deferred])
        #expect(await h.directory.status(of: sub) == "1")
        #expect(try await h.base.history.run(id: first.runID) != nil)

        await h.events.comeBack()
        let second = try await h.run()
        #expect(second.retention?.first?.deleted == 3)
        #expect(await h.events.remaining.isEmpty)
        #expect(await h.directory.status(of: sub) == "2")
    }

    @Test func aShutdownStopsThePassBetweenPagesAndLeavesTheSubTaskScheduled() async throws {
        let h = Harness(pageSize: 2)
        let sub = try #require(await h.task("retention", retention: "30").first)
        for name in ["a", "b", "c", "d"] { await h.event(name, age: 31 * Self.day) }
        let shutdown = h.base.shutdown
        await h.events.setOnPage { page in if page == 2 { shutdown.stop() } }

        let report = try await h.run()

        #expect(await h.events.remaining.count == 2)
        #expect(report.retention?.first?.firstFailure == "the service is shutting down")
        #expect(report.items.map(\.outcome) == [.deferred])
        #expect(await h.directory.status(of: sub) == "1")
    }

    @Test func aDryRunCountsWithTheOldestAndNewestAndChangesNothing() async throws {
        let h = Harness()
        let sub = try #require(await h.task("retention", retention: "30").first)
        await h.event("oldest", age: 90 * Self.day)
        await h.event("middle", age: 60 * Self.day)
        await h.event("newest", age: 31 * Self.day)
        await h.event("kept", age: 2 * Self.day)

        let report = try await h.run(.dryRun(asOf: nil))

        #expect(await h.events.remaining.count == 4)
        #expect(await h.directory.status(of: sub) == "1")
        #expect(await h.events.searches == [.time])
        let pass = try #require(report.retention?.first)
        #expect(pass.wouldDelete == 3 && pass.deleted == 0 && pass.keptNewer == 1)
        // Microseconds, as fdAuditDateTime holds them.
        #expect(abs((pass.oldest ?? .distantFuture).timeIntervalSince(h.now.addingTimeInterval(-90 * Self.day))) < 0.001)
        #expect(abs((pass.newest ?? .distantFuture).timeIntervalSince(h.now.addingTimeInterval(-31 * Self.day))) < 0.001)
        #expect(report.items.map(\.outcome) == [.wouldApply])
        #expect(report.items.first?.detail?.hasPrefix("would delete 3 events (oldest ") == true)
        #expect(try await h.base.history.runs(operation: nil, limit: 10, before: nil).isEmpty)
    }

    @Test func aDryRunAtAnotherInstantUsesItsCutoff() async throws {
        let h = Harness()
        _ = await h.task("retention", retention: "30")
        await h.event("a", age: 20 * Self.day)
        let report = try await h.run(.dryRun(asOf: h.now.addingTimeInterval(15 * Self.day)))
        #expect(report.retention?.first?.wouldDelete == 1)
    }

    @Test func archivedLinesAreTheDeletedEventsAndAFailingArchiveDeletesNothing() async throws {
        let h = Harness()
        let sub = try #require(await h.task("retention", retention: "30").first)
        for name in ["a", "b", "c", "d"] { await h.event(name, age: 31 * Self.day) }
        await h.event("kept", age: Self.day)

        await h.archive.setFailing(true)
        let refused = try await h.run(archiving: true)
        #expect(await h.events.remaining.count == 5)
        #expect(refused.items.map(\.outcome) == [.deferred])
        #expect(await h.directory.status(of: sub) == "1")

        await h.archive.setFailing(false)
        let report = try await h.run(archiving: true)
        #expect(await h.archive.lines == ["a", "b", "c", "d"].map(h.dn))
        #expect(report.retention?.first?.archived == 4)
        #expect(report.retention?.first?.deleted == 4)
        #expect(await h.events.searches.last == .everything)
        #expect(await h.events.remaining == [h.dn("kept")])
    }

    @Test func longPassesLogProgress() async throws {
        let h = Harness(pageSize: 2)
        _ = await h.task("retention", retention: "30")
        for name in ["a", "b", "c", "d", "e", "f"] { await h.event(name, age: 31 * Self.day) }
        _ = try await h.run(progressEvery: 4)
        #expect(h.log.lines.contains { $0.contains("4 deleted, 0 failed so far") })
        #expect(h.log.lines.last?.hasPrefix("retention 30 d: 6 deleted, 0 failed") == true)
    }

    @Test func subTasksNotYetDueAndOtherKindsAreLeftAlone() async throws {
        let h = Harness()
        let master = await h.directory.addMainTask("later", [
            "objectClass": ["fdTasks", "fdAuditTasks"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"], "fdAuditTasksRetention": ["1"],
        ])
        let later = await h.directory.addSubTask("later-SubTask-1", type: "Audit", master: master, schedule: "20991231000000")
        await h.event("old", age: 10 * Self.day)
        let report = try await h.run()
        #expect(report.summary.due == 0)
        #expect(report.retention == [])
        #expect(await h.events.remaining.count == 1)
        #expect(await h.directory.status(of: later) == "1")
    }
}
