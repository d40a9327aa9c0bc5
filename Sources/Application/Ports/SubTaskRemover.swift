/// Deletes sub-tasks that have nothing left to do, as FusionDirectory expects (spec §7, §8.2 d).
public protocol SubTaskRemover: Sendable {
    /// Deletes the sub-task entry; a sub-task already gone is not an error.
    func removeSubTask(_ dn: String) async throws
}
