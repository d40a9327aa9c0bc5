import Synchronization

/// The run that work in this task belongs to, for every log line written meanwhile: `RunTasks`
/// opens a context for each run, the run names itself once it has its id, and the service's log
/// handler adds `operation` and `run_id` to each line (a metadata provider reads `current`).
public final class RunLogContext: Sendable {
    @TaskLocal public static var current: RunLogContext?

    public let operation: String
    private let id = Mutex<String?>(nil)

    init(operation: String) {
        self.operation = operation
    }

    /// The run's id, once it has one.
    public var runID: String? { id.withLock { $0 } }

    /// Called where a run gets its id (the engine, an operation's frame).
    static func started(_ runID: String) {
        current?.id.withLock { $0 = runID }
    }

    /// `body` with a context for `operation`: its log lines carry the operation, then the run id.
    static func scope<T>(_ operation: String, _ body: () async throws(ServiceError) -> T) async throws(ServiceError) -> T {
        let result: Result<T, ServiceError> = await $current.withValue(RunLogContext(operation: operation)) {
            do throws(ServiceError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
