import Domain
import Foundation

/// Every main task and the counts of its sub-tasks, read from the directory at most once per
/// `ttl` instead of once per request (issue 10: `GET /api/tasks` read every sub-task of the
/// directory each time).
///
/// - This service's own writes call `invalidate()`: the next answer reads again, so a run's
///   effect shows at once. FD's writes show within `ttl`.
/// - Concurrent requests share one read. A read that began before an invalidation is not
///   shared by requests that arrive after it.
/// - Only counting attributes are read (`SubTaskState`). The due count is worked out at answer
///   time from the stored instants, so a sub-task becoming due shows without a new read.
public actor TaskCounts {
    /// One read of the directory.
    public struct Snapshot: Sendable {
        /// Every main task, of every kind, in listing order.
        public let tasks: [MainTask]
        public let zone: TimeZone
        /// When the directory was read.
        public let readAt: Date
        fileprivate let tallies: [String: [TaskKind?: Tally]]
        fileprivate let generation: UInt64

        /// The counts of the sub-tasks of `masterKey` (`ListTasks.key`), of one kind or of all.
        public func counts(ofMaster masterKey: String, kind: TaskKind?, now: Date) -> SubTaskCounts {
            guard let byKind = tallies[masterKey] else { return SubTaskCounts() }
            if let kind { return byKind[kind]?.counts(now: now) ?? SubTaskCounts() }
            return byKind.values.reduce(SubTaskCounts()) { $0 + $1.counts(now: now) }
        }

        /// Seconds since the read, never negative.
        public func age(now: Date) -> TimeInterval { max(0, now.timeIntervalSince(readAt)) }
    }

    /// The sub-tasks of one master and kind.
    fileprivate struct Tally: Sendable {
        var scheduled = 0
        var completed = 0
        var failed = 0
        /// From when each scheduled sub-task is due, ascending (filled unsorted, sorted once).
        var dueFrom: [Date] = []

        mutating func add(_ state: SubTaskState, instants: InstantCache) {
            switch state.status {
            case .scheduled: scheduled += 1
            case .completed: completed += 1
            case .failed: failed += 1
            }
            if let instant = state.dueInstant(instants) { dueFrom.append(instant) }
        }

        /// Due = strictly before `now` (`SubTaskState.isDue`): the first index not before `now`.
        func counts(now: Date) -> SubTaskCounts {
            var low = 0
            var high = dueFrom.count
            while low < high {
                let middle = (low + high) / 2
                if dueFrom[middle] < now { low = middle + 1 } else { high = middle }
            }
            return SubTaskCounts(scheduled: scheduled, completed: completed, failed: failed, due: low)
        }
    }

    private let directory: any TaskDirectory
    private let settings: DirectorySettings
    private let clock: any WallClock
    private let ttl: TimeInterval
    private var generation: UInt64 = 0
    private var latest: Snapshot?
    private var reading: (generation: UInt64, task: Task<Snapshot, any Error>)?

    /// `ttl` 0 reads on every request (concurrent requests still share a read).
    public init(directory: any TaskDirectory, settings: DirectorySettings, clock: any WallClock, ttl: TimeInterval) {
        self.directory = directory
        self.settings = settings
        self.clock = clock
        self.ttl = ttl
    }

    /// The counts no older than `ttl` and taken after the last invalidation.
    public func current() async throws(ServiceError) -> Snapshot {
        let zone = try await settings.current().zone
        let now = clock.now()
        if let latest, latest.generation == generation, latest.zone == zone, latest.readAt <= now, now.timeIntervalSince(latest.readAt) < ttl {
            return latest
        }
        let task: Task<Snapshot, any Error>
        if let reading, reading.generation == generation {
            task = reading.task
        } else {
            let (directory, clock, generation) = (self.directory, self.clock, self.generation)
            // Unstructured on purpose: a caller that goes away must not cancel the read the
            // others wait for.
            task = Task { try await Self.read(directory, zone: zone, clock: clock, generation: generation) }
            reading = (generation, task)
        }
        let result = await task.result
        if reading?.task == task { reading = nil }
        switch result {
        case .success(let snapshot):
            if snapshot.generation >= (latest?.generation ?? 0) { latest = snapshot }
            return snapshot
        case .failure(let error as DirectoryError):
            throw error.serviceError
        case .failure(let error as ServiceError):
            throw error
        case .failure:
            throw ServiceError(.internalFailure, code: "internal", message: "could not read the tasks")
        }
    }

    /// This service changed sub-tasks or main tasks: the next answer reads the directory again.
    public func invalidate() {
        generation &+= 1
    }

    private static func read(_ directory: any TaskDirectory, zone: TimeZone, clock: any WallClock, generation: UInt64) async throws -> Snapshot {
        let readAt = clock.now()
        async let tasks = directory.mainTasks(kind: nil)
        async let states = directory.subTaskStates()
        let (mainTasks, subTasks) = try await (tasks, states)
        let instants = InstantCache(zone: zone)
        var masterKeys = ListTasks.MasterKeys()
        var tallies: [String: [TaskKind?: Tally]] = [:]
        for state in subTasks {
            tallies[masterKeys.key(state.master), default: [:]][state.kind, default: Tally()].add(state, instants: instants)
        }
        for master in tallies.keys {
            for kind in tallies[master]!.keys { tallies[master]![kind]!.dueFrom.sort() }
        }
        return Snapshot(tasks: mainTasks.sorted(by: ListTasks.order), zone: zone, readAt: readAt, tallies: tallies, generation: generation)
    }
}
