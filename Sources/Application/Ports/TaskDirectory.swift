import Domain

/// Where FusionDirectory keeps its tasks: reads of main tasks, sub-tasks and the FD configuration.
///
/// Implementations answer each call with one (paged) search, never one query per task.
public protocol TaskDirectory: Sendable {
    /// The FD configuration entry (`cn=config,ou=fusiondirectory,<base>`).
    func configuration() async throws -> FDConfiguration
    /// Main tasks of one kind, or of every kind (unknown kinds included) when `kind` is nil.
    func mainTasks(kind: TaskKind?) async throws -> [MainTask]
    /// Sub-tasks of one kind, or every sub-task when `kind` is nil.
    func subTasks(kind: TaskKind?) async throws -> [SubTask]
    /// Sub-tasks of one kind whose status is `status` as the directory compares it: a superset
    /// of those `SubTaskQuery.Status` keeps (the caller filters again).
    func subTasks(kind: TaskKind, status: SubTaskQuery.Status) async throws -> [SubTask]
    /// Sub-tasks of one kind (of `status` as `subTasks(kind:status:)` selects, when given), each
    /// parsed only when asked: a listing reads them all to find its page and parses the page's.
    func subTaskRecords(kind: TaskKind, status: SubTaskQuery.Status?) async throws -> [SubTaskRecord]
    /// What counting needs of every sub-task (master, kind, status, schedule), nothing more.
    func subTaskStates() async throws -> [SubTaskState]
    /// The main task of that kind whose cn is `name`, if any.
    func mainTask(named name: String, kind: TaskKind) async throws -> MainTask?
    /// The sub-tasks whose fdTasksGranularMaster is `masterDN`.
    func subTasks(ofMaster masterDN: String) async throws -> [SubTask]
    /// The sub-task at `dn` as it is now, nil when it is gone.
    func subTask(at dn: String) async throws -> SubTask?
}

extension TaskDirectory {
    /// For directories that cannot select: every sub-task of the kind, filtered here.
    public func subTasks(kind: TaskKind, status: SubTaskQuery.Status) async throws -> [SubTask] {
        try await subTasks(kind: kind).filter { SubTaskQuery(status: status).matches(status: $0.status) }
    }

    /// For directories that hold parsed sub-tasks.
    public func subTaskRecords(kind: TaskKind, status: SubTaskQuery.Status?) async throws -> [SubTaskRecord] {
        let subTasks = if let status { try await subTasks(kind: kind, status: status) } else { try await subTasks(kind: kind) }
        return subTasks.map(SubTaskRecord.init)
    }

    /// For directories that cannot select attributes: every sub-task, reduced here.
    public func subTaskStates() async throws -> [SubTaskState] {
        try await subTasks(kind: nil).map(\.state)
    }
}
