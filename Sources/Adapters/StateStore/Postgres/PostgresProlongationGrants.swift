import Application
import Domain
import Foundation
import Logging
import PostgresNIO

/// Prolongation grants on PostgreSQL (table `prolongation_grants`, migration 6), shared by every replica.
public struct PostgresProlongationGrants: ProlongationGrants {
    private let postgres: PostgresRoundTrips

    public init(database: PostgresDatabase, logger: Logger = Logger(label: "prolongation-grants")) {
        postgres = database.roundTrips(logger: logger)
    }

    public func issue(_ grant: ProlongationGrant) async throws {
        try await PostgresStoreCall.run("cannot store the prolongation link") {
            try await postgres.query(
                """
                INSERT INTO prolongation_grants (token_hash, user_dn, task_dn, call_days, expires_at)
                VALUES (\(grant.tokenHash), \(grant.userDN), \(grant.taskDN), \(grant.callDays), \(grant.expiresAt))
                ON CONFLICT (token_hash) DO NOTHING
                """
            )
        }
    }

    public func grant(tokenHash: String) async throws -> ProlongationGrant? {
        try await PostgresStoreCall.run("cannot read the prolongation link") {
            try first(try await postgres.query(
                "SELECT token_hash, user_dn, task_dn, call_days, expires_at, used_at FROM prolongation_grants WHERE token_hash = \(tokenHash)"
            ))
        }
    }

    public func redeem(tokenHash: String, now: Date) async throws -> ProlongationGrant? {
        try await PostgresStoreCall.run("cannot use the prolongation link") {
            try first(try await postgres.query(
                """
                UPDATE prolongation_grants SET used_at = \(now) WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now)
                RETURNING token_hash, user_dn, task_dn, call_days, expires_at, used_at
                """
            ))
        }
    }

    public func release(tokenHash: String) async throws {
        try await PostgresStoreCall.run("cannot give the prolongation link back") {
            try await postgres.query("UPDATE prolongation_grants SET used_at = NULL WHERE token_hash = \(tokenHash)")
        }
    }

    private func first(_ rows: [PostgresRow]) throws -> ProlongationGrant? {
        for row in rows {
            let (hash, user, task, days, expires, used) = try row.decode((String, String, String, Int, Date, Date?).self)
            return ProlongationGrant(tokenHash: hash, userDN: user, taskDN: task, callDays: days, expiresAt: expires, usedAt: used)
        }
        return nil
    }
}
