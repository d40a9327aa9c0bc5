import Application
import Foundation
import Logging
import PostgresNIO

/// Scheduler leases on PostgreSQL (table `leader_leases`, migration 8), shared by every replica:
/// taken and renewed in one conditional upsert, released by expiring it.
public struct PostgresLeaderLeases: LeaderLeases {
    private let postgres: PostgresRoundTrips

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "leader-leases")) {
        postgres = database.roundTrips(logger: logger)
    }

    public func hold(_ name: String, owner: String, now: Date, until: Date) async throws -> LeaderLease? {
        try await PostgresStoreCall.run("cannot take the scheduler lease") {
            // The fence stays while the same owner renews a live lease, and grows when the lease
            // changes hands or lapsed (even back to the same owner: its earlier tenure is over).
            let rows = try await postgres.query(
                """
                INSERT INTO leader_leases (name, owner, fence, expires_at) VALUES (\(name), \(owner), 1, \(until))
                ON CONFLICT (name) DO UPDATE SET
                    fence = CASE WHEN leader_leases.owner = EXCLUDED.owner AND leader_leases.expires_at > \(now)
                                 THEN leader_leases.fence ELSE leader_leases.fence + 1 END,
                    owner = EXCLUDED.owner,
                    expires_at = EXCLUDED.expires_at
                WHERE leader_leases.owner = EXCLUDED.owner OR leader_leases.expires_at <= \(now)
                RETURNING fence, expires_at
                """
            )
            for row in rows {
                let (fence, expires) = try row.decode((Int64, Date).self)
                return LeaderLease(name: name, owner: owner, fence: fence, expiresAt: expires)
            }
            return nil
        }
    }

    public func release(_ lease: LeaderLease) async throws {
        try await PostgresStoreCall.run("cannot release the scheduler lease") {
            try await postgres.query(
                """
                UPDATE leader_leases SET expires_at = \(Date(timeIntervalSince1970: 0))
                WHERE name = \(lease.name) AND owner = \(lease.owner) AND fence = \(lease.fence)
                """
            )
        }
    }
}
