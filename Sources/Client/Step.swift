import Domain

/// One thing an invocation asks the server for; a PHP-style call is a list of them.
enum Step: Equatable, Sendable {
    /// `--tasks`: the main tasks' names, as the PHP client printed them.
    case listTaskNames
    /// `tasks [KIND [NAME]]`.
    case showTasks(kind: String?, name: String?)
    /// `PATCH /api/tasks/<operation>`.
    case run(RunOperation, dryRun: Bool, asOf: String?)
    /// `runs [--operation] [--limit]`.
    case listRuns(operation: RunOperation?, limit: Int?)
    /// `runs show ID`.
    case showRun(id: String)
    /// `settle ID ITEM --as sent|resend`.
    case settle(runID: String, item: String, resolution: Resolution)
    /// `redrive OPERATION SUBTASK`: schedule a failed sub-task again (a dead item).
    case redrive(RunOperation, subTask: String)

    enum Resolution: String, Sendable, CaseIterable {
        case sent, resend
    }

    /// The name shown in summaries, `--json` documents and `--log` lines.
    var name: String {
        switch self {
        case .listTaskNames, .showTasks: "tasks"
        case .run(let operation, _, _): operation.name
        case .listRuns, .showRun: "runs"
        case .settle: "settle"
        case .redrive: "redrive"
        }
    }
}

enum RunPlan {
    static let legacyFlagList = "--tasks --activate --emails --lifecycle --notifications --reminder --audit --remove"
}
