import Application
import Foundation
import SQLiteNIO

/// Scheduler leases in the embedded store (table `leader_leases`, migration 8). One process owns
/// a state directory (`EmbeddedStoreLock`), so it always leads; the same statements as PostgreSQL
/// keep the scheduler's code path one.
public struct SQLiteLeaderLeases: LeaderLeases {
    private let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func hold(_ name: String, owner: String, now: Date, until: Date) async throws -> LeaderLease? {
        try await SQLiteStoreCall.run("cannot take the scheduler lease") {
            let rows = try await database.query(
                """
                INSERT INTO leader_leases (name, owner, fence, expires_at) VALUES (?1, ?2, 1, ?3)
                ON CONFLICT (name) DO UPDATE SET
                    fence = CASE WHEN leader_leases.owner = excluded.owner AND leader_leases.expires_at > ?4
                                 THEN leader_leases.fence ELSE leader_leases.fence + 1 END,
                    owner = excluded.owner,
                    expires_at = excluded.expires_at
                WHERE leader_leases.owner = excluded.owner OR leader_leases.expires_at <= ?4
                RETURNING fence, expires_at
                """,
                [.text(name), .text(owner), SQLiteWorkJournal.millis(until), SQLiteWorkJournal.millis(now)]
            )
            guard let row = rows.first, let fence = row.column("fence")?.integer, let expires = row.column("expires_at")?.integer else { return nil }
            return LeaderLease(name: name, owner: owner, fence: Int64(fence), expiresAt: SQLiteWorkJournal.date(millis: Int64(expires)))
        }
    }

    public func release(_ lease: LeaderLease) async throws {
        try await SQLiteStoreCall.run("cannot release the scheduler lease") {
            _ = try await database.query(
                "UPDATE leader_leases SET expires_at = 0 WHERE name = ?1 AND owner = ?2 AND fence = ?3",
                [.text(lease.name), .text(lease.owner), .integer(Int(lease.fence))]
            )
        }
    }
}
