import Application
import Domain
import Foundation
import Testing

/// `TaskCounts`: the listings' count snapshot (issue 10).
@Suite(.timeLimit(.minutes(1))) struct TaskCountsTests {
    /// A directory of sub-task states whose reads are counted and can be held back.
    actor CountingDirectory: TaskDirectory {
        var states: [SubTaskState] = []
        private(set) var reads = 0
        private var gate: CheckedContinuation<Void, Never>?
        private var holding = false

        func add(master: String, status: SubTaskStatus, schedule: LocalDateTime?, kind: TaskKind? = .mail) {
            states.append(SubTaskState(master: master, kind: kind, status: status, schedule: schedule))
        }

        /// The next reads wait until `release()`.
        func hold() { holding = true }
        func release() {
            holding = false
            gate?.resume()
            gate = nil
        }

        func subTaskStates() async throws -> [SubTaskState] {
            reads += 1
            if holding { await withCheckedContinuation { gate = $0 } }
            return states
        }

        func configuration() -> FDConfiguration { FDConfiguration(entry: DirectoryEntry(dn: "cn=config", stringAttributes: ["fdTimezone": ["UTC"]])) }
        func mainTasks(kind: TaskKind?) -> [MainTask] { [] }
        func subTasks(kind: TaskKind?) -> [SubTask] { [] }
        func mainTask(named name: String, kind: TaskKind) -> MainTask? { nil }
        func subTasks(ofMaster masterDN: String) -> [SubTask] { [] }
        func subTask(at dn: String) -> SubTask? { nil }
    }

    static let master = "cn=welcome,ou=tasks,dc=example,dc=org"
    let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))

    func counts(_ directory: CountingDirectory, ttl: TimeInterval) -> TaskCounts {
        TaskCounts(directory: directory, settings: DirectorySettings(directory: directory, clock: clock), clock: clock, ttl: ttl)
    }

    static func local(_ date: Date) -> LocalDateTime {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return try! LocalDateTime(year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second!)
    }

    @Test func readsOncePerTTLAndAgainAfterAnInvalidation() async throws {
        let directory = CountingDirectory()
        await directory.add(master: Self.master, status: .scheduled, schedule: Self.local(clock.now().addingTimeInterval(-60)))
        let snapshot = counts(directory, ttl: 2)
        let first = try await snapshot.current()
        #expect(first.counts(ofMaster: Self.master, kind: nil, now: clock.now()) == SubTaskCounts(scheduled: 1, due: 1))
        await directory.add(master: Self.master, status: .completed, schedule: nil)
        clock.advance(by: 1)
        #expect(try await snapshot.current().counts(ofMaster: Self.master, kind: nil, now: clock.now()).completed == 0)
        #expect(await directory.reads == 1)

        await snapshot.invalidate()
        #expect(try await snapshot.current().counts(ofMaster: Self.master, kind: nil, now: clock.now()).completed == 1)
        #expect(await directory.reads == 2)

        clock.advance(by: 2)
        _ = try await snapshot.current()
        #expect(await directory.reads == 3, "past the TTL the directory is read again")
    }

    @Test func concurrentRequestsShareOneRead() async throws {
        let directory = CountingDirectory()
        await directory.add(master: Self.master, status: .failed("550"), schedule: nil)
        let snapshot = counts(directory, ttl: 0)
        await directory.hold()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await snapshot.current().counts(ofMaster: Self.master, kind: .mail, now: Date()).failed } }
            while await directory.reads == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(50))
            await directory.release()
            for try await failed in group { #expect(failed == 1) }
        }
        #expect(await directory.reads == 1)
    }

    /// A read that began before this service wrote is not handed to requests made after the write.
    @Test func aReadStartedBeforeAnInvalidationIsNotSharedAfterIt() async throws {
        let directory = CountingDirectory()
        let snapshot = counts(directory, ttl: 60)
        await directory.hold()
        let early = Task { try await snapshot.current() }
        while await directory.reads == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await directory.add(master: Self.master, status: .completed, schedule: nil)
        await snapshot.invalidate()
        await directory.release()
        let late = try await snapshot.current()
        #expect(late.counts(ofMaster: Self.master, kind: nil, now: clock.now()).completed == 1)
        _ = try await early.value
        #expect(await directory.reads == 2)
    }

    /// Due is worked out when answering: a sub-task whose time comes shows as due without a new read.
    @Test func dueCountsFollowTheClockBetweenReads() async throws {
        let directory = CountingDirectory()
        let now = clock.now()
        for offset in [-10.0, 30, 90] { await directory.add(master: Self.master, status: .scheduled, schedule: Self.local(now.addingTimeInterval(offset))) }
        await directory.add(master: Self.master, status: .scheduled, schedule: Self.local(now.addingTimeInterval(-10)), kind: nil)
        let snapshot = try await counts(directory, ttl: 3_600).current()
        #expect(snapshot.counts(ofMaster: Self.master, kind: nil, now: now) == SubTaskCounts(scheduled: 4, due: 1))
        #expect(snapshot.counts(ofMaster: Self.master, kind: .mail, now: now.addingTimeInterval(60)) == SubTaskCounts(scheduled: 3, due: 2))
        #expect(snapshot.counts(ofMaster: "cn=other", kind: nil, now: now) == SubTaskCounts())
        #expect(snapshot.age(now: now.addingTimeInterval(5)) == 5)
    }
}
