import Domain

/// An operation whose work is not one journal item per sub-task and target, so it runs beside
/// the engine rather than through `KindRun` (cyclic activation, audit retention,
/// removeSubTasks); it still answers a `RunReport`, keeps it in the run history, honours
/// `RunMode` and stops on the shutdown signal.
public protocol OperationRun: Sendable {
    var operation: RunOperation { get }
    func run(mode: RunMode, trigger: RunReport.Trigger) async throws(ServiceError) -> RunReport
}
