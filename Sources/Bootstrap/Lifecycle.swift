import AdapterSupport
import Application
import Logging
import ServiceLifecycle
import Synchronization

/// Set once graceful shutdown starts: runs stop claiming and hand back what they hold.
final class ShutdownFlag: ShutdownSignal, Sendable {
    private let value = Atomic<Bool>(false)

    var isShuttingDown: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}

/// Flips the `ShutdownFlag` when the service group starts its graceful shutdown (SIGTERM).
struct ShutdownWatcher: Service {
    let flag: ShutdownFlag

    func run() async throws {
        try? await gracefulShutdown()
        flag.set()
    }
}

/// Runs `close` once the service group shuts down (or is cancelled): a client that owns
/// connections (the FD REST adapter's HTTP client) is closed after the server stopped.
struct CloseOnShutdown: Service {
    let close: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

/// Deletes runs past the history's retention, hourly.
struct RunHistoryPurger: Service {
    let records: RunRecords
    let gate: StartupGate
    let logger: Logger

    func run() async throws {
        await gate.wait()
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let purged = try await records.purge()
                if purged > 0 { logger.info("run history purged", metadata: ["runs": "\(purged)"]) }
            } catch {
                logger.warning("run history purge failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}

/// Runs the built-in scheduler once migrations are done; graceful shutdown stops it from
/// starting slots (a run in flight stops claiming through the shutdown flag and finishes).
struct SchedulerService: Service {
    let scheduler: Scheduler
    let gate: StartupGate

    func run() async throws {
        await gate.wait()
        await withGracefulShutdownHandler {
            await scheduler.run()
        } onGracefulShutdown: {
            scheduler.stop()
        }
    }
}
