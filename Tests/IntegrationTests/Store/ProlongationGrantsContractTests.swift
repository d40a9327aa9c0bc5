@testable import InMemoryAdapter
@testable import StateStoreAdapter
import Application
import Domain
import Foundation
import Logging
import Testing

extension LiveServices {
    /// One contract, every grant store: issue keeps the first, redeem is single-use and refuses
    /// expired grants, release gives a grant back, and two concurrent redeems have one winner.
    @Suite struct ProlongationGrantsContractTests {
        let services = TestServices.shared
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let id = UUID().uuidString

        private func withGrants(_ backend: JournalBackend, _ body: (any ProlongationGrants) async throws -> Void) async throws {
            switch backend {
            case .memory:
                try await body(InMemoryProlongationGrants())
            case .postgres, .embedded:
                let location = try StoreLocation(backend == .postgres ? .postgres : .embedded, services: services, name: "grants")
                defer { location.cleanUp() }
                try await location.open(
                    postgres: { PostgresProlongationGrants(database: $0, logger: $1) as any ProlongationGrants },
                    embedded: { database, _ in SQLiteProlongationGrants(database: database) as any ProlongationGrants },
                    body
                )
            }
        }

        func grant(_ name: String, expiresIn seconds: TimeInterval = 3_600) -> ProlongationGrant {
            ProlongationGrant(tokenHash: "\(id)-\(name)", userDN: "uid=\(name),ou=people,dc=example,dc=org", taskDN: "cn=t,ou=tasks,dc=example,dc=org",
                              callDays: 30, expiresAt: now.addingTimeInterval(seconds))
        }

        @Test(arguments: JournalBackend.all)
        func aGrantIsRedeemedOnceAndCanBeGivenBack(_ backend: JournalBackend) async throws {
            try await withGrants(backend) { grants throws in
                let first = grant("a")
                try await grants.issue(first)
                try await grants.issue(ProlongationGrant(tokenHash: first.tokenHash, userDN: "uid=other,dc=x", taskDN: "cn=x", callDays: 1, expiresAt: now))
                #expect(try await grants.grant(tokenHash: first.tokenHash) == first)
                #expect(try await grants.grant(tokenHash: "\(id)-missing") == nil)
                let used = try #require(try await grants.redeem(tokenHash: first.tokenHash, now: now))
                #expect(used.userDN == first.userDN && used.usedAt == now)
                #expect(try await grants.redeem(tokenHash: first.tokenHash, now: now) == nil)
                try await grants.release(tokenHash: first.tokenHash)
                #expect(try await grants.grant(tokenHash: first.tokenHash)?.usedAt == nil)
                #expect(try await grants.redeem(tokenHash: first.tokenHash, now: now) != nil)
            }
        }

        @Test(arguments: JournalBackend.all)
        func anExpiredGrantIsNeverRedeemed(_ backend: JournalBackend) async throws {
            try await withGrants(backend) { grants throws in
                let old = grant("old", expiresIn: -1)
                try await grants.issue(old)
                #expect(try await grants.redeem(tokenHash: old.tokenHash, now: now) == nil)
                #expect(try await grants.grant(tokenHash: old.tokenHash)?.usedAt == nil)
            }
        }

        @Test(arguments: JournalBackend.all)
        func concurrentRedeemsHaveOneWinner(_ backend: JournalBackend) async throws {
            try await withGrants(backend) { grants throws in
                let contested = grant("contested")
                try await grants.issue(contested)
                let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 { group.addTask { try await grants.redeem(tokenHash: contested.tokenHash, now: now) != nil } }
                    var wins = 0
                    for try await won in group where won { wins += 1 }
                    return wins
                }
                #expect(wins == 1)
            }
        }
    }
}
