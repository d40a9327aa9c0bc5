import Foundation
import Testing
@testable import Domain

@Suite("SubTask from directory entries")
struct SubTaskTests {
    static let mail = Fixtures.subTask("welcome-mail", stamp: "1793607304_5113", type: "Mail Object", [
        "fdTasksGranularMail": ["emile.faure@example.org"], "fdTasksGranularMailFrom": ["noreply@example.org"],
        "fdTasksGranularMailBCC": ["archive@example.org", "audit@example.org"], "fdTasksGranularRef": ["welcome"],
    ])
    static let lifeCycle = Fixtures.subTask("expire-accounts", stamp: "1793607310_02", type: "Life Cycle", [
        "fdTasksGranularDN": ["uid=efaure,\(Fixtures.people)"],
    ])
    static let notifications = Fixtures.subTask("Account changes", stamp: "1793607320", type: "Notifications", [
        "fdTasksGranularDN": ["uid=efaure,\(Fixtures.people)"],
        "fdTasksGranularRef": ["fdAuditDateTime=20261120090512.123456Z,ou=audit,\(Fixtures.base)",
                               "fdAuditDateTime=20261120091047.5Z+fdAuditId=42,ou=audit,\(Fixtures.base)"],
    ])
    static let reminder = Fixtures.subTask("expiry-reminder", stamp: "1793607330_9", type: "Reminder", status: "2", [
        "fdTasksGranularDN": ["uid=efaure,\(Fixtures.people)"], "fdTasksGranularHelper": ["15"],
    ])
    static let audit = Fixtures.subTask("audit-cleanup", stamp: "1793607340_1", type: "Audit",
                                        status: "SMTP Error: data not accepted.", [
        "fdTasksGranularDN": ["auditRetentionTask"],
    ])

    @Test func mailSubTaskIsReadCompletely() {
        let subTask = SubTask(entry: Self.mail)
        #expect(subTask.problems == [])
        #expect(subTask.cn == "welcome-mail-SubTask-1793607304_5113")
        #expect(subTask.master == Fixtures.task("welcome-mail"))
        #expect(subTask.kind == .mail)
        #expect(subTask.type == "Mail Object")
        #expect(subTask.schedule?.fdSchedule == "20261102100000")
        #expect(subTask.status == .scheduled)
        #expect(subTask.recipients == ["emile.faure@example.org"])
        #expect(subTask.mailFrom == "noreply@example.org")
        #expect(subTask.bcc == ["archive@example.org", "audit@example.org"])
        #expect(subTask.refs == ["welcome"])
        #expect(subTask.targetDN == nil)
    }

    @Test func otherKindsAreReadCompletely() {
        let lifeCycle = SubTask(entry: Self.lifeCycle)
        #expect(lifeCycle.kind == .lifeCycle && lifeCycle.targetDN == "uid=efaure,\(Fixtures.people)")
        let notifications = SubTask(entry: Self.notifications)
        #expect(notifications.kind == .notifications && notifications.refs.count == 2)
        #expect(notifications.distinguishedName?.rdn?.value(of: "cn") == "Account changes-SubTask-1793607320")
        let reminder = SubTask(entry: Self.reminder)
        #expect(reminder.kind == .reminder && reminder.helperDays == 15 && reminder.status == .completed)
        let audit = SubTask(entry: Self.audit)
        #expect(audit.kind == .audit && audit.targetDN == "auditRetentionTask")
        #expect(audit.status == .failed("SMTP Error: data not accepted."))
        for subTask in [lifeCycle, notifications, reminder, audit] {
            #expect(subTask.problems == [], "\(subTask.dn): \(subTask.problems)")
        }
    }

    @Test func unknownTypeStringGivesNoKindAndAProblem() {
        let subTask = SubTask(entry: Fixtures.subTask("x", stamp: "1", type: "mail object"))
        #expect(subTask.kind == nil)
        #expect(subTask.type == "mail object")
        #expect(subTask.problems.count == 1)
        #expect(subTask.problems[0].contains("case-sensitive"))
    }

    @Test func bareEntryReportsEveryMissingMustAttribute() {
        let subTask = SubTask(entry: Fixtures.entry("cn=x,ou=tasks,dc=x", ["objectClass": ["fdTasksGranular"]]))
        for attribute in ["cn", "fdTasksGranularMaster", "fdTasksGranularType", "fdTasksGranularSchedule", "fdTasksGranularStatus"] {
            #expect(subTask.problems.contains("\(attribute) is missing"))
        }
        #expect(subTask.status.name == "failed")
        #expect(!subTask.isDue(at: Date(), in: TimeZone(secondsFromGMT: 0) ?? .current))
    }

    @Test func badHelperAndScheduleAreReported() {
        let subTask = SubTask(entry: Fixtures.subTask("x", stamp: "1", type: "Reminder", schedule: "tomorrow", [
            "fdTasksGranularHelper": ["fifteen"],
        ]))
        #expect(subTask.schedule == nil)
        #expect(subTask.helperDays == nil)
        #expect(subTask.problems.count == 2)
    }

    @Test(arguments: [
        ("1", "20261102100000", "2026-11-02T09:00:01Z", true),
        ("1", "20261102100000", "2026-11-02T09:00:00Z", false), // strict: equal is not due
        ("1", "20261102100000", "2026-11-02T08:59:59Z", false),
        ("2", "20261102100000", "2027-01-01T00:00:00Z", false),
        ("01", "20261102100000", "2027-01-01T00:00:00Z", false),
        ("error", "20261102100000", "2027-01-01T00:00:00Z", false),
        ("1", "garbage", "2027-01-01T00:00:00Z", false),
        ("1", "20260329023000", "2026-03-29T01:30:01Z", true),  // DST gap: due right after 03:30 CEST
        ("1", "20260329023000", "2026-03-29T01:29:59Z", false),
        ("1", "20261025023000", "2026-10-25T00:30:01Z", true),  // overlap: first occurrence
    ])
    func dueMeansScheduledAndStrictlyBeforeNowInTheDirectoryZone(status: String, schedule: String, now: String, due: Bool) throws {
        let subTask = SubTask(entry: Fixtures.subTask("x", stamp: "1", type: "Mail Object", status: status, schedule: schedule))
        #expect(subTask.isDue(at: try Fixtures.instant(now), in: try Fixtures.paris) == due)
    }

    @Test func countsSplitByStatusAndDue() throws {
        let now = try Fixtures.instant("2026-11-22T11:00:00Z")
        let subTasks = [
            Self.mail, Self.lifeCycle, Self.reminder, Self.audit,
            Fixtures.subTask("later", stamp: "1", type: "Audit", schedule: "20301231000000"),
        ].map(SubTask.init(entry:))
        let counts = SubTaskCounts(subTasks, now: now, in: try Fixtures.paris)
        #expect(counts == SubTaskCounts(scheduled: 3, completed: 1, failed: 1, due: 2))
        #expect(counts.total == 5)
        #expect(counts + counts == SubTaskCounts(scheduled: 6, completed: 2, failed: 2, due: 4))
    }
}
