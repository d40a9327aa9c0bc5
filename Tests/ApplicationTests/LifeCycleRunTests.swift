import Application
import Domain
import Foundation
import InMemoryAdapter
import Testing

/// Life Cycle and cyclic activation on the engine, over fakes.
@Suite struct LifeCycleRunTests {
    static let user = "uid=jdoe,ou=people,dc=example,dc=org"

    struct Harness {
        let base = MailHarness()
        let accounts = FakeSupannAccounts()
        let fd: FakeFusionDirectory
        var directory: FakeDirectory { base.directory }

        init() {
            fd = FakeFusionDirectory(accounts: accounts, directory: base.directory)
        }

        var lifeCycle: LifeCycleRun {
            LifeCycleRun(.init(directory: base.directory, accounts: accounts, fusionDirectory: fd, refreshAttempts: 3))
        }

        func run(_ mode: RunMode = .apply) async throws -> RunReport {
            try await base.engine().run(lifeCycle, mode: mode, trigger: .http)
        }

        /// The verified example of spec §8.2: 30 days after the old end, into {COMPTE}I:SupannExpire.
        func expiryTask() async -> String {
            await directory.addMainTask("expiry", [
                "objectClass": ["fdTasks", "fdTasksLifeCycle"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
                "fdTasksScheduleDate": ["20261102100000"], "fdTasksRepeatable": ["FALSE"],
                "fdTasksLifeCyclePreResource": ["COMPTE"], "fdTasksLifeCyclePreState": ["A"], "fdTasksLifeCyclePreSubState": ["SupannActif"],
                "fdTasksLifeCyclePostResource": ["COMPTE"], "fdTasksLifeCyclePostState": ["I"],
                "fdTasksLifeCyclePostSubState": ["SupannExpire"], "fdTasksLifeCyclePostEndDate": ["30"],
            ])
        }
    }

    @Test func theVerifiedExampleIsRewrittenOnceWithItsStateAndFDRefreshes() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let sub = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031", "{MAIL}A:::"], states: ["{COMPTE}A:SupannActif", "{MAIL}A"])
        let report = try await h.run()
        let item = try #require(report.items.first)
        #expect(item.outcome == .applied)
        #expect(item.detail == "{COMPTE}A:SupannActif:20250901:20261031 → {COMPTE}I:SupannExpire:20261031:20261130")
        let after = try #require(await h.accounts.user(Self.user))
        #expect(after.stateDates == ["{COMPTE}I:SupannExpire:20261031:20261130", "{MAIL}A:::"])
        #expect(Set(after.states) == ["{COMPTE}I:SupannExpire", "{MAIL}A"])
        #expect(await h.fd.refreshed == [Self.user])
        #expect(await h.directory.status(of: sub) == "2")

        let again = try await h.run()
        #expect(again.summary.due == 0)
        #expect(await h.accounts.changes.count == 1)
    }

    @Test func aUserNoLongerInThePreStateHasItsSubTaskRemoved() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let sub = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20271031"], states: ["{COMPTE}A:SupannActif"])
        let report = try await h.run()
        #expect(report.items.first?.outcome == .notNeeded)
        #expect(await h.directory.removed == [sub])
        #expect(await h.fd.refreshed.isEmpty)
    }

    @Test func badDataFailsItsSubTaskAloneWithAShortReason() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let good = await h.directory.addLifeCycleSubTask("lc-good", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        let cases: [(String, String?, [String]?, Bool, String)] = [
            ("lc-no-end", "uid=noend,ou=people,dc=example,dc=org", ["{COMPTE}A:SupannActif:20250901:"], true, "no end date"),
            ("lc-bad-end", "uid=badend,ou=people,dc=example,dc=org", ["{COMPTE}A:SupannActif:20250901:2026-10-31"], true, "supannRessourceEtatDate"),
            ("lc-missing", "uid=ghost,ou=people,dc=example,dc=org", nil, true, "not found"),
            ("lc-not-supann", "uid=plain,ou=people,dc=example,dc=org", ["{COMPTE}A:SupannActif:20250901:20261031"], false, "not a supannPerson"),
            ("lc-no-user", nil, nil, true, "no user"),
        ]
        var dns: [String: String] = [:]
        for (name, user, dates, supann, _) in cases {
            dns[name] = await h.directory.addLifeCycleSubTask(name, master: master, user: user)
            if let user, let dates { await h.accounts.add(user, dates: dates, states: [], supannPerson: supann) }
        }
        // A task moving users to a resource this user has no value for.
        let toMail = await h.directory.addMainTask("to-mail", [
            "objectClass": ["fdTasks", "fdTasksLifeCycle"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
            "fdTasksScheduleDate": ["20261102100000"], "fdTasksRepeatable": ["FALSE"],
            "fdTasksLifeCyclePreResource": ["COMPTE"], "fdTasksLifeCyclePreState": ["A"],
            "fdTasksLifeCyclePostResource": ["MAIL"], "fdTasksLifeCyclePostState": ["I"],
        ])
        let noPost = await h.directory.addLifeCycleSubTask("lc-no-post", master: toMail, user: "uid=nopost,ou=people,dc=example,dc=org")
        await h.accounts.add("uid=nopost,ou=people,dc=example,dc=org", dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        let report = try await h.run()
        #expect(await h.directory.status(of: good) == "2")
        for (name, _, _, _, reason) in cases + [("lc-no-post", nil, nil, true, "no supannRessourceEtatDate value for resource {MAIL}")] {
            let status = try #require(await h.directory.status(of: dns[name] ?? noPost), "\(name)")
            #expect(status.contains(reason), "\(name): \(status)")
            #expect(status != "1" && status != "2" && !status.isEmpty)
        }
        #expect(report.summary.failed == cases.count + 1)
        #expect(report.summary.applied == 1)
    }

    @Test func anFDFailureAfterTheRewriteRetriesTheRefreshAloneThenFails() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let sub = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: ["{COMPTE}A:SupannActif"])
        await h.fd.fail(with: [.unavailable("500 Internal Server Error")])
        let first = try await h.run()
        #expect(first.items.first?.outcome == .deferred)
        #expect(await h.directory.status(of: sub) == "1")
        #expect(await h.accounts.changes.count == 1)

        // FD recovered: once the backoff is over, only the refresh is done again.
        h.base.clock.advance(by: 60)
        let second = try await h.run()
        #expect(second.items.first?.outcome == .applied)
        #expect(await h.accounts.changes.count == 1)
        #expect(await h.fd.refreshed == [Self.user])
        #expect(await h.directory.status(of: sub) == "2")
    }

    @Test func anFDThatKeepsFailingFailsTheSubTaskWithItsErrorAfterTheBound() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let sub = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        await h.fd.fail(with: Array(repeating: .unavailable("503 maintenance"), count: 10))
        for _ in 0..<3 {
            _ = try await h.run()
            h.base.clock.advance(by: 3_600)
        }
        let status = try #require(await h.directory.status(of: sub))
        #expect(status.contains("after 3 attempt(s)") && status.contains("503 maintenance"))
        #expect(await h.accounts.changes.count == 1)
    }

    @Test func withoutFusionDirectoryTheRewriteIsDoneAndTheReportSaysSo() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        _ = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        await h.fd.fail(with: [.notConfigured])
        let report = try await h.run()
        #expect(report.items.first?.outcome == .applied)
        #expect(report.items.first?.detail?.contains("not refreshed") == true)
    }

    @Test func aDryRunShowsTheRewriteAndChangesNothing() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        _ = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        let report = try await h.run(.dryRun(asOf: nil))
        #expect(report.items.first?.outcome == .wouldApply)
        #expect(report.items.first?.detail == "{COMPTE}A:SupannActif:20250901:20261031 → {COMPTE}I:SupannExpire:20261031:20261130")
        #expect(await h.accounts.changes.isEmpty)
        #expect(await h.fd.refreshed.isEmpty)
    }

    @Test func aRunThatDiedBetweenTheRewriteAndItsCheckpointDoesNotRewriteTwice() async throws {
        let h = Harness()
        let master = await h.expiryTask()
        let sub = await h.directory.addLifeCycleSubTask("lc-1", master: master, user: Self.user)
        await h.accounts.add(Self.user, dates: ["{COMPTE}A:SupannActif:20250901:20261031"], states: [])
        // The dead run: claimed, began, saved its plan, rewrote LDAP, and died.
        let key = WorkKey(operation: .kind(.lifeCycle), subTaskDN: sub, target: Self.user)
        let now = h.base.clock.now()
        _ = try await h.base.journal.claim([key], owner: "dead", leaseUntil: now.addingTimeInterval(60), limit: 1, reclaimApplying: true, now: now)
        _ = try await h.base.journal.begin(key, owner: "dead", now: now)
        _ = try await h.base.journal.saveProgress(
            key, #"{"oldDate":"{COMPTE}A:SupannActif:20250901:20261031","newDate":"{COMPTE}I:SupannExpire:20261031:20261130","rewritten":false}"#,
            owner: "dead", now: now
        )
        _ = await h.accounts.apply(.init(oldDate: "{COMPTE}A:SupannActif:20250901:20261031", newDate: "{COMPTE}I:SupannExpire:20261031:20261130",
                                         oldStates: [], newState: "{COMPTE}I:SupannExpire"), to: Self.user)
        h.base.clock.advance(by: 61)
        let report = try await h.run()
        #expect(report.items.first?.outcome == .applied)
        #expect(await h.accounts.changes.count == 1)
        #expect(await h.fd.refreshed == [Self.user])
        #expect(await h.directory.status(of: sub) == "2")
    }

    @Test func cyclicTasksAreActivatedOncePerPeriodAcrossConcurrentRuns() async throws {
        let h = Harness()
        let monthly = await h.directory.addMainTask("monthly", [
            "objectClass": ["fdTasks", "fdTasksMail"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2025-10-02 09:14:37am"],
            "fdTasksScheduleDate": ["20251002100000"], "fdTasksRepeatable": ["TRUE"], "fdTasksRepeatableSchedule": ["Monthly"],
            "fdTasksLastExec": ["2025-10-02 10:00:00"], "fdTasksMailObject": ["plain"], "fdTasksEmailSender": ["it@example.org"],
        ])
        let unknown = await h.directory.addMainTask("fortnightly", [
            "objectClass": ["fdTasks", "fdTasksMail"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2025-10-02 09:14:37am"],
            "fdTasksScheduleDate": ["20251002100000"], "fdTasksRepeatable": ["TRUE"], "fdTasksRepeatableSchedule": ["Fortnightly"],
            "fdTasksMailObject": ["plain"], "fdTasksEmailSender": ["it@example.org"],
        ])
        let activation = ActivateCyclicTasks(.init(
            directory: h.directory, journal: h.base.journal, history: h.base.history, fusionDirectory: h.fd, clock: h.base.clock, ids: h.base.ids
        ))
        // 13 months after the last activation (PHP compared the month component: 1, and skipped it).
        let reports = try await withThrowingTaskGroup(of: RunReport.self, returning: [RunReport].self) { group in
            for _ in 0..<4 { group.addTask { try await activation.run(mode: .apply, trigger: .http) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(await h.fd.activated == [monthly])
        #expect(reports.reduce(0) { $0 + $1.summary.applied } == 1)
        #expect(reports.allSatisfy { $0.items.contains { $0.subTask == unknown && $0.outcome == .failed } })
        let preview = try await activation.run(mode: .dryRun(asOf: nil), trigger: .http)
        #expect(preview.summary.wouldApply == 0)  // FD stamped a new fdTasksLastExec: next period
    }
}
