/// Progress of long runs, for the service log (a pass over a million audit events takes a while).
public protocol RunProgressLog: Sendable {
    func progress(_ operation: String, runID: String, _ message: String)
}

/// For tests and one-shot commands that do not log progress.
public struct SilentRunProgressLog: RunProgressLog {
    public init() {}
    public func progress(_ operation: String, runID: String, _ message: String) {}
}
