/// Tells long-running work that the service is stopping: runs stop claiming and hand back what
/// they hold between items.
public protocol ShutdownSignal: Sendable {
    var isShuttingDown: Bool { get }
}

/// For edges that never shut down mid-run (tests, one-shot commands).
public struct NeverShuttingDown: ShutdownSignal {
    public init() {}
    public var isShuttingDown: Bool { false }
}
