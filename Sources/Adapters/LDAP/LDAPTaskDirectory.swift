import Application
import Domain

/// FusionDirectory's tasks in LDAP (spec §2–3): main tasks `fdTasks` + a kind class, sub-tasks
/// `fdTasksGranular` as their siblings, the configuration entry under `ou=fusiondirectory`.
///
/// Every method is one search, paged by the client, with an escaped filter.
public struct LDAPTaskDirectory: TaskDirectory {
    private let client: LDAPClient
    private let base: String

    public static let mainTaskAttributes = [
        "objectClass", "cn", "fdTasksStatus", "fdTasksCreationDate", "fdTasksScheduleDate", "fdTasksRepeatable",
        "fdTasksRepeatableSchedule", "fdTasksUpdatable", "fdTasksLastExec",
        // kind settings
        "fdTasksMailObject", "fdTasksEmailSender", "fdTasksEmailBCC", "fdTasksMailUsers", "fdTasksEmailsFromDN", "fdTasksMailType",
        "fdTasksLifeCycleMembers", "fdTasksLifeCycleListOfDN", "fdTasksLifeCyclePreResource", "fdTasksLifeCyclePreState",
        "fdTasksLifeCyclePreSubState", "fdTasksLifeCyclePostResource", "fdTasksLifeCyclePostState", "fdTasksLifeCyclePostSubState",
        "fdTasksLifeCyclePostEndDate",
        "fdTasksNotificationsAttributes", "fdTasksNotificationsRecipientsMembers", "fdTasksNotificationsListOfRecipientsMails",
        "fdTasksNotificationsMonitoredMembers", "fdTasksNotificationsMailTemplate", "fdTasksNotificationsEmailSender",
        "fdTasksNotificationsResource", "fdTasksNotificationsState", "fdTasksNotificationsSubState",
        "fdTasksReminderFirstCall", "fdTasksReminderSecondCall", "fdTasksReminderMailTemplate", "fdTasksReminderEmailSender",
        "fdTasksReminderResource", "fdTasksReminderState", "fdTasksReminderSubState", "fdTasksReminderAccountProlongation",
        "fdTasksReminderPosix", "fdTasksReminderNextResource", "fdTasksReminderNextState", "fdTasksReminderNextSubState",
        "fdTasksReminderSupannNewEndDate", "fdTasksReminderMembers", "fdTasksReminderRecipientsMembers",
        "fdTasksReminderListOfRecipientsMails",
        "fdAuditTasksRetention",
    ]

    public static let subTaskAttributes = [
        "cn", "fdTasksGranularMaster", "fdTasksGranularType", "fdTasksGranularSchedule", "fdTasksGranularStatus",
        "fdTasksGranularMail", "fdTasksGranularMailFrom", "fdTasksGranularMailBCC", "fdTasksGranularRef",
        "fdTasksGranularDN", "fdTasksGranularHelper",
    ]

    public init(client: LDAPClient, base: String) {
        self.client = client
        self.base = base
    }

    public func configuration() async throws -> FDConfiguration {
        let dn = FDConfiguration.entryDN(under: try DistinguishedName(parsing: base)).description
        guard let entry = try await client.read(dn) else {
            // No configuration entry: FD's defaults, and say so (PHP answered 500, §10 #43).
            var defaults = FDConfiguration(entry: DirectoryEntry(dn: dn, attributes: [:]))
            defaults.problems.append("the FusionDirectory configuration entry \(dn) does not exist; using defaults")
            return defaults
        }
        return FDConfiguration(entry: entry)
    }

    public func mainTasks(kind: TaskKind?) async throws -> [MainTask] {
        let filter: LDAPFilter = kind.map { .and([.objectClass("fdTasks"), .objectClass($0.objectClass)]) } ?? .objectClass("fdTasks")
        return try await client.search(base: base, filter: filter, attributes: Self.mainTaskAttributes, map: MainTask.init(entry:))
    }

    public func subTasks(kind: TaskKind?) async throws -> [SubTask] {
        let filter: LDAPFilter = kind.map { .and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularType", $0.granularType)]) }
            ?? .objectClass("fdTasksGranular")
        return try await client.search(base: base, filter: filter, attributes: Self.subTaskAttributes, map: SubTask.init(entry:))
    }

    public func subTasks(kind: TaskKind, status: SubTaskQuery.Status) async throws -> [SubTask] {
        try await client.search(base: base, filter: Self.subTaskFilter(kind: kind, status: status), attributes: Self.subTaskAttributes, map: SubTask.init(entry:))
    }

    public func subTaskRecords(kind: TaskKind, status: SubTaskQuery.Status?) async throws -> [SubTaskRecord] {
        let filter: LDAPFilter = status.map { Self.subTaskFilter(kind: kind, status: $0) }
            ?? .and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularType", kind.granularType)])
        return try await client.search(base: base, filter: filter, attributes: Self.subTaskAttributes, map: SubTaskRecord.init(entry:))
    }

    private static func subTaskFilter(kind: TaskKind, status: SubTaskQuery.Status) -> LDAPFilter {
        let scheduled = LDAPFilter.equal("fdTasksGranularStatus", SubTaskStatus.scheduled.ldapValue)
        let completed = LDAPFilter.equal("fdTasksGranularStatus", SubTaskStatus.completed.ldapValue)
        let selected: LDAPFilter = switch status {
        case .scheduled: scheduled
        case .completed: completed
        // Every other value is a failure text, and so is a missing status.
        case .failed: .not(.or([scheduled, completed]))
        }
        return .and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularType", kind.granularType), selected])
    }

    public func subTaskStates() async throws -> [SubTaskState] {
        try await client.search(base: base, filter: .objectClass("fdTasksGranular"), attributes: SubTaskState.attributes, map: SubTaskState.init(entry:))
    }

    public func mainTask(named name: String, kind: TaskKind) async throws -> MainTask? {
        let filter = LDAPFilter.and([.objectClass("fdTasks"), .objectClass(kind.objectClass), .equal("cn", name)])
        return try await client.search(base: base, filter: filter, attributes: Self.mainTaskAttributes).first.map(MainTask.init(entry:))
    }

    public func subTasks(ofMaster masterDN: String) async throws -> [SubTask] {
        let filter = LDAPFilter.and([.objectClass("fdTasksGranular"), .equal("fdTasksGranularMaster", masterDN)])
        return try await client.search(base: base, filter: filter, attributes: Self.subTaskAttributes, map: SubTask.init(entry:))
    }

    public func subTask(at dn: String) async throws -> SubTask? {
        try await client.read(dn, attributes: Self.subTaskAttributes, filter: .objectClass("fdTasksGranular")).map(SubTask.init(entry:))
    }
}
