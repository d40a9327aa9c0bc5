import Domain

/// The sub-task writes of runs, each followed by `TaskCounts.invalidate()`, so a listing made
/// while a long run goes on already shows what it did (the run's end invalidates again).
/// A write that failed may still have reached the directory: it invalidates too.
public struct CountedTaskWrites: SubTaskStatusWriter, SubTaskRemover {
    private let statuses: any SubTaskStatusWriter
    private let remover: any SubTaskRemover
    private let counts: TaskCounts

    public init(statuses: any SubTaskStatusWriter, remover: any SubTaskRemover, counts: TaskCounts) {
        self.statuses = statuses
        self.remover = remover
        self.counts = counts
    }

    public func setStatus(_ status: SubTaskStatus, ofSubTask dn: String) async throws {
        do {
            try await statuses.setStatus(status, ofSubTask: dn)
            await counts.invalidate()
        } catch {
            await counts.invalidate()
            throw error
        }
    }

    public func removeSubTask(_ dn: String) async throws {
        do {
            try await remover.removeSubTask(dn)
            await counts.invalidate()
        } catch {
            await counts.invalidate()
            throw error
        }
    }
}
