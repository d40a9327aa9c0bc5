import Application
import Foundation
import Logging
import SQLiteNIO

/// Refresh-token families in the embedded store (tables of migration 2, `refresh_tokens`; times
/// in unix milliseconds).
///
/// `SQLiteDatabase` runs the statements of concurrent tasks one at a time on one connection but
/// interleaves them across awaits, so no BEGIN … COMMIT may span several calls here. Every
/// decision is therefore one statement: rotation is won by a single conditional
/// `UPDATE … WHERE used_at IS NULL … RETURNING`, which SQLite executes atomically, so exactly one
/// of any number of concurrent calls matches the fresh row. The statements that follow a win
/// (next token, family expiry) are separate; should the insert fail, the claim is undone.
/// Foreign keys are not enforced on the connection: a family's tokens are deleted explicitly.
public struct SQLiteTokenStore: TokenStore {
    private let database: SQLiteDatabase
    private let logger: Logger

    public init(database: SQLiteDatabase, logger: Logger = Logger(label: "token-store")) {
        self.database = database
        self.logger = logger
    }

    public func startFamily(familyID: String, subject: String, tokenHash: String, accountFingerprint: String?, expiresAt: Date, now: Date) async throws {
        try await SQLiteStoreCall.run("cannot start the token family") {
            _ = try await database.query(
                "INSERT INTO token_families (family_id, subject, created_at, expires_at, account_fingerprint) VALUES (?, ?, ?, ?, ?)",
                [.text(familyID), .text(subject), Self.millis(now), Self.millis(expiresAt), accountFingerprint.map { SQLiteData.text($0) } ?? SQLiteData.null]
            )
            do {
                _ = try await database.query(
                    "INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                    [.text(tokenHash), .text(familyID), Self.millis(now), Self.millis(expiresAt)]
                )
            } catch {
                // No transaction can span both inserts: undo the family by hand.
                _ = try? await database.query("DELETE FROM token_families WHERE family_id = ?", [.text(familyID)])
                throw error
            }
        }
    }

    public func rotate(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> RotationOutcome {
        try await SQLiteStoreCall.run("cannot rotate the refresh token") {
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
    private func rotateIfFresh(presentedHash: String, nextHash: String, nextExpiresAt: Date, now: Date) async throws -> (familyID: String, subject: String)? {
        let nowMillis = Self.millis(now)
        let claimed = try await database.query(
            """
            UPDATE refresh_tokens SET used_at = ?1
            WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
              AND EXISTS (SELECT 1 FROM token_families f WHERE f.family_id = refresh_tokens.family_id AND f.revoked_at IS NULL)
            RETURNING family_id, (SELECT f.subject FROM token_families f WHERE f.family_id = refresh_tokens.family_id) AS subject
            """,
            [nowMillis, .text(presentedHash)]
        )
        guard let row = claimed.first,
              let familyID = row.column("family_id")?.string,
              let subject = row.column("subject")?.string
        else { return nil }
        do {
            _ = try await database.query(
                "INSERT INTO refresh_tokens (token_hash, family_id, parent_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.text(nextHash), .text(familyID), .text(presentedHash), nowMillis, Self.millis(nextExpiresAt)]
            )
        } catch {
            // Give the presented token back, as the rolled-back transaction does on PostgreSQL.
            _ = try? await database.query(
                "UPDATE refresh_tokens SET used_at = NULL WHERE token_hash = ? AND used_at = ?",
                [.text(presentedHash), nowMillis]
            )
            throw error
        }
        _ = try await database.query(
            "UPDATE token_families SET expires_at = MAX(expires_at, ?) WHERE family_id = ?",
            [Self.millis(nextExpiresAt), .text(familyID)]
        )
        return (familyID, subject)
    }

    /// The loser path: `.invalid`, or `.reuseDetected` after revoking the family of a used token;
    /// `.retry` when the token looks fresh again (the caller retries the conditional update).
    private func settleLoser(presentedHash: String, now: Date) async throws -> LoserVerdict {
        let rows = try await database.query(
            """
            SELECT t.family_id, f.subject, t.used_at, t.expires_at, f.revoked_at
            FROM refresh_tokens t JOIN token_families f ON f.family_id = t.family_id
            WHERE t.token_hash = ?
            """,
            [.text(presentedHash)]
        )
        let nowMillis = Int64(Self.millis(now).integer ?? 0)
        guard let row = rows.first,
              let familyID = row.column("family_id")?.string,
              let subject = row.column("subject")?.string,
              let expiresAt = row.column("expires_at")?.integer,
              Int64(expiresAt) > nowMillis,
              row.column("revoked_at")?.integer == nil
        else { return .settled(.invalid) }
        guard row.column("used_at")?.integer != nil else { return .retry }
        _ = try await database.query(
            "UPDATE token_families SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
            [Self.millis(now), .text(familyID)]
        )
        logger.debug("refresh token reuse detected, family revoked", metadata: ["family": "\(familyID)"])
        return .settled(.reuseDetected(familyID: familyID, subject: subject))
    }

    public func revokeFamily(ofToken tokenHash: String, now: Date) async throws -> FamilyRevocation {
        try await SQLiteStoreCall.run("cannot revoke the token family") {
            // Two statements, no transaction (see above): a family revoked by someone else in
            // between is reported as already revoked, which it then is.
            if let revoked = try await database.query(
                """
                UPDATE token_families SET revoked_at = ?
                WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?) AND revoked_at IS NULL
                RETURNING family_id
                """,
                [Self.millis(now), .text(tokenHash)]
            ).first?.column("family_id")?.string {
                return .revoked(familyID: revoked)
            }
            let earlier = try await database.query(
                """
                SELECT f.family_id FROM refresh_tokens t JOIN token_families f ON f.family_id = t.family_id
                WHERE t.token_hash = ? AND f.revoked_at IS NOT NULL
                """,
                [.text(tokenHash)]
            ).first?.column("family_id")?.string
            return earlier.map { .alreadyRevoked(familyID: $0) } ?? .unknownToken
        }
    }

    public func familyStartedAt(familyID: String) async throws -> Date? {
        try await SQLiteStoreCall.run("cannot read the token family") {
            try await database.query("SELECT created_at FROM token_families WHERE family_id = ?", [.text(familyID)])
                .first?.column("created_at")?.integer.map { Self.date(millis: Int64($0)) }
        }
    }

    public func familyAccountFingerprint(familyID: String) async throws -> String? {
        try await SQLiteStoreCall.run("cannot read the token family") {
            try await database.query("SELECT account_fingerprint FROM token_families WHERE family_id = ?", [.text(familyID)])
                .first?.column("account_fingerprint")?.string
        }
    }

    public func revokeFamilies(subject: String, now: Date) async throws -> [String] {
        try await SQLiteStoreCall.run("cannot revoke the token families") {
            try await database.query(
                "UPDATE token_families SET revoked_at = ?1 WHERE subject = ?2 AND revoked_at IS NULL AND expires_at > ?1 RETURNING family_id",
                [Self.millis(now), .text(subject)]
            ).compactMap { $0.column("family_id")?.string }.sorted()
        }
    }

    public func revokedFamilies(since: Date) async throws -> [RevokedFamily] {
        try await SQLiteStoreCall.run("cannot list revoked token families") {
            try await database.query(
                "SELECT family_id, revoked_at FROM token_families WHERE revoked_at >= ? ORDER BY revoked_at, family_id",
                [Self.millis(since)]
            ).compactMap { row in
                guard let familyID = row.column("family_id")?.string, let revokedAt = row.column("revoked_at")?.integer else { return nil }
                return RevokedFamily(familyID: familyID, revokedAt: Self.date(millis: Int64(revokedAt)))
            }
        }
    }

    public func purgeExpired(now: Date) async throws -> Int {
        try await SQLiteStoreCall.run("cannot purge expired refresh tokens") {
            // The tokens of expired families go with them (no ON DELETE CASCADE without foreign keys).
            let tokens = try await database.query(
                """
                DELETE FROM refresh_tokens
                WHERE expires_at < ?1 OR family_id IN (SELECT family_id FROM token_families WHERE expires_at < ?1)
                RETURNING 1
                """,
                [Self.millis(now)]
            )
            let families = try await database.query(
                "DELETE FROM token_families WHERE expires_at < ? RETURNING 1",
                [Self.millis(now)]
            )
            return tokens.count + families.count
        }
    }

    private enum LoserVerdict {
        case settled(RotationOutcome)
        case retry
    }

    static func millis(_ date: Date) -> SQLiteData {
        .integer(SQLiteInt64((date.timeIntervalSince1970 * 1000).rounded(.down)))
    }

    static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Runs `body`, turning any failure into a short `StoreError` (no SQL, no SQLite message).
}
