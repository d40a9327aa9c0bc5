import Domain
import Foundation

/// What the status page shows: the last runs of each operation, the items an operator must settle
/// (outcome unknown), the sub-tasks that gave up after their retries (dead), and the messages sent
/// and failed per day, in the directory's zone.
public struct StatusOverview: Sendable {
    public struct Dependencies: Sendable {
        public let history: any RunHistory
        public let journal: any WorkJournal
        public let directory: any TaskDirectory
        public let settings: DirectorySettings
        public let clock: any WallClock

        public init(history: any RunHistory, journal: any WorkJournal, directory: any TaskDirectory, settings: DirectorySettings, clock: any WallClock) {
            self.history = history
            self.journal = journal
            self.directory = directory
            self.settings = settings
            self.clock = clock
        }
    }

    /// The last runs of one operation, newest first.
    public struct OperationRuns: Sendable, Equatable {
        public let operation: RunOperation
        public let runs: [RunReport]
    }

    /// A failed sub-task whose detail says it gave up after its retries: re-drive it.
    public struct DeadSubTask: Sendable, Equatable {
        public let operation: RunOperation
        public let subTask: SubTask
        public let reason: String
    }

    /// One day of the chart: messages the relay accepted and items that failed, in operations that mail.
    public struct Day: Sendable, Equatable {
        public let date: CalendarDate
        public var sent: Int
        public var failed: Int
    }

    public struct Snapshot: Sendable, Equatable {
        public let zone: TimeZone
        public let generatedAt: Date
        public let operations: [OperationRuns]
        public let unresolved: [WorkRecord]
        public let dead: [DeadSubTask]
        /// `days` entries, oldest first, the last being today.
        public let days: [Day]
    }

    public static let runsPerOperation = 5
    public static let itemLimit = 100
    public static let chartDays = 30
    /// The operations whose items are sub-tasks that can die and be re-driven.
    static let redrivable: [TaskKind] = [.mail, .lifeCycle, .notifications, .reminder]

    private let deps: Dependencies

    public init(_ deps: Dependencies) {
        self.deps = deps
    }

    public func callAsFunction() async throws(ServiceError) -> Snapshot {
        let zone = try await deps.settings.current().zone
        let now = deps.clock.now()
        do {
            var operations: [OperationRuns] = []
            for operation in RunOperation.all {
                operations.append(OperationRuns(operation: operation, runs: try await deps.history.runs(operation: operation, limit: Self.runsPerOperation, before: nil)))
            }
            let unresolved = try await deps.journal.unresolved(limit: Self.itemLimit, now: now)
            var dead: [DeadSubTask] = []
            for kind in Self.redrivable where dead.count < Self.itemLimit {
                for subTask in try await deps.directory.subTasks(kind: kind, status: .failed) {
                    guard case .failed(let reason) = subTask.status, reason.hasPrefix(RunReport.Item.deadPrefix) else { continue }
                    dead.append(DeadSubTask(operation: .kind(kind), subTask: subTask, reason: reason))
                }
            }
            let mailing = RunOperation.all.filter(RunTasks.sendsMessages)
            let today = CalendarDate(instant: now, in: zone)
            let first = today.adding(days: 1 - Self.chartDays)
            let tallies = try await deps.history.tallies(since: first.startInstant(in: zone), operations: mailing)
            return Snapshot(
                zone: zone, generatedAt: now, operations: operations, unresolved: unresolved, dead: Array(dead.prefix(Self.itemLimit)),
                days: Self.days(from: first, through: today, tallies: tallies, zone: zone)
            )
        } catch {
            throw ServiceError.from(error, doing: "reading the status")
        }
    }

    /// The tallies summed per local day, every day from `first` through `last` present.
    static func days(from first: CalendarDate, through last: CalendarDate, tallies: [RunTally], zone: TimeZone) -> [Day] {
        let count = first.days(until: last) + 1
        guard count > 0 else { return [] }
        var days = (0..<count).map { Day(date: first.adding(days: $0), sent: 0, failed: 0) }
        for tally in tallies {
            let index = first.days(until: CalendarDate(instant: tally.startedAt, in: zone))
            guard days.indices.contains(index) else { continue }
            days[index].sent += tally.applied
            days[index].failed += tally.failed
        }
        return days
    }
}
