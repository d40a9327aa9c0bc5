import Domain

/// The sub-tasks FusionDirectory marked completed (status `2`), for removeSubTasks (spec §8.7).
public protocol CompletedSubTasks: Sendable {
    /// Streams the sub-tasks whose status is `2`, one page at a time, with a deleter for that
    /// page; the next page is read once `body` returns.
    func forEachPage(_ body: @escaping @Sendable ([SubTask], any BulkDeleter) async throws -> Void) async throws
}
