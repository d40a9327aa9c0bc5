import Domain

/// Writes a sub-task's outcome where FusionDirectory reads it.
public protocol SubTaskStatusWriter: Sendable {
    /// Replaces fdTasksGranularStatus of the sub-task.
    func setStatus(_ status: SubTaskStatus, ofSubTask dn: String) async throws
}
