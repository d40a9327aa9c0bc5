@testable import StateStoreAdapter
@testable import InMemoryAdapter
import Application
import Foundation
import Logging
import Testing

/// The journals under contract: both stores, and the in-memory one of ApplicationTests.
enum JournalBackend: String, Sendable, CustomTestStringConvertible {
    case postgres, embedded, memory
    var testDescription: String { rawValue }
    static let all: [JournalBackend] = [.postgres, .embedded, .memory]
}

/// A delivery journal's data location (see `StoreLocation`).
struct WorkJournalLocation: Sendable {
    private let location: StoreLocation?
    private let memory = InMemoryWorkJournal()

    init(_ backend: JournalBackend, services: TestServices) throws {
        location = switch backend {
        case .postgres: try StoreLocation(.postgres, services: services, name: "work-journal")
        case .embedded: try StoreLocation(.embedded, services: services, name: "work-journal")
        case .memory: nil
        }
    }

    func cleanUp() { location?.cleanUp() }

    func withJournal<T: Sendable>(_ body: (any WorkJournal) async throws -> T) async throws -> T {
        guard let location else { return try await body(memory) }
        return try await location.open(
            postgres: { PostgresWorkJournal(database: $0, logger: $1) as any WorkJournal },
            embedded: { SQLiteWorkJournal(database: $0, logger: $1) as any WorkJournal },
            body
        )
    }
}

extension LiveServices {
    /// One contract, both delivery journals: a key is held by one run at a time, expired claims
    /// come back, `sending` never does, released keys do, final states stay final, data survives
    /// a restart.
    @Suite struct WorkJournalContractTests {
        let services = TestServices.shared
        /// Whole seconds, so that times round-trip exactly through both stores.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        /// Unique per test: the PostgreSQL database is shared with other tests and earlier runs.
        let id = UUID().uuidString

        private func withJournal(_ backend: JournalBackend, _ body: (any WorkJournal) async throws -> Void) async throws {
            let location = try WorkJournalLocation(backend, services: services)
            defer { location.cleanUp() }
            try await location.withJournal(body)
        }

        /// The DN of this test's sub-task `index`.
        private func dn(_ index: Int) -> String { "cn=sub-\(index)-\(id),cn=mail,ou=tasks,dc=example,dc=org" }

        /// `count` recipients of one sub-task.
        private func keys(_ count: Int, subTask: Int = 0) -> [WorkKey] {
            (0..<count).map { WorkKey(operation: .kind(.mail), subTaskDN: dn(subTask), target: "user\($0)@example.org") }
        }

        private func record(_ journal: any WorkJournal, _ key: WorkKey) async throws -> WorkRecord? {
            try await journal.records(forSubTasks: [key.subTaskDN], operation: .kind(.mail)).first { $0.key == key }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func theHappyPathWalksEveryState(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = WorkKey(operation: .kind(.mail), subTaskDN: dn(0), target: "alice@example.org")
                #expect(try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail)).isEmpty)

                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 10, reclaimApplying: false, now: now) == [key])
                #expect(try await record(journal, key)
                    == WorkRecord(key: key, state: .claimed, owner: "run-a", leaseExpiresAt: now + 60, attempts: 1, generation: 0, detail: nil, updatedAt: now))

                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                let sending = try #require(try await record(journal, key))
                #expect(sending.state == .applying && sending.owner == "run-a" && sending.attempts == 1 && sending.updatedAt == now + 1)

                try await journal.record(key, .applied, owner: "run-a", now: now + 2)
                let sent = try #require(try await record(journal, key))
                #expect(sent.state == .applied && sent.attempts == 1 && sent.updatedAt == now + 2)

                try await journal.settle([key], now: now + 3)
                let done = try #require(try await record(journal, key))
                #expect(done.state == .done && done.attempts == 1 && done.detail == nil && done.updatedAt == now + 3)
                #expect(try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail)).count == 1)
                // Done is final for sending.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 9999, limit: 10, reclaimApplying: false, now: now + 9000).isEmpty)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func aRetriedItemWaitsForItsBackoffAndAnUntriedOneGivesItsAttemptBack(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let tried = WorkKey(operation: .kind(.mail), subTaskDN: dn(0), target: "tried@example.org")
                let untried = WorkKey(operation: .kind(.mail), subTaskDN: dn(0), target: "untried@example.org")
                #expect(try await journal.claim([tried, untried], owner: "run-a", leaseUntil: now + 60, limit: 10, reclaimApplying: false, now: now).count == 2)
                #expect(try await journal.begin(tried, owner: "run-a", now: now))
                try await journal.record(tried, .deferred("451 later"), owner: "run-a", now: now + 1, retry: .after(now + 120))
                try await journal.record(untried, .deferred("run stopped"), owner: "run-a", now: now + 1, retry: .notAttempted)
                let waiting = try #require(try await record(journal, tried))
                #expect(waiting.state == .released && waiting.retryAt == now + 120 && waiting.attempts == 1 && waiting.detail == "451 later")
                let refunded = try #require(try await record(journal, untried))
                #expect(refunded.state == .released && refunded.retryAt == nil && refunded.attempts == 0)

                // Before its time only the untried one is claimable; at its time the other too.
                #expect(try await journal.claim([tried, untried], owner: "run-b", leaseUntil: now + 200, limit: 10, reclaimApplying: false, now: now + 119) == [untried])
                #expect(try await journal.claim([tried], owner: "run-b", leaseUntil: now + 200, limit: 10, reclaimApplying: false, now: now + 120) == [tried])
                #expect(try await record(journal, tried)?.attempts == 2)
                #expect(try await record(journal, untried)?.attempts == 1)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func heldKeysAreNotClaimedTwice(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let held = keys(5)
                #expect(try await journal.claim(held, owner: "run-a", leaseUntil: now + 60, limit: 100, reclaimApplying: false, now: now) == held)
                #expect(try await journal.claim(held, owner: "run-b", leaseUntil: now + 60, limit: 100, reclaimApplying: false, now: now + 1).isEmpty)
                // Not even by the same owner, nor with its duplicates: a claim is one attempt.
                #expect(try await journal.claim(held + held, owner: "run-a", leaseUntil: now + 60, limit: 100, reclaimApplying: false, now: now + 2).isEmpty)
                let records = try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail))
                #expect(records.count == 5)
                #expect(records.allSatisfy { $0.state == .claimed && $0.owner == "run-a" && $0.attempts == 1 && $0.leaseExpiresAt == now + 60 })
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func eightConcurrentClaimersSplitTwoHundredKeys(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                // Four sub-tasks of fifty recipients; every claimer walks them in its own order.
                let all = (0..<4).flatMap { keys(50, subTask: $0) }
                let shares = try await withThrowingTaskGroup(of: (Int, [WorkKey]).self, returning: [Int: [WorkKey]].self) { group in
                    for claimer in 0..<8 {
                        let order = claimer == 0 ? all : all.shuffled()
                        group.addTask {
                            (claimer, try await journal.claim(order, owner: "run-\(claimer)", leaseUntil: now + 60, limit: 10_000, reclaimApplying: false, now: now))
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                let counts = (0..<8).map { shares[$0]?.count ?? 0 }
                print("WorkJournal[\(backend.rawValue)]: 8 concurrent claimers of 200 keys got \(counts)")

                let union = shares.values.flatMap { $0 }
                #expect(union.count == 200, "a key was given to two claimers")
                #expect(Set(union) == Set(all))
                // Each record names the claimer that received it.
                let records = try await journal.records(forSubTasks: (0..<4).map(dn), operation: .kind(.mail))
                #expect(records.count == 200)
                let ownerOf = Dictionary(uniqueKeysWithValues: records.map { ($0.key, $0.owner) })
                for (claimer, share) in shares {
                    #expect(share.allSatisfy { ownerOf[$0] == "run-\(claimer)" })
                }
                #expect(records.allSatisfy { $0.state == .claimed && $0.attempts == 1 })
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func theLimitIsHonouredInTheGivenOrder(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let all = keys(10)
                #expect(try await journal.claim(all, owner: "run-a", leaseUntil: now + 60, limit: 0, reclaimApplying: false, now: now).isEmpty)
                // run-a holds 1 and 3: run-b's first three claimable keys are 0, 2, 4.
                #expect(try await journal.claim([all[1], all[3]], owner: "run-a", leaseUntil: now + 60, limit: 5, reclaimApplying: false, now: now) == [all[1], all[3]])
                #expect(try await journal.claim(all, owner: "run-b", leaseUntil: now + 60, limit: 3, reclaimApplying: false, now: now) == [all[0], all[2], all[4]])
                // The keys beyond the limit were left untouched.
                let untouched = try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail))
                #expect(untouched.count == 5)
                #expect(try await journal.claim(Array(all.reversed()), owner: "run-c", leaseUntil: now + 60, limit: 2, reclaimApplying: false, now: now) == [all[9], all[8]])
                #expect(try await journal.claim(all, owner: "run-d", leaseUntil: now + 60, limit: 100, reclaimApplying: false, now: now) == [all[5], all[6], all[7]])
                #expect(try await journal.claim(all, owner: "run-e", leaseUntil: now + 60, limit: 100, reclaimApplying: false, now: now).isEmpty)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func anExpiredLeaseIsClaimableByAnotherOwner(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [key])
                // Still held one second before the end of the lease.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 120, limit: 1, reclaimApplying: false, now: now + 59).isEmpty)
                // run-a died before DATA: once its lease is over, resending is safe.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 180, limit: 1, reclaimApplying: false, now: now + 61) == [key])
                #expect(try await record(journal, key)
                    == WorkRecord(key: key, state: .claimed, owner: "run-b", leaseExpiresAt: now + 180, attempts: 2, generation: 0, detail: nil, updatedAt: now + 61))
                // The late run-a cannot go on with it; run-b can.
                #expect(try await journal.begin(key, owner: "run-a", now: now + 62) == false)
                #expect(try await journal.begin(key, owner: "run-b", now: now + 62))
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func markSendingFailsOnceTheLeaseExpired(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [key])
                #expect(try await journal.begin(key, owner: "run-a", now: now + 61) == false)
                let record = try #require(try await record(journal, key))
                #expect(record.state == .claimed && record.owner == "run-a")
                // A key nobody claimed cannot be marked either.
                let unclaimed = WorkKey(operation: .kind(.mail), subTaskDN: dn(1), target: "nobody@example.org")
                #expect(try await journal.begin(unclaimed, owner: "run-a", now: now) == false)
                #expect(try await journal.records(forSubTasks: [dn(1)], operation: .kind(.mail)).isEmpty)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func aKeyLeftSendingIsNeverClaimedAgain(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [key])
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                // run-a crashed during DATA: the message may or may not have gone out.
                for later in [now + 61, now + 3600, now + 86_400 * 30] {
                    #expect(try await journal.claim([key], owner: "run-b", leaseUntil: later + 60, limit: 1, reclaimApplying: false, now: later).isEmpty)
                }
                #expect(try await journal.begin(key, owner: "run-b", now: now + 62) == false)
                #expect(try await journal.begin(key, owner: "run-a", now: now + 2) == false)
                let record = try #require(try await record(journal, key))
                #expect(record.state == .applying && record.owner == "run-a" && record.attempts == 1)
                // markDone only settles sent/failed deliveries.
                try await journal.settle([key], now: now + 63)
                #expect(try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail)).first?.state == .applying)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func releaseMakesAKeyClaimableAgainWithItsDetail(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (claimed, sending) = (keys(2)[0], keys(2)[1])
                #expect(try await journal.claim([claimed, sending], owner: "run-a", leaseUntil: now + 60, limit: 2, reclaimApplying: false, now: now) == [claimed, sending])
                #expect(try await journal.begin(sending, owner: "run-a", now: now + 1))
                // Another owner cannot release what it does not hold.
                try await journal.record(claimed, .deferred("not mine"), owner: "run-x", now: now + 2)
                #expect(try await record(journal, claimed)?.owner == "run-a")

                try await journal.record(claimed, .deferred("connection refused"), owner: "run-a", now: now + 3)
                try await journal.record(sending, .deferred("451 4.3.0 try again later"), owner: "run-a", now: now + 3)
                // A released key is held by nobody, with its reason.
                #expect(try await record(journal, claimed)
                    == WorkRecord(key: claimed, state: .released, owner: nil, leaseExpiresAt: nil, attempts: 1, generation: 0, detail: "connection refused", updatedAt: now + 3))
                #expect(try await record(journal, sending)
                    == WorkRecord(key: sending, state: .released, owner: nil, leaseExpiresAt: nil, attempts: 1, generation: 0, detail: "451 4.3.0 try again later", updatedAt: now + 3))
                #expect(try await journal.begin(claimed, owner: "run-a", now: now + 4) == false)

                // Claimable at once, before run-a's old lease would have ended.
                #expect(try await journal.claim([claimed, sending], owner: "run-b", leaseUntil: now + 120, limit: 2, reclaimApplying: false, now: now + 5) == [claimed, sending])
                let again = try #require(try await record(journal, sending))
                #expect(again.state == .claimed && again.owner == "run-b" && again.attempts == 2 && again.leaseExpiresAt == now + 120)
                #expect(again.detail == "451 4.3.0 try again later")
                #expect(try await journal.claim([claimed, sending], owner: "run-c", leaseUntil: now + 120, limit: 2, reclaimApplying: false, now: now + 6).isEmpty)
                #expect(try await journal.begin(sending, owner: "run-b", now: now + 7))
            }
        }

        /// FD's "Renew" sets a finished sub-task back to 1: its done deliveries start over, but
        /// only for the run that reopens them while they are still as it read them.
        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func aDoneDeliveryReopensOnceForARenewedSubTask(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [key])
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                try await journal.record(key, .applied, owner: "run-a", now: now + 2)
                let sent = try #require(try await record(journal, key))
                #expect(try await journal.reopen([sent], now: now + 3).isEmpty)   // sent is not done: never reopened
                try await journal.settle([key], now: now + 4)
                let done = try #require(try await record(journal, key))

                // Two runs both read `done`; only one reopens.
                #expect(try await journal.reopen([done], now: now + 5) == [key])
                #expect(try await journal.reopen([done], now: now + 5).isEmpty)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now + 6) == [key])
                #expect(try await journal.begin(key, owner: "run-b", now: now + 7))
                try await journal.record(key, .applied, owner: "run-b", now: now + 8)
                try await journal.settle([key], now: now + 9)
                // The stale reader's `done` (older updatedAt) cannot reopen the new generation.
                #expect(try await journal.reopen([done], now: now + 10).isEmpty)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func markFailedIsFinal(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (claimed, sending) = (keys(2)[0], keys(2)[1])
                #expect(try await journal.claim([claimed, sending], owner: "run-a", leaseUntil: now + 60, limit: 2, reclaimApplying: false, now: now) == [claimed, sending])
                #expect(try await journal.begin(sending, owner: "run-a", now: now + 1))
                try await journal.record(claimed, .failed("not mine"), owner: "run-x", now: now + 2)
                #expect(try await record(journal, claimed)?.state == .claimed)

                try await journal.record(claimed, .failed("no address"), owner: "run-a", now: now + 2)
                try await journal.record(sending, .failed("550 5.1.1 no such user"), owner: "run-a", now: now + 2)
                for key in [claimed, sending] {
                    #expect(try await record(journal, key)?.state == .failed)
                    // Nothing moves it: claims, even much later, sending, release.
                    #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 99_999, limit: 1, reclaimApplying: false, now: now + 90_000).isEmpty)
                    #expect(try await journal.begin(key, owner: "run-a", now: now + 3) == false)
                    try await journal.record(key, .deferred("late"), owner: "run-a", now: now + 4)
                    try await journal.record(key, .applied, owner: "run-a", now: now + 4)
                }
                let failed = try #require(try await record(journal, sending))
                #expect(failed.state == .failed && failed.detail == "550 5.1.1 no such user" && failed.attempts == 1 && failed.updatedAt == now + 2)

                // Done once LDAP reflects it; the refusal text stays.
                try await journal.settle([claimed, sending], now: now + 5)
                let done = try #require(try await record(journal, sending))
                #expect(done.state == .done && done.detail == "550 5.1.1 no such user")
                #expect(try await record(journal, claimed)?.detail == "no address")
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func sentKeysAreNotClaimable(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [key])
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                // Sent is recorded even after the lease ran out (the server said 250).
                try await journal.record(key, .applied, owner: "run-a", now: now + 90)
                #expect(try await record(journal, key)?.state == .applied)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 99_999, limit: 1, reclaimApplying: false, now: now + 90_000).isEmpty)
                try await journal.record(key, .deferred("late"), owner: "run-a", now: now + 91)
                try await journal.record(key, .failed("late"), owner: "run-a", now: now + 91)
                let sent = try #require(try await record(journal, key))
                #expect(sent.state == .applied && sent.detail == nil && sent.attempts == 1 && sent.updatedAt == now + 90)
                // Applied needs applying, by the owner.
                let other = WorkKey(operation: .kind(.mail), subTaskDN: dn(0), target: "other@example.org")
                #expect(try await journal.claim([other], owner: "run-a", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now) == [other])
                try await journal.record(other, .applied, owner: "run-a", now: now + 1)
                #expect(try await record(journal, other)?.state == .claimed)
                #expect(try await journal.begin(other, owner: "run-a", now: now + 2))
                try await journal.record(other, .applied, owner: "run-b", now: now + 3)
                #expect(try await record(journal, other)?.state == .applying)
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded])
        func theJournalSurvivesARestart(_ backend: JournalBackend) async throws {
            let location = try WorkJournalLocation(backend, services: services)
            defer { location.cleanUp() }
            let (sent, sending, stale, released) = (keys(4)[0], keys(4)[1], keys(4)[2], keys(4)[3])
            try await location.withJournal { journal throws in
                #expect(try await journal.claim(keys(4), owner: "run-a", leaseUntil: now + 60, limit: 10, reclaimApplying: false, now: now) == keys(4))
                #expect(try await journal.begin(sent, owner: "run-a", now: now + 1))
                try await journal.record(sent, .applied, owner: "run-a", now: now + 2)
                #expect(try await journal.begin(sending, owner: "run-a", now: now + 1))
                try await journal.record(released, .deferred("421 busy"), owner: "run-a", now: now + 3)
            }
            // A new instance (new pool, new SQLite connection) on the same data.
            try await location.withJournal { journal throws in
                let records = try await journal.records(forSubTasks: [dn(0)], operation: .kind(.mail))
                #expect(records.map(\.key) == [sent, sending, stale, released])
                #expect(records.map(\.state) == [.applied, .applying, .claimed, .released])
                #expect(records[2].owner == "run-a" && records[2].leaseExpiresAt == now + 60)
                #expect(records[3].owner == nil && records[3].detail == "421 busy")
                // The restarted service (a new run) gets back only what is safe to send.
                #expect(try await journal.claim(keys(4), owner: "run-b", leaseUntil: now + 200, limit: 10, reclaimApplying: false, now: now + 100) == [stale, released])
            }
        }

        @Test(arguments: [JournalBackend.postgres, .embedded, .memory])
        func claimingAThousandKeysInOneCall(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                // 1,000 sub-tasks of one recipient each: `records` needs more than one chunk.
                let all = (0..<1000).map { WorkKey(operation: .kind(.mail), subTaskDN: dn($0), target: "user@example.org") }
                let clock = ContinuousClock()
                let started = clock.now
                let claimed = try await journal.claim(all, owner: "run-a", leaseUntil: now + 60, limit: 10_000, reclaimApplying: false, now: now)
                let elapsed = clock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                print("WorkJournal[\(backend.rawValue)]: claiming 1,000 keys in one call took \(String(format: "%.1f", milliseconds)) ms")
                #expect(claimed == all)

                let records = try await journal.records(forSubTasks: all.map(\.subTaskDN), operation: .kind(.mail))
                #expect(records.count == 1000)
                #expect(Set(records.map(\.key)) == Set(all))
                try await journal.settle(all, now: now + 1)
                for key in all.prefix(600) {
                    _ = try await journal.begin(key, owner: "run-a", now: now + 1)
                    try await journal.record(key, .applied, owner: "run-a", now: now + 2)
                }
                try await journal.settle(all, now: now + 3)
                let states = try await journal.records(forSubTasks: all.map(\.subTaskDN), operation: .kind(.mail)).map(\.state)
                #expect(states.filter { $0 == .done }.count == 600)
                #expect(states.filter { $0 == .claimed }.count == 400)
            }
        }

        @Test(arguments: JournalBackend.all)
        func theHeartbeatExtendsOnlyTheLiveLeasesOfItsOwner(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (mine, applying, theirs) = (keys(3)[0], keys(3)[1], keys(3)[2])
                _ = try await journal.claim([mine, applying], owner: "run-a-\(id)", leaseUntil: now + 10, limit: 2, reclaimApplying: false, now: now)
                _ = try await journal.claim([theirs], owner: "run-b-\(id)", leaseUntil: now + 10, limit: 1, reclaimApplying: false, now: now)
                #expect(try await journal.begin(applying, owner: "run-a-\(id)", now: now + 1))
                #expect(try await journal.extendLeases(owner: "run-a-\(id)", until: now + 20, now: now + 5) == 2)
                #expect(try await record(journal, mine)?.leaseExpiresAt == now + 20)
                #expect(try await record(journal, applying)?.leaseExpiresAt == now + 20)
                #expect(try await record(journal, theirs)?.leaseExpiresAt == now + 10)
                // Past its lease, a run's heartbeat comes too late: the claim is not revived.
                #expect(try await journal.extendLeases(owner: "run-b-\(id)", until: now + 40, now: now + 11) == 0)
                #expect(try await journal.claim([theirs], owner: "run-c-\(id)", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now + 11) == [theirs])
            }
        }

        @Test(arguments: JournalBackend.all)
        func anItemLeftApplyingIsTakenOverOnlyWhenTheKindMayRepeatIt(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                _ = try await journal.claim([key], owner: "run-a", leaseUntil: now + 10, limit: 1, reclaimApplying: false, now: now)
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now + 11).isEmpty)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 60, limit: 1, reclaimApplying: true, now: now + 5).isEmpty)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 60, limit: 1, reclaimApplying: true, now: now + 11) == [key])
                #expect(try await record(journal, key)?.attempts == 2)
            }
        }

        @Test(arguments: JournalBackend.all)
        func anUnknownItemStaysUntilAnOperatorSettlesIt(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (lost, retried, live) = (keys(3)[0], keys(3)[1], keys(3)[2])
                _ = try await journal.claim([lost, retried, live], owner: "run-a", leaseUntil: now + 60, limit: 3, reclaimApplying: false, now: now)
                for key in [lost, retried, live] { #expect(try await journal.begin(key, owner: "run-a", now: now + 1)) }
                try await journal.record(lost, .unknown("no reply after the message data"), owner: "run-a", now: now + 2)
                try await journal.record(retried, .unknown("reset"), owner: "run-a", now: now + 2)
                let unknown = try #require(try await record(journal, lost))
                #expect(unknown.state == .unknown && unknown.detail == "no reply after the message data" && unknown.leaseExpiresAt == nil)
                #expect(try await journal.claim([lost], owner: "run-b", leaseUntil: now + 999, limit: 1, reclaimApplying: true, now: now + 900).isEmpty)

                let settled = try #require(try await journal.resolve(lost, as: .applied, by: "admin", now: now + 3))
                #expect(settled.state == .applied && settled.detail?.contains("admin") == true)
                #expect(try await journal.resolve(lost, as: .applied, by: "admin", now: now + 4) == nil)
                try await journal.settle([lost], now: now + 5)
                #expect(try await record(journal, lost)?.state == .done)

                #expect(try await journal.resolve(retried, as: .retry, by: "admin", now: now + 3)?.state == .released)
                #expect(try await journal.claim([retried], owner: "run-b", leaseUntil: now + 60, limit: 1, reclaimApplying: false, now: now + 4) == [retried])
                // An item a live run is applying cannot be settled under it.
                #expect(try await journal.resolve(live, as: .applied, by: "admin", now: now + 3) == nil)
                // Once that run is dead, it can.
                #expect(try await journal.resolve(live, as: .retry, by: "admin", now: now + 61)?.state == .released)
            }
        }

        @Test(arguments: JournalBackend.all)
        func theStatusPageListsWhatAnOperatorCanSettleOldestFirst(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                // In 1990, so these come before anything other tests left in a shared database.
                let base = Date(timeIntervalSince1970: 631_152_000)
                let (lost, live, done) = (keys(3)[0], keys(3)[1], keys(3)[2])
                _ = try await journal.claim([lost, live, done], owner: "run-a", leaseUntil: base + 60, limit: 3, reclaimApplying: false, now: base)
                for key in [lost, live, done] { #expect(try await journal.begin(key, owner: "run-a", now: base + 1)) }
                try await journal.record(lost, .unknown("no reply after the message data"), owner: "run-a", now: base + 2)
                try await journal.record(done, .applied, owner: "run-a", now: base + 2)
                func mine(_ now: Date, limit: Int = 1_000) async throws -> [WorkKey] {
                    try await journal.unresolved(limit: limit, now: now).map(\.key).filter { $0.subTaskDN.contains(id) }
                }
                // The live run's item is not the operator's while its lease holds.
                #expect(try await mine(base + 30) == [lost])
                let listed = try await journal.unresolved(limit: 1_000, now: base + 61).filter { $0.key.subTaskDN.contains(id) }
                #expect(listed.map(\.key) == [live, lost])
                #expect(listed.map(\.state) == [.applying, .unknown])
                #expect(listed.last?.detail == "no reply after the message data")
                #expect(try await journal.unresolved(limit: 1, now: base + 61).map(\.key) == [live])
                _ = try await journal.resolve(lost, as: .applied, by: "admin", now: base + 62)
                #expect(try await mine(base + 63) == [live])
            }
        }

        @Test(arguments: JournalBackend.all)
        func aReopenedItemCarriesTheNextGeneration(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                for generation in 0..<3 {
                    let start = now + Double(generation * 10)
                    #expect(try await journal.claim([key], owner: "run-\(generation)", leaseUntil: start + 60, limit: 1, reclaimApplying: false, now: start) == [key])
                    #expect(try await journal.begin(key, owner: "run-\(generation)", now: start + 1))
                    try await journal.record(key, .applied, owner: "run-\(generation)", now: start + 2)
                    try await journal.settle([key], now: start + 3)
                    let done = try #require(try await record(journal, key))
                    #expect(done.generation == generation)
                    #expect(try await journal.reopen([done], now: start + 4) == [key])
                    // A second reopen of what was read before is refused.
                    #expect(try await journal.reopen([done], now: start + 5).isEmpty)
                }
                #expect(try await record(journal, key)?.generation == 3)
            }
        }

        @Test(arguments: JournalBackend.all)
        func progressIsKeptAcrossAttemptsAndClearedByARenewal(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                _ = try await journal.claim([key], owner: "run-a", leaseUntil: now + 10, limit: 1, reclaimApplying: true, now: now)
                // Only while applying, and only by its owner.
                #expect(try await journal.saveProgress(key, "early", owner: "run-a", now: now + 1) == false)
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                #expect(try await journal.saveProgress(key, "other", owner: "run-b", now: now + 1) == false)
                #expect(try await journal.saveProgress(key, "rewritten", owner: "run-a", now: now + 2))
                try await journal.record(key, .deferred("FD 503"), owner: "run-a", now: now + 3)
                #expect(try await record(journal, key)?.progress == "rewritten")
                _ = try await journal.claim([key], owner: "run-b", leaseUntil: now + 20, limit: 1, reclaimApplying: true, now: now + 4)
                let again = try #require(try await record(journal, key))
                #expect(again.progress == "rewritten" && again.attempts == 2)
                #expect(try await journal.begin(key, owner: "run-b", now: now + 5))
                try await journal.record(key, .appliedNoting("old → new"), owner: "run-b", now: now + 6)
                let applied = try #require(try await record(journal, key))
                #expect(applied.state == .applied && applied.detail == "old → new" && applied.progress == "rewritten")
                try await journal.settle([key], now: now + 7)
                let done = try #require(try await record(journal, key))
                #expect(try await journal.reopen([done], now: now + 8) == [key])
                let reopened = try #require(try await record(journal, key))
                #expect(reopened.progress == nil && reopened.attempts == 0 && reopened.generation == 1)
            }
        }

        @Test(arguments: JournalBackend.all)
        func aNotNeededItemIsFinalUntilSettled(_ backend: JournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                _ = try await journal.claim([key], owner: "run-a", leaseUntil: now + 10, limit: 1, reclaimApplying: true, now: now)
                #expect(try await journal.begin(key, owner: "run-a", now: now + 1))
                try await journal.record(key, .notNeeded("left the state"), owner: "run-a", now: now + 2)
                #expect(try await record(journal, key)?.state == .notNeeded)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 99, limit: 1, reclaimApplying: true, now: now + 50).isEmpty)
                try await journal.settle([key], now: now + 3)
                #expect(try await record(journal, key)?.state == .done)
            }
        }
    }
}
