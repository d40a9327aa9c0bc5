import Application
import Domain
import Foundation
import Testing

/// Reminder on the engine, over fakes: the link to its owner alone, one message per window.
@Suite struct ReminderRunTests {
    static let lucie = "uid=lmartin,ou=people,dc=example,dc=org"
    static let paul = "uid=pbernard,ou=people,dc=example,dc=org"
    static let claire = "uid=cmoreau,ou=people,dc=example,dc=org"
    static let jeanne = "uid=jdupont,ou=people,dc=example,dc=org"
    static let fdURL = "https://fd.example.org/fusiondirectory/rest.php/v1"

    struct Harness {
        let base = MailHarness()
        let users = FakeUsers()
        var directory: FakeDirectory { base.directory }

        var reminder: ReminderRun {
            ReminderRun(.init(
                directory: base.directory, templates: base.directory, accounts: users, tokens: users, signer: EchoSigner(),
                delivery: MailDelivery(transport: base.transport, stamp: base.directory, crypto: base.ids, clock: base.clock),
                links: .fusionDirectory(baseURL: ReminderRunTests.fdURL)
            ))
        }

        func run(_ mode: RunMode = .apply) async throws -> RunReport {
            try await base.engine().run(reminder, mode: mode, trigger: .http)
        }

        /// The end date `days` from the test clock's today (UTC, the fake configuration's zone).
        func inDays(_ days: Int) -> String {
            CalendarDate(instant: base.clock.now(), in: TimeZone(identifier: "UTC")!).adding(days: days).fdDate
        }

        func account(_ dn: String, uid: String, mail: String?, endsInDays days: Int) -> ReminderAccount {
            ReminderAccount(dn: dn, mail: mail, uid: uid, states: ["{COMPTE}A:SupannActif"], stateDates: ["{COMPTE}A:SupannActif:20250901:\(inDays(days))"])
        }

        /// "account-reminder" of the fixture: 30/15 days on {COMPTE}A:SupannActif, link, forward to hr@.
        func seed(forward: [String] = ["hr@example.org"]) async -> String {
            await directory.addTemplate("remind", subject: "Your account expires soon", body: "Hello, follow this link: ", signature: "--\nIT")
            return await directory.addMainTask("account reminder", [
                "objectClass": ["fdTasks", "fdTasksReminder"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2026-11-09 03:33:33pm"],
                "fdTasksScheduleDate": ["20261110010000"], "fdTasksRepeatable": ["FALSE"],
                "fdTasksReminderFirstCall": ["30"], "fdTasksReminderSecondCall": ["15"],
                "fdTasksReminderResource": ["COMPTE"], "fdTasksReminderState": ["A"], "fdTasksReminderSubState": ["SupannActif"],
                "fdTasksReminderAccountProlongation": ["TRUE"], "fdTasksReminderPosix": ["FALSE"],
                "fdTasksReminderNextResource": ["COMPTE"], "fdTasksReminderNextState": ["A"], "fdTasksReminderSupannNewEndDate": ["365"],
                "fdTasksReminderMailTemplate": ["remind"], "fdTasksReminderEmailSender": ["reminder@example.org"],
                "fdTasksReminderMembers": ["cn=staff,ou=groups,dc=example,dc=org"], "fdTasksReminderListOfRecipientsMails": forward,
            ])
        }

        func call(_ name: String, master: String, user: String, days: Int) async -> String {
            await directory.addSubTask(name, type: "Reminder", master: master, ["fdTasksGranularDN": [user], "fdTasksGranularHelper": [String(days)]])
        }
    }

    @Test func theUserCopyCarriesTheLinkAndTheForwardCopyDoesNot() async throws {
        let h = Harness()
        let master = await h.seed()
        await h.users.addAccount(h.account(Self.lucie, uid: "lmartin", mail: "lucie.martin@example.org", endsInDays: 20))
        let first = await h.call("r1", master: master, user: Self.lucie, days: 30)
        let second = await h.call("r2", master: master, user: Self.lucie, days: 15)
        let report = try await h.run()

        let token = try #require(await h.users.tokens["lmartin"])
        #expect(token.userDN == Self.lucie && token.type == "reminder")
        #expect(token.expiresAt == h.base.clock.now().addingTimeInterval(15 * 86_400))
        let mails = await h.base.transport.accepted
        let own = try #require(mails.first { $0.recipient == "lucie.martin@example.org" })
        #expect(own.body == "Hello, follow this link: https://fd.example.org/fusiondirectory/accountProlongation.php?token=\(token.token)&task=account%20reminder\n\n--\nIT")
        let forward = try #require(mails.first { $0.recipient == "hr@example.org" })
        #expect(!forward.body.contains("accountProlongation") && !forward.body.contains(token.token))
        #expect(forward.body.contains("This reminder is about \(Self.lucie), whose account expires on \(try CalendarDate(fdDate: h.inDays(20)))"))
        #expect(mails.count == 2)
        #expect(await h.directory.status(of: first) == "2")
        #expect(await h.directory.removed == [second])
        #expect(report.items.contains { $0.subTask == second && $0.outcome == .notNeeded && $0.detail?.contains("outside the 15-day window") == true })

        let again = try await h.run()
        #expect(again.summary.due == 0)
        #expect(await h.base.transport.accepted.count == 2)
    }

    @Test func bothWindowsDueInOneRunSendOneMessageAndSettleBoth() async throws {
        let h = Harness()
        let master = await h.seed(forward: [])
        await h.users.addAccount(h.account(Self.paul, uid: "pbernard", mail: "paul.bernard@example.org", endsInDays: 10))
        let first = await h.call("p1", master: master, user: Self.paul, days: 30)
        let second = await h.call("p2", master: master, user: Self.paul, days: 15)
        _ = try await h.run()
        #expect(await h.base.transport.accepted.count == 1)
        #expect(await h.users.tokenWrites.count == 1)
        // The nearer window decides the token's lifetime: the second call's, until expiry.
        #expect(await h.users.tokens["pbernard"]?.expiresAt == h.base.clock.now().addingTimeInterval(15 * 86_400))
        #expect(await h.directory.status(of: first) == "2")
        #expect(await h.directory.status(of: second) == "2")
    }

    @Test func aMessageHalfHeldByAnotherRunIsNotSentHalfAndGoesOutWholeLater() async throws {
        let h = Harness()
        let master = await h.seed(forward: [])
        await h.users.addAccount(h.account(Self.paul, uid: "pbernard", mail: "paul.bernard@example.org", endsInDays: 10))
        let first = await h.call("p1", master: master, user: Self.paul, days: 30)
        let second = await h.call("p2", master: master, user: Self.paul, days: 15)
        let rivalKey = WorkKey(operation: .kind(.reminder), subTaskDN: second, target: "paul.bernard@example.org")
        let now = h.base.clock.now()
        #expect(try await h.base.journal.claim([rivalKey], owner: "rival", leaseUntil: now.addingTimeInterval(600), limit: 1, reclaimApplying: false, now: now) == [rivalKey])

        let report = try await h.run()
        #expect(await h.base.transport.accepted.isEmpty)
        #expect(report.items.allSatisfy { $0.outcome == .skipped && $0.detail == "held by another run" })
        // Not even claimed: the rest of a message another run holds waits whole.
        #expect(try await h.base.journal.records(forSubTasks: [first], operation: .kind(.reminder)).isEmpty)

        try await h.base.journal.record(rivalKey, .deferred("gave it back"), owner: "rival", now: now)
        _ = try await h.run()
        #expect(await h.base.transport.accepted.count == 1)
        #expect(await h.directory.status(of: first) == "2")
        #expect(await h.directory.status(of: second) == "2")
    }

    @Test func aUserWithoutMailFailsAloneAndTheRunGoesOn() async throws {
        let h = Harness()
        let master = await h.seed()
        await h.users.addAccount(h.account(Self.claire, uid: "cmoreau", mail: nil, endsInDays: 10))
        await h.users.addAccount(h.account(Self.lucie, uid: "lmartin", mail: "lucie.martin@example.org", endsInDays: 20))
        let claire = await h.call("c1", master: master, user: Self.claire, days: 30)
        let lucie = await h.call("l1", master: master, user: Self.lucie, days: 30)
        _ = try await h.run()
        #expect(await h.directory.status(of: claire)?.contains("no mail on the user") == true)
        #expect(await h.directory.status(of: lucie) == "2")
        #expect(await h.base.transport.accepted.count == 2)
        #expect(await h.users.tokens["cmoreau"] == nil)
    }

    @Test func aValidTokenAlreadyMailedIsReusedNotRegenerated() async throws {
        let h = Harness()
        let master = await h.seed(forward: [])
        await h.users.addAccount(h.account(Self.lucie, uid: "lmartin", mail: "lucie.martin@example.org", endsInDays: 12))
        let earlier = StoredProlongationToken(uid: "lmartin", userDN: Self.lucie, token: "EarlierToken", expiresAt: h.base.clock.now().addingTimeInterval(3_600))
        await h.users.setToken(earlier)
        _ = await h.call("l2", master: master, user: Self.lucie, days: 15)
        _ = try await h.run()
        let mail = try #require(await h.base.transport.accepted.first)
        #expect(mail.body.contains("token=EarlierToken&"))
        let stored = try #require(await h.users.tokens["lmartin"])
        #expect(stored.token == "EarlierToken")
        #expect(stored.expiresAt == h.base.clock.now().addingTimeInterval(15 * 86_400))
    }

    @Test func anotherUsersValidTokenUnderTheSameUIDIsNotOverwritten() async throws {
        let h = Harness()
        let master = await h.seed(forward: [])
        await h.users.addAccount(h.account(Self.lucie, uid: "lmartin", mail: "lucie.martin@example.org", endsInDays: 12))
        await h.users.setToken(StoredProlongationToken(uid: "lmartin", userDN: "uid=lmartin,ou=other,dc=example,dc=org", token: "Theirs", expiresAt: h.base.clock.now().addingTimeInterval(3_600)))
        let sub = await h.call("l2", master: master, user: Self.lucie, days: 15)
        _ = try await h.run()
        #expect(await h.base.transport.accepted.isEmpty)
        #expect(await h.users.tokens["lmartin"]?.token == "Theirs")
        #expect(await h.directory.status(of: sub)?.contains("same uid") == true)
    }

    @Test func badDataFailsEachSubTaskWithAShortReason() async throws {
        let h = Harness()
        let master = await h.seed()
        await h.users.addAccount(ReminderAccount(dn: "uid=noend,ou=people,dc=example,dc=org", mail: "n@example.org", uid: "noend",
                                                 states: ["{COMPTE}A:SupannActif"], stateDates: ["{COMPTE}A:SupannActif:20250901:"]))
        await h.users.addAccount(ReminderAccount(dn: "cn=No Uid,ou=people,dc=example,dc=org", mail: "x@example.org", uid: nil,
                                                 states: ["{COMPTE}A:SupannActif"], stateDates: ["{COMPTE}A:SupannActif:20250901:\(h.inDays(5))"]))
        let noEnd = await h.call("b1", master: master, user: "uid=noend,ou=people,dc=example,dc=org", days: 30)
        let noUID = await h.call("b2", master: master, user: "cn=No Uid,ou=people,dc=example,dc=org", days: 30)
        let noWindow = await h.directory.addSubTask("b3", type: "Reminder", master: master, ["fdTasksGranularDN": [Self.lucie]])
        _ = try await h.run()
        #expect(await h.directory.status(of: noEnd)?.contains("no end date") == true)
        #expect(await h.directory.status(of: noUID)?.contains("without uid") == true)
        #expect(await h.directory.status(of: noWindow)?.contains("no reminder window") == true)
        #expect(await h.base.transport.accepted.isEmpty)
    }

    @Test func aDryRunShowsMessagesAndTokensAndWritesNothing() async throws {
        let h = Harness()
        let master = await h.seed()
        await h.users.addAccount(h.account(Self.paul, uid: "pbernard", mail: "paul.bernard@example.org", endsInDays: 10))
        _ = await h.call("p1", master: master, user: Self.paul, days: 30)
        _ = await h.call("p2", master: master, user: Self.paul, days: 15)
        let report = try await h.run(.dryRun(asOf: nil))
        #expect(await h.base.transport.accepted.isEmpty)
        #expect(await h.users.tokenWrites.isEmpty)
        let details = report.items.compactMap(\.detail)
        #expect(details.filter { $0.contains("to paul.bernard@example.org") && $0.contains("with link (would write token cn=pbernard,ou=tokens)") && $0.contains("one message for 2 due calls") }.count == 2)
        #expect(details.filter { $0.contains("to hr@example.org") && $0.contains("no link") }.count == 2)
    }
}
