import Dispatch

/// A serial executor backed by its own DispatchQueue.
///
/// Actors that own a blocking C handle (libldap, libcurl) run on one of these, so their blocking
/// calls never occupy a thread of Swift's cooperative pool, and the compiler still guarantees that
/// only one task touches the handle at a time.
final class QueueExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
