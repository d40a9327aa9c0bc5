/// The five kinds of FusionDirectory workflow tasks the orchestrator runs.
///
/// The raw values are the URL segments the client uses (`PATCH /api/tasks/<kind>`, spec §6.1).
/// Resolving a URL segment through this closed enum (instead of using it as a PHP class name)
/// is what closes the class-loading hole of spec §10 #8.
public enum TaskKind: String, CaseIterable, Sendable, Codable {
    case mail, lifeCycle, notifications, reminder, audit

    /// The exact `fdTasksGranularType` FD writes on sub-tasks (spec §3.3, caseExactMatch).
    public var granularType: String {
        switch self {
        case .mail: "Mail Object"
        case .lifeCycle: "Life Cycle"
        case .notifications: "Notifications"
        case .reminder: "Reminder"
        case .audit: "Audit"
        }
    }

    /// The auxiliary object class FD puts on a main task of this kind (spec §1).
    public var objectClass: String {
        switch self {
        case .mail: "fdTasksMail"
        case .lifeCycle: "fdTasksLifeCycle"
        case .notifications: "fdTasksNotifications"
        case .reminder: "fdTasksReminder"
        case .audit: "fdAuditTasks"
        }
    }

    /// URL segment, case-insensitive like PHP's class lookup (`MAIL`, `lifecycle` work).
    public init?(pathComponent: String) {
        let wanted = pathComponent.lowercased()
        guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == wanted }) else { return nil }
        self = kind
    }

    /// Exact match only: the attribute uses caseExactMatch and FD writes these spellings verbatim.
    public init?(granularType: String) {
        guard let kind = Self.allCases.first(where: { $0.granularType == granularType }) else { return nil }
        self = kind
    }

    /// The kind whose class is among `objectClasses` (object class names are case-insensitive).
    /// Nil when none or more than one is present: FD's plugin conflicts forbid mixing kinds,
    /// so several kind classes mean a hand-edited entry we should not guess about.
    public init?(objectClasses: [String]) {
        let present = Set(objectClasses.map { $0.lowercased() })
        let kinds = Self.allCases.filter { present.contains($0.objectClass.lowercased()) }
        guard kinds.count == 1, let kind = kinds.first else { return nil }
        self = kind
    }
}
