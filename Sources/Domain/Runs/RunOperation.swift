/// What a run does: the one vocabulary of the URL (`PATCH /api/tasks/<name>`), the CLI and the
/// scheduler. Five kinds run their due sub-tasks; the two maintenance operations act on tasks.
public enum RunOperation: Hashable, Sendable, CustomStringConvertible {
    case kind(TaskKind)
    /// Deletes the sub-tasks FD asked to remove (spec §8.7).
    case removeSubTasks
    /// Re-arms recurring main tasks through FD's REST API (spec §8.6).
    case activateCyclicTasks

    public static let all: [RunOperation] = TaskKind.allCases.map { .kind($0) } + [.removeSubTasks, .activateCyclicTasks]

    /// The URL segment and the name stored with every run and journal item.
    public var name: String {
        switch self {
        case .kind(let kind): kind.rawValue
        case .removeSubTasks: "removeSubTasks"
        case .activateCyclicTasks: "activateCyclicTasks"
        }
    }

    public var description: String { name }

    /// Case-insensitive, like the PHP version's class lookup (`MAIL`, `removesubtasks` work).
    public init?(name: String) {
        let wanted = name.lowercased()
        guard let operation = Self.all.first(where: { $0.name.lowercased() == wanted }) else { return nil }
        self = operation
    }

    public var kind: TaskKind? {
        if case .kind(let kind) = self { return kind }
        return nil
    }
}
