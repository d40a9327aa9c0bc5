import Application
import Domain
import Foundation
import Hummingbird

/// How tasks look on the wire (schemas `TaskSummary`, `TaskDetail`, `SubTask`, `KindListing` of
/// the OpenAPI document). Every documented key is always written, absent values as JSON null,
/// hence the explicit `encode(to:)`: synthesized conformances would leave nil keys out.
/// Each `encode(to:)` writes its keys in sorted order (properties of synthesized ones are declared
/// in that order): the output is sorted either way, but `SortedJSONEncoder` then has nothing to reorder.
enum TaskJSON {
    /// Listings hold thousands of sub-tasks: `SortedJSONEncoder` writes them, with the bytes
    /// `JSONBody.response` would write.
    static func response<T: Encodable>(_ value: T, reserving capacity: Int = 64 * 1024) throws -> Response {
        let data = try SortedJSONEncoder(reservedCapacity: capacity).encode(value)
        guard data.count > chunkSize else { return JSONBody.response(data: data, status: .ok) }
        // A page of thousands of sub-tasks is megabytes: sent in chunks, so it is not copied
        // whole into a second buffer. The bytes and the Content-Length are JSONBody's.
        let body = Hummingbird.ResponseBody(contentLength: data.count + 1) { writer in
            var start = 0
            while start < data.count {
                let end = min(start + chunkSize, data.count)
                var chunk = ByteBuffer()
                chunk.reserveCapacity(end - start + 1)
                chunk.writeBytes(data[start..<end])
                if end == data.count { chunk.writeString("\n") }
                try await writer.write(chunk)
                start = end
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: body)
    }

    private static let chunkSize = 256 * 1024

    /// `GET /api/tasks/{kind}`.
    struct Listing: Encodable {
        let kind: String
        /// Written as `SubTaskBody`s one at a time, so a page of 10,000 is not held twice.
        let orphans: [SubTask]
        let timestamps: Timestamps
        let page: Page
        let tasks: [Detail]
        let timezone: String

        init(_ listing: KindListing, limit: Int, now: Date) {
            let timestamps = Timestamps(zone: listing.zone, now: now)
            kind = listing.kind.rawValue
            timezone = listing.zone.identifier
            tasks = listing.tasks.map { Detail($0, timestamps) }
            orphans = listing.orphans
            self.timestamps = timestamps
            page = Page(
                limit: limit, returned: listing.tasks.reduce(0) { $0 + $1.subTasks.count } + listing.orphans.count,
                next: listing.next.map(Cursor.encode)
            )
        }

        /// About the size of its JSON (a mail sub-task is about 500 bytes), to reserve at once.
        var estimatedSize: Int { 4_096 + tasks.count * 2_048 + page.returned * 640 }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(kind, forKey: .kind)
            try container.encode(orphans.map { SubTaskBody($0, timestamps) }, forKey: .orphanSubtasks)
            try container.encode(page, forKey: .page)
            try container.encode(tasks, forKey: .tasks)
            try container.encode(timezone, forKey: .timezone)
        }

        enum CodingKeys: String, CodingKey { case kind, orphanSubtasks, page, tasks, timezone }
    }

    struct Page: Encodable {
        let limit: Int
        let returned: Int
        let next: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(limit, forKey: .limit)
            try container.encode(nullable: next, forKey: .next)
            try container.encode(returned, forKey: .returned)
        }

        enum CodingKeys: String, CodingKey { case limit, next, returned }
    }

    /// The keys of a main task, in a summary and in a detail.
    enum MainKey: String, CodingKey {
        case cn, counts, dn, kind, lastExec, name, problems, repeatSchedule, repeatable, schedule, settings, subtasks
    }

    /// The fields every main task has. `cn` stays a one-element list: the PHP client prints `cn[0]`.
    struct Main {
        let dn: String
        let cn: String?
        let kind: String
        let schedule: String?
        let repeatable: Bool
        let repeatSchedule: String?
        let lastExec: String?
        let problems: [String]

        init(_ task: MainTask, _ timestamps: Timestamps) {
            dn = task.dn
            cn = task.cn
            kind = task.kind?.rawValue ?? "unknown"
            schedule = timestamps.text(task.schedule)
            repeatable = task.repeatable
            repeatSchedule = task.repeatSchedule?.fdValue
            lastExec = timestamps.text(task.lastExec)
            problems = task.problems
        }

        /// The keys up to `schedule`; a detail's `counts` goes between `cn` and `dn`.
        func encode(into container: inout KeyedEncodingContainer<MainKey>, counts: Counts? = nil) throws {
            try container.encode(cn.map { [$0] } ?? [], forKey: .cn)
            if let counts { try container.encode(counts, forKey: .counts) }
            try container.encode(dn, forKey: .dn)
            try container.encode(kind, forKey: .kind)
            try container.encode(nullable: lastExec, forKey: .lastExec)
            try container.encode(nullable: cn, forKey: .name)
            try container.encode(problems, forKey: .problems)
            try container.encode(nullable: repeatSchedule, forKey: .repeatSchedule)
            try container.encode(repeatable, forKey: .repeatable)
            try container.encode(nullable: schedule, forKey: .schedule)
        }
    }

    /// `GET /api/tasks`: a main task with the counts of its sub-tasks.
    struct Summary: Encodable {
        let main: Main
        let subtasks: Counts

        init(_ summary: TaskSummary, _ timestamps: Timestamps) {
            main = Main(summary.task, timestamps)
            subtasks = Counts(summary.counts)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: MainKey.self)
            try main.encode(into: &container)
            try container.encode(subtasks, forKey: .subtasks)
        }
    }

    /// A main task with its settings, the counts of all its sub-tasks and (a page of) them.
    struct Detail: Encodable {
        let main: Main
        let settings: Settings?
        let counts: Counts
        /// Written as `SubTaskBody`s one at a time, so a page of 10,000 is not held twice.
        let subTasks: [SubTask]
        let timestamps: Timestamps

        init(_ detail: TaskDetail, _ timestamps: Timestamps) {
            main = Main(detail.task, timestamps)
            settings = detail.task.settings.map(Settings.init)
            counts = Counts(detail.counts)
            subTasks = detail.subTasks
            self.timestamps = timestamps
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: MainKey.self)
            try main.encode(into: &container, counts: counts)
            if let settings { try container.encode(settings, forKey: .settings) } else { try container.encodeNil(forKey: .settings) }
            try container.encode(subTasks.map { SubTaskBody($0, timestamps) }, forKey: .subtasks)
        }
    }

    struct Counts: Encodable {
        let completed: Int
        let due: Int
        let failed: Int
        let scheduled: Int

        init(_ counts: SubTaskCounts) {
            scheduled = counts.scheduled
            completed = counts.completed
            failed = counts.failed
            due = counts.due
        }
    }

    /// A sub-task. Mail sub-tasks add `recipients`, `from`, `bcc`, `template`; notifications
    /// `auditEvents`; reminders `days`: those keys exist only for their kind.
    struct SubTaskBody: Encodable {
        enum KindFields {
            case mail(Mail)
            case notifications(auditEvents: [String])
            case reminder(days: Int?)
            case none
        }

        struct Mail {
            let recipients: [String]
            let from: String?
            let bcc: [String]
            let template: String?
        }

        let dn: String
        let cn: String?
        let master: String?
        let type: String?
        let kind: String
        let status: String
        let error: String?
        let schedule: String?
        let due: Bool
        let target: String?
        let problems: [String]
        let kindFields: KindFields

        init(_ subTask: SubTask, _ timestamps: Timestamps) {
            dn = subTask.dn
            cn = subTask.cn
            master = subTask.master
            type = subTask.type
            kind = subTask.kind?.rawValue ?? "unknown"
            status = subTask.status.name
            if case .failed(let text) = subTask.status { error = text } else { error = nil }
            schedule = timestamps.text(subTask.schedule)
            due = subTask.isDue(at: timestamps.now, instants: timestamps.instants)
            target = subTask.targetDN ?? subTask.recipients.first
            problems = subTask.problems
            switch subTask.kind {
            case .mail: kindFields = .mail(Mail(recipients: subTask.recipients, from: subTask.mailFrom, bcc: subTask.bcc, template: subTask.refs.first))
            case .notifications: kindFields = .notifications(auditEvents: subTask.refs)
            case .reminder: kindFields = .reminder(days: subTask.helperDays)
            case .lifeCycle, .audit, nil: kindFields = .none
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if case .notifications(let auditEvents) = kindFields { try container.encode(auditEvents, forKey: .auditEvents) }
            if case .mail(let mail) = kindFields { try container.encode(mail.bcc, forKey: .bcc) }
            try container.encode(nullable: cn, forKey: .cn)
            if case .reminder(let days) = kindFields { try container.encode(nullable: days, forKey: .days) }
            try container.encode(dn, forKey: .dn)
            try container.encode(due, forKey: .due)
            try container.encode(nullable: error, forKey: .error)
            if case .mail(let mail) = kindFields { try container.encode(nullable: mail.from, forKey: .from) }
            try container.encode(kind, forKey: .kind)
            try container.encode(nullable: master, forKey: .master)
            try container.encode(problems, forKey: .problems)
            if case .mail(let mail) = kindFields { try container.encode(mail.recipients, forKey: .recipients) }
            try container.encode(nullable: schedule, forKey: .schedule)
            try container.encode(status, forKey: .status)
            try container.encode(nullable: target, forKey: .target)
            if case .mail(let mail) = kindFields { try container.encode(nullable: mail.template, forKey: .template) }
            try container.encode(nullable: type, forKey: .type)
        }

        enum CodingKeys: String, CodingKey {
            case auditEvents, bcc, cn, days, dn, due, error, from, kind, master, problems, recipients, schedule, status, target, template, type
        }
    }

    /// The kind's attributes; its shape follows the kind (schemas `MailSettings` … `AuditSettings`).
    enum Settings: Encodable {
        case mail(Mail)
        case lifeCycle(LifeCycle)
        case notifications(Notifications)
        case reminder(Reminder)
        case audit(Audit)

        init(_ settings: TaskSettings) {
            switch settings {
            case .mail(let mail): self = .mail(Mail(mail))
            case .lifeCycle(let lifeCycle): self = .lifeCycle(LifeCycle(lifeCycle))
            case .notifications(let notifications): self = .notifications(Notifications(notifications))
            case .reminder(let reminder): self = .reminder(Reminder(reminder))
            case .audit(let audit): self = .audit(Audit(retentionDays: audit.retentionDays))
            }
        }

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .mail(let body): try body.encode(to: encoder)
            case .lifeCycle(let body): try body.encode(to: encoder)
            case .notifications(let body): try body.encode(to: encoder)
            case .reminder(let body): try body.encode(to: encoder)
            case .audit(let body): try body.encode(to: encoder)
            }
        }

        /// A state setting that is absent or unusable is null (its reason is among the problems).
        static func text(_ setting: SupannStateSetting) -> String? {
            setting.resourceState?.ldapValue
        }

        struct Mail: Encodable {
            let template: String?
            let senders: [String]
            let bcc: [String]
            let users: [String]
            let emails: [String]
            let mailType: String?

            init(_ mail: MailTaskSettings) {
                template = mail.templateCN
                senders = mail.senders
                bcc = mail.bcc
                users = mail.users
                emails = mail.emails
                mailType = mail.mailType
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(bcc, forKey: .bcc)
                try container.encode(emails, forKey: .emails)
                try container.encode(nullable: mailType, forKey: .mailType)
                try container.encode(senders, forKey: .senders)
                try container.encode(nullable: template, forKey: .template)
                try container.encode(users, forKey: .users)
            }

            enum CodingKeys: String, CodingKey { case template, senders, bcc, users, emails, mailType }
        }

        struct LifeCycle: Encodable {
            let pre: String?
            let post: String?
            let postEndDays: Int
            let members: [String]
            let listOfDN: [String]

            init(_ lifeCycle: LifeCycleSettings) {
                pre = lifeCycle.pre?.ldapValue
                post = lifeCycle.post?.ldapValue
                postEndDays = lifeCycle.postEndDays
                members = lifeCycle.members
                listOfDN = lifeCycle.listOfDN
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(listOfDN, forKey: .listOfDN)
                try container.encode(members, forKey: .members)
                try container.encode(nullable: post, forKey: .post)
                try container.encode(postEndDays, forKey: .postEndDays)
                try container.encode(nullable: pre, forKey: .pre)
            }

            enum CodingKeys: String, CodingKey { case pre, post, postEndDays, members, listOfDN }
        }

        struct Notifications: Encodable {
            let attributes: [String]
            let recipientMembers: [String]
            let recipientMails: [String]
            let monitoredMembers: [String]
            let template: String?
            let senders: [String]
            let trigger: String?

            init(_ notifications: NotificationsSettings) {
                attributes = notifications.monitoredAttributes
                recipientMembers = notifications.recipientMembers
                recipientMails = notifications.recipientMails
                monitoredMembers = notifications.monitoredMembers
                template = notifications.templateCN
                senders = notifications.senders
                trigger = Settings.text(notifications.trigger)
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(attributes, forKey: .attributes)
                try container.encode(monitoredMembers, forKey: .monitoredMembers)
                try container.encode(recipientMails, forKey: .recipientMails)
                try container.encode(recipientMembers, forKey: .recipientMembers)
                try container.encode(senders, forKey: .senders)
                try container.encode(nullable: template, forKey: .template)
                try container.encode(nullable: trigger, forKey: .trigger)
            }

            enum CodingKeys: String, CodingKey {
                case attributes, recipientMembers, recipientMails, monitoredMembers, template, senders, trigger
            }
        }

        struct Reminder: Encodable {
            let firstCallDays: Int?
            let secondCallDays: Int?
            let template: String?
            let senders: [String]
            let monitored: String?
            let accountProlongation: Bool?
            let posix: Bool
            let next: String?
            let newEndDays: Int?
            let members: [String]
            let recipientMembers: [String]
            let recipientMails: [String]

            init(_ reminder: ReminderSettings) {
                firstCallDays = reminder.firstCallDays
                secondCallDays = reminder.secondCallDays
                template = reminder.templateCN
                senders = reminder.senders
                monitored = Settings.text(reminder.monitored)
                accountProlongation = reminder.accountProlongation
                posix = reminder.posix
                next = Settings.text(reminder.next)
                newEndDays = reminder.newEndDays
                members = reminder.members
                recipientMembers = reminder.recipientMembers
                recipientMails = reminder.recipientMails
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(nullable: accountProlongation, forKey: .accountProlongation)
                try container.encode(nullable: firstCallDays, forKey: .firstCallDays)
                try container.encode(members, forKey: .members)
                try container.encode(nullable: monitored, forKey: .monitored)
                try container.encode(nullable: newEndDays, forKey: .newEndDays)
                try container.encode(nullable: next, forKey: .next)
                try container.encode(posix, forKey: .posix)
                try container.encode(recipientMails, forKey: .recipientMails)
                try container.encode(recipientMembers, forKey: .recipientMembers)
                try container.encode(nullable: secondCallDays, forKey: .secondCallDays)
                try container.encode(senders, forKey: .senders)
                try container.encode(nullable: template, forKey: .template)
            }

            enum CodingKeys: String, CodingKey {
                case firstCallDays, secondCallDays, template, senders, monitored, accountProlongation, posix, next, newEndDays
                case members, recipientMembers, recipientMails
            }
        }

        struct Audit: Encodable {
            let retentionDays: Int?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(nullable: retentionDays, forKey: .retentionDays)
            }

            enum CodingKeys: String, CodingKey { case retentionDays }
        }
    }

    /// ISO 8601 with the directory zone's offset at that instant, e.g. `2026-11-02T10:00:00+01:00`,
    /// for one response. Listings repeat a few schedules thousands of times and each conversion
    /// costs time-zone lookups, so each distinct value is converted once. Not shared between requests.
    final class Timestamps {
        let now: Date
        let instants: InstantCache
        private var texts: [LocalDateTime: String] = [:]

        init(zone: TimeZone, now: Date) {
            self.now = now
            instants = InstantCache(zone: zone)
        }

        func text(_ value: LocalDateTime?) -> String? {
            guard let value else { return nil }
            if let known = texts[value] { return known }
            let text = Self.iso(instants.instant(of: value), zone: instants.zone)
            if texts.count >= 4_096 { texts.removeAll(keepingCapacity: true) }
            texts[value] = text
            return text
        }

        private static func iso(_ instant: Date, zone: TimeZone) -> String {
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
}

extension KeyedEncodingContainer {
    // nil as JSON null through the concrete overloads: `encode(_:forKey:)` with an Optional takes
    // the generic path (type checks and a nested encoder per value), the costly part of a listing.
    mutating func encode(nullable value: String?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encode(nullable value: Int?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func encode(nullable value: Bool?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

// MARK: - the same members, written straight into SortedJSONEncoder's buffer (keys in order)

extension TaskJSON.Listing: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) throws {
        object.string("kind", kind)
        try object.objects("orphanSubtasks", orphans) { TaskJSON.SubTaskBody($0, timestamps) }
        try object.object("page", page)
        try object.objects("tasks", tasks)
        object.string("timezone", timezone)
    }
}

extension TaskJSON.Page: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) {
        object.integer("limit", limit)
        object.string("next", next)
        object.integer("returned", returned)
    }
}

extension TaskJSON.Main {
    /// The keys up to `schedule`, as `encode(into:counts:)` writes them.
    func write(to object: inout SortedJSONEncoder.ObjectWriter, counts: TaskJSON.Counts? = nil) throws {
        object.strings("cn", cn.map { [$0] } ?? [])
        if let counts { try object.object("counts", counts) }
        object.string("dn", dn)
        object.string("kind", kind)
        object.string("lastExec", lastExec)
        object.string("name", cn)
        object.strings("problems", problems)
        object.string("repeatSchedule", repeatSchedule)
        object.bool("repeatable", repeatable)
        object.string("schedule", schedule)
    }
}

extension TaskJSON.Summary: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) throws {
        try main.write(to: &object)
        try object.object("subtasks", subtasks)
    }
}

extension TaskJSON.Detail: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) throws {
        try main.write(to: &object, counts: counts)
        try object.encoded("settings", settings)
        try object.objects("subtasks", subTasks) { TaskJSON.SubTaskBody($0, timestamps) }
    }
}

extension TaskJSON.Counts: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) {
        object.integer("completed", completed)
        object.integer("due", due)
        object.integer("failed", failed)
        object.integer("scheduled", scheduled)
    }
}

extension TaskJSON.SubTaskBody: SortedJSONWritable {
    func write(to object: inout SortedJSONEncoder.ObjectWriter) {
        if case .notifications(let auditEvents) = kindFields { object.strings("auditEvents", auditEvents) }
        if case .mail(let mail) = kindFields { object.strings("bcc", mail.bcc) }
        object.string("cn", cn)
        if case .reminder(let days) = kindFields { object.integer("days", days) }
        object.string("dn", dn)
        object.bool("due", due)
        object.string("error", error)
        if case .mail(let mail) = kindFields { object.string("from", mail.from) }
        object.string("kind", kind)
        object.string("master", master)
        object.strings("problems", problems)
        if case .mail(let mail) = kindFields { object.strings("recipients", mail.recipients) }
        object.string("schedule", schedule)
        object.string("status", status)
        object.string("target", target)
        if case .mail(let mail) = kindFields { object.string("template", mail.template) }
        object.string("type", type)
    }
}
