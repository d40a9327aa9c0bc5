import Application
import Foundation
import Logging
import PostgresNIO

/// Refresh-token families on PostgreSQL (tables of migration 2, `refresh_tokens`).
///
/// Rotation: one conditional `UPDATE … WHERE used_at IS NULL … RETURNING` decides the winner. Row
/// locking makes every concurrent update of the same token wait for the first one's transaction,
/// then re-check `used_at IS NULL` on the committed row and match nothing, so exactly one call
/// wins. The winner stores the next token in the same transaction; a loser finds the token used
/// and revokes its family.
public struct PostgresTokenStore: TokenStore {
    private let postgres: PostgresRoundTrips
    private let logger: Logger

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "token-store")) {
        postgres = database.roundTrips(logger: logger)
        self.logger = logger
    }

    public func startFamily(familyID: String, subject: String, tokenHash: String, accountFingerprint: String?, expiresAt: Date, now: Date) async throws {
        try await PostgresStoreCall.run("cannot start the token family") {
            try await postgres.withTransaction { session in
                try await session.query(
                    """
                    INSERT INTO token_families (family_id, subject, created_at, expires_at, account_fingerprint)
                    VALUES (\(familyID), \(subject), \(now), \(expiresAt), \(accountFingerprint))
                    """
                )
                try await session.query(
                    "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (\(tokenHash), \(familyID), \(now), \(expiresAt))"
                )
            }
        }
    }

    public func rotate(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RotationOutcome {
        try await PostgresStoreCall.run("cannot rotate the refresh token") {
            // A fresh token not marked used by the conditional update can only be one whose
            // insertion committed in between: look again, a bounded number of times.
            for _ in 0..<3 {
                if let won = try await rotateIfFresh(presentedHash: presentedHash, nextHash: nextHash, nextExpiresAt: nextExpiresAt, now: now) {
                    return .rotated(familyID: won.familyID, subject: won.subject)
                }
                switch try await settleLoser(presentedHash: presentedHash, now: now) {
                case .settled(let outcome): return outcome
                case .retry: continue
                }
            }
            return .invalid
        }
    }

    /// The winner path: nil when the token was not fresh (used, expired, unknown, revoked).
    private func rotateIfFresh(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> Winner? {
        try await postgres.withTransaction { session -> Winner? in
            let claimed = try await session.query(
                """
                UPDATE refresh_tokens AS t SET used_at = \(now)
                WHERE t.token_hash = \(presentedHash) AND t.used_at IS NULL AND t.expires_at > \(now)
                  AND EXISTS (SELECT 1 FROM token_families f WHERE f.family_id = t.family_id AND f.revoked_at IS NULL)
                RETURNING t.family_id, (SELECT f.subject FROM token_families f WHERE f.family_id = t.family_id)
                """
            )
            guard let row = claimed.first else { return nil }
            let (familyID, subject) = try row.decode((String, String).self)
            let winner = Winner(familyID: familyID, subject: subject)
            try await session.query(
                """
                INSERT INTO refresh_tokens (token_hash, family_id, parent_hash, created_at, expires_at)
                VALUES (\(nextHash), \(winner.familyID), \(presentedHash), \(now), \(nextExpiresAt))
                """
            )
            try await session.query(
                "UPDATE token_families SET expires_at = GREATEST(expires_at, \(nextExpiresAt)) WHERE family_id = \(winner.familyID)"
            )
            return winner
        }
    }

    /// The loser path: `.invalid`, or `.reuseDetected` after revoking the family of a used token;
    /// `.retry` when the token looks fresh again (the caller retries the conditional update).
    private func settleLoser(presentedHash: String, now: Date) async throws -> LoserVerdict {
        let rows = try await postgres.query(
            """
            SELECT t.family_id, f.subject, t.used_at, t.expires_at, f.revoked_at
            FROM refresh_tokens t JOIN token_families f ON f.family_id = t.family_id
            WHERE t.token_hash = \(presentedHash)
            """
        )
        var found: (familyID: String, subject: String, usedAt: Date?, expiresAt: Date, revokedAt: Date?)?
        for row in rows {
            let values = try row.decode((String, String, Date?, Date, Date?).self)
            found = (values.0, values.1, values.2, values.3, values.4)
        }
        guard let found, found.revokedAt == nil, found.expiresAt > now else { return .settled(.invalid) }
        guard found.usedAt != nil else { return .retry }
        try await postgres.query(
            "UPDATE token_families SET revoked_at = \(now) WHERE family_id = \(found.familyID) AND revoked_at IS NULL"
        )
        logger.debug("refresh token reuse detected, family revoked", metadata: ["family": "\(found.familyID)"])
        return .settled(.reuseDetected(familyID: found.familyID, subject: found.subject))
    }

    public func revokeFamily(ofToken tokenHash: String, now: Date) async throws -> FamilyRevocation {
        try await PostgresStoreCall.run("cannot revoke the token family") {
            // One statement: the family row is locked, revoked if it was live, and its earlier
            // state reported, so concurrent logouts see exactly one `revoked`.
            let rows = try await postgres.query(
                """
                WITH target AS (
                    SELECT f.family_id, f.revoked_at FROM refresh_tokens t JOIN token_families f ON f.family_id = t.family_id
                    WHERE t.token_hash = \(tokenHash) FOR UPDATE OF f
                ), updated AS (
                    UPDATE token_families SET revoked_at = \(now)
                    WHERE family_id IN (SELECT family_id FROM target WHERE revoked_at IS NULL)
                    RETURNING family_id
                )
                SELECT family_id, EXISTS (SELECT 1 FROM updated) FROM target
                """
            )
            var outcome = FamilyRevocation.unknownToken
            for row in rows {
                let (familyID, revokedNow) = try row.decode((String, Bool).self)
                outcome = revokedNow ? .revoked(familyID: familyID) : .alreadyRevoked(familyID: familyID)
            }
            return outcome
        }
    }

    public func familyStartedAt(familyID: String) async throws -> Date? {
        try await PostgresStoreCall.run("cannot read the token family") {
            let rows = try await postgres.query("SELECT created_at FROM token_families WHERE family_id = \(familyID)")
            return try rows.last?.decode(Date.self)
        }
    }

    public func familyAccountFingerprint(familyID: String) async throws -> String? {
        try await PostgresStoreCall.run("cannot read the token family") {
            let rows = try await postgres.query("SELECT account_fingerprint FROM token_families WHERE family_id = \(familyID)")
            return try rows.last?.decode(String?.self) ?? nil
        }
    }

    public func revokeFamilies(subject: String, now: Date) async throws -> [String] {
        try await PostgresStoreCall.run("cannot revoke the token families") {
            let rows = try await postgres.query(
                """
                UPDATE token_families SET revoked_at = \(now)
                WHERE subject = \(subject) AND revoked_at IS NULL AND expires_at > \(now)
                RETURNING family_id
                """
            )
            return try rows.map { try $0.decode(String.self) }.sorted()
        }
    }

    public func revokedFamilies(since: Date) async throws -> [RevokedFamily] {
        try await PostgresStoreCall.run("cannot list revoked token families") {
            let rows = try await postgres.query(
                "SELECT family_id, revoked_at FROM token_families WHERE revoked_at >= \(since) ORDER BY revoked_at, family_id"
            )
            return try rows.map { row in
                let (familyID, revokedAt) = try row.decode((String, Date).self)
                return RevokedFamily(familyID: familyID, revokedAt: revokedAt)
            }
        }
    }

    public func purgeExpired(now: Date) async throws -> Int {
        try await PostgresStoreCall.run("cannot purge expired refresh tokens") {
            try await postgres.withTransaction { session -> Int in
                // Tokens first (their own expiry, or their family's), so that the count includes
                // what the cascade of the family delete would otherwise remove silently.
                let tokens = try await session.query(
                    """
                    WITH gone AS (
                        DELETE FROM refresh_tokens
                        WHERE expires_at < \(now)
                           OR family_id IN (SELECT family_id FROM token_families WHERE expires_at < \(now))
                        RETURNING 1
                    ) SELECT count(*) FROM gone
                    """
                )
                let families = try await session.query(
                    "WITH gone AS (DELETE FROM token_families WHERE expires_at < \(now) RETURNING 1) SELECT count(*) FROM gone"
                )
                return try (tokens + families).reduce(0) { $0 + (try $1.decode(Int.self)) }
            }
        }
    }

    private struct Winner: Sendable {
        let familyID: String
        let subject: String
    }

    private enum LoserVerdict {
        case settled(RotationOutcome)
        case retry
    }

    /// Runs `body`, turning any failure into a short `StoreError` (no SQL, no server text).

}
