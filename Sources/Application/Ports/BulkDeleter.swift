/// Deletes many entries of one page of a search at once, spread over the directory's
/// connections, for the bulk operations (audit retention, removeSubTasks).
public protocol BulkDeleter: Sendable {
    /// Deletes every DN; one result per DN, in the order given. Never throws: each failure is
    /// that entry's result.
    func delete(_ dns: [String]) async -> [DeletionResult]
}

/// What became of one entry a bulk delete asked for.
public enum DeletionResult: Sendable, Equatable {
    case deleted
    /// Someone (another run, an administrator) deleted it first: counts as deleted.
    case alreadyGone
    /// The entry no longer matched what it was deleted for (FD renewed a completed sub-task in
    /// between): kept, and not a failure.
    case changed
    case failed(DirectoryError)
}
