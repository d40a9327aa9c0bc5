@testable import Adapters
import Application
import Foundation
import Logging
import Testing

typealias DeliveryJournalBackend = StoreBackend

/// A delivery journal's data location (see `StoreLocation`).
struct DeliveryJournalLocation: Sendable {
    private let location: StoreLocation

    init(_ backend: DeliveryJournalBackend, services: TestServices) throws {
        location = try StoreLocation(backend, services: services, name: "delivery-journal")
    }

    func cleanUp() { location.cleanUp() }

    func withJournal<T: Sendable>(_ body: (any DeliveryJournal) async throws -> T) async throws -> T {
        try await location.open(
            postgres: { PostgresDeliveryJournal(database: $0, logger: $1) as any DeliveryJournal },
            embedded: { SQLiteDeliveryJournal(database: $0, logger: $1) as any DeliveryJournal },
            body
        )
    }
}

extension LiveServices {
    /// One contract, both delivery journals: a key is held by one run at a time, expired claims
    /// come back, `sending` never does, released keys do, final states stay final, data survives
    /// a restart.
    @Suite struct DeliveryJournalContractTests {
        let services = TestServices.shared
        /// Whole seconds, so that times round-trip exactly through both stores.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        /// Unique per test: the PostgreSQL database is shared with other tests and earlier runs.
        let id = UUID().uuidString

        private func withJournal(_ backend: DeliveryJournalBackend, _ body: (any DeliveryJournal) async throws -> Void) async throws {
            let location = try DeliveryJournalLocation(backend, services: services)
            defer { location.cleanUp() }
            try await location.withJournal(body)
        }

        /// The DN of this test's sub-task `index`.
        private func dn(_ index: Int) -> String { "cn=sub-\(index)-\(id),cn=mail,ou=tasks,dc=example,dc=org" }

        /// `count` recipients of one sub-task.
        private func keys(_ count: Int, subTask: Int = 0) -> [DeliveryKey] {
            (0..<count).map { DeliveryKey(subTaskDN: dn(subTask), recipient: "user\($0)@example.org") }
        }

        private func record(_ journal: any DeliveryJournal, _ key: DeliveryKey) async throws -> DeliveryRecord? {
            try await journal.records(forSubTasks: [key.subTaskDN]).first { $0.key == key }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func theHappyPathWalksEveryState(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = DeliveryKey(subTaskDN: dn(0), recipient: "alice@example.org")
                #expect(try await journal.records(forSubTasks: [dn(0)]).isEmpty)

                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 10, now: now) == [key])
                #expect(try await record(journal, key)
                    == DeliveryRecord(key: key, state: .claimed, owner: "run-a", leaseExpiresAt: now + 60, attempts: 1, detail: nil, updatedAt: now))

                #expect(try await journal.markSending(key, owner: "run-a", now: now + 1))
                let sending = try #require(try await record(journal, key))
                #expect(sending.state == .sending && sending.owner == "run-a" && sending.attempts == 1 && sending.updatedAt == now + 1)

                try await journal.markSent(key, owner: "run-a", now: now + 2)
                let sent = try #require(try await record(journal, key))
                #expect(sent.state == .sent && sent.attempts == 1 && sent.updatedAt == now + 2)

                try await journal.markDone([key], now: now + 3)
                let done = try #require(try await record(journal, key))
                #expect(done.state == .done && done.attempts == 1 && done.detail == nil && done.updatedAt == now + 3)
                #expect(try await journal.records(forSubTasks: [dn(0)]).count == 1)
                // Done is final for sending.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 9999, limit: 10, now: now + 9000).isEmpty)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func heldKeysAreNotClaimedTwice(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let held = keys(5)
                #expect(try await journal.claim(held, owner: "run-a", leaseUntil: now + 60, limit: 100, now: now) == held)
                #expect(try await journal.claim(held, owner: "run-b", leaseUntil: now + 60, limit: 100, now: now + 1).isEmpty)
                // Not even by the same owner, nor with its duplicates: a claim is one attempt.
                #expect(try await journal.claim(held + held, owner: "run-a", leaseUntil: now + 60, limit: 100, now: now + 2).isEmpty)
                let records = try await journal.records(forSubTasks: [dn(0)])
                #expect(records.count == 5)
                #expect(records.allSatisfy { $0.state == .claimed && $0.owner == "run-a" && $0.attempts == 1 && $0.leaseExpiresAt == now + 60 })
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func eightConcurrentClaimersSplitTwoHundredKeys(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                // Four sub-tasks of fifty recipients; every claimer walks them in its own order.
                let all = (0..<4).flatMap { keys(50, subTask: $0) }
                let shares = try await withThrowingTaskGroup(of: (Int, [DeliveryKey]).self, returning: [Int: [DeliveryKey]].self) { group in
                    for claimer in 0..<8 {
                        let order = claimer == 0 ? all : all.shuffled()
                        group.addTask {
                            (claimer, try await journal.claim(order, owner: "run-\(claimer)", leaseUntil: now + 60, limit: 10_000, now: now))
                        }
                    }
                    return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
                }
                let counts = (0..<8).map { shares[$0]?.count ?? 0 }
                print("DeliveryJournal[\(backend.rawValue)]: 8 concurrent claimers of 200 keys got \(counts)")

                let union = shares.values.flatMap { $0 }
                #expect(union.count == 200, "a key was given to two claimers")
                #expect(Set(union) == Set(all))
                // Each record names the claimer that received it.
                let records = try await journal.records(forSubTasks: (0..<4).map(dn))
                #expect(records.count == 200)
                let ownerOf = Dictionary(uniqueKeysWithValues: records.map { ($0.key, $0.owner) })
                for (claimer, share) in shares {
                    #expect(share.allSatisfy { ownerOf[$0] == "run-\(claimer)" })
                }
                #expect(records.allSatisfy { $0.state == .claimed && $0.attempts == 1 })
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func theLimitIsHonouredInTheGivenOrder(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let all = keys(10)
                #expect(try await journal.claim(all, owner: "run-a", leaseUntil: now + 60, limit: 0, now: now).isEmpty)
                // run-a holds 1 and 3: run-b's first three claimable keys are 0, 2, 4.
                #expect(try await journal.claim([all[1], all[3]], owner: "run-a", leaseUntil: now + 60, limit: 5, now: now) == [all[1], all[3]])
                #expect(try await journal.claim(all, owner: "run-b", leaseUntil: now + 60, limit: 3, now: now) == [all[0], all[2], all[4]])
                // The keys beyond the limit were left untouched.
                let untouched = try await journal.records(forSubTasks: [dn(0)])
                #expect(untouched.count == 5)
                #expect(try await journal.claim(Array(all.reversed()), owner: "run-c", leaseUntil: now + 60, limit: 2, now: now) == [all[9], all[8]])
                #expect(try await journal.claim(all, owner: "run-d", leaseUntil: now + 60, limit: 100, now: now) == [all[5], all[6], all[7]])
                #expect(try await journal.claim(all, owner: "run-e", leaseUntil: now + 60, limit: 100, now: now).isEmpty)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func anExpiredLeaseIsClaimableByAnotherOwner(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [key])
                // Still held one second before the end of the lease.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 120, limit: 1, now: now + 59).isEmpty)
                // run-a died before DATA: once its lease is over, resending is safe.
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 180, limit: 1, now: now + 61) == [key])
                #expect(try await record(journal, key)
                    == DeliveryRecord(key: key, state: .claimed, owner: "run-b", leaseExpiresAt: now + 180, attempts: 2, detail: nil, updatedAt: now + 61))
                // The late run-a cannot go on with it; run-b can.
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 62) == false)
                #expect(try await journal.markSending(key, owner: "run-b", now: now + 62))
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func markSendingFailsOnceTheLeaseExpired(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [key])
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 61) == false)
                let record = try #require(try await record(journal, key))
                #expect(record.state == .claimed && record.owner == "run-a")
                // A key nobody claimed cannot be marked either.
                let unclaimed = DeliveryKey(subTaskDN: dn(1), recipient: "nobody@example.org")
                #expect(try await journal.markSending(unclaimed, owner: "run-a", now: now) == false)
                #expect(try await journal.records(forSubTasks: [dn(1)]).isEmpty)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func aKeyLeftSendingIsNeverClaimedAgain(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [key])
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 1))
                // run-a crashed during DATA: the message may or may not have gone out.
                for later in [now + 61, now + 3600, now + 86_400 * 30] {
                    #expect(try await journal.claim([key], owner: "run-b", leaseUntil: later + 60, limit: 1, now: later).isEmpty)
                }
                #expect(try await journal.markSending(key, owner: "run-b", now: now + 62) == false)
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 2) == false)
                let record = try #require(try await record(journal, key))
                #expect(record.state == .sending && record.owner == "run-a" && record.attempts == 1)
                // markDone only settles sent/failed deliveries.
                try await journal.markDone([key], now: now + 63)
                #expect(try await journal.records(forSubTasks: [dn(0)]).first?.state == .sending)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func releaseMakesAKeyClaimableAgainWithItsDetail(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (claimed, sending) = (keys(2)[0], keys(2)[1])
                #expect(try await journal.claim([claimed, sending], owner: "run-a", leaseUntil: now + 60, limit: 2, now: now) == [claimed, sending])
                #expect(try await journal.markSending(sending, owner: "run-a", now: now + 1))
                // Another owner cannot release what it does not hold.
                try await journal.release(claimed, owner: "run-x", detail: "not mine", now: now + 2)
                #expect(try await record(journal, claimed)?.owner == "run-a")

                try await journal.release(claimed, owner: "run-a", detail: "connection refused", now: now + 3)
                try await journal.release(sending, owner: "run-a", detail: "451 4.3.0 try again later", now: now + 3)
                // A released key reads as a claim nobody holds.
                #expect(try await record(journal, claimed)
                    == DeliveryRecord(key: claimed, state: .claimed, owner: nil, leaseExpiresAt: nil, attempts: 1, detail: "connection refused", updatedAt: now + 3))
                #expect(try await record(journal, sending)
                    == DeliveryRecord(key: sending, state: .claimed, owner: nil, leaseExpiresAt: nil, attempts: 1, detail: "451 4.3.0 try again later", updatedAt: now + 3))
                #expect(try await journal.markSending(claimed, owner: "run-a", now: now + 4) == false)

                // Claimable at once, before run-a's old lease would have ended.
                #expect(try await journal.claim([claimed, sending], owner: "run-b", leaseUntil: now + 120, limit: 2, now: now + 5) == [claimed, sending])
                let again = try #require(try await record(journal, sending))
                #expect(again.state == .claimed && again.owner == "run-b" && again.attempts == 2 && again.leaseExpiresAt == now + 120)
                #expect(again.detail == "451 4.3.0 try again later")
                #expect(try await journal.claim([claimed, sending], owner: "run-c", leaseUntil: now + 120, limit: 2, now: now + 6).isEmpty)
                #expect(try await journal.markSending(sending, owner: "run-b", now: now + 7))
            }
        }

        /// FD's "Renew" sets a finished sub-task back to 1: its done deliveries start over, but
        /// only for the run that reopens them while they are still as it read them.
        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func aDoneDeliveryReopensOnceForARenewedSubTask(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [key])
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 1))
                try await journal.markSent(key, owner: "run-a", now: now + 2)
                let sent = try #require(try await record(journal, key))
                #expect(try await journal.reopen([sent], now: now + 3).isEmpty)   // sent is not done: never reopened
                try await journal.markDone([key], now: now + 4)
                let done = try #require(try await record(journal, key))

                // Two runs both read `done`; only one reopens.
                #expect(try await journal.reopen([done], now: now + 5) == [key])
                #expect(try await journal.reopen([done], now: now + 5).isEmpty)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 60, limit: 1, now: now + 6) == [key])
                #expect(try await journal.markSending(key, owner: "run-b", now: now + 7))
                try await journal.markSent(key, owner: "run-b", now: now + 8)
                try await journal.markDone([key], now: now + 9)
                // The stale reader's `done` (older updatedAt) cannot reopen the new generation.
                #expect(try await journal.reopen([done], now: now + 10).isEmpty)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func markFailedIsFinal(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let (claimed, sending) = (keys(2)[0], keys(2)[1])
                #expect(try await journal.claim([claimed, sending], owner: "run-a", leaseUntil: now + 60, limit: 2, now: now) == [claimed, sending])
                #expect(try await journal.markSending(sending, owner: "run-a", now: now + 1))
                try await journal.markFailed(claimed, owner: "run-x", detail: "not mine", now: now + 2)
                #expect(try await record(journal, claimed)?.state == .claimed)

                try await journal.markFailed(claimed, owner: "run-a", detail: "no address", now: now + 2)
                try await journal.markFailed(sending, owner: "run-a", detail: "550 5.1.1 no such user", now: now + 2)
                for key in [claimed, sending] {
                    #expect(try await record(journal, key)?.state == .failed)
                    // Nothing moves it: claims, even much later, sending, release.
                    #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 99_999, limit: 1, now: now + 90_000).isEmpty)
                    #expect(try await journal.markSending(key, owner: "run-a", now: now + 3) == false)
                    try await journal.release(key, owner: "run-a", detail: "late", now: now + 4)
                    try await journal.markSent(key, owner: "run-a", now: now + 4)
                }
                let failed = try #require(try await record(journal, sending))
                #expect(failed.state == .failed && failed.detail == "550 5.1.1 no such user" && failed.attempts == 1 && failed.updatedAt == now + 2)

                // Done once LDAP reflects it; the refusal text stays.
                try await journal.markDone([claimed, sending], now: now + 5)
                let done = try #require(try await record(journal, sending))
                #expect(done.state == .done && done.detail == "550 5.1.1 no such user")
                #expect(try await record(journal, claimed)?.detail == "no address")
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func sentKeysAreNotClaimable(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                let key = keys(1)[0]
                #expect(try await journal.claim([key], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [key])
                #expect(try await journal.markSending(key, owner: "run-a", now: now + 1))
                // Sent is recorded even after the lease ran out (the server said 250).
                try await journal.markSent(key, owner: "run-a", now: now + 90)
                #expect(try await record(journal, key)?.state == .sent)
                #expect(try await journal.claim([key], owner: "run-b", leaseUntil: now + 99_999, limit: 1, now: now + 90_000).isEmpty)
                try await journal.release(key, owner: "run-a", detail: "late", now: now + 91)
                try await journal.markFailed(key, owner: "run-a", detail: "late", now: now + 91)
                let sent = try #require(try await record(journal, key))
                #expect(sent.state == .sent && sent.detail == nil && sent.attempts == 1 && sent.updatedAt == now + 90)
                // markSent needs sending, by the owner.
                let other = DeliveryKey(subTaskDN: dn(0), recipient: "other@example.org")
                #expect(try await journal.claim([other], owner: "run-a", leaseUntil: now + 60, limit: 1, now: now) == [other])
                try await journal.markSent(other, owner: "run-a", now: now + 1)
                #expect(try await record(journal, other)?.state == .claimed)
                #expect(try await journal.markSending(other, owner: "run-a", now: now + 2))
                try await journal.markSent(other, owner: "run-b", now: now + 3)
                #expect(try await record(journal, other)?.state == .sending)
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func theJournalSurvivesARestart(_ backend: DeliveryJournalBackend) async throws {
            let location = try DeliveryJournalLocation(backend, services: services)
            defer { location.cleanUp() }
            let (sent, sending, stale, released) = (keys(4)[0], keys(4)[1], keys(4)[2], keys(4)[3])
            try await location.withJournal { journal throws in
                #expect(try await journal.claim(keys(4), owner: "run-a", leaseUntil: now + 60, limit: 10, now: now) == keys(4))
                #expect(try await journal.markSending(sent, owner: "run-a", now: now + 1))
                try await journal.markSent(sent, owner: "run-a", now: now + 2)
                #expect(try await journal.markSending(sending, owner: "run-a", now: now + 1))
                try await journal.release(released, owner: "run-a", detail: "421 busy", now: now + 3)
            }
            // A new instance (new pool, new SQLite connection) on the same data.
            try await location.withJournal { journal throws in
                let records = try await journal.records(forSubTasks: [dn(0)])
                #expect(records.map(\.key) == [sent, sending, stale, released])
                #expect(records.map(\.state) == [.sent, .sending, .claimed, .claimed])
                #expect(records[2].owner == "run-a" && records[2].leaseExpiresAt == now + 60)
                #expect(records[3].owner == nil && records[3].detail == "421 busy")
                // The restarted service (a new run) gets back only what is safe to send.
                #expect(try await journal.claim(keys(4), owner: "run-b", leaseUntil: now + 200, limit: 10, now: now + 100) == [stale, released])
            }
        }

        @Test(arguments: [DeliveryJournalBackend.postgres, .embedded])
        func claimingAThousandKeysInOneCall(_ backend: DeliveryJournalBackend) async throws {
            try await withJournal(backend) { journal throws in
                // 1,000 sub-tasks of one recipient each: `records` needs more than one chunk.
                let all = (0..<1000).map { DeliveryKey(subTaskDN: dn($0), recipient: "user@example.org") }
                let clock = ContinuousClock()
                let started = clock.now
                let claimed = try await journal.claim(all, owner: "run-a", leaseUntil: now + 60, limit: 10_000, now: now)
                let elapsed = clock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                print("DeliveryJournal[\(backend.rawValue)]: claiming 1,000 keys in one call took \(String(format: "%.1f", milliseconds)) ms")
                #expect(claimed == all)

                let records = try await journal.records(forSubTasks: all.map(\.subTaskDN))
                #expect(records.count == 1000)
                #expect(Set(records.map(\.key)) == Set(all))
                try await journal.markDone(all, now: now + 1)
                for key in all.prefix(600) {
                    _ = try await journal.markSending(key, owner: "run-a", now: now + 1)
                    try await journal.markSent(key, owner: "run-a", now: now + 2)
                }
                try await journal.markDone(all, now: now + 3)
                let states = try await journal.records(forSubTasks: all.map(\.subTaskDN)).map(\.state)
                #expect(states.filter { $0 == .done }.count == 600)
                #expect(states.filter { $0 == .claimed }.count == 400)
            }
        }
    }
}
