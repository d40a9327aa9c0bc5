import Domain

/// What one kind of task contributes to a run: its rules and its one side effect. Everything
/// else (finding due sub-tasks, claiming under a lease, recording, writing the LDAP status, the
/// report) is the engine's, `RunDueSubTasks`.
public protocol KindRun: Sendable {
    associatedtype Plan: Sendable
    var kind: TaskKind { get }
    var replay: ReplayPolicy { get }
    /// Reads what the whole run needs (templates, anti-spam state) for these due sub-tasks, and
    /// whether the run may apply anything now.
    func plan(_ context: RunContext, due: [SubTask]) async throws -> RunPlan<Plan>
    /// The targets one due sub-task asks for (recipients, a user DN, …); a refusal fails it alone.
    func targets(of subTask: SubTask, in plan: Plan) -> Result<[String], WorkRefusal>
    /// Applies one target: the kind's single effect. Never called in a dry-run.
    func apply(_ item: WorkItem, in plan: Plan) async -> WorkOutcome
    /// Items that one effect covers share a key (one digest message to one recipient for several
    /// sub-tasks): the engine claims them together and calls `apply(together:)` once for them.
    /// Nil, the default, applies each item alone.
    func unit(of key: WorkKey, subTask: SubTask, in plan: Plan) -> String?
    /// Applies the items of one unit with one effect; its outcome is recorded for each of them.
    /// The default applies a lone item with `apply(_:in:)`.
    func apply(together items: [WorkItem], in plan: Plan) async -> WorkOutcome
    /// A dry-run's forecast for a unit; the default previews its first item.
    func preview(together items: [WorkItem], in plan: Plan) async -> (RunReport.Outcome, String?)
    /// A dry-run's forecast for one target, reading but never writing (the value a rewrite would
    /// write, say). The default: `wouldApply` with no detail.
    func preview(_ item: WorkItem, in plan: Plan) async -> (RunReport.Outcome, String?)
    /// After the run's items, e.g. stamps fdTasksConfLastExecTime when mail went out.
    func finish(_ summary: RunReport.Summary, in plan: Plan, context: RunContext) async throws
}

extension KindRun {
    public func preview(_ item: WorkItem, in plan: Plan) async -> (RunReport.Outcome, String?) {
        (.wouldApply, nil)
    }

    public func unit(of key: WorkKey, subTask: SubTask, in plan: Plan) -> String? { nil }

    public func apply(together items: [WorkItem], in plan: Plan) async -> WorkOutcome {
        guard let first = items.first else { return .notNeeded("nothing to apply") }
        return await apply(first, in: plan)
    }

    public func preview(together items: [WorkItem], in plan: Plan) async -> (RunReport.Outcome, String?) {
        guard let first = items.first else { return (.notNeeded, nil) }
        return await preview(first, in: plan)
    }
}
