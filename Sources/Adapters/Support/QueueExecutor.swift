import Dispatch

/// A serial executor backed by its own DispatchQueue.
///
/// Actors that own a blocking C handle (libldap, libcurl) run on one of these, so their blocking
/// calls never occupy a thread of Swift's cooperative pool, and the compiler still guarantees that
/// only one task touches the handle at a time.
public final class QueueExecutor: SerialExecutor {
    public let queue: DispatchQueue

    public init(label: String) {
        queue = DispatchQueue(label: label)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}

extension Duration {
    /// Whole milliseconds, as C timeouts take them.
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
