import Foundation
import Testing
@testable import Domain

/// Shared helpers and realistic directory entries, shaped like what FD 1.5 writes (spec §1.1).
enum Fixtures {
    static let base = "dc=example,dc=org"
    static let people = "ou=people,dc=example,dc=org"

    static func zone(_ identifier: String) throws -> TimeZone {
        try #require(TimeZone(identifier: identifier))
    }

    static var paris: TimeZone {
        get throws { try zone("Europe/Paris") }
    }

    static var utc: TimeZone {
        get throws { try zone("UTC") }
    }

    /// `2026-03-29T01:30:00Z` → instant.
    static func instant(_ iso: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return try #require(formatter.date(from: iso), "bad ISO date in test: \(iso)")
    }

    static func date(_ yyyymmdd: String) throws -> CalendarDate {
        try CalendarDate(fdDate: yyyymmdd)
    }

    static func state(_ text: String) throws -> SupannResourceState {
        try SupannResourceState(parsing: text)
    }

    static func task(_ cn: String) -> String { "cn=\(cn),ou=tasks,\(base)" }

    static func entry(_ dn: String, _ attributes: [String: [String]]) -> DirectoryEntry {
        DirectoryEntry(dn: dn, stringAttributes: attributes)
    }

    /// The generic part of a main task, as FD writes it.
    static func mainTask(_ cn: String, kindClass: String, _ extra: [String: [String]]) -> DirectoryEntry {
        var attributes: [String: [String]] = [
            "objectClass": ["fdTasks", kindClass],
            "cn": [cn],
            "fdTasksStatus": ["1"],
            "fdTasksCreationDate": ["2026-11-02 09:14:37am"],
            "fdTasksScheduleDate": ["20261102100000"],
            "fdTasksRepeatable": ["FALSE"],
            "fdTasksRepeatableSchedule": ["Daily"],
            "fdTasksUpdatable": ["TRUE"],
        ]
        attributes.merge(extra) { _, new in new }
        return entry(task(cn), attributes)
    }

    static let mailTask = mainTask("welcome-mail", kindClass: "fdTasksMail", [
        "fdTasksLastExec": ["2026-11-22 01:00:03"],
        "fdTasksMailObject": ["welcome"],
        "fdTasksEmailSender": ["noreply@example.org"],
        "fdTasksEmailBCC": ["archive@example.org"],
        "fdTasksMailUsers": ["uid=efaure,\(people)", "cn=staff,ou=groups,\(base)"],
        "fdTasksEmailsFromDN": ["emile.faure@example.org", "lea.martin@example.org"],
        "fdTasksMailType": ["mail"],
    ])

    static let lifeCycleTask = mainTask("expire-accounts", kindClass: "fdTasksLifeCycle", [
        "fdTasksLifeCyclePreResource": ["COMPTE"],
        "fdTasksLifeCyclePreState": ["A"],
        "fdTasksLifeCyclePreSubState": ["SupannActif"],
        "fdTasksLifeCyclePostResource": ["COMPTE"],
        "fdTasksLifeCyclePostState": ["I"],
        "fdTasksLifeCyclePostSubState": ["SupannExpire"],
        "fdTasksLifeCyclePostEndDate": ["30"],
        "fdTasksLifeCycleMembers": ["cn=students,ou=groups,\(base)"],
        "fdTasksLifeCycleListOfDN": ["uid=efaure,\(people)"],
    ])

    static let notificationsTask = mainTask("Account changes", kindClass: "fdTasksNotifications", [
        "fdTasksNotificationsAttributes": ["mail", "supannRessourceEtat"],
        "fdTasksNotificationsRecipientsMembers": ["uid=admin,\(people)"],
        "fdTasksNotificationsListOfRecipientsMails": ["admin@example.org"],
        "fdTasksNotificationsMonitoredMembers": ["uid=efaure,\(people)"],
        "fdTasksNotificationsMailTemplate": ["notify"],
        "fdTasksNotificationsEmailSender": ["fd@example.org"],
        "fdTasksNotificationsResource": ["None"],
        "fdTasksNotificationsState": ["None"],
    ])

    static let reminderTask = mainTask("expiry-reminder", kindClass: "fdTasksReminder", [
        "fdTasksReminderFirstCall": ["30"],
        "fdTasksReminderSecondCall": ["15"],
        "fdTasksReminderMailTemplate": ["reminder"],
        "fdTasksReminderEmailSender": ["fd@example.org"],
        "fdTasksReminderResource": ["COMPTE"],
        "fdTasksReminderState": ["A"],
        "fdTasksReminderSubState": ["SupannActif"],
        "fdTasksReminderAccountProlongation": ["TRUE"],
        "fdTasksReminderPosix": ["FALSE"],
        "fdTasksReminderNextResource": ["COMPTE"],
        "fdTasksReminderNextState": ["A"],
        "fdTasksReminderNextSubState": ["SupannSursis"],
        "fdTasksReminderSupannNewEndDate": ["365"],
        "fdTasksReminderMembers": ["uid=efaure,\(people)"],
        "fdTasksReminderRecipientsMembers": ["uid=manager,\(people)"],
        "fdTasksReminderListOfRecipientsMails": ["manager@example.org"],
    ])

    static let auditTask = mainTask("audit-cleanup", kindClass: "fdAuditTasks", [
        "fdTasksRepeatable": ["TRUE"],
        "fdTasksRepeatableSchedule": ["Monthly"],
        "fdTasksLastExec": ["2025-11-17 01:00:00"],
        "fdAuditTasksRetention": ["90"],
    ])

    static func subTask(
        _ main: String, stamp: String, type: String, status: String = "1",
        schedule: String = "20261102100000", _ extra: [String: [String]] = [:]
    ) -> DirectoryEntry {
        var attributes: [String: [String]] = [
            "objectClass": ["fdTasksGranular"],
            "cn": ["\(main)-SubTask-\(stamp)"],
            "fdTasksGranularMaster": [task(main)],
            "fdTasksGranularType": [type],
            "fdTasksGranularSchedule": [schedule],
            "fdTasksGranularStatus": [status],
        ]
        attributes.merge(extra) { _, new in new }
        return entry(task("\(main)-SubTask-\(stamp)"), attributes)
    }
}
