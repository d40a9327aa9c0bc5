import Application
import Domain
import Foundation
import Testing

/// Notifications on the engine, over fakes: one digest per main task and recipient.
@Suite struct NotificationsRunTests {
    static let efaure = "uid=efaure,ou=people,dc=example,dc=org"
    static let mblanc = "uid=mblanc,ou=people,dc=example,dc=org"
    static let jdupont = "uid=jdupont,ou=people,dc=example,dc=org"
    static let newUser = "uid=new,ou=people,dc=example,dc=org"

    struct Harness {
        let base = MailHarness()
        let users = FakeUsers()
        var directory: FakeDirectory { base.directory }

        var notifications: NotificationsRun {
            NotificationsRun(.init(
                directory: base.directory, templates: base.directory, events: users,
                delivery: MailDelivery(transport: base.transport, stamp: base.directory, crypto: base.ids, clock: base.clock)
            ))
        }

        func run(_ mode: RunMode = .apply) async throws -> RunReport {
            try await base.engine().run(notifications, mode: mode, trigger: .http)
        }

        /// "Account changes" of the fixture, with two recipients; returns the DNs of its due sub-tasks.
        func seed() async -> (master: String, subTasks: [String: String]) {
            await directory.addTemplate("notify", subject: "Account changes", body: "Hello,\n\nThe following monitored accounts were modified:", signature: "--\nFD")
            let master = await directory.addMainTask("changes", [
                "objectClass": ["fdTasks", "fdTasksNotifications"], "fdTasksStatus": ["1"], "fdTasksCreationDate": ["2026-11-19 05:20:44pm"],
                "fdTasksScheduleDate": ["20261120010000"], "fdTasksRepeatable": ["FALSE"],
                "fdTasksNotificationsAttributes": ["mail", "supannRessourceEtat"],
                "fdTasksNotificationsRecipientsMembers": ["uid=hroux,ou=people,dc=example,dc=org"],
                "fdTasksNotificationsListOfRecipientsMails": ["hr@example.org", "boss@example.org", "HR@example.org"],
                "fdTasksNotificationsMonitoredMembers": ["cn=staff,ou=groups,dc=example,dc=org"],
                "fdTasksNotificationsMailTemplate": ["notify"], "fdTasksNotificationsEmailSender": ["notifications@example.org"],
                "fdTasksNotificationsResource": ["COMPTE"], "fdTasksNotificationsState": ["S"], "fdTasksNotificationsSubState": ["SupannVerrouille"],
            ])
            await users.addEvent("fdAuditId=1,ou=audit", action: "modify", object: NotificationsRunTests.efaure, attributes: [#"{"MAIL":"e@example.org"}"#])
            await users.addEvent("fdAuditId=2,ou=audit", action: "modify", object: NotificationsRunTests.efaure, attributes: [#"{"mail":"f@example.org"}"#])
            await users.addEvent("fdAuditId=3,ou=audit", action: "modify", object: NotificationsRunTests.mblanc, attributes: [
                #"{"supannRessourceEtatDate":["{COMPTE}S:SupannVerrouille:20261120:"],"supannRessourceEtat":["{COMPTE}S:SupannVerrouille"]}"#,
            ])
            await users.addEvent("fdAuditId=4,ou=audit", action: "modify", object: NotificationsRunTests.jdupont, attributes: [#"{"telephoneNumber":["+33 1"]}"#])
            await users.addEvent("fdAuditId=5,ou=audit", action: "create", object: NotificationsRunTests.newUser, attributes: ["objectClass", "cn", "Mail"])
            var subTasks: [String: String] = [:]
            let refs = [("n1", NotificationsRunTests.efaure, ["fdAuditId=1,ou=audit", "fdAuditId=2,ou=audit"]), ("n2", NotificationsRunTests.mblanc, ["fdAuditId=3,ou=audit"]),
                        ("n3", NotificationsRunTests.jdupont, ["fdAuditId=4,ou=audit"]), ("n4", NotificationsRunTests.newUser, ["fdAuditId=5,ou=audit"]),
                        ("n5", NotificationsRunTests.jdupont, ["fdAuditId=404,ou=audit"])]
            for (name, user, ref) in refs {
                subTasks[name] = await directory.addSubTask(name, type: "Notifications", master: master, ["fdTasksGranularDN": [user], "fdTasksGranularRef": ref])
            }
            return (master, subTasks)
        }
    }

    @Test func eachRecipientGetsOneDigestListingEachChangedUserOnce() async throws {
        let h = Harness()
        let (_, subTasks) = await h.seed()
        let report = try await h.run()
        let mails = await h.base.transport.accepted
        #expect(mails.map(\.recipient).sorted() == ["boss@example.org", "hr@example.org"])
        let body = try #require(mails.first?.body)
        #expect(body == """
            Hello,

            The following monitored accounts were modified: \
            \n\(Self.efaure) attrs=[mail] \
            \n\(Self.mblanc) attrs=[supannRessourceEtat] \
            \n\(Self.newUser) attrs=[mail]

            --
            FD
            """)
        #expect(mails.allSatisfy { $0.from == "notifications@example.org" && $0.attachments.isEmpty && $0.subject == "Account changes" })
        for name in ["n1", "n2", "n4"] { #expect(await h.directory.status(of: subTasks[name]!) == "2") }
        let removed = await h.directory.removed
        #expect(Set(removed) == [subTasks["n3"]!, subTasks["n5"]!])
        let reasons = report.items.filter { $0.outcome == .notNeeded }.compactMap(\.detail)
        #expect(reasons.contains("no matching audited attributes with monitored attributes"))
        #expect(reasons.contains { $0.contains("audit events not found: fdAuditId=404,ou=audit") })
        #expect(await h.directory.mailStamps.count == 1)

        let again = try await h.run()
        #expect(again.summary.due == 0)
        #expect(await h.base.transport.accepted.count == 2)
    }

    @Test func aPermanentRefusalFailsEverySubTaskOfTheDigestWithTheReply() async throws {
        let h = Harness()
        let (_, subTasks) = await h.seed()
        await h.base.transport.answer(.fail(.rejected("550 5.1.1 no such user")), for: "boss@example.org")
        _ = try await h.run()
        #expect(await h.base.transport.received(by: "hr@example.org") == 1)
        for name in ["n1", "n2", "n4"] { #expect(await h.directory.status(of: subTasks[name]!) == "550 5.1.1 no such user") }
    }

    @Test func theAntiSpamLimitCountsMessagesAndTheRestWaits() async throws {
        let h = Harness()
        let (_, subTasks) = await h.seed()
        await h.directory.setTasks(TasksConfiguration(maxEmails: 1))
        let report = try await h.run()
        #expect(await h.base.transport.accepted.count == 1)
        #expect(report.summary.applied == 3)
        #expect(await h.directory.status(of: subTasks["n1"]!) == "1")
        // The first run's claims on what it sent outlive it by its lease; then the status is ours to write.
        h.base.clock.advance(by: 601)
        _ = try await h.run()
        #expect(await h.base.transport.accepted.map(\.recipient).sorted() == ["boss@example.org", "hr@example.org"])
        #expect(await h.directory.status(of: subTasks["n1"]!) == "2")
    }

    @Test func aDryRunShowsTheDigestsAndChangesNothing() async throws {
        let h = Harness()
        _ = await h.seed()
        let report = try await h.run(.dryRun(asOf: nil))
        #expect(await h.base.transport.accepted.isEmpty)
        #expect(await h.directory.removed.isEmpty)
        let details = report.items.filter { $0.outcome == .wouldApply }.compactMap(\.detail)
        #expect(details.count == 6)
        #expect(details.allSatisfy { $0.contains("listing 3 user(s), no link") })
    }
}
