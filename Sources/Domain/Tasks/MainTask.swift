import Foundation

/// A main task (`objectClass: fdTasks` + one kind class), as FD 1.5 writes it (spec §1.1).
///
/// Built by `init(entry:)`, which never throws: the task schema is loose, so every value is
/// checked here and whatever cannot be read is listed in `problems` (and left nil) instead
/// of failing the whole run as PHP did.
public struct MainTask: Sendable, Equatable {
    /// The DN as read.
    public let dn: String
    /// The DN parsed; nil (with a problem) if the text is not a valid DN.
    public let distinguishedName: DistinguishedName?
    /// cn (MUST). Free text, may contain spaces and DN-special characters.
    public let cn: String?
    /// Nil when the entry carries no kind class or several.
    public let kind: TaskKind?
    /// fdTasksScheduleDate, wall clock of fdTimezone.
    public let schedule: LocalDateTime?
    /// fdTasksRepeatable (FD always writes it; absent reads as FALSE).
    public let repeatable: Bool
    /// fdTasksRepeatableSchedule (FD writes it even on non-repeatable tasks).
    public let repeatSchedule: RepeatSchedule?
    /// fdTasksLastExec: when FD last created sub-tasks. Absent if never activated.
    public let lastExec: LocalDateTime?
    /// fdTasksCreationDate (MUST), FD's 12-hour format.
    public let creationDate: LocalDateTime?
    /// fdTasksUpdatable, "Only with new members" (absent reads as TRUE, FD's default).
    public let updatable: Bool
    /// The kind attributes; nil when `kind` is nil.
    public let settings: TaskSettings?
    /// Every value that was missing or could not be parsed, as readable sentences.
    public let problems: [String]
    /// Lower-cased names of attributes present but unreadable.
    let unreadable: Set<String>

    public init(entry: DirectoryEntry) {
        var reader = EntryReader(entry)
        dn = entry.dn
        distinguishedName = reader.distinguishedName()
        cn = reader.single("cn", required: true)
        kind = TaskKind(objectClasses: entry.objectClasses)
        if kind == nil {
            reader.report(Self.kindProblem(entry.objectClasses))
        }
        schedule = reader.parsed("fdTasksScheduleDate") { value throws(DomainError) in
            try LocalDateTime(fdSchedule: value)
        }
        repeatable = reader.boolean("fdTasksRepeatable") ?? false
        repeatSchedule = reader.single("fdTasksRepeatableSchedule").map(RepeatSchedule.init(fdValue:))
        if case let .unknown(raw)? = repeatSchedule {
            reader.report("fdTasksRepeatableSchedule \"\(DomainError.echo(raw))\" is not Yearly, Monthly, Weekly, Daily or Hourly")
        }
        lastExec = reader.parsed("fdTasksLastExec") { value throws(DomainError) in
            try LocalDateTime(fdLastExec: value)
        }
        creationDate = reader.parsed("fdTasksCreationDate", required: true) { value throws(DomainError) in
            try LocalDateTime(fdCreationDate: value)
        }
        updatable = reader.boolean("fdTasksUpdatable") ?? true
        settings = kind.map { TaskSettings.read($0, from: &reader) }
        problems = reader.problems
        unreadable = reader.unreadable
    }

    private static func kindProblem(_ classes: [String]) -> String {
        let present = TaskKind.allCases.filter { kind in
            classes.contains { $0.lowercased() == kind.objectClass.lowercased() }
        }
        if present.isEmpty {
            return "objectClass names no task kind (expected one of \(TaskKind.allCases.map(\.objectClass).joined(separator: ", ")))"
        }
        return "objectClass names several task kinds (\(present.map(\.objectClass).joined(separator: ", "))); FD allows one"
    }

    /// Whether the cyclic-activation run (spec §8.6) should re-activate this task now.
    ///
    /// Unlike PHP, an unreadable fdTasksScheduleDate or fdTasksLastExec is an explicit
    /// `.invalid` (PHP activated on the former and crashed on a missing schedule, §10 #34).
    public func cyclicActivation(now: Date, in zone: TimeZone) -> CyclicActivation {
        guard repeatable else { return .notRepeatable }
        guard let repeatSchedule else { return .invalid(reason: "fdTasksRepeatableSchedule is missing") }
        for attribute in ["fdTasksScheduleDate", "fdTasksLastExec"] where unreadable.contains(attribute.lowercased()) {
            return .invalid(reason: problems.first { $0.hasPrefix(attribute) } ?? "\(attribute) is unreadable")
        }
        return repeatSchedule.isDue(
            lastExec: lastExec?.instant(in: zone), schedule: schedule?.instant(in: zone), now: now, in: zone
        )
    }
}
