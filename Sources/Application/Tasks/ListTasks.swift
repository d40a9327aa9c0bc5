import Domain
import Foundation

/// A main task with the counts of its sub-tasks.
public struct TaskSummary: Sendable, Equatable {
    public let task: MainTask
    public let counts: SubTaskCounts
}

/// A main task with (a page of) its sub-tasks.
public struct TaskDetail: Sendable, Equatable {
    public let task: MainTask
    public let counts: SubTaskCounts
    public let subTasks: [SubTask]
}

/// Which sub-tasks a listing returns.
public struct SubTaskQuery: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable { case scheduled, completed, failed }

    public var status: Status?
    public var due: Bool?
    public var limit: Int
    /// Opaque: the DN of the last sub-task of the previous page.
    public var after: String?

    public static let defaultLimit = 1_000
    public static let maximumLimit = 10_000

    public init(status: Status? = nil, due: Bool? = nil, limit: Int = defaultLimit, after: String? = nil) {
        self.status = status
        self.due = due
        self.limit = limit
        self.after = after
    }

    func matches(_ state: SubTaskState, now: Date, instants: InstantCache) -> Bool {
        guard matches(status: state.status) else { return false }
        if let due, state.isDue(at: now, instants: instants) != due { return false }
        return true
    }

    func matches(status subTaskStatus: SubTaskStatus) -> Bool {
        switch (status, subTaskStatus) {
        case (nil, _), (.scheduled, .scheduled), (.completed, .completed), (.failed, .failed): true
        default: false
        }
    }
}

/// A page of the sub-tasks of one kind, grouped under their main tasks.
public struct KindListing: Sendable, Equatable {
    public let kind: TaskKind
    public let zone: TimeZone
    /// Every main task of the kind, each with the sub-tasks of this page that belong to it.
    public let tasks: [TaskDetail]
    /// Sub-tasks of this page whose master is not a main task of this kind.
    public let orphans: [SubTask]
    /// Pass as `after` for the next page; nil on the last page.
    public let next: String?
    /// How old the counts are, in seconds (the page itself is read for the request).
    public let countsAge: TimeInterval
}

/// The read side of the task API: `GET /api/tasks`, `/api/tasks/{kind}`, `/api/tasks/{kind}/{name}`.
///
/// Counts come from `TaskCounts` (a snapshot kept fresh); a kind's page costs one search for its
/// main tasks and one for its sub-tasks, with the status filter in the LDAP filter.
public struct ListTasks: Sendable {
    private let directory: any TaskDirectory
    private let settings: DirectorySettings
    private let counts: TaskCounts
    private let clock: any WallClock

    public init(directory: any TaskDirectory, settings: DirectorySettings, counts: TaskCounts, clock: any WallClock) {
        self.directory = directory
        self.settings = settings
        self.counts = counts
        self.clock = clock
    }

    /// Every main task, of every kind, with its sub-task counts, and how old the counts are (s).
    public func all() async throws(ServiceError) -> (zone: TimeZone, tasks: [TaskSummary], countsAge: TimeInterval) {
        let snapshot = try await counts.current()
        let now = clock.now()
        let summaries = snapshot.tasks.map { task in
            TaskSummary(task: task, counts: snapshot.counts(ofMaster: Self.key(task.dn), kind: nil, now: now))
        }
        return (snapshot.zone, summaries, snapshot.age(now: now))
    }

    /// The main tasks of one kind, with one page of their sub-tasks.
    public func ofKind(_ kind: TaskKind, query: SubTaskQuery) async throws(ServiceError) -> KindListing {
        let snapshot = try await counts.current()
        let now = clock.now()
        let instants = InstantCache(zone: snapshot.zone)
        var (tasks, records) = try await read { () async throws -> ([MainTask], [SubTaskRecord]) in
            async let tasks = directory.mainTasks(kind: kind)
            async let records = directory.subTaskRecords(kind: kind, status: query.status)
            return try await (tasks, records)
        }
        // Every sub-task of the kind is read to find the page, but only the page's are parsed
        // (and only their states when the query filters). Page keys are computed once per
        // selected sub-task, master keys once per distinct master (a few for thousands of
        // sub-tasks).
        var masterKeys = MasterKeys()
        let filters = query.status != nil || query.due != nil
        var selected: [(key: [UInt8], index: Int)] = []
        selected.reserveCapacity(records.count)
        for (index, record) in records.enumerated() where !filters || query.matches(record.state, now: now, instants: instants) {
            selected.append((Self.pageKey(record.dn), index))
        }
        let masters = Set(tasks.map { Self.key($0.dn) })
        let after = query.after.map(Self.pageKey)
        selected.sort { $0.key.lexicographicallyPrecedes($1.key) }
        let remaining = selected.drop { element in after.map { !$0.lexicographicallyPrecedes(element.key) } ?? false }
        let page = remaining.prefix(query.limit).map { records[$0.index].parse() }
        let next = remaining.count > query.limit ? page.last?.dn : nil
        let pageMasters = page.map { masterKeys.key($0.master) }
        let pageByMaster = Dictionary(grouping: page.indices) { pageMasters[$0] }
        let details = tasks.sorted(by: Self.order).map { task in
            let key = Self.key(task.dn)
            return TaskDetail(
                task: task,
                counts: snapshot.counts(ofMaster: key, kind: kind, now: now),
                subTasks: (pageByMaster[key] ?? []).map { page[$0] }
            )
        }
        let orphans = page.indices.filter { !masters.contains(pageMasters[$0]) }.map { page[$0] }
        return KindListing(kind: kind, zone: snapshot.zone, tasks: details, orphans: orphans, next: next, countsAge: snapshot.age(now: now))
    }

    /// One main task and all its sub-tasks; nil when there is no such task of that kind.
    public func one(_ kind: TaskKind, named name: String) async throws(ServiceError) -> (zone: TimeZone, detail: TaskDetail)? {
        let snapshot = try await settings.current()
        let now = clock.now()
        guard let task = try await read({ try await directory.mainTask(named: name, kind: kind) }) else { return nil }
        let subTasks = try await read { try await directory.subTasks(ofMaster: task.dn) }
        let sorted = subTasks.map { (key: Self.pageKey($0.dn), subTask: $0) }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.subTask)
        return (snapshot.zone, TaskDetail(task: task, counts: SubTaskCounts(sorted, now: now, instants: InstantCache(zone: snapshot.zone)), subTasks: sorted))
    }

    /// DNs compare through their parsed form when possible (case and spacing of attribute types
    /// vary between what FD wrote in fdTasksGranularMaster and what the server returns).
    static func key(_ dn: String?) -> String {
        guard let dn else { return "" }
        guard let parsed = try? DistinguishedName(parsing: dn) else { return dn.lowercased() }
        return parsed.description.lowercased()
    }

    /// The order of sub-tasks in listings and pages: the DN's bytes as the server returns them,
    /// ASCII letters folded. The server writes one DN one way, so no parsing is needed (that is
    /// for master DNs, written by FD); comparing bytes instead of Strings keeps a sort of 10,000
    /// cheap. A cursor is a DN the server returned, so it gets the same key.
    static func pageKey(_ dn: String) -> [UInt8] {
        dn.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
    }

    /// Keys of master DNs, each distinct text parsed once.
    struct MasterKeys {
        private var known: [String: String] = [:]

        mutating func key(_ dn: String?) -> String {
            guard let dn else { return ListTasks.key(nil) }
            if let key = known[dn] { return key }
            let key = ListTasks.key(dn)
            known[dn] = key
            return key
        }
    }

    static func order(_ lhs: MainTask, _ rhs: MainTask) -> Bool {
        (lhs.cn ?? lhs.dn).lowercased() < (rhs.cn ?? rhs.dn).lowercased()
    }

    private func read<T: Sendable>(_ body: () async throws -> T) async throws(ServiceError) -> T {
        do {
            return try await body()
        } catch let error as DirectoryError {
            throw error.serviceError
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError(.internalFailure, code: "internal", message: "could not read the tasks")
        }
    }
}
