import Synchronization

/// The lease a scheduled run was started under. When its renewal fails the run stops claiming,
/// exactly as at shutdown, and hands back what it holds: a replica that lost leadership starts
/// no more work while the new leader may already be running the next slot.
public final class LeaseWatch: Sendable {
    /// Bound by the scheduler around the run it starts; nil for runs from HTTP and the CLI.
    @TaskLocal public static var current: LeaseWatch?

    private let state: Mutex<(lease: LeaderLease, lost: Bool)>
    private let clock: any WallClock

    public init(_ lease: LeaderLease, clock: any WallClock) {
        state = Mutex((lease: lease, lost: false))
        self.clock = clock
    }

    /// Lost for good once a renewal failed, or as soon as the lease ran out unrenewed (a process
    /// paused past its lease sees this before its renewal even runs).
    public var isLost: Bool {
        let (lease, lost) = state.withLock { ($0.lease, $0.lost) }
        return lost || clock.now() >= lease.expiresAt
    }
    public var lease: LeaderLease { state.withLock { $0.lease } }

    /// Records a renewal; a renewal that does not continue the tenure marks the lease lost for good.
    func renewed(_ renewed: LeaderLease?) {
        state.withLock { state in
            guard !state.lost else { return }
            if state.lease.continues(in: renewed), let renewed { state.lease = renewed } else { state.lost = true }
        }
    }
}

/// The stop signal the runs see: the service is shutting down, or the scheduled run in this task
/// lost the lease it was started under.
public struct RunStopSignal: ShutdownSignal {
    private let shutdown: any ShutdownSignal

    public init(shutdown: any ShutdownSignal) {
        self.shutdown = shutdown
    }

    public var isShuttingDown: Bool { shutdown.isShuttingDown || LeaseWatch.current?.isLost == true }
}
