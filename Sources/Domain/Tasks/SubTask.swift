import Foundation

/// A sub-task (`objectClass: fdTasksGranular`): one unit of work FD created for a main task
/// (spec §1.1, §4). Built by `init(entry:)`, which never throws and lists what it could not
/// read in `problems`.
public struct SubTask: Sendable, Equatable {
    /// The DN as read.
    public let dn: String
    /// The DN parsed, on demand; nil if the text is not a valid DN (the server sent it, so it
    /// is). Listings read sub-tasks by the ten thousand and never need it.
    public var distinguishedName: DistinguishedName? { try? DistinguishedName(parsing: dn) }
    /// cn (MUST), `<main cn>-SubTask-<microtime>`; not meant to be parsed.
    public let cn: String?
    /// fdTasksGranularMaster (MUST): DN of the main task.
    public let master: String?
    /// Nil when fdTasksGranularType is missing or not one of the five exact strings.
    public let kind: TaskKind?
    /// fdTasksGranularType as read.
    public let type: String?
    /// fdTasksGranularSchedule (MUST), wall clock of fdTimezone.
    public let schedule: LocalDateTime?
    /// fdTasksGranularStatus (MUST). A missing status reads as an empty failure text,
    /// so the sub-task is never due.
    public let status: SubTaskStatus
    /// fdTasksGranularMail: recipient addresses (Mail).
    public let recipients: [String]
    /// fdTasksGranularMailFrom: the sender (Mail); the first value.
    public let mailFrom: String?
    /// fdTasksGranularMailBCC: every value (PHP used only the first, spec §10 #17).
    public let bcc: [String]
    /// fdTasksGranularRef: template cn (Mail) or audit-event DNs (Notifications).
    public let refs: [String]
    /// fdTasksGranularDN: the target user DN, or `auditRetentionTask` (Audit).
    public let targetDN: String?
    /// fdTasksGranularHelper: days of the reminder call (Reminder).
    public let helperDays: Int?
    public let problems: [String]

    public init(entry: DirectoryEntry) {
        var reader = EntryReader(entry)
        dn = entry.dn
        cn = reader.single("cn", required: true)
        master = reader.single("fdTasksGranularMaster", required: true)
        type = reader.single("fdTasksGranularType", required: true)
        kind = type.flatMap(TaskKind.init(granularType:))
        if let type, kind == nil {
            reader.report(
                DomainError.invalidValue(
                    attribute: "fdTasksGranularType", value: type,
                    reason: "not one of \(TaskKind.allCases.map { "\"\($0.granularType)\"" }.joined(separator: ", ")) (case-sensitive)"
                ),
                attribute: "fdTasksGranularType"
            )
        }
        schedule = reader.parsed("fdTasksGranularSchedule", required: true) { value throws(DomainError) in
            try LocalDateTime(fdSchedule: value, attribute: "fdTasksGranularSchedule")
        }
        status = SubTaskStatus(ldapValue: reader.single("fdTasksGranularStatus", required: true) ?? "")
        recipients = reader.list("fdTasksGranularMail")
        mailFrom = reader.single("fdTasksGranularMailFrom")
        bcc = reader.list("fdTasksGranularMailBCC")
        refs = reader.list("fdTasksGranularRef")
        targetDN = reader.single("fdTasksGranularDN")
        helperDays = reader.dayCount("fdTasksGranularHelper")
        problems = reader.problems
    }

    /// Due when scheduled, the schedule is readable, and it is strictly before `now` in
    /// `zone` (`SubTaskState.isDue`).
    public func isDue(at now: Date, in zone: TimeZone) -> Bool {
        isDue(at: now, instants: InstantCache(zone: zone))
    }

    /// The same rule, with the wall-clock → instant conversion memoised across many sub-tasks
    /// (they mostly share their main task's schedule).
    public func isDue(at now: Date, instants: InstantCache) -> Bool {
        state.isDue(at: now, instants: instants)
    }

    /// What counting needs of this sub-task.
    public var state: SubTaskState { SubTaskState(master: master, kind: kind, status: status, schedule: schedule) }
}

/// The part of a sub-task that counts need (master, kind, status, schedule): listings count
/// thousands of sub-tasks and read only these attributes for it (`attributes`).
public struct SubTaskState: Sendable, Equatable {
    public let master: String?
    public let kind: TaskKind?
    public let status: SubTaskStatus
    public let schedule: LocalDateTime?

    /// The LDAP attributes `init(entry:)` reads.
    public static let attributes = ["fdTasksGranularMaster", "fdTasksGranularType", "fdTasksGranularStatus", "fdTasksGranularSchedule"]

    public init(master: String?, kind: TaskKind?, status: SubTaskStatus, schedule: LocalDateTime?) {
        self.master = master
        self.kind = kind
        self.status = status
        self.schedule = schedule
    }

    /// The same reading as `SubTask.init(entry:)` for these attributes, without collecting problems.
    public init(entry: DirectoryEntry) {
        master = entry.string("fdTasksGranularMaster")
        kind = entry.string("fdTasksGranularType").flatMap(TaskKind.init(granularType:))
        status = SubTaskStatus(ldapValue: entry.string("fdTasksGranularStatus") ?? "")
        schedule = entry.string("fdTasksGranularSchedule").flatMap { try? LocalDateTime(fdSchedule: $0, attribute: "fdTasksGranularSchedule") }
    }

    /// Due when scheduled, the schedule is readable, and it is strictly before `now` in the
    /// zone (spec §3.1, §7: FD and PHP use strict `<`). An unreadable schedule is never due,
    /// and neither is a sub-task of an unknown type: no run would ever execute it.
    public func isDue(at now: Date, instants: InstantCache) -> Bool {
        guard let instant = dueInstant(instants) else { return false }
        return instant < now
    }

    /// From when the sub-task is due (scheduled, known kind, readable schedule); nil if never.
    public func dueInstant(_ instants: InstantCache) -> Date? {
        guard status == .scheduled, kind != nil, let schedule else { return nil }
        return instants.instant(of: schedule)
    }
}

/// How many sub-tasks are in each state, and how many of the scheduled ones are due.
public struct SubTaskCounts: Sendable, Equatable {
    public var scheduled: Int
    public var completed: Int
    public var failed: Int
    /// Among `scheduled`, those whose time has come.
    public var due: Int

    public init(scheduled: Int = 0, completed: Int = 0, failed: Int = 0, due: Int = 0) {
        self.scheduled = scheduled
        self.completed = completed
        self.failed = failed
        self.due = due
    }

    public init(_ subTasks: [SubTask], now: Date, in zone: TimeZone) {
        self.init(subTasks, now: now, instants: InstantCache(zone: zone))
    }

    public init(_ subTasks: [SubTask], now: Date, instants: InstantCache) {
        self.init()
        for subTask in subTasks { add(subTask, now: now, instants: instants) }
    }

    /// Counts one more sub-task.
    public mutating func add(_ subTask: SubTask, now: Date, instants: InstantCache) {
        switch subTask.status {
        case .scheduled: scheduled += 1
        case .completed: completed += 1
        case .failed: failed += 1
        }
        if subTask.isDue(at: now, instants: instants) { due += 1 }
    }

    public var total: Int { scheduled + completed + failed }

    public static func + (lhs: Self, rhs: Self) -> Self {
        Self(
            scheduled: lhs.scheduled + rhs.scheduled, completed: lhs.completed + rhs.completed,
            failed: lhs.failed + rhs.failed, due: lhs.due + rhs.due
        )
    }
}

/// A sub-task as the directory returned it, parsed only when asked. A kind listing reads every
/// sub-task of the kind to find its page (sorted by DN) but shows only the page's: the others
/// need their DN, and their state when the listing filters, never the whole `SubTask`.
public struct SubTaskRecord: Sendable {
    private enum Source: Sendable {
        case entry(DirectoryEntry)
        case parsed(SubTask)
    }

    private var source: Source

    public init(entry: DirectoryEntry) {
        source = .entry(entry)
    }

    /// For directories that hold sub-tasks already parsed.
    public init(_ subTask: SubTask) {
        source = .parsed(subTask)
    }

    public var dn: String {
        switch source {
        case .entry(let entry): entry.dn
        case .parsed(let subTask): subTask.dn
        }
    }

    /// Master, kind, status and schedule, read as `SubTask(entry:)` reads them.
    public var state: SubTaskState {
        switch source {
        case .entry(let entry): SubTaskState(entry: entry)
        case .parsed(let subTask): subTask.state
        }
    }

    /// The whole sub-task, parsed now (each call parses again).
    public var subTask: SubTask {
        switch source {
        case .entry(let entry): SubTask(entry: entry)
        case .parsed(let subTask): subTask
        }
    }

    /// The whole sub-task; the record keeps it (its text shared with the result) instead of the
    /// entry, so a page of 10,000 does not hold every entry and every sub-task at once.
    public mutating func parse() -> SubTask {
        let parsed = subTask
        source = .parsed(parsed)
        return parsed
    }
}
