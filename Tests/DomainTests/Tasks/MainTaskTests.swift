import Testing
@testable import Domain

@Suite("MainTask from directory entries")
struct MainTaskTests {
    @Test func mailTaskIsReadCompletely() throws {
        let task = MainTask(entry: Fixtures.mailTask)
        #expect(task.problems == [])
        #expect(task.cn == "welcome-mail")
        #expect(task.kind == .mail)
        #expect(task.distinguishedName == (try DistinguishedName(parsing: Fixtures.task("welcome-mail"))))
        #expect(task.schedule?.fdSchedule == "20261102100000")
        #expect(task.lastExec?.fdLastExec == "2026-11-22 01:00:03")
        #expect(task.creationDate?.fdLastExec == "2026-11-02 09:14:37")
        #expect(task.repeatable == false)
        #expect(task.repeatSchedule == .daily)
        #expect(task.updatable == true)
        #expect(task.settings == .mail(MailTaskSettings(
            templateCN: "welcome", senders: ["noreply@example.org"], bcc: ["archive@example.org"],
            users: ["uid=efaure,\(Fixtures.people)", "cn=staff,ou=groups,\(Fixtures.base)"],
            emails: ["emile.faure@example.org", "lea.martin@example.org"], mailType: "mail"
        )))
    }

    @Test func lifeCycleTaskIsReadCompletely() throws {
        let task = MainTask(entry: Fixtures.lifeCycleTask)
        #expect(task.problems == [])
        guard case let .lifeCycle(settings)? = task.settings else {
            Issue.record("expected life-cycle settings")
            return
        }
        #expect(settings.pre == (try Fixtures.state("{COMPTE}A:SupannActif")))
        #expect(settings.post == (try Fixtures.state("{COMPTE}I:SupannExpire")))
        #expect(settings.postEndDays == 30)
        #expect(settings.members == ["cn=students,ou=groups,\(Fixtures.base)"])
        #expect(settings.listOfDN == ["uid=efaure,\(Fixtures.people)"])
        #expect(settings.rule != nil)
    }

    @Test func notificationsTaskTreatsFDsNoneAsNoTrigger() {
        let task = MainTask(entry: Fixtures.notificationsTask)
        #expect(task.problems == [])
        #expect(task.cn == "Account changes")
        #expect(task.settings == .notifications(NotificationsSettings(
            attributes: ["mail", "supannRessourceEtat"], recipientMembers: ["uid=admin,\(Fixtures.people)"],
            recipientMails: ["admin@example.org"], monitoredMembers: ["uid=efaure,\(Fixtures.people)"],
            templateCN: "notify", senders: ["fd@example.org"], trigger: .none
        )))
    }

    @Test func notificationsTriggerAndNonePlaceholderAttribute() throws {
        let entry = Fixtures.mainTask("n", kindClass: "fdTasksNotifications", [
            "fdTasksNotificationsAttributes": ["None"], "fdTasksNotificationsRecipientsMembers": ["x"],
            "fdTasksNotificationsListOfRecipientsMails": ["a@x"], "fdTasksNotificationsMonitoredMembers": ["y"],
            "fdTasksNotificationsMailTemplate": ["t"], "fdTasksNotificationsEmailSender": ["s@x"],
            "fdTasksNotificationsResource": ["COMPTE"], "fdTasksNotificationsState": ["S"],
            "fdTasksNotificationsSubState": ["SupannVerrouille"],
        ])
        guard case let .notifications(settings)? = MainTask(entry: entry).settings else {
            Issue.record("expected notifications settings")
            return
        }
        #expect(settings.monitoredAttributes == [])
        #expect(settings.trigger == .state(try Fixtures.state("{COMPTE}S:SupannVerrouille")))
    }

    @Test func reminderTaskIsReadCompletely() throws {
        let task = MainTask(entry: Fixtures.reminderTask)
        #expect(task.problems == [])
        #expect(task.settings == .reminder(ReminderSettings(
            firstCallDays: 30, secondCallDays: 15, templateCN: "reminder", senders: ["fd@example.org"],
            monitored: .state(try Fixtures.state("{COMPTE}A:SupannActif")), accountProlongation: true, posix: false,
            next: .state(try Fixtures.state("{COMPTE}A:SupannSursis")), newEndDays: 365,
            members: ["uid=efaure,\(Fixtures.people)"], recipientMembers: ["uid=manager,\(Fixtures.people)"],
            recipientMails: ["manager@example.org"]
        )))
    }

    @Test func auditTaskIsReadCompletely() {
        let task = MainTask(entry: Fixtures.auditTask)
        #expect(task.problems == [])
        #expect(task.repeatable)
        #expect(task.repeatSchedule == .monthly)
        #expect(task.settings == .audit(AuditSettings(retentionDays: 90)))
        if case let .audit(settings)? = task.settings {
            #expect(settings.retention?.days == 90)
        }
    }

    @Test func everyKindIsRecognisedFromItsObjectClass() {
        let tasks = [Fixtures.mailTask, Fixtures.lifeCycleTask, Fixtures.notificationsTask, Fixtures.reminderTask, Fixtures.auditTask]
            .map(MainTask.init(entry:))
        #expect(tasks.map(\.kind) == TaskKind.allCases)
        #expect(tasks.map { $0.settings?.kind } == TaskKind.allCases)
    }

    @Test func malformedValuesAreReportedAndTheRestIsStillRead() {
        let entry = Fixtures.mainTask("broken", kindClass: "fdTasksMail", [
            "fdTasksScheduleDate": ["2026-11-02"],
            "fdTasksRepeatable": ["true"],
            "fdTasksUpdatable": ["yes"],
            "fdTasksLastExec": ["yesterday"],
            "fdTasksCreationDate": ["2026-11-02 13:14:37pm"],
            "fdTasksRepeatableSchedule": ["Fortnightly"],
            "fdTasksEmailSender": ["a@x"],
        ])
        let task = MainTask(entry: entry)
        #expect(task.cn == "broken")
        #expect(task.kind == .mail)
        #expect(task.schedule == nil)
        #expect(task.repeatable == false)
        #expect(task.updatable == true)
        #expect(task.lastExec == nil)
        #expect(task.creationDate == nil)
        #expect(task.repeatSchedule == .unknown("Fortnightly"))
        let expected = ["fdTasksScheduleDate", "fdTasksRepeatable", "fdTasksUpdatable", "fdTasksLastExec",
                        "fdTasksCreationDate", "Fortnightly", "fdTasksMailObject is missing"]
        for fragment in expected {
            #expect(task.problems.contains { $0.contains(fragment) }, "no problem mentions \(fragment): \(task.problems)")
        }
    }

    @Test func missingMustAttributesAreReported() {
        let task = MainTask(entry: Fixtures.entry("cn=bare,ou=tasks,dc=x", ["objectClass": ["fdTasks", "fdTasksReminder"]]))
        #expect(task.cn == nil)
        #expect(task.kind == .reminder)
        for attribute in ["cn", "fdTasksCreationDate", "fdTasksReminderFirstCall", "fdTasksReminderMailTemplate",
                          "fdTasksReminderEmailSender", "fdTasksReminderResource", "fdTasksReminderMembers"] {
            #expect(task.problems.contains("\(attribute) is missing"), "missing \(attribute) not reported")
        }
    }

    @Test func nonIntegerDayCountsAreReported() {
        let entry = Fixtures.mainTask("r", kindClass: "fdTasksReminder", [
            "fdTasksReminderFirstCall": ["30 days"], "fdTasksReminderSecondCall": ["-5"],
            "fdTasksReminderSupannNewEndDate": ["1.5"], "fdTasksReminderMailTemplate": ["t"],
            "fdTasksReminderEmailSender": ["s@x"], "fdTasksReminderResource": ["NONE"],
            "fdTasksReminderMembers": ["uid=a"], "fdTasksReminderAccountProlongation": ["True"],
        ])
        let task = MainTask(entry: entry)
        guard case let .reminder(settings)? = task.settings else {
            Issue.record("expected reminder settings")
            return
        }
        #expect(settings.firstCallDays == nil)
        #expect(settings.secondCallDays == nil)
        #expect(settings.newEndDays == nil)
        #expect(settings.accountProlongation == nil)
        #expect(settings.monitored == .none)
        #expect(task.problems.count == 4)
    }

    @Test func brokenSupannSettingIsInvalidNotNone() {
        let entry = Fixtures.mainTask("r", kindClass: "fdTasksReminder", [
            "fdTasksReminderFirstCall": ["30"], "fdTasksReminderMailTemplate": ["t"],
            "fdTasksReminderEmailSender": ["s@x"], "fdTasksReminderResource": ["COMPTE"],
            "fdTasksReminderMembers": ["uid=a"],
        ])
        let task = MainTask(entry: entry)
        guard case let .reminder(settings)? = task.settings, case .invalid = settings.monitored else {
            Issue.record("a resource without a state must be .invalid")
            return
        }
        #expect(task.problems.contains { $0.contains("fdTasksReminderState is missing") })
    }

    @Test func lifeCycleWithBadStateHasNoRule() {
        let entry = Fixtures.mainTask("l", kindClass: "fdTasksLifeCycle", [
            "fdTasksLifeCyclePreResource": ["COMPTE"], "fdTasksLifeCyclePreState": ["Active"],
            "fdTasksLifeCyclePostResource": ["COMPTE"], "fdTasksLifeCyclePostState": ["I"],
            "fdTasksLifeCyclePostEndDate": ["soon"],
        ])
        let task = MainTask(entry: entry)
        guard case let .lifeCycle(settings)? = task.settings else {
            Issue.record("expected life-cycle settings")
            return
        }
        #expect(settings.pre == nil)
        #expect(settings.rule == nil)
        #expect(settings.postEndDays == 0)
        #expect(task.problems.count == 2)
    }

    @Test func unknownOrMixedKindGivesNoSettingsAndAProblem() {
        let none = MainTask(entry: Fixtures.entry("cn=a,dc=x", ["objectClass": ["fdTasks"], "cn": ["a"]]))
        #expect(none.kind == nil)
        #expect(none.settings == nil)
        #expect(none.problems.contains { $0.contains("no task kind") })
        let mixed = MainTask(entry: Fixtures.entry("cn=a,dc=x", ["objectClass": ["fdTasks", "fdTasksMail", "fdAuditTasks"], "cn": ["a"]]))
        #expect(mixed.kind == nil)
        #expect(mixed.problems.contains { $0.contains("several task kinds") })
    }

    @Test func extraValuesOfSingleAttributesAreReported() {
        let task = MainTask(entry: Fixtures.mainTask("m", kindClass: "fdAuditTasks", [
            "fdTasksScheduleDate": ["20261102100000", "20261103100000"], "fdAuditTasksRetention": ["7"],
        ]))
        #expect(task.schedule?.fdSchedule == "20261102100000")
        #expect(task.problems == ["fdTasksScheduleDate has 2 values; the first one is used"])
    }

    @Test func invalidDNIsReportedButTheEntryIsStillRead() {
        let task = MainTask(entry: DirectoryEntry(dn: "not a dn", stringAttributes: ["objectClass": ["fdTasks", "fdAuditTasks"], "cn": ["x"]]))
        #expect(task.distinguishedName == nil)
        #expect(task.cn == "x")
        #expect(task.problems.contains { $0.contains("distinguished name") })
    }
}
