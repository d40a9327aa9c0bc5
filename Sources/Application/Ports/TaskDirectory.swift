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
    /// The main task of that kind whose cn is `name`, if any.
    func mainTask(named name: String, kind: TaskKind) async throws -> MainTask?
    /// The sub-tasks whose fdTasksGranularMaster is `masterDN`.
    func subTasks(ofMaster masterDN: String) async throws -> [SubTask]
    /// The sub-task at `dn` as it is now, nil when it is gone.
    func subTask(at dn: String) async throws -> SubTask?
}
