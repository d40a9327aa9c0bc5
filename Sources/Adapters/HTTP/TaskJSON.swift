import Application
import Domain
import Foundation

/// How tasks look on the wire. Plain dictionaries for JSONSerialization; `NSNull()` is JSON null.
enum TaskJSON {
    static func summary(_ summary: TaskSummary, zone: TimeZone) -> [String: Any] {
        var object = main(summary.task, zone: zone)
        object["subtasks"] = counts(summary.counts)
        return object
    }

    static func detail(_ detail: TaskDetail, zone: TimeZone, now: Date) -> [String: Any] {
        var object = main(detail.task, zone: zone)
        object["settings"] = detail.task.settings.map(settings) ?? NSNull()
        object["counts"] = counts(detail.counts)
        object["subtasks"] = detail.subTasks.map { subTask($0, zone: zone, now: now) }
        return object
    }

    /// The fields every main task has. `cn` stays a one-element list: the PHP client prints `cn[0]`.
    static func main(_ task: MainTask, zone: TimeZone) -> [String: Any] {
        [
            "dn": task.dn,
            "cn": task.cn.map { [$0] } ?? [],
            "name": task.cn ?? NSNull(),
            "kind": task.kind?.rawValue ?? "unknown",
            "schedule": timestamp(task.schedule, zone: zone),
            "repeatable": task.repeatable,
            "repeatSchedule": task.repeatSchedule?.fdValue ?? NSNull(),
            "lastExec": timestamp(task.lastExec, zone: zone),
            "problems": task.problems,
        ]
    }

    static func counts(_ counts: SubTaskCounts) -> [String: Any] {
        ["scheduled": counts.scheduled, "completed": counts.completed, "failed": counts.failed, "due": counts.due]
    }

    static func subTask(_ subTask: SubTask, zone: TimeZone, now: Date) -> [String: Any] {
        var object: [String: Any] = [
            "dn": subTask.dn,
            "cn": subTask.cn ?? NSNull(),
            "master": subTask.master ?? NSNull(),
            "type": subTask.type ?? NSNull(),
            "kind": subTask.kind?.rawValue ?? "unknown",
            "status": subTask.status.name,
            "error": NSNull(),
            "schedule": timestamp(subTask.schedule, zone: zone),
            "due": subTask.isDue(at: now, instants: instants(zone)),
            "target": (subTask.targetDN ?? subTask.recipients.first).map { $0 as Any } ?? NSNull(),
            "problems": subTask.problems,
        ]
        if case .failed(let text) = subTask.status { object["error"] = text }
        switch subTask.kind {
        case .mail:
            object["recipients"] = subTask.recipients
            object["from"] = subTask.mailFrom ?? NSNull()
            object["bcc"] = subTask.bcc
            object["template"] = subTask.refs.first ?? NSNull()
        case .notifications:
            object["auditEvents"] = subTask.refs
        case .reminder:
            object["days"] = subTask.helperDays ?? NSNull()
        case .lifeCycle, .audit, nil:
            break
        }
        return object
    }

    static func settings(_ settings: TaskSettings) -> [String: Any] {
        switch settings {
        case .mail(let mail):
            return [
                "template": mail.templateCN ?? NSNull(), "senders": mail.senders, "bcc": mail.bcc,
                "users": mail.users, "emails": mail.emails, "mailType": mail.mailType ?? NSNull(),
            ]
        case .lifeCycle(let lifeCycle):
            return [
                "pre": lifeCycle.pre?.ldapValue ?? NSNull(), "post": lifeCycle.post?.ldapValue ?? NSNull(),
                "postEndDays": lifeCycle.postEndDays, "members": lifeCycle.members, "listOfDN": lifeCycle.listOfDN,
            ]
        case .notifications(let notifications):
            return [
                "attributes": notifications.monitoredAttributes, "recipientMembers": notifications.recipientMembers,
                "recipientMails": notifications.recipientMails, "monitoredMembers": notifications.monitoredMembers,
                "template": notifications.templateCN ?? NSNull(), "senders": notifications.senders,
                "trigger": state(notifications.trigger),
            ]
        case .reminder(let reminder):
            return [
                "firstCallDays": reminder.firstCallDays ?? NSNull(), "secondCallDays": reminder.secondCallDays ?? NSNull(),
                "template": reminder.templateCN ?? NSNull(), "senders": reminder.senders,
                "monitored": state(reminder.monitored), "accountProlongation": reminder.accountProlongation ?? NSNull(),
                "posix": reminder.posix, "next": state(reminder.next), "newEndDays": reminder.newEndDays ?? NSNull(),
                "members": reminder.members, "recipientMembers": reminder.recipientMembers, "recipientMails": reminder.recipientMails,
            ]
        case .audit(let audit):
            return ["retentionDays": audit.retentionDays ?? NSNull()]
        }
    }

    static func state(_ setting: SupannStateSetting) -> Any {
        switch setting {
        case .none: NSNull()
        case .state(let value): value.ldapValue
        case .invalid: NSNull()
        }
    }

    /// ISO 8601 with the directory zone's offset at that instant, e.g. `2026-11-02T10:00:00+01:00`.
    /// Per-thread memo of conversions for one zone: listings repeat a few schedules thousands of
    /// times, and each conversion costs time-zone lookups. Bounded (see InstantCache).
    final class ZoneMemo {
        let instants: InstantCache
        var iso: [LocalDateTime: String] = [:]
        init(zone: TimeZone) { instants = InstantCache(zone: zone) }
    }

    static func memo(_ zone: TimeZone) -> ZoneMemo {
        let key = "orchestrator.zone-memo." + zone.identifier
        if let memo = Thread.current.threadDictionary[key] as? ZoneMemo { return memo }
        let memo = ZoneMemo(zone: zone)
        Thread.current.threadDictionary[key] = memo
        return memo
    }

    static func instants(_ zone: TimeZone) -> InstantCache { memo(zone).instants }

    static func timestamp(_ value: LocalDateTime?, zone: TimeZone) -> Any {
        guard let value else { return NSNull() }
        let memo = memo(zone)
        if let known = memo.iso[value] { return known }
        let text = iso(value, instant: memo.instants.instant(of: value), zone: zone)
        if memo.iso.count >= 4_096 { memo.iso.removeAll(keepingCapacity: true) }
        memo.iso[value] = text
        return text
    }

    private static func iso(_ value: LocalDateTime, instant: Date, zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: instant)
        let local = LocalDateTime(instant: instant, in: zone)
        let sign = offset < 0 ? "-" : "+"
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d",
            local.year, local.month, local.day, local.hour, local.minute, local.second,
            sign, abs(offset) / 3600, abs(offset) % 3600 / 60
        )
    }
}
