@testable import StateStoreAdapter
import Application
import Foundation
import Logging
import Testing

typealias TokenStoreBackend = StoreBackend

/// A token store's data location (see `StoreLocation`).
struct TokenStoreLocation: Sendable {
    private let location: StoreLocation

    init(_ backend: TokenStoreBackend, services: TestServices) throws {
        location = try StoreLocation(backend, services: services, name: "token-store")
    }

    func cleanUp() { location.cleanUp() }

    func withStore<T: Sendable>(_ body: (any TokenStore) async throws -> T) async throws -> T {
        try await location.open(
            postgres: { PostgresTokenStore(database: $0, logger: $1) as any TokenStore },
            embedded: { SQLiteTokenStore(database: $0, logger: $1) as any TokenStore },
            body
        )
    }
}

extension LiveServices {
    /// One contract, both refresh-token stores: rotation has exactly one winner, a replayed token
    /// revokes its family, revocations are listed, expired rows are purged, data survives a restart.
    @Suite struct TokenStoreContractTests {
        let services = TestServices.shared
        /// Whole seconds, so that times round-trip exactly through both stores.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        /// Unique per test: the PostgreSQL database is shared with other tests and earlier runs.
        let id = UUID().uuidString

        private func withStore(_ backend: TokenStoreBackend, _ body: (any TokenStore) async throws -> Void) async throws {
            let location = try TokenStoreLocation(backend, services: services)
            defer { location.cleanUp() }
            try await location.withStore(body)
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func rotationChainsFromTokenToToken(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "alice", tokenHash: "t1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 7200, now: now + 1)
                    == .rotated(familyID: "fam-\(id)", subject: "alice"))
                // The next token lives past the first one's expiry: the family's expiry followed.
                #expect(try await store.rotate(presentedHash: "t2-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 9000, now: now + 5000)
                    == .rotated(familyID: "fam-\(id)", subject: "alice"))
                // Had the family kept its first expiry, this purge would take it with t2.
                #expect(try await store.purgeExpired(now: now + 5001) >= 1)
                #expect(try await store.rotate(presentedHash: "t3-\(id)", nextHash: "t4-\(id)", nextExpiresAt: now + 9500, now: now + 5002)
                    == .rotated(familyID: "fam-\(id)", subject: "alice"))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func aReplayedTokenRevokesItsFamily(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "bob", tokenHash: "t1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                    == .rotated(familyID: "fam-\(id)", subject: "bob"))
                #expect(try await store.rotate(presentedHash: "t2-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 3600, now: now + 2)
                    == .rotated(familyID: "fam-\(id)", subject: "bob"))

                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "x-\(id)", nextExpiresAt: now + 3600, now: now + 3)
                    == .reuseDetected(familyID: "fam-\(id)", subject: "bob"))
                // The newest token of the family is dead too, and so is a second replay.
                #expect(try await store.rotate(presentedHash: "t3-\(id)", nextHash: "y-\(id)", nextExpiresAt: now + 3600, now: now + 4) == .invalid)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "z-\(id)", nextExpiresAt: now + 3600, now: now + 5) == .invalid)
                #expect(try await store.revokedFamilies(since: now).contains(RevokedFamily(familyID: "fam-\(id)", revokedAt: now + 3)))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func ofFiftyConcurrentRotationsExactlyOneWins(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "carol", tokenHash: "t0-\(id)", expiresAt: now + 3600, now: now)
                let clock = ContinuousClock()
                let started = clock.now
                let outcomes = try await withThrowingTaskGroup(of: RotationOutcome.self, returning: [RotationOutcome].self) { group in
                    for attempt in 0..<50 {
                        group.addTask {
                            try await store.rotate(presentedHash: "t0-\(id)", nextHash: "t1-\(attempt)-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let elapsed = clock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                print("TokenStore[\(backend.rawValue)]: 50 concurrent rotations of one token took \(String(format: "%.1f", milliseconds)) ms")

                let rotated = outcomes.filter { if case .rotated = $0 { true } else { false } }
                let reused = outcomes.filter { if case .reuseDetected = $0 { true } else { false } }
                #expect(outcomes.count == 50)
                #expect(rotated == [.rotated(familyID: "fam-\(id)", subject: "carol")])
                #expect(reused.allSatisfy { $0 == .reuseDetected(familyID: "fam-\(id)", subject: "carol") })
                #expect(rotated.count + reused.count + outcomes.filter { $0 == .invalid }.count == 50)
                // The losers saw a used token: the family is revoked, the winner's new token with it.
                #expect(!reused.isEmpty)
                #expect(try await store.revokedFamilies(since: now).contains { $0.familyID == "fam-\(id)" })
                for attempt in 0..<50 {
                    #expect(try await store.rotate(presentedHash: "t1-\(attempt)-\(id)", nextHash: "t2-\(attempt)-\(id)", nextExpiresAt: now + 3600, now: now + 2) == .invalid)
                }
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func anExpiredTokenIsInvalid(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "dave", tokenHash: "t1-\(id)", expiresAt: now + 60, now: now)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 120, now: now + 60) == .invalid)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 120, now: now + 61) == .invalid)
                // Nothing changed: the family is not revoked, and the token was not consumed.
                #expect(try await store.revokedFamilies(since: now).contains { $0.familyID == "fam-\(id)" } == false)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 120, now: now + 59)
                    == .rotated(familyID: "fam-\(id)", subject: "dave"))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func anUnknownTokenIsInvalid(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                #expect(try await store.rotate(presentedHash: "nope-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 60, now: now) == .invalid)
                // Its would-be successor was not stored either.
                #expect(try await store.rotate(presentedHash: "t2-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 60, now: now) == .invalid)
                #expect(try await store.revokeFamily(ofToken: "nope-\(id)", now: now) == .unknownToken)
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func revokingAFamilyKillsItsTokensAndIsListed(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "erin", tokenHash: "t1-\(id)", expiresAt: now + 3600, now: now)
                try await store.startFamily(familyID: "other-\(id)", subject: "erin", tokenHash: "o1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                    == .rotated(familyID: "fam-\(id)", subject: "erin"))

                // Any token of the family, used or not, names it.
                #expect(try await store.revokeFamily(ofToken: "t1-\(id)", now: now + 10) == .revoked(familyID: "fam-\(id)"))
                #expect(try await store.rotate(presentedHash: "t2-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 3600, now: now + 11) == .invalid)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 3600, now: now + 11) == .invalid)

                let listed = try await store.revokedFamilies(since: now + 10)
                #expect(listed.contains(RevokedFamily(familyID: "fam-\(id)", revokedAt: now + 10)))
                #expect(!listed.contains { $0.familyID == "other-\(id)" })
                #expect(try await store.revokedFamilies(since: now + 11).contains { $0.familyID == "fam-\(id)" } == false)

                // Revoking again changes nothing, says so, and keeps the first revocation time.
                #expect(try await store.revokeFamily(ofToken: "t2-\(id)", now: now + 20) == .alreadyRevoked(familyID: "fam-\(id)"))
                #expect(try await store.revokedFamilies(since: now + 10).contains(RevokedFamily(familyID: "fam-\(id)", revokedAt: now + 10)))

                #expect(try await store.revokeFamily(ofToken: "unknown-\(id)", now: now + 30) == .unknownToken)
                // The other family of the same subject is untouched.
                #expect(try await store.rotate(presentedHash: "o1-\(id)", nextHash: "o2-\(id)", nextExpiresAt: now + 3600, now: now + 31)
                    == .rotated(familyID: "other-\(id)", subject: "erin"))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func aFamilyKeepsTheAccountFingerprintOfItsLogin(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                try await store.startFamily(familyID: "fp-\(id)", subject: "heidi", tokenHash: "f1-\(id)", accountFingerprint: "abc123", expiresAt: now + 3600, now: now)
                try await store.startFamily(familyID: "nofp-\(id)", subject: "heidi", tokenHash: "n1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.familyAccountFingerprint(familyID: "fp-\(id)") == "abc123")
                // Rotation keeps it: it is the login's, not the token's.
                #expect(try await store.rotate(presentedHash: "f1-\(id)", nextHash: "f2-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                    == .rotated(familyID: "fp-\(id)", subject: "heidi"))
                #expect(try await store.familyAccountFingerprint(familyID: "fp-\(id)") == "abc123")
                #expect(try await store.familyAccountFingerprint(familyID: "nofp-\(id)") == nil)
                #expect(try await store.familyAccountFingerprint(familyID: "unknown-\(id)") == nil)
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func revokingASubjectsFamiliesTakesEveryLiveOneAndNothingElse(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                let ivan = "cn=ivan-\(id),ou=dsa", judy = "cn=judy-\(id),ou=dsa"
                try await store.startFamily(familyID: "i1-\(id)", subject: ivan, tokenHash: "i1t-\(id)", expiresAt: now + 3600, now: now)
                try await store.startFamily(familyID: "i2-\(id)", subject: ivan, tokenHash: "i2t-\(id)", expiresAt: now + 3600, now: now)
                try await store.startFamily(familyID: "i3-\(id)", subject: ivan, tokenHash: "i3t-\(id)", expiresAt: now + 3600, now: now)
                try await store.startFamily(familyID: "old-\(id)", subject: ivan, tokenHash: "oldt-\(id)", expiresAt: now + 5, now: now)
                try await store.startFamily(familyID: "j1-\(id)", subject: judy, tokenHash: "j1t-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.revokeFamily(ofToken: "i3t-\(id)", now: now + 1) == .revoked(familyID: "i3-\(id)"))

                // Live families only: i3 was revoked before (its time is kept), `old` has expired.
                #expect(try await store.revokeFamilies(subject: ivan, now: now + 10) == ["i1-\(id)", "i2-\(id)"])
                #expect(try await store.revokeFamilies(subject: ivan, now: now + 11) == [])
                #expect(try await store.rotate(presentedHash: "i1t-\(id)", nextHash: "x1-\(id)", nextExpiresAt: now + 3600, now: now + 12) == .invalid)
                #expect(try await store.rotate(presentedHash: "i2t-\(id)", nextHash: "x2-\(id)", nextExpiresAt: now + 3600, now: now + 12) == .invalid)
                // Listed for the other replicas' revocation caches.
                let listed = try await store.revokedFamilies(since: now + 10)
                #expect(listed.contains(RevokedFamily(familyID: "i1-\(id)", revokedAt: now + 10)))
                #expect(listed.contains(RevokedFamily(familyID: "i2-\(id)", revokedAt: now + 10)))
                #expect(!listed.contains { $0.familyID == "i3-\(id)" })
                // Another subject's family is untouched.
                #expect(try await store.rotate(presentedHash: "j1t-\(id)", nextHash: "j2t-\(id)", nextExpiresAt: now + 3600, now: now + 13)
                    == .rotated(familyID: "j1-\(id)", subject: judy))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func purgeRemovesExpiredRowsAndKeepsLiveOnes(_ backend: TokenStoreBackend) async throws {
            try await withStore(backend) { store throws in
                // Family A expires entirely; family B loses its first (used) token only.
                try await store.startFamily(familyID: "a-\(id)", subject: "frank", tokenHash: "a1-\(id)", expiresAt: now + 20, now: now)
                try await store.startFamily(familyID: "b-\(id)", subject: "frank", tokenHash: "b1-\(id)", expiresAt: now + 10, now: now)
                #expect(try await store.rotate(presentedHash: "b1-\(id)", nextHash: "b2-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                    == .rotated(familyID: "b-\(id)", subject: "frank"))
                // Revoked and expired: purged from the revocation list too.
                try await store.startFamily(familyID: "c-\(id)", subject: "frank", tokenHash: "c1-\(id)", expiresAt: now + 30, now: now)
                #expect(try await store.revokeFamily(ofToken: "c1-\(id)", now: now + 2) == .revoked(familyID: "c-\(id)"))

                let purged = try await store.purgeExpired(now: now + 60)
                switch backend {
                case .embedded: #expect(purged == 5) // a1, A, b1, c1, C
                case .postgres: #expect(purged >= 5) // the shared database may hold older expired rows
                }
                if backend == .embedded { #expect(try await store.purgeExpired(now: now + 60) == 0) }

                // Were they still there, a1 would rotate and b1 (used, family alive) would be reuse.
                #expect(try await store.rotate(presentedHash: "a1-\(id)", nextHash: "a2-\(id)", nextExpiresAt: now + 3600, now: now + 3) == .invalid)
                #expect(try await store.rotate(presentedHash: "b1-\(id)", nextHash: "x-\(id)", nextExpiresAt: now + 3600, now: now + 3) == .invalid)
                #expect(try await store.revokeFamily(ofToken: "a1-\(id)", now: now + 3) == .unknownToken)
                #expect(try await store.revokedFamilies(since: now).contains { $0.familyID == "c-\(id)" } == false)
                // B and its live token were kept.
                #expect(try await store.rotate(presentedHash: "b2-\(id)", nextHash: "b3-\(id)", nextExpiresAt: now + 3600, now: now + 61)
                    == .rotated(familyID: "b-\(id)", subject: "frank"))
            }
        }

        @Test(arguments: [TokenStoreBackend.postgres, .embedded])
        func theStoreSurvivesARestart(_ backend: TokenStoreBackend) async throws {
            let location = try TokenStoreLocation(backend, services: services)
            defer { location.cleanUp() }
            try await location.withStore { store throws in
                try await store.startFamily(familyID: "fam-\(id)", subject: "grace", tokenHash: "t1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t2-\(id)", nextExpiresAt: now + 3600, now: now + 1)
                    == .rotated(familyID: "fam-\(id)", subject: "grace"))
                try await store.startFamily(familyID: "gone-\(id)", subject: "grace", tokenHash: "g1-\(id)", expiresAt: now + 3600, now: now)
                #expect(try await store.revokeFamily(ofToken: "g1-\(id)", now: now + 2) == .revoked(familyID: "gone-\(id)"))
            }
            // A new instance (new pool, new SQLite connection) on the same data.
            try await location.withStore { store throws in
                #expect(try await store.revokedFamilies(since: now).contains(RevokedFamily(familyID: "gone-\(id)", revokedAt: now + 2)))
                #expect(try await store.rotate(presentedHash: "g1-\(id)", nextHash: "g2-\(id)", nextExpiresAt: now + 3600, now: now + 3) == .invalid)
                #expect(try await store.rotate(presentedHash: "t2-\(id)", nextHash: "t3-\(id)", nextExpiresAt: now + 3600, now: now + 3)
                    == .rotated(familyID: "fam-\(id)", subject: "grace"))
                #expect(try await store.rotate(presentedHash: "t1-\(id)", nextHash: "t4-\(id)", nextExpiresAt: now + 3600, now: now + 4)
                    == .reuseDetected(familyID: "fam-\(id)", subject: "grace"))
            }
        }
    }
}
