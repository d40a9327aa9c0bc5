import Application
import Domain
import Foundation
import SQLiteNIO

/// Prolongation grants in the embedded store (table `prolongation_grants`, migration 6).
public struct SQLiteProlongationGrants: ProlongationGrants {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func issue(_ grant: ProlongationGrant) async throws {
        try await SQLiteStoreCall.run("cannot store the prolongation link") {
            _ = try await database.query(
                """
                INSERT INTO prolongation_grants (token_hash, user_dn, task_dn, call_days, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (token_hash) DO NOTHING
                """,
                [.text(grant.tokenHash), .text(grant.userDN), .text(grant.taskDN), .integer(grant.callDays), SQLiteWorkJournal.millis(grant.expiresAt)]
            )
        }
    }

    public func grant(tokenHash: String) async throws -> ProlongationGrant? {
        try await SQLiteStoreCall.run("cannot read the prolongation link") {
            try await database.query(
                "SELECT token_hash, user_dn, task_dn, call_days, expires_at, used_at FROM prolongation_grants WHERE token_hash = ?1", [.text(tokenHash)]
            ).first.flatMap(Self.grant(from:))
        }
    }

    public func redeem(tokenHash: String, now: Date) async throws -> ProlongationGrant? {
        try await SQLiteStoreCall.run("cannot use the prolongation link") {
            try await database.query(
                """
                UPDATE prolongation_grants SET used_at = ?2 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
                RETURNING token_hash, user_dn, task_dn, call_days, expires_at, used_at
                """,
                [.text(tokenHash), SQLiteWorkJournal.millis(now)]
            ).first.flatMap(Self.grant(from:))
        }
    }

    public func release(tokenHash: String) async throws {
        try await SQLiteStoreCall.run("cannot give the prolongation link back") {
            _ = try await database.query("UPDATE prolongation_grants SET used_at = NULL WHERE token_hash = ?1", [.text(tokenHash)])
        }
    }

    static func grant(from row: SQLiteRow) -> ProlongationGrant? {
        guard let hash = row.column("token_hash")?.string, let user = row.column("user_dn")?.string, let task = row.column("task_dn")?.string,
              let days = row.column("call_days")?.integer, let expires = row.column("expires_at")?.integer else { return nil }
        return ProlongationGrant(
            tokenHash: hash, userDN: user, taskDN: task, callDays: days, expiresAt: SQLiteWorkJournal.date(millis: Int64(expires)),
            usedAt: row.column("used_at")?.integer.map { SQLiteWorkJournal.date(millis: Int64($0)) }
        )
    }
}
