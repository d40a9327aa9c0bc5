import Domain

/// A run's main tasks of one kind by DN (compared as DNs, not as text), read with one search.
struct MainTaskIndex: Sendable {
    private let tasks: [DistinguishedName: MainTask]

    init(_ tasks: [MainTask]) {
        var byDN: [DistinguishedName: MainTask] = [:]
        for task in tasks {
            if let dn = task.distinguishedName { byDN[dn] = task }
        }
        self.tasks = byDN
    }

    static func read(_ kind: TaskKind, from directory: any TaskDirectory, needed: Bool) async throws -> MainTaskIndex {
        MainTaskIndex(needed ? try await directory.mainTasks(kind: kind) : [])
    }

    /// The main task a sub-task belongs to (`fdTasksGranularMaster`).
    func master(of subTask: SubTask) -> MainTask? {
        guard let master = subTask.master, let dn = try? DistinguishedName(parsing: master) else { return nil }
        return tasks[dn]
    }

    var all: [MainTask] { Array(tasks.values) }
}
