@testable import InMemoryAdapter
@testable import StateStoreAdapter
import Application
import Domain
import Foundation
import Logging
import Testing

extension LiveServices {
    /// One contract, every scheduler store: a lease has one live owner and a fence that grows
    /// when it changes hands; a slot is recorded once, only under the current tenure; the newest
    /// slot survives a purge.
    @Suite struct SchedulerStoreContractTests {
        let services = TestServices.shared
        let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let name = "contract-\(UUID().uuidString)"

        private func withStore(_ backend: JournalBackend, _ body: (any LeaderLeases, any ScheduleSlots) async throws -> Void) async throws {
            switch backend {
            case .memory:
                let leases = InMemoryLeaderLeases()
                try await body(leases, InMemoryScheduleSlots(leases: leases))
            case .postgres, .embedded:
                let location = try StoreLocation(backend == .postgres ? .postgres : .embedded, services: services, name: "scheduler")
                defer { location.cleanUp() }
                try await location.open(
                    postgres: { database, logger in
                        (PostgresLeaderLeases(database: database, logger: logger) as any LeaderLeases, PostgresScheduleSlots(database: database, logger: logger) as any ScheduleSlots)
                    },
                    embedded: { database, _ in
                        (SQLiteLeaderLeases(database: database) as any LeaderLeases, SQLiteScheduleSlots(database: database) as any ScheduleSlots)
                    },
                    { stores in try await body(stores.0, stores.1) }
                )
            }
        }

        @Test(arguments: JournalBackend.all)
        func aLeaseHasOneLiveOwnerAndItsFenceGrowsWhenItChangesHands(_ backend: JournalBackend) async throws {
            try await withStore(backend) { leases, _ in
                let a1 = try #require(try await leases.hold(name, owner: "a", now: t0, until: t0 + 30))
                #expect(try await leases.hold(name, owner: "b", now: t0 + 10, until: t0 + 40) == nil)
                let a2 = try #require(try await leases.hold(name, owner: "a", now: t0 + 10, until: t0 + 40))
                #expect(a1.continues(in: a2))
                #expect(a2.expiresAt == t0 + 40)
                let b1 = try #require(try await leases.hold(name, owner: "b", now: t0 + 40, until: t0 + 70))
                #expect(b1.fence == a2.fence + 1)
                // The old owner back after its lease lapsed is a new tenure too.
                try await leases.release(b1)
                let a3 = try #require(try await leases.hold(name, owner: "a", now: t0 + 41, until: t0 + 71))
                #expect(a3.fence == b1.fence + 1)
                // A release by a tenure that is over changes nothing.
                try await leases.release(b1)
                #expect(try await leases.hold(name, owner: "b", now: t0 + 42, until: t0 + 72) == nil)
            }
        }

        @Test(arguments: JournalBackend.all)
        func aSlotIsRecordedOnceAndOnlyUnderTheCurrentTenure(_ backend: JournalBackend) async throws {
            try await withStore(backend) { leases, slots in
                let slot = t0 - 5
                #expect(try await slots.lastSlot(operation: name) == nil)
                let a = try #require(try await leases.hold(name, owner: "a", now: t0, until: t0 + 30))
                #expect(try await slots.claim(operation: name, slot: slot, lease: a, now: t0))
                #expect(try await slots.claim(operation: name, slot: slot, lease: a, now: t0 + 1) == false)
                #expect(try await slots.lastSlot(operation: name) == slot)
                // a's lease lapsed and b took it: a's tenure records nothing any more.
                let b = try #require(try await leases.hold(name, owner: "b", now: t0 + 31, until: t0 + 61))
                #expect(try await slots.claim(operation: name, slot: slot + 60, lease: a, now: t0 + 32) == false)
                // An expired lease records nothing even when nobody took it over.
                #expect(try await slots.claim(operation: name, slot: slot + 60, lease: b, now: t0 + 62) == false)
                #expect(try await slots.claim(operation: name, slot: slot + 60, lease: b, now: t0 + 33))
                #expect(try await slots.lastSlot(operation: name) == slot + 60)
            }
        }

        @Test(arguments: JournalBackend.all)
        func aSlotWhoseRunNeverFinishedIsResumedOnceByTheNextTenure(_ backend: JournalBackend) async throws {
            try await withStore(backend) { leases, slots in
                let slot = t0 - 5
                let a = try #require(try await leases.hold(name, owner: "a", now: t0, until: t0 + 30))
                #expect(try await slots.claim(operation: name, slot: slot, lease: a, now: t0))
                #expect(try await slots.unfinished(operation: name) == OpenSlot(slot: slot, fence: a.fence))
                // a died mid-run; b leads after a's lease lapsed, and takes the slot over, once.
                let b = try #require(try await leases.hold(name, owner: "b", now: t0 + 31, until: t0 + 61))
                #expect(try await slots.resume(operation: name, slot: slot, lease: a, now: t0 + 32) == false)
                #expect(try await slots.resume(operation: name, slot: slot, lease: b, now: t0 + 32))
                #expect(try await slots.resume(operation: name, slot: slot, lease: b, now: t0 + 33) == false)
                #expect(try await slots.unfinished(operation: name) == OpenSlot(slot: slot, fence: b.fence))
                // a's tenure cannot mark the slot finished any more; b's can.
                try await slots.finish(operation: name, slot: slot, lease: a, now: t0 + 34)
                #expect(try await slots.unfinished(operation: name) != nil)
                try await slots.finish(operation: name, slot: slot, lease: b, now: t0 + 35)
                #expect(try await slots.unfinished(operation: name) == nil)
                // A finished slot is never resumed; only the newest slot counts.
                let c = try #require(try await leases.hold(name, owner: "c", now: t0 + 62, until: t0 + 92))
                #expect(try await slots.resume(operation: name, slot: slot, lease: c, now: t0 + 63) == false)
                #expect(try await slots.claim(operation: name, slot: slot + 60, lease: c, now: t0 + 63))
                #expect(try await slots.unfinished(operation: name)?.slot == slot + 60)
                // An expired lease takes nothing over.
                let d = try #require(try await leases.hold(name, owner: "d", now: t0 + 93, until: t0 + 123))
                #expect(try await slots.resume(operation: name, slot: slot + 60, lease: d, now: t0 + 124) == false)
            }
        }

        @Test(arguments: JournalBackend.all)
        func concurrentClaimsOfOneSlotHaveOneWinner(_ backend: JournalBackend) async throws {
            try await withStore(backend) { leases, slots in
                let lease = try #require(try await leases.hold(name, owner: "a", now: t0, until: t0 + 30))
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 { group.addTask { try await slots.claim(operation: name, slot: t0, lease: lease, now: t0 + 1) } }
                    var wins = 0
                    for try await won in group where won { wins += 1 }
                    return wins
                }
                #expect(wins == 1)
            }
        }

        @Test(arguments: JournalBackend.all)
        func aPurgeKeepsTheNewestSlot(_ backend: JournalBackend) async throws {
            try await withStore(backend) { leases, slots in
                let lease = try #require(try await leases.hold(name, owner: "a", now: t0, until: t0 + 30))
                for minutes in [-300.0, -200, -100] {
                    #expect(try await slots.claim(operation: name, slot: t0 + minutes * 60, lease: lease, now: t0))
                }
                #expect(try await slots.purge(operation: name, before: t0 - 150 * 60) == 2)
                #expect(try await slots.lastSlot(operation: name) == t0 - 100 * 60)
                #expect(try await slots.purge(operation: name, before: t0 + 3_600) == 0)
                #expect(try await slots.lastSlot(operation: name) == t0 - 100 * 60)
            }
        }
    }
}
